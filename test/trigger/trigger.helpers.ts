/**
 * Shared set-up of the trigger tests: one emulator per test file on a virtual clock, the
 * trigger's poll() run through n8n-core's real PollContext (test/helpers/poll.ts), and a small
 * model of an n8n instance that keeps an active workflow's static data the way n8n does:
 *
 * - in memory, the `Workflow` object's static data, changed in place by every poll;
 * - in the database, a copy saved (1) right after activation (ActiveWorkflowManager.add calls
 *   saveStaticData once the poll run at activation is done) and (2) whenever a poll emits items
 *   (__emit). A poll that emits nothing leaves the database as it was;
 * - a restart throws the memory away, reloads the database copy and activates again
 *   (activation mode 'init'), which runs a poll at once.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Platform } from '../emulator';
import type { WireContract } from '../emulator/wire-reply';
import type { EmulatorKit, Reply } from '../helpers/emulator-kit';
import { extendKit, useEmulator } from '../helpers/emulator-kit';
import type { TriggerItem } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import type { RunPollResult } from '../helpers/poll';
import { runPoll } from '../helpers/poll';
import { KEYS } from '../fixtures/accounts';
import { numberedPerson } from '../fixtures/people';
import { TINY_PDF_B64 } from '../fixtures/pdf';

export const START = '2026-12-01T09:00:00.000Z';
export const DEADLINE = '2026-12-31';

const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export interface NewContract {
	label?: string;
	reference?: string | null;
	deadline?: string;
	signatories?: number;
	submit?: boolean;
}

export interface TriggerKit extends Omit<EmulatorKit, 'api'> {
	/** An API request with the demo keys of `platform` (default sandbox). */
	api(name: string, body: Record<string, unknown>, platform?: Platform): Promise<Reply>;
	create(contract?: NewContract, platform?: Platform): Promise<WireContract>;
	validate(contractId: string): Promise<void>;
	sign(contractId: string, signatoryId: string): Promise<void>;
	signAll(contractId: string): Promise<void>;
	cancel(contractId: string, platform?: Platform): Promise<void>;
	/** Injects a fault for the next `count` API requests (of `requestName` when given). */
	fault(kind: string, options?: { count?: number; requestName?: string }): Promise<void>;
	/** The emulator's full view of a contract, audit log included. */
	view(contractId: string): Promise<WireContract>;
	/** Runs one poll. */
	poll(
		parameters: INodeParameters,
		options?: { staticData?: IDataObject; mode?: 'trigger' | 'manual'; platform?: Platform },
	): Promise<RunPollResult>;
	/** A fresh simulated n8n instance with this trigger in an active workflow. */
	instance(parameters: INodeParameters, platform?: Platform): N8nInstance;
}

