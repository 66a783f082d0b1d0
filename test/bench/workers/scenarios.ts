/**
 * API requests of the documented scenarios, counted by the emulator, next to the fewest the
 * API allows (the floor).
 */
import type { INodeParameters } from 'n8n-workflow';

import { distinctPdfs, makePdf } from '../../fixtures/pdf';
import { INPUT_NODE_NAME, runNode, runWorkflow } from '../../helpers';
import { createParameters, emulator, serverTime } from './common';

export interface ScenarioJob {
	kind: 'scenarios';
	url: string;
	/** Only the white-label chain (the latency benchmark). */
	whiteLabelOnly?: boolean;
	/** Bulk injection: contracts created, then signed. */
	contracts: number;
	signed: number;
}

export interface ScenarioCount {
	name: string;
	steps: Array<{ what: string; requests: number; floor: number }>;
	/** Wall time of the whole scenario, and the sum of its requests' server times (ms). */
	wallMs: number;
	serverMs: number;
}

const MAX_LIST_PAGE_SIZE = 100;

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

type Sb = ReturnType<typeof emulator>;
type Credentials = Sb['credentials'];

export async function scenarios(job: ScenarioJob): Promise<ScenarioCount[]> {
	const sb = emulator(job.url);
	// Bulk injection first: its "signed" list must not see the white-label contract.
	const bulk = job.whiteLabelOnly ? undefined : await bulkInjection(sb, job);
	// Timed alone, the chain first runs once unmeasured: a fresh process's first workflow run
	// pays for n8n-core's own start-up, which a running n8n has paid long before.
	if (job.whiteLabelOnly) await whiteLabelSigning(sb);
	const whiteLabel = await whiteLabelSigning(sb);
	return bulk ? [whiteLabel, bulk] : [whiteLabel];
}

/** Runs `run` and returns what the emulator logged meanwhile. */
async function counted<T>(
	sb: Sb,
	run: () => Promise<T>,
): Promise<{
	value: T;
	requests: number;
	byName: Record<string, number>;
	wallMs: number;
	serverMs: number;
}> {
	const before = await sb.requestTotal(0);
	const started = performance.now();
	const value = await run();
	const wallMs = performance.now() - started;
	const log = await sb.requestsSince(before);
	const byName: Record<string, number> = {};
	for (const entry of log) byName[entry.requestName] = (byName[entry.requestName] ?? 0) + 1;
	const serverMs = log.reduce((sum, entry) => sum + serverTime(entry), 0);
	return { value, requests: log.length, byName, wallMs, serverMs };
}

function expectOk(what: string, run: { error?: { message: string } }): void {
	if (run.error) throw new Error(`${what}: ${run.error.message}`);
}

