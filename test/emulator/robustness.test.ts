/**
 * Robustness of the emulator: a fuzz test over the request schemas (seeded, bounded in time),
 * never a 500 and never a change of state for a rejected request; owner isolation; constant-time
 * key comparison; request size limits; truncated PDFs.
 */
import { handleApi, REQUEST_NAMES, RequestName } from './api';
import { VirtualClock } from './clock';
import { ApiError } from './errors';
import { Store } from './store';
import type { CreateBody } from './testkit';
import { START, createBody, createContract, stateSnapshot, useApiKit } from './testkit';
import type { WireContract, WireReply } from './wire-reply';
import { Env } from './workflow';
import { OTHER_SANDBOX_KEYS, PRODUCTION_KEYS, SANDBOX_KEYS } from '../fixtures/accounts';
import { VALID_IBAN } from '../fixtures/ibans';
import { makePdf, TINY_PDF } from '../fixtures/pdf';
import { ALICE, BOB_SPACED_PHONE } from '../fixtures/people';
import { prng } from '../fixtures/random';

const kit = useApiKit();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const deep = (depth: number): Json => {
	let value: Json = 'bottom';
	for (let i = 0; i < depth; i++) value = { a: value };
	return value;
};

/** Values that break schemas: wrong types, edges, huge, odd strings, prototype keys. */
const ODD_VALUES: Json[] = [
	null,
	true,
	false,
	0,
	-1,
	1.5,
	-0.001,
	1e308,
	-1e308,
	Number.MAX_SAFE_INTEGER + 2,
	'',
	' ',
	'\u0000',
	'\uD800',
	'😀'.repeat(50),
	'<script>alert(1)</script>',
	"'; DROP TABLE contracts; --",
	'__proto__',
	'constructor',
	'x'.repeat(256),
	'x'.repeat(100_000),
	'0000',
	'2026-02-30',
	'9999-12-31',
	'+33612345678',
	VALID_IBAN,
	'JVBERi0xLjQ=',
	'%PDF-',
	{},
	[],
	[[]],
	[null],
	{ __proto__: { polluted: true } } as unknown as Json,
	JSON.parse('{"__proto__": {"polluted": true}}') as Json,
	{ constructor: { prototype: { polluted: true } } },
	Array.from({ length: 1000 }, (_, i) => i),
	deep(200),
];

interface Path {
	parent: Json[] | { [key: string]: Json };
	key: string | number;
}

function paths(value: Json, into: Path[] = []): Path[] {
	if (Array.isArray(value)) {
		value.forEach((child, index) => {
			into.push({ parent: value, key: index });
			paths(child, into);
		});
	} else if (value !== null && typeof value === 'object') {
		for (const key of Object.keys(value)) {
			into.push({ parent: value, key });
			paths(value[key], into);
		}
	}
	return into;
}

/** One to three random mutations of a (deep-copied) valid body. */
function mutate(body: object, random: () => number): Record<string, Json> | string {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	// a copy: the pool itself must never change
	const odd = (): Json => structuredClone(pick(ODD_VALUES));
	const copy = JSON.parse(JSON.stringify(body)) as Record<string, Json>;
	const roll = random();
	if (roll < 0.05) {
		// Not JSON any more: cut or corrupt the text.
		const text = JSON.stringify(copy);
		const at = Math.floor(random() * text.length);
		return random() < 0.5 ? text.slice(0, at) : `${text.slice(0, at)}\u0001${text.slice(at + 1)}`;
	}
	const count = 1 + Math.floor(random() * 3);
	for (let i = 0; i < count; i++) {
		const all = paths(copy).filter(
			// the keys stay valid most of the time, so that the parameters are reached
			(path) =>
				!(path.parent === copy && (path.key === 'apiKey' || path.key === 'apiUser')) ||
				random() < 0.05,
		);
		const action = random();
		if (all.length === 0 || action < 0.1) {
			(copy as Record<string, Json>)[
				pick(['extra', '__proto__', 'constructor', 'filter', 'code'])
			] = pick(ODD_VALUES);
			continue;
		}
		const path = pick(all);
		const parent = path.parent as Record<string | number, Json>;
		if (action < 0.35) {
			if (Array.isArray(path.parent)) path.parent.splice(path.key as number, 1);
			else delete parent[path.key];
		} else if (action < 0.85) {
			parent[path.key] = odd();
		} else if (action < 0.95) {
			const current = parent[path.key];
			parent[path.key] =
				typeof current === 'string'
					? current + current.slice(0, 1).repeat(300)
					: typeof current === 'number'
						? -current * 1000
						: Array.isArray(current)
							? [...current, ...current, ...current]
							: String(current);
		} else {
			parent[path.key] = { nested: parent[path.key] };
		}
	}
	return copy;
}

