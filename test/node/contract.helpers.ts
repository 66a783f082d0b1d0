/**
 * Shared set-up of the contract operation tests: one emulator per test file (real clock, so
 * that the node's "today in Paris" and the emulator's agree), the node run through n8n-core's
 * engine over real HTTP, and checks that the API key never leaks.
 */
import type { IDataObject, INodeParameters, IRun } from 'n8n-workflow';

import type { WireContract } from '../emulator/wire-reply';
import type { EmulatorKit, Reply } from '../helpers/emulator-kit';
import { extendKit, useEmulator } from '../helpers/emulator-kit';
import type { RunNodeResult } from '../helpers/run-workflow';
import { runNode, stringifySafe } from '../helpers/run-workflow';
import type { Keys, Platform } from '../fixtures/accounts';
import { KEYS, SECRETS } from '../fixtures/accounts';
import { createParameters, parisDate } from '../fixtures/contracts';
import { ALICE, BOB } from '../fixtures/people';
import type { FixtureFile } from '../fixtures/pdf';
import { makePdf, PDF_BASE64_PREFIX, pdfFile } from '../fixtures/pdf';

/** A resource locator value in "By ID" mode (an ID or an expression). */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

export { createParameters, parisDate };

export interface Item {
	json: IDataObject;
	binary?: Record<string, FixtureFile>;
}

export async function leasePdf(): Promise<Buffer> {
	return await makePdf('Lease agreement', 'Second page');
}

export async function leaseItem(json: IDataObject = {}): Promise<Item> {
	return { json, binary: { data: pdfFile(await leasePdf(), 'lease.pdf') } };
}

export interface NodeKit extends Omit<EmulatorKit, 'api'> {
	/** Runs the Contrat-Privé node on `items` with the sandbox keys (or `keys`/`platform`). */
	run(
		parameters: INodeParameters,
		items: Item[],
		options?: {
			continueOnFail?: boolean;
			platform?: Platform;
			keys?: Keys;
			/** Default 'default' (in memory); 'filesystem' is n8n 2.x's own default. */
			binaryDataMode?: 'default' | 'filesystem';
		},
	): Promise<RunNodeResult>;
	/** A request to the emulator's API, outside the node (test set-up), with the demo keys or `keys`. */
	api(
		platform: Platform,
		requestName: string,
		body: Record<string, unknown>,
		keys?: Keys,
	): Promise<Reply>;
	/** Signs every signatory of a contract on the "website", so that it becomes signed. */
	signAll(contractId: string): Promise<void>;
	/** The code of the last SMS sent to a signatory, read from the control outbox (production). */
	lastSmsCode(contractId: string, signatoryId: string): Promise<string>;
}

/**
 * The base kit on real time (the node's "today in Paris" and the emulator's agree), failing a
 * test during which the emulator hit an internal error; and the node run through n8n-core.
 */
export function useNodeKit(): NodeKit {
	const kit = useEmulator({ failOnInternalErrors: true });
	const { control, credentials } = kit;
	return extendKit(kit, {
		async run(
			parameters: INodeParameters,
			items: Item[],
			options: Parameters<NodeKit['run']>[2] = {},
		) {
			return await runNode({
				node: { parameters, continueOnFail: options.continueOnFail },
				credentials: credentials(options.platform, options.keys),
				items,
				binaryDataMode: options.binaryDataMode,
			});
		},
		async api(platform: Platform, requestName: string, body: Record<string, unknown>, keys?: Keys) {
			return await kit.api(platform, requestName, body, keys ?? KEYS[platform]);
		},
		async signAll(contractId: string) {
			const view = await control('GET', `/contracts/${contractId}`);
			expect(view.status).toBe(200);
			const signatories = (view.body.contract ?? view.body).signatories as Array<{ id: string }>;
			for (const signatory of signatories) {
				const signed = await control(
					'POST',
					`/contracts/${contractId}/signatories/${signatory.id}/sign`,
				);
				expect(signed.status).toBe(200);
			}
		},
		async lastSmsCode(contractId: string, signatoryId: string) {
			const outbox = await control('GET', '/outbox');
			expect(outbox.status).toBe(200);
			const sms = (
				outbox.body.sms as Array<{ contractId: string; signatoryId: string; code: string }>
			)
				.filter((entry) => entry.contractId === contractId && entry.signatoryId === signatoryId)
				.at(-1);
			if (!sms) throw new Error(`No SMS in the outbox for ${contractId}/${signatoryId}`);
			return sms.code;
		},
	});
}

/** What a node run (runNode) or a workflow run (runWorkflow) left behind. */
export interface RunTrace {
	run: IRun;
	logs: string[];
	items?: unknown;
	error?: { json: string };
}

export interface ApiContractOptions {
	label?: string;
	reference?: string;
	/** YYYY-MM-DD; default 30 days from today (Paris). */
	deadline?: string;
	signatories?: Array<{
		firstName: string;
		lastName: string;
		email: string;
		phone: string;
		deposit?: number;
	}>;
	/** Default true (sent at once); false: a draft. */
	submit?: boolean;
	notify?: { signatory?: boolean; owner?: boolean; submitMessage?: string };
	bankAccount?: { iban: string; bic?: string; holder: string };
	keys?: Keys;
}

/** Test set-up: a contract created through the API, outside the node; the wire `Contract`. */
export async function createContractViaApi(
	kit: NodeKit,
	platform: Platform = 'sandbox',
	options: ApiContractOptions = {},
): Promise<WireContract> {
	const response = await kit.api(
		platform,
		'contractCreateRequest',
		{
			contract: {
				label: options.label ?? 'Bail meublé - Lyon',
				lang: 'fr',
				deadline: options.deadline ?? parisDate(30),
				...(options.reference ? { reference: options.reference } : {}),
				...(options.bankAccount ? { bankAccount: options.bankAccount } : {}),
			},
			mainDocument: { name: 'lease.pdf', data: (await leasePdf()).toString('base64') },
			signatories: options.signatories ?? [
				{ ...ALICE, deposit: 0 },
				{ ...BOB, deposit: 0 },
			],
			notify: { signatory: false, owner: false, ...options.notify },
			action: { submit: options.submit ?? true },
		},
		options.keys,
	);
	if (response.status !== 200) {
		throw new Error(
			`Set-up failed: contractCreateRequest ${response.status} ${JSON.stringify(response.body)}`,
		);
	}
	return response.body.contract;
}

/** Everything a run left behind (output, stored errors, run data of every node, logs), as text. */
export function everything(result: RunTrace): string {
	return [
		stringifySafe(result.items ?? null),
		result.error?.json ?? '',
		stringifySafe(result.run.data.resultData.runData),
		stringifySafe(result.run.data.resultData.error ?? null),
		result.logs.join('\n'),
	].join('\n');
}

export function expectNoSecret(result: RunTrace): void {
	const text = everything(result);
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

export function expectNoBase64InJson(result: RunNodeResult): void {
	for (const item of result.items) {
		expect(JSON.stringify(item.json)).not.toContain(PDF_BASE64_PREFIX);
	}
}

/** Fault suites: small delays so that they stay fast (300 ms timeout, 10 ms first retry delay). */
export const FAST_RETRIES = {
	requestTimeout: 300,
	retryDelay: 10,
	maxRetries: 3,
	retryTimeLimit: 10_000,
};

/** The emulator's fault kinds that break a request (429, a rate limit, has its own tests). */
export const FAILURE_KINDS = ['500', '502', '503', 'timeout', 'reset', 'malformed'] as const;
