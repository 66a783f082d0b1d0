/**
 * API requests of the documented scenarios, counted by the emulator, next to the fewest the
 * API allows (the floor).
 */
import type { INodeParameters } from 'n8n-workflow';

import { distinctPdfs, makePdf } from '../../fixtures/pdf';
import { INPUT_NODE_NAME, runNode, runWorkflow } from '../../helpers';
import { createParameters, emulator } from './common';

export interface ScenarioJob {
	kind: 'scenarios';
	url: string;
	/** Bulk injection: contracts created, then signed. */
	contracts: number;
	signed: number;
}

export interface ScenarioCount {
	name: string;
	steps: Array<{ what: string; requests: number; floor: number }>;
}

const MAX_LIST_PAGE_SIZE = 100;

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

export async function scenarios(job: ScenarioJob): Promise<ScenarioCount[]> {
	const sb = emulator(job.url);
	const credentials = sb.credentials;
	const counted = async <T>(
		run: () => Promise<T>,
	): Promise<{ value: T; requests: number; byName: Record<string, number> }> => {
		const before = await sb.requestsByName(0);
		const value = await run();
		const after = await sb.requestsByName();
		const byName: Record<string, number> = {};
		let requests = 0;
		for (const [name, count] of Object.entries(after)) {
			const made = count - (before[name] ?? 0);
			if (made) byName[name] = made;
			requests += made;
		}
		return { value, requests, byName };
	};
	const expectOk = (what: string, run: { error?: { message: string } }) => {
		if (run.error) throw new Error(`${what}: ${run.error.message}`);
	};

	// Bulk injection: many contracts sent at once, later the signed ones fetched with their PDFs.
	const pdfs = await distinctPdfs(job.contracts, 20 * 1024);
	const created = await counted(() =>
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

	const fetched = await counted(() =>
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

	// White-label signing: the signatory signs in your own app, with the SMS code.
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
	const whiteLabel = await counted(() =>
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

	return [
		{
			name: 'White-label signing',
			steps: [
				{ what: 'create + send SMS + sign + get (PDFs)', requests: whiteLabel.requests, floor: 4 },
			],
		},
		{
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
		},
	];
}
