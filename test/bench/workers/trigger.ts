/**
 * The trigger on a large account: the emulator is seeded by the parent (history + open
 * contracts); this process activates the trigger, then polls: quiet polls first (requests and
 * CPU of each), then polls after one change each. CPU is `process.cpuUsage()` around the poll:
 * this process only (n8n-core's PollContext, HTTP client, JSON, the trigger's reconcile), never
 * the emulator's.
 */
import type { IDataObject } from 'n8n-workflow';

import { TRIGGER_EVENTS } from '../../../nodes/ContratPrive/trigger/changes';
import { makePdf } from '../../fixtures/pdf';
import { runPoll } from '../../helpers';
import { settledRss } from '../lib/memory';
import { deadlineIn, emulator, serverTime } from './common';

export interface TriggerJob {
	kind: 'trigger';
	url: string;
	quietPolls: number;
	/** Ids of open (pending) contracts the job may sign or cancel. */
	pendingIds: string[];
}

export interface PollMeasure {
	requests: number;
	/** The server time of each of the poll's requests (ms; network model on). */
	serverMs: number[];
	cpuMs: number;
	wallMs: number;
	items: number;
}

export interface TriggerResult {
	activation: PollMeasure;
	quiet: PollMeasure[];
	changes: Record<string, PollMeasure>;
	/** JSON of the node's static data after the last poll (what n8n stores). */
	staticDataBytes: number;
	trackedContracts: number;
	rssAfter: number;
}

const ALL_EVENTS = [...TRIGGER_EVENTS];

export async function trigger(job: TriggerJob): Promise<TriggerResult> {
	const sb = emulator(job.url);
	const staticData: IDataObject = {};
	const poll = async (activation: 'activate' | undefined): Promise<PollMeasure> => {
		const before = await sb.requestTotal(0);
		const cpu = process.cpuUsage();
		const started = performance.now();
		const result = await runPoll({
			node: { parameters: { events: ALL_EVENTS } },
			credentials: sb.credentials,
			staticData,
			mode: 'trigger',
			activation,
		});
		const wallMs = performance.now() - started;
		const used = process.cpuUsage(cpu);
		if (result.error) throw result.error;
		const log = await sb.requestsSince(before);
		return {
			requests: log.length,
			serverMs: log.map(serverTime),
			cpuMs: (used.user + used.system) / 1000,
			wallMs,
			items: result.items?.[0]?.length ?? 0,
		};
	};

	const activation = await poll('activate');
	const quiet: PollMeasure[] = [];
	for (let index = 0; index < job.quietPolls; index++) quiet.push(await poll(undefined));

	const changes: Record<string, PollMeasure> = {};
	const [toSign, toCancel] = job.pendingIds;

	await sb.signAll(toSign);
	changes['1 contract signed'] = await poll(undefined);

	await sb.api('contractCancelRequest', { contractId: toCancel });
	changes['1 contract cancelled'] = await poll(undefined);

	await sb.api('contractCreateRequest', {
		contract: { label: 'New contract', lang: 'fr', deadline: deadlineIn(30) },
		mainDocument: { name: 'new.pdf', data: (await makePdf('New contract')).toString('base64') },
		signatories: [
			{ firstName: 'Ana', lastName: 'Lopez', email: 'ana@example.com', phone: '+33612345678' },
		],
		notify: { signatory: false, owner: false },
		action: { submit: true },
	});
	changes['1 contract created'] = await poll(undefined);

	return {
		activation,
		quiet,
		changes,
		staticDataBytes: JSON.stringify(staticData).length,
		trackedContracts: countTracked(staticData),
		rssAfter: settledRss(),
	};
}

function countTracked(staticData: IDataObject): number {
	for (const value of Object.values(staticData)) {
		const active = (value as IDataObject | undefined)?.openContracts;
		if (active && typeof active === 'object') return Object.keys(active).length;
	}
	return 0;
}