// ---------------------------------------------------------------- in-process state

interface Fuzzed {
	env: Env;
	contractId: string;
	signatoryId: string;
	secondContractId: string;
}

async function freshEnv(tinyPdf: Buffer): Promise<Fuzzed> {
	const env: Env = {
		store: new Store(),
		clock: new VirtualClock(START),
		baseUrl: () => 'http://127.0.0.1:1',
		tinyPdf,
	};
	const create = async () => {
		const r = await handleApi(
			env,
			'sandbox',
			'contractCreateRequest',
			JSON.stringify({ ...SANDBOX_KEYS, ...createBody() }),
		);
		return (r.body as Pick<WireReply, 'contract'>).contract;
	};
	const first = await create();
	const second = await create();
	return {
		env,
		contractId: first.id,
		signatoryId: first.signatories[0].id,
		secondContractId: second.id,
	};
}

/** Everything a request can change, in short: contracts, signatories, logs, outbox. */
function fingerprint(env: Env): string {
	const parts: string[] = [];
	for (const c of env.store.contracts.values()) {
		parts.push(
			[
				c.id,
				c.platform,
				c.owner,
				c.status,
				c.updatedAt,
				c.log.length,
				c.label,
				c.reference,
				c.cancelledAt,
				c.signatories
					.map(
						(s) =>
							`${s.id}/${s.status}/${s.smsSent}/${s.failedAttempts}/${s.depositPaid}/${s.lastCode}`,
					)
					.join(','),
			].join('|'),
		);
	}
	return `${parts.join('\n')}\n${env.store.emails.length}/${env.store.sms.length}`;
}

const VALID_BODIES = (f: Fuzzed): Record<RequestName, object> => ({
	checkConnexionRequest: { ...SANDBOX_KEYS },
	contractCreateRequest: { ...SANDBOX_KEYS, ...createBody() },
	contractListRequest: {
		...SANDBOX_KEYS,
		filter: {
			status: ['pending', 'draft'],
			createdFrom: '2026-11-01',
			createdTo: '2026-12-31T23:59:59Z',
			reference: 'REF-1',
		},
		offset: 0,
		limit: 10,
	},
	contractDetailRequest: { ...SANDBOX_KEYS, contractId: f.contractId },
	contractCancelRequest: { ...SANDBOX_KEYS, contractId: f.secondContractId, reason: 'fuzz' },
	signatorySendSmsRequest: {
		...SANDBOX_KEYS,
		contractId: f.contractId,
		signatoryId: f.signatoryId,
	},
	signatorySendAllSmsRequest: { ...SANDBOX_KEYS, contractId: f.contractId },
	signatorySignRequest: {
		...SANDBOX_KEYS,
		contractId: f.contractId,
		signatoryId: f.signatoryId,
		code: '0000',
	},
});

const DOCUMENTED = new Set([
	'VALIDATION_ERROR',
	'INVALID_BANK_ACCOUNT',
	'INVALID_CREDENTIALS',
	'WRONG_PLATFORM',
	'UNKNOWN_REQUEST',
	'CONTRACT_NOT_FOUND',
	'SIGNATORY_NOT_FOUND',
	'INVALID_STATE',
	'PAYLOAD_TOO_LARGE',
	'INVALID_SMS_CODE',
	'DEPOSIT_PAYMENT_REQUIRED',
	'SIGNATORY_LOCKED',
	'SMS_LIMIT_REACHED',
	'DAILY_QUOTA_EXCEEDED',
]);

