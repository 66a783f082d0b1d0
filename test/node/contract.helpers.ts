/**
 * Shared set-up of the contract operation tests: one emulator per test file (real clock, so
 * that the node's "today in Paris" and the emulator's agree), the node run through n8n-core's
 * engine over real HTTP, and checks that the API key never leaks.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import type { INodeParameters, IRun } from 'n8n-workflow';

import type { ContratPriveCredentials } from '../helpers/credentials';
import type { RunNodeResult } from '../helpers/run-workflow';
import { runNode, stringifySafe } from '../helpers/run-workflow';
import type { Emulator } from '../emulator';
import { DEMO_ACCOUNTS, startEmulator } from '../emulator';
import type { FixtureFile } from '../fixtures/pdf';
import { makePdf, pdfFile } from '../fixtures/pdf';

export const SANDBOX_KEYS = {
	apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
	apiKey: DEMO_ACCOUNTS.sandbox.apiKey,
};
export const PRODUCTION_KEYS = {
	apiUser: DEMO_ACCOUNTS.production.apiUser,
	apiKey: DEMO_ACCOUNTS.production.apiKey,
};
export const SECRETS = [
	DEMO_ACCOUNTS.sandbox.apiKey,
	DEMO_ACCOUNTS.production.apiKey,
	DEMO_ACCOUNTS.otherSandbox.apiKey,
];

export const VALID_IBAN = 'FR7630006000011234567890189';

export type Keys = { apiUser: string; apiKey: string };
export type PlatformName = 'sandbox' | 'production';

/** A resource locator value in "By ID" mode (an ID or an expression). */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** A date `days` from today in Paris, YYYY-MM-DD. */
export function parisDate(days = 0): string {
	return DateTime.now().setZone('Europe/Paris').plus({ days }).toISODate() as string;
}

export const ALICE = {
	firstName: 'Alice',
	lastName: 'Martin',
	email: 'alice@example.com',
	phone: '06 12 34 56 78',
	deposit: 0,
};
export const BOB = {
	firstName: 'Bob',
	lastName: 'Durand',
	email: 'bob@example.com',
	phone: '+33 7 98 76 54 32',
	deposit: 0,
};

/** Parameters of a valid Contract › Create. */
export function createParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'contract',
		operation: 'create',
		label: 'Bail meublé - Lyon',
		language: 'fr',
		deadline: `${parisDate(30)}T00:00:00`,
		binaryPropertyName: 'data',
		signatoriesInput: 'fields',
		signatories: { signatory: [{ ...ALICE }, { ...BOB }] },
		action: 'send',
		message: 'Merci de signer le bail',
		...overrides,
	};
}

export interface Item {
	json: Record<string, any>;
	binary?: Record<string, FixtureFile>;
}

export async function leasePdf(): Promise<Buffer> {
	return await makePdf('Lease agreement', 'Second page');
}

export async function leaseItem(json: Record<string, any> = {}): Promise<Item> {
	return { json, binary: { data: pdfFile(await leasePdf(), 'lease.pdf') } };
}

export interface NodeSandbox {
	readonly sb: Emulator;
	/** A custom-URL credential on the emulator's `platform` (default sandbox), its demo keys or `keys`. */
	credentials(platform?: PlatformName, keys?: Keys): ContratPriveCredentials;
	/** Runs the Contrat-Privé node on `items` with the sandbox keys (or `keys`/`platform`). */
	run(
		parameters: INodeParameters,
		items: Item[],
		options?: {
			continueOnFail?: boolean;
			platform?: 'sandbox' | 'production';
			keys?: { apiUser: string; apiKey: string };
			/** Default 'default' (in memory); 'filesystem' is n8n 2.x's own default. */
			binaryDataMode?: 'default' | 'filesystem';
		},
	): Promise<RunNodeResult>;
	/** A request to the emulator's API, outside the node (test set-up). */
	api(
		platform: 'sandbox' | 'production',
		requestName: string,
		body: Record<string, unknown>,
		keys?: { apiUser: string; apiKey: string },
	): Promise<{ status: number; body: any }>;
	control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
	/** Signs every signatory of a contract on the "website", so that it becomes signed. */
	signAll(contractId: string): Promise<void>;
	/** The code of the last SMS sent to a signatory, read from the control outbox (production). */
	lastSmsCode(contractId: string, signatoryId: string): Promise<string>;
}

/**
 * One emulator for the test file; state and request log are emptied and the emulator's clock
 * is put back to real time before each test (a test may advance it).
 */
export function useNodeSandbox(): NodeSandbox {
	let sandbox: Emulator | undefined;
	beforeAll(async () => {
		sandbox = await startEmulator({ port: 0 });
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	beforeEach(() => {
		sandbox!.reset();
		sandbox!.clock.set(new Date());
	});
	afterEach(() => {
		expect(sandbox!.internalErrors).toEqual([]);
	});

	const control = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${sandbox!.url}/_control${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: (await response.json()) as any };
	};

	const credentials = (
		platform: PlatformName = 'sandbox',
		keys?: Keys,
	): ContratPriveCredentials => ({
		platform: 'custom',
		baseUrl: sandbox!.baseUrls[platform],
		...(keys ?? (platform === 'sandbox' ? SANDBOX_KEYS : PRODUCTION_KEYS)),
	});

	return {
		get sb() {
			return sandbox!;
		},
		credentials,
		async run(parameters, items, options = {}) {
			return await runNode({
				node: { parameters, continueOnFail: options.continueOnFail },
				credentials: credentials(options.platform, options.keys),
				items,
				binaryDataMode: options.binaryDataMode,
			});
		},
		async api(platform, requestName, body, keys) {
			const response = await fetch(`${sandbox!.baseUrls[platform]}/${requestName}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					...(keys ?? (platform === 'sandbox' ? SANDBOX_KEYS : PRODUCTION_KEYS)),
					...body,
				}),
			});
			return { status: response.status, body: (await response.json()) as any };
		},
		control,
		async signAll(contractId) {
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
		async lastSmsCode(contractId, signatoryId) {
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
	};
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
	kit: NodeSandbox,
	platform: PlatformName = 'sandbox',
	options: ApiContractOptions = {},
): Promise<any> {
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
				{ ...ALICE, phone: '+33612345678' },
				{ ...BOB, phone: '+33798765432' },
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

/** Base64 of "%PDF-" starts with this: no PDF content may stay in an item's JSON. */
export const PDF_BASE64_PREFIX = 'JVBERi0';

export function expectNoBase64InJson(result: RunNodeResult): void {
	for (const item of result.items) {
		expect(JSON.stringify(item.json)).not.toContain(PDF_BASE64_PREFIX);
	}
}

const execFileAsync = promisify(execFile);

/** Text of each page of a PDF, read back with poppler's pdftotext. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
	const directory = await mkdtemp(join(tmpdir(), 'contrat-prive-node-'));
	try {
		const file = join(directory, 'document.pdf');
		await writeFile(file, pdf);
		const { stdout } = await execFileAsync('pdftotext', ['-enc', 'UTF-8', file, '-'], {
			maxBuffer: 64 * 1024 * 1024,
		});
		const pages = stdout.split('\f');
		if (pages[pages.length - 1].trim() === '') pages.pop();
		return pages;
	} finally {
		await rm(directory, { recursive: true, force: true });
	}
}