/** Bulk injection: many contracts sent at once, later the signed ones fetched with their PDFs. */
async function bulkInjection(sb: Sb, job: ScenarioJob): Promise<ScenarioCount> {
	const credentials: Credentials = sb.credentials;
	const pdfs = await distinctPdfs(job.contracts, 20 * 1024);
	const created = await counted(sb, () =>
		runNode({
			node: {
				parameters: { ...createParameters(1), notifySignatories: false, notifyOwner: false },
			},
			credentials,
			items: pdfs.map((pdf, index) => ({
				json: {},
				binary: {
					data: { data: pdf, fileName: `contract-${index + 1}.pdf`, mimeType: 'application/pdf' },
				},
			})),
		}),
	);
	expectOk('bulk create', created.value);
	const ids = created.value.items.map((item) => item.json.id as string);
	for (const id of ids.slice(0, job.signed)) await sb.signAll(id);

	const fetched = await counted(sb, () =>
		runWorkflow(
			[
				{
					name: 'Get Many',
					type: 'contratPrive',
					parameters: {
						resource: 'contract',
						operation: 'getMany',
						returnAll: true,
						filters: { statuses: ['signed'] },
					},
				},
				{
					name: 'Get',
					type: 'contratPrive',
					parameters: {
						resource: 'contract',
						operation: 'get',
						contractId: byId('={{ $json.id }}'),
						options: { downloadDocuments: true },
					},
				},
			],
			[
				[INPUT_NODE_NAME, 'Get Many'],
				['Get Many', 'Get'],
			],
			{ credentials },
		),
	);
	expectOk('signed contracts', fetched.value);
	const listed = fetched.value.output('Get Many').length;
	const details = fetched.value.output('Get').length;
	if (listed !== job.signed || details !== job.signed) {
		throw new Error(`bulk injection: listed ${listed}, fetched ${details}, expected ${job.signed}`);
	}

	return {
		name: `Bulk injection, ${job.contracts} sent / ${job.signed} signed`,
		steps: [
			{ what: '1 create per contract', requests: created.requests, floor: job.contracts },
			{
				what: 'list pages of signed contracts',
				requests: fetched.byName.contractListRequest ?? 0,
				floor: Math.ceil(job.signed / MAX_LIST_PAGE_SIZE),
			},
			{
				what: '1 detail (PDFs) per signed contract',
				requests: fetched.byName.contractDetailRequest ?? 0,
				floor: job.signed,
			},
			{
				what: 'other requests',
				requests:
					fetched.requests -
					(fetched.byName.contractListRequest ?? 0) -
					(fetched.byName.contractDetailRequest ?? 0),
				floor: 0,
			},
		],
		wallMs: created.wallMs + fetched.wallMs,
		serverMs: created.serverMs + fetched.serverMs,
	};
}

/** White-label signing: the signatory signs in your own app, with the SMS code. */
async function whiteLabelSigning(sb: Sb): Promise<ScenarioCount> {
	const credentials: Credentials = sb.credentials;
	const whiteLabelNodes: Array<{ name: string; parameters: INodeParameters }> = [
		{ name: 'Create', parameters: { ...createParameters(1), notifySignatories: false } },
		{
			name: 'Send SMS',
			parameters: {
				resource: 'signatory',
				operation: 'sendSms',
				contractId: byId('={{ $json.id }}'),
				signatoryId: '={{ $json.signatories[0].id }}',
			},
		},
		{
			name: 'Sign',
			parameters: {
				resource: 'signatory',
				operation: 'sign',
				contractId: byId('={{ $json.contractId }}'),
				signatoryId: '={{ $json.signatoryId }}',
				code: '0000',
			},
		},
		{
			name: 'Get',
			parameters: {
				resource: 'contract',
				operation: 'get',
				contractId: byId('={{ $json.contractId }}'),
				options: { downloadDocuments: true },
			},
		},
	];
	const whiteLabelPdf = await makePdf('White-label');
	const whiteLabel = await counted(sb, () =>
		runWorkflow(
			whiteLabelNodes.map((node) => ({ ...node, type: 'contratPrive' })),
			[
				[INPUT_NODE_NAME, 'Create'],
				['Create', 'Send SMS'],
				['Send SMS', 'Sign'],
				['Sign', 'Get'],
			],
			{
				items: [
					{
						json: {},
						binary: {
							data: { data: whiteLabelPdf, fileName: 'bail.pdf', mimeType: 'application/pdf' },
						},
					},
				],
				credentials,
			},
		),
	);
	expectOk('white-label', whiteLabel.value);
	const [signed] = whiteLabel.value.output('Get');
	if (signed?.json.status !== 'signed' || !signed.binary?.signed) {
		throw new Error(`white-label: the contract is not signed: ${JSON.stringify(signed?.json)}`);
	}

	return {
		name: 'White-label signing',
		steps: [
			{ what: 'create + send SMS + sign + get (PDFs)', requests: whiteLabel.requests, floor: 4 },
		],
		wallMs: whiteLabel.wallMs,
		serverMs: whiteLabel.serverMs,
	};
}