const MUTATIONS_PER_REQUEST = 2000;
const SEED = 20261201;

describe('fuzz: random mutations of valid bodies, for each of the 8 requests', () => {
	const figures: Record<string, Record<string, number>> = {};

	test.each(REQUEST_NAMES.map((name, index) => [name, index] as const))(
		'%s: 2,000 mutations, never a 500, a rejected request changes nothing',
		async (requestName, index) => {
			const random = prng(SEED + index);
			const tinyPdf = await makePdf('fuzz');
			let fuzzed = await freshEnv(tinyPdf);
			const counts: Record<string, number> = {};
			const problems: string[] = [];
			const started = Date.now();
			for (let i = 0; i < MUTATIONS_PER_REQUEST; i++) {
				if (fuzzed.env.store.contracts.size > 40) fuzzed = await freshEnv(tinyPdf);
				const body = mutate(VALID_BODIES(fuzzed)[requestName], random);
				const raw = typeof body === 'string' ? body : JSON.stringify(body);
				const before = fingerprint(fuzzed.env);
				let status: number;
				let code = 'OK';
				try {
					await handleApi(fuzzed.env, 'sandbox', requestName, raw);
					status = 200;
				} catch (e) {
					if (!(e instanceof ApiError)) {
						problems.push(`#${i}: ${String(e)} for ${raw.slice(0, 300)}`);
						continue;
					}
					status = e.status;
					code = e.code;
					if (!DOCUMENTED.has(e.code) || e.status >= 500) {
						problems.push(`#${i}: ${e.status} ${e.code} for ${raw.slice(0, 300)}`);
					}
					if (typeof e.message !== 'string' || e.message === '') {
						problems.push(`#${i}: no message`);
					}
					if (fingerprint(fuzzed.env) !== before) {
						problems.push(
							`#${i}: rejected (${e.code}) but the state changed, for ${raw.slice(0, 300)}`,
						);
					}
				}
				counts[code] = (counts[code] ?? 0) + 1;
				expect(status).toBeLessThan(500);
			}
			const ms = Date.now() - started;
			figures[requestName] = { ...counts, ms };
			expect(problems).toEqual([]);
			// Bounded in time: 2,000 requests in well under the test timeout.
			expect(ms).toBeLessThan(30_000);
			// The fuzz reaches both sides: some mutations are still valid, most are refused.
			expect(counts.OK ?? 0).toBeLessThan(MUTATIONS_PER_REQUEST);
			expect(counts.VALIDATION_ERROR ?? 0).toBeGreaterThan(0);
		},
	);

	afterAll(() => {
		const total = Object.values(figures).reduce(
			(sum, counts) =>
				sum + Object.entries(counts).reduce((s, [k, v]) => (k === 'ms' ? s : s + v), 0),
			0,
		);
		const accepted = Object.values(figures).reduce((sum, counts) => sum + (counts.OK ?? 0), 0);
		console.log(
			`Fuzz: ${total} mutated requests (seed ${SEED}), ${accepted} accepted, ${total - accepted} rejected with a documented 4xx, 0 x 500, 0 state changes on rejection`,
		);
		console.table(figures);
	});
});

