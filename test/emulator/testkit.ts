/**
 * Helpers of the conformance suite: a started emulator per test file, API and
 * control clients over real HTTP, payload builders and `pdftotext`.
 */
import { execFile } from 'child_process';
import { mkdtemp, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { DEMO_ACCOUNTS, Emulator, startEmulator } from './index';

const execFileP = promisify(execFile);

export type Keys = { apiUser: string; apiKey: string };
export const SANDBOX: Keys = {
	apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
	apiKey: DEMO_ACCOUNTS.sandbox.apiKey,
};
export const OTHER: Keys = {
	apiUser: DEMO_ACCOUNTS.otherSandbox.apiUser,
	apiKey: DEMO_ACCOUNTS.otherSandbox.apiKey,
};
export const PROD: Keys = {
	apiUser: DEMO_ACCOUNTS.production.apiUser,
	apiKey: DEMO_ACCOUNTS.production.apiKey,
};

export interface Res<T = any> {
	status: number;
	body: T;
	text: string;
	headers: Headers;
}

/** The same tiny PDF the tests upload (a real one, pdf-lib made). */
export const TINY_PDF = Buffer.from(
	'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj\n4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n5 0 obj<</Length 44>>stream\nBT /F1 18 Tf 60 760 Td (Lease agreement) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
	'latin1',
);
export const TINY_PDF_B64 = TINY_PDF.toString('base64');

export const START = '2026-12-01T10:00:00+01:00';
export const DEADLINE = '2026-12-31';

export interface Kit {
	readonly sb: Emulator;
	api<T = any>(platform: string, name: string, body: unknown, keys?: Keys | null): Promise<Res<T>>;
	sandbox<T = any>(name: string, body?: Record<string, unknown>): Promise<Res<T>>;
	prod<T = any>(name: string, body?: Record<string, unknown>): Promise<Res<T>>;
	ctl<T = any>(method: string, path: string, body?: unknown): Promise<Res<T>>;
	raw(path: string, init: RequestInit): Promise<Res>;
}

async function toRes(r: Response): Promise<Res> {
	const text = await r.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: keep the text
	}
	return { status: r.status, body, text, headers: r.headers };
}

/** Starts an emulator for the file; resets state and clock before each test. */
export function useEmulator(start: string = START): Kit {
	let sb: Emulator | undefined;
	beforeAll(async () => {
		sb = await startEmulator({ port: 0, now: start });
	});
	afterAll(async () => {
		await sb?.close();
	});
	beforeEach(() => {
		sb!.reset();
		sb!.clock.set(start);
	});
	const raw = async (path: string, init: RequestInit) =>
		toRes(await fetch(`${sb!.url}${path}`, init));
	const api = (platform: string, name: string, body: unknown, keys: Keys | null = null) =>
		raw(`/${platform}/api/${name}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body:
				typeof body === 'string'
					? body
					: JSON.stringify(keys ? { ...keys, ...(body as object) } : body),
		});
	return {
		get sb() {
			return sb!;
		},
		api,
		sandbox: (name, body = {}) => api('sandbox', name, body, SANDBOX),
		prod: (name, body = {}) => api('production', name, body, PROD),
		ctl: (method, path, body) =>
			raw(`/_control${path}`, {
				method,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			}),
		raw,
	};
}

export interface SignatoryIn {
	firstName: string;
	lastName: string;
	email: string;
	phone: string;
	deposit?: number;
}

export const ALICE: SignatoryIn = {
	firstName: 'Alice',
	lastName: 'Martin',
	email: 'alice@example.com',
	phone: '+33612345678',
};
export const BOB: SignatoryIn = {
	firstName: 'Bob',
	lastName: 'Durand',
	email: 'bob@example.com',
	phone: '+33 6 98 76 54 32',
};
export const VALID_IBAN = 'FR7630006000011234567890189';

/** A valid contractCreateRequest body (without keys). */
export function createBody(
	over: {
		contract?: Record<string, unknown>;
		signatories?: unknown[];
		notify?: Record<string, unknown>;
		submit?: boolean;
		mainDocument?: unknown;
		annexes?: unknown;
	} = {},
): Record<string, any> {
	return {
		contract: {
			label: 'Bail meublé - Lyon',
			lang: 'fr',
			deadline: DEADLINE,
			reference: 'REF-1',
			...over.contract,
		},
		mainDocument: over.mainDocument ?? { name: 'bail.pdf', data: TINY_PDF_B64 },
		...(over.annexes === undefined ? {} : { annexes: over.annexes }),
		signatories: over.signatories ?? [ALICE, BOB],
		notify: { signatory: true, owner: true, submitMessage: 'Merci de signer', ...over.notify },
		action: { submit: over.submit ?? true },
	};
}

/** Creates a contract through the API and returns it (fails the test otherwise). */
export async function createContract(
	kit: Kit,
	platform: 'sandbox' | 'production' = 'sandbox',
	over: Parameters<typeof createBody>[0] = {},
	keys?: Keys,
): Promise<any> {
	const r = await kit.api(
		platform,
		'contractCreateRequest',
		createBody(over),
		keys ?? (platform === 'sandbox' ? SANDBOX : PROD),
	);
	if (r.status !== 200) throw new Error(`create failed: ${r.status} ${r.text}`);
	return r.body.contract;
}

/** Text of each page of a PDF, read back by poppler's `pdftotext`. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
	const dir = await mkdtemp(join(tmpdir(), 'cp-sandbox-'));
	try {
		const file = join(dir, 'doc.pdf');
		await writeFile(file, pdf);
		const { stdout } = await execFileP('pdftotext', ['-enc', 'UTF-8', file, '-'], {
			maxBuffer: 64 * 1024 * 1024,
		});
		const pages = stdout.split('\f');
		if (pages[pages.length - 1].trim() === '') pages.pop();
		return pages;
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/** Snapshot of the observable state, to assert a rejected request changed nothing. */
export async function stateSnapshot(kit: Kit): Promise<string> {
	const parts: unknown[] = [];
	for (const keys of [SANDBOX, OTHER]) {
		const r = await kit.api('sandbox', 'contractListRequest', { limit: 100 }, keys);
		for (const c of r.body.contracts) {
			const d = await kit.ctl('GET', `/contracts/${c.id}`);
			parts.push(d.body);
		}
	}
	const p = await kit.api('production', 'contractListRequest', { limit: 100 }, PROD);
	for (const c of p.body.contracts) parts.push((await kit.ctl('GET', `/contracts/${c.id}`)).body);
	const outbox = await kit.ctl('GET', '/outbox');
	return JSON.stringify({ parts, outbox: outbox.body });
}