const expectOk = (what: string, result: Reply) => {
	if (result.status !== 200)
		throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body)}`);
};

/** The base kit on a virtual clock set to `start` before each test, and the trigger's polls. */
export function useTriggerKit(start: string = START): TriggerKit {
	const base = useEmulator({ now: start, failOnInternalErrors: true });
	const { control, credentials } = base;
	const api = async (name: string, body: Record<string, unknown>, platform: Platform = 'sandbox') =>
		await base.api(platform, name, body, KEYS[platform]);

	const kit: TriggerKit = extendKit(base, {
		api,
		async create(contract: NewContract = {}, platform: Platform = 'sandbox') {
			const count = contract.signatories ?? 1;
			const signatories = Array.from({ length: count }, (_, i) => numberedPerson(i + 1));
			const details: Record<string, unknown> = {
				label: contract.label ?? 'Bail meublé - Lyon',
				lang: 'fr',
				deadline: contract.deadline ?? DEADLINE,
			};
			if (contract.reference !== null) details.reference = contract.reference ?? 'REF-1';
			const result = await api(
				'contractCreateRequest',
				{
					contract: details,
					mainDocument: { name: 'bail.pdf', data: TINY_PDF_B64 },
					signatories,
					notify: { signatory: false, owner: false },
					action: { submit: contract.submit ?? true },
				},
				platform,
			);
			expectOk('create', result);
			return result.body.contract;
		},
		async validate(contractId: string) {
			expectOk('validate', await control('POST', `/contracts/${contractId}/validate`));
		},
		async sign(contractId: string, signatoryId: string) {
			expectOk(
				'sign',
				await control('POST', `/contracts/${contractId}/signatories/${signatoryId}/sign`),
			);
		},
		async signAll(contractId: string) {
			const view = await kit.view(contractId);
			for (const signatory of view.signatories) {
				if (signatory.status === 'pending') await kit.sign(contractId, signatory.id);
			}
		},
		async cancel(contractId: string, platform: Platform = 'sandbox') {
			expectOk('cancel', await api('contractCancelRequest', { contractId }, platform));
		},
		async fault(kind: string, options: { count?: number; requestName?: string } = {}) {
			expectOk(
				'fault',
				await control('POST', '/faults', {
					kind,
					count: options.count ?? 1,
					...(options.requestName ? { requestName: options.requestName } : {}),
				}),
			);
		},
		async view(contractId: string) {
			const result = await control('GET', `/contracts/${contractId}`);
			expectOk('view', result);
			return result.body.contract;
		},
		async poll(parameters: INodeParameters, options: Parameters<TriggerKit['poll']>[1] = {}) {
			return await runPoll({
				node: { parameters },
				credentials: credentials(options.platform),
				staticData: options.staticData ?? {},
				mode: options.mode ?? 'trigger',
			});
		},
		instance(parameters: INodeParameters, platform: Platform = 'sandbox') {
			return new N8nInstance((staticData, activation) =>
				runPoll({
					node: { parameters },
					credentials: credentials(platform),
					staticData,
					mode: 'trigger',
					activation,
				}),
			);
		},
	});
	return kit;
}

type PollRunner = (
	staticData: IDataObject,
	activation: 'activate' | 'init' | undefined,
) => Promise<RunPollResult>;

/** An n8n instance running one active workflow with the trigger (see the file comment). */
export class N8nInstance {
	/** What the database holds. */
	database: IDataObject = {};
	/** The active workflow's static data in memory. */
	memory: IDataObject = {};
	/** Every item emitted so far, across restarts. */
	readonly emitted: INodeExecutionData[] = [];

	constructor(private readonly run: PollRunner) {}

	/** Activation (first time, or after a restart): a poll at once, then static data saved. */
	async activate(activation: 'activate' | 'init' = 'activate'): Promise<RunPollResult> {
		const result = await this.pollOnce(activation);
		if (!result.error) this.database = jsonCopy(this.memory);
		return result;
	}

	/** A scheduled poll. */
	async poll(): Promise<RunPollResult> {
		return await this.pollOnce(undefined);
	}

	/** n8n stops without warning and starts again: memory lost, database reloaded, reactivated. */
	async restart(): Promise<RunPollResult> {
		this.memory = jsonCopy(this.database);
		return await this.activate('init');
	}

	private async pollOnce(activation: 'activate' | 'init' | undefined): Promise<RunPollResult> {
		const result = await this.run(this.memory, activation);
		if (result.savedStaticData) this.database = jsonCopy(result.savedStaticData);
		if (result.items) this.emitted.push(...result.items[0]);
		return result;
	}
}

/** The node's static data (one node per workflow in these tests). */
export function nodeData(staticData: IDataObject): IDataObject {
	const key = Object.keys(staticData).find((name) => name.startsWith('node:'));
	return (key ? staticData[key] : {}) as IDataObject;
}

/** `event` or `event:signatoryId` of each item, for compact assertions. */
export function eventsOf(result: RunPollResult | INodeExecutionData[]): string[] {
	const items = Array.isArray(result) ? result : (result.items?.[0] ?? []);
	return items.map((item) => {
		const json = jsonAs<TriggerItem>(item);
		return json.signatory ? `${json.event}:${json.signatory.id}` : json.event;
	});
}

/** `contractId event[:signatoryId]` of each item. */
export function contractEventsOf(result: RunPollResult | INodeExecutionData[]): string[] {
	const items = Array.isArray(result) ? result : (result.items?.[0] ?? []);
	return items.map((item) => {
		const json = jsonAs<TriggerItem>(item);
		return `${json.contract.id} ${json.signatory ? `${json.event}:${json.signatory.id}` : json.event}`;
	});
}

export const ALL_EVENTS = [
	'contractCreated',
	'contractSent',
	'signatorySigned',
	'contractSigned',
	'contractCancelled',
	'contractExpired',
];