describe('fuzz over HTTP: the server layer never answers 500 either', () => {
	test('200 mutations of each request through the real server, and hostile bodies', async () => {
		const random = prng(SEED);
		const c = await createContract(kit, 'sandbox');
		const f: Fuzzed = {
			env: undefined as unknown as Env,
			contractId: c.id,
			signatoryId: c.signatories[0].id,
			secondContractId: (await createContract(kit, 'sandbox')).id,
		};
		const statuses: Record<number, number> = {};
		for (const requestName of REQUEST_NAMES) {
			for (let i = 0; i < 200; i++) {
				const body = mutate(VALID_BODIES(f)[requestName], random);
				const r = await kit.api(
					'sandbox',
					requestName,
					typeof body === 'string' ? body : JSON.stringify(body),
				);
				statuses[r.status] = (statuses[r.status] ?? 0) + 1;
				expect(r.status).toBeLessThan(500);
				if (r.status !== 200) expect(DOCUMENTED.has(r.body?.error?.code)).toBe(true);
			}
		}
		const hostile: Array<[string, string | Buffer, Record<string, string>]> = [
			['nesting 100,000 deep', '['.repeat(100_000), {}],
			['object nesting 10,000 deep', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), {}],
			[
				'a 5 MB string for the key',
				JSON.stringify({ apiUser: 'x'.repeat(5_000_000), apiKey: 'y' }),
				{},
			],
			['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d]), {}],
			[
				'a form body',
				'apiUser=demo-sandbox-user&apiKey=demo-sandbox-key',
				{ 'content-type': 'application/x-www-form-urlencoded' },
			],
			['a number', '42', {}],
			[
				'duplicate keys',
				'{"apiUser":"demo-sandbox-user","apiKey":"x","apiKey":"demo-sandbox-key"}',
				{},
			],
		];
		for (const [name, text, headers] of hostile) {
			const r = await kit.raw('/sandbox/api/contractCreateRequest', {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: text,
			});
			statuses[r.status] = (statuses[r.status] ?? 0) + 1;
			expect({ name, status: r.status < 500 }).toEqual({ name, status: true });
			expect(typeof r.body).toBe('object');
		}
		expect(kit.emulator.internalErrors).toEqual([]);
		console.log(
			`Fuzz over HTTP: ${8 * 200 + hostile.length} requests, statuses ${JSON.stringify(statuses)}`,
		);
	});
});

describe('found by the fuzz test', () => {
	it('the last calendar day, 9999-12-31, as a deadline or a list bound: no 500', async () => {
		const created = await kit.sandbox(
			'contractCreateRequest',
			createBody({ contract: { deadline: '9999-12-31' } }),
		);
		expect(created.status).toBe(200);
		expect(created.body.contract.deadline).toBe('9999-12-31');
		const listed = await kit.sandbox('contractListRequest', {
			filter: { createdFrom: '2026-01-01', createdTo: '9999-12-31' },
		});
		expect(listed.status).toBe(200);
		expect(listed.body.total).toBe(1);
		expect(kit.emulator.internalErrors).toEqual([]);
	});
});

// ---------------------------------------------------------------- isolation

describe('owner isolation', () => {
	const byContract: Array<[string, (c: WireContract) => Record<string, unknown>]> = [
		['contractDetailRequest', (c) => ({ contractId: c.id })],
		['contractCancelRequest', (c) => ({ contractId: c.id })],
		['signatorySendSmsRequest', (c) => ({ contractId: c.id, signatoryId: c.signatories[0].id })],
		['signatorySendAllSmsRequest', (c) => ({ contractId: c.id })],
		[
			'signatorySignRequest',
			(c) => ({ contractId: c.id, signatoryId: c.signatories[0].id, code: '0000' }),
		],
	];

	it.each(byContract)(
		'%s: another owner, or the other platform, gets CONTRACT_NOT_FOUND and changes nothing',
		async (name, params) => {
			const c = await createContract(kit, 'sandbox');
			const before = await stateSnapshot(kit);
			const other = await kit.api('sandbox', name, params(c), OTHER_SANDBOX_KEYS);
			expect(other.status).toBe(404);
			expect(other.body.error.code).toBe('CONTRACT_NOT_FOUND');
			const production = await kit.api('production', name, params(c), PRODUCTION_KEYS);
			expect(production.status).toBe(404);
			expect(production.body.error.code).toBe('CONTRACT_NOT_FOUND');
			// Same answer as an ID that does not exist: nothing tells the contract exists.
			const unknown = await kit.api(
				'sandbox',
				name,
				params({ ...c, id: 'ctr_unknown' }),
				OTHER_SANDBOX_KEYS,
			);
			expect(unknown.body).toEqual(other.body);
			expect(await stateSnapshot(kit)).toBe(before);
		},
	);

	it("lists and reference lookups only show the owner's contracts", async () => {
		await createContract(kit, 'sandbox', { contract: { reference: 'SHARED-REF' } });
		const mine = await kit.api(
			'sandbox',
			'contractListRequest',
			{ filter: { reference: 'SHARED-REF' } },
			SANDBOX_KEYS,
		);
		const theirs = await kit.api(
			'sandbox',
			'contractListRequest',
			{ filter: { reference: 'SHARED-REF' } },
			OTHER_SANDBOX_KEYS,
		);
		const production = await kit.api(
			'production',
			'contractListRequest',
			{ filter: { reference: 'SHARED-REF' } },
			PRODUCTION_KEYS,
		);
		expect([mine.body.total, theirs.body.total, production.body.total]).toEqual([1, 0, 0]);
	});
});

// ---------------------------------------------------------------- keys

describe('key comparison', () => {
	it('is constant-time: every account compared with timingSafeEqual, no early exit', () => {
		const store = new Store();
		// The module object store.ts calls into (core modules are shared, not sandboxed).
		const spy = jest.spyOn(
			jest.requireActual<typeof import('crypto')>('crypto'),
			'timingSafeEqual',
		);
		try {
			const attempts: Array<[unknown, unknown]> = [
				[SANDBOX_KEYS.apiUser, SANDBOX_KEYS.apiKey],
				[OTHER_SANDBOX_KEYS.apiUser, OTHER_SANDBOX_KEYS.apiKey],
				[SANDBOX_KEYS.apiUser, 'wrong'],
				['unknown-user', SANDBOX_KEYS.apiKey],
				['', ''],
				[SANDBOX_KEYS.apiUser, SANDBOX_KEYS.apiKey.slice(0, -1)],
				['x'.repeat(100_000), 'y'],
			];
			for (const [apiUser, apiKey] of attempts) {
				spy.mockClear();
				store.authenticate(apiUser, apiKey);
				expect(spy).toHaveBeenCalledTimes(2 * store.accounts.length);
				// hashes of equal length whatever the input length
				for (const [a, b] of spy.mock.calls) {
					expect((a as Buffer).length).toBe(32);
					expect((b as Buffer).length).toBe(32);
				}
			}
			expect(store.authenticate(SANDBOX_KEYS.apiUser, SANDBOX_KEYS.apiKey)?.apiUser).toBe(
				SANDBOX_KEYS.apiUser,
			);
			expect(store.authenticate(SANDBOX_KEYS.apiUser, OTHER_SANDBOX_KEYS.apiKey)).toBeUndefined();
			expect(store.authenticate(1, [])).toBeUndefined();
		} finally {
			spy.mockRestore();
		}
	});

	it('a key is never echoed: not in any error, whatever the request', async () => {
		const key = 'sk-unknown-5f0a2b';
		for (const name of [...REQUEST_NAMES, 'noSuchRequest']) {
			const r = await kit.api('sandbox', name, {
				apiUser: SANDBOX_KEYS.apiUser,
				apiKey: key,
				contractId: key,
			});
			expect(r.text).not.toContain(key);
			const valid = await kit.sandbox(name, {
				contractId: SANDBOX_KEYS.apiKey,
				signatoryId: SANDBOX_KEYS.apiKey,
				code: 'x',
			});
			expect(valid.text).not.toContain(SANDBOX_KEYS.apiKey);
		}
	});
});

// ---------------------------------------------------------------- sizes

describe('request size limits', () => {
	const text = (n: number) => 'x'.repeat(n);
	it.each([
		['label', (b: CreateBody) => (b.contract.label = text(256)), 'contract.label'],
		['reference', (b: CreateBody) => (b.contract.reference = text(256)), 'contract.reference'],
		[
			'submitMessage',
			(b: CreateBody) => (b.notify.submitMessage = text(5001)),
			'notify.submitMessage',
		],
		[
			'first name',
			(b: CreateBody) => (b.signatories[0].firstName = text(101)),
			'signatories[0].firstName',
		],
		[
			'e-mail',
			(b: CreateBody) => (b.signatories[0].email = `${text(250)}@example.com`),
			'signatories[0].email',
		],
		[
			'phone',
			(b: CreateBody) => (b.signatories[0].phone = `+33 ${'6'.repeat(40)}`),
			'signatories[0].phone',
		],
		[
			'document name',
			(b: CreateBody) => (b.mainDocument.name = `${text(256)}.pdf`),
			'mainDocument.name',
		],
		[
			'21 signatories',
			(b: CreateBody) => (b.signatories = Array.from({ length: 21 }, () => ({ ...ALICE }))),
			'signatories',
		],
		[
			'11 annexes',
			(b: CreateBody) => (b.annexes = Array.from({ length: 11 }, () => b.mainDocument)),
			'annexes',
		],
	])('create: %s over its limit is refused, nothing created', async (_name, change, field) => {
		// copies: the shared ALICE and BOB_SPACED_PHONE must not change
		const body = createBody({ signatories: [{ ...ALICE }, { ...BOB_SPACED_PHONE }] });
		change(body);
		const r = await kit.sandbox('contractCreateRequest', body);
		expect(r.status).toBe(400);
		expect(r.body.error.field).toBe(field);
		expect((await kit.sandbox('contractListRequest')).body.total).toBe(0);
	});

	it.each([
		['contractId', 'contractDetailRequest', { contractId: 'c'.repeat(201) }],
		['reason', 'contractCancelRequest', { contractId: 'ctr_x', reason: 'r'.repeat(1001) }],
		[
			'signatoryId',
			'signatorySendSmsRequest',
			{ contractId: 'ctr_x', signatoryId: 's'.repeat(201) },
		],
		[
			'filter.status',
			'contractListRequest',
			{ filter: { status: Array.from({ length: 11 }, () => 'pending') } },
		],
		['limit', 'contractListRequest', { limit: 101 }],
	])('%s over its limit: VALIDATION_ERROR on that field', async (field, name, body) => {
		const r = await kit.sandbox(name, body);
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
	});
});

// ---------------------------------------------------------------- truncated PDFs

describe('truncated PDFs are refused, like the node refuses them', () => {
	const b64 = (b: Buffer) => b.toString('base64');
	const junkTail = Buffer.from(`1 0 obj\n<< ${'/X 1 '.repeat(300)}`);

	it.each([
		['cut in half', TINY_PDF.subarray(0, Math.floor(TINY_PDF.length / 2)), false],
		['only the header', Buffer.from('%PDF-'), false],
		['%%EOF then 1.5 KB of a cut-off update', Buffer.concat([TINY_PDF, junkTail]), false],
		['complete', TINY_PDF, true],
		['%%EOF then 1 MB of spaces', Buffer.concat([TINY_PDF, Buffer.alloc(1024 * 1024, 0x20)]), true],
		[
			'%%EOF then a little junk (within 1 KB)',
			Buffer.concat([TINY_PDF, Buffer.from('junk\r\n')]),
			true,
		],
	] as const)('%s', async (_name, pdf, accepted) => {
		for (const place of ['mainDocument', 'annex'] as const) {
			const body = createBody(
				place === 'mainDocument'
					? { mainDocument: { name: 'doc.pdf', data: b64(pdf) } }
					: { annexes: [{ name: 'annex.pdf', data: b64(pdf) }] },
			);
			const r = await kit.sandbox('contractCreateRequest', body);
			if (accepted) {
				expect([r.status, r.body.error]).toEqual([200, undefined]);
			} else {
				expect(r.status).toBe(400);
				expect(r.body.error).toMatchObject({
					code: 'VALIDATION_ERROR',
					field: place === 'mainDocument' ? 'mainDocument.data' : 'annexes[0].data',
				});
				expect(r.body.error.message).toContain('not a complete PDF');
			}
		}
	});
});
