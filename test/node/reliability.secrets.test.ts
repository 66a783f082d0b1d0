/**
 * The API key never leaks: not in an output item, an error message or description, a
 * NodeApiError's context, n8n's stored error (error.json) or a log line, whatever goes wrong.
 *
 * 1. The emulator: every error code it can give through the node, and every fault kind before
 *    and after processing, with and without Continue On Fail.
 * 2. A hostile server that echoes the key back in every way it can (error message, details,
 *    nested fields, a payment link, success bodies, HTML and text bodies), for every error code
 *    of the wire contract: the node must scrub it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../helpers/run-workflow';
import type { Item, RunTrace } from './contract.helpers';
import {
	byId,
	createContractViaApi,
	createParameters,
	everything,
	leaseItem,
	useNodeKit,
} from './contract.helpers';
import { SECRETS } from '../fixtures/accounts';
import { VALID_IBAN } from '../fixtures/ibans';

const kit = useNodeKit();

const FAST = { requestTimeout: 300, retryDelay: 1, maxRetries: 1 };

interface Searched {
	runs: number;
	characters: number;
	hits: number;
}
const searched: Searched = { runs: 0, characters: 0, hits: 0 };

/** Searches everything a run left behind for the secrets; counts what was searched. */
function expectNoKey(result: RunTrace, secrets: readonly string[] = SECRETS): void {
	const text = everything(result);
	searched.runs += 1;
	searched.characters += text.length;
	for (const secret of secrets) {
		const hits = text.split(secret).length - 1;
		searched.hits += hits;
		expect({ secret, hits }).toEqual({ secret, hits: 0 });
	}
}

const codesSeen = new Set<string>();

/** The `code` of an object of the stored error (its API reply, or its cause). */
function codeIn(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
	return typeof value.code === 'string' ? value.code : undefined;
}

function code(result: { error?: { stored: IDataObject } }): string | undefined {
	const stored = result.error?.stored;
	const found = codeIn(stored?.errorResponse) ?? codeIn(stored?.cause);
	if (found) codesSeen.add(found);
	return found;
}

const signatory = (operation: string, contractId: string, signatoryId: string, extra = {}) =>
	({
		resource: 'signatory',
		operation,
		contractId: byId(contractId),
		signatoryId,
		options: FAST,
		...extra,
	}) as INodeParameters;

describe('the emulator: every error code the node can meet', () => {
	const both = [false, true];

	test.each(both)(
		'INVALID_CREDENTIALS: a wrong key is not echoed either (continueOnFail %s)',
		async (continueOnFail) => {
			const wrong = 'wrong-key-9c1e7b';
			const result = await kit.run(
				{ resource: 'connection', operation: 'check', options: FAST },
				[{ json: {} }],
				{ continueOnFail, keys: { apiUser: 'demo-sandbox-user', apiKey: wrong } },
			);
			if (!continueOnFail) expect(code(result)).toBe('INVALID_CREDENTIALS');
			expectNoKey(result, [...SECRETS, wrong]);
		},
	);

	test.each(both)('WRONG_PLATFORM (continueOnFail %s)', async (continueOnFail) => {
		const result = await kit.run(
			{ resource: 'connection', operation: 'check', options: FAST },
			[{ json: {} }],
			{
				continueOnFail,
				platform: 'production',
				keys: { apiUser: 'demo-sandbox-user', apiKey: 'demo-sandbox-key' },
			},
		);
		if (!continueOnFail) expect(code(result)).toBe('WRONG_PLATFORM');
		expectNoKey(result);
	});

	test.each(both)(
		'CONTRACT_NOT_FOUND, SIGNATORY_NOT_FOUND, INVALID_STATE (continueOnFail %s)',
		async (continueOnFail) => {
			const contract = await createContractViaApi(kit, 'sandbox', { submit: false });
			for (const parameters of [
				{ resource: 'contract', operation: 'get', contractId: byId('ctr_unknown'), options: FAST },
				signatory('sendSms', contract.id, 'sig_unknown'),
				{ resource: 'contract', operation: 'cancel', contractId: byId(contract.id), options: FAST },
			] as INodeParameters[]) {
				const result = await kit.run(parameters, [{ json: {} }], { continueOnFail });
				if (!continueOnFail) code(result);
				expectNoKey(result);
			}
		},
	);

	test('production: INVALID_SMS_CODE, SIGNATORY_LOCKED, SMS_LIMIT_REACHED', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const [alice, bob] = contract.signatories;
		await kit.api('production', 'signatorySendSmsRequest', {
			contractId: contract.id,
			signatoryId: alice.id,
		});
		for (let attempt = 0; attempt < 6; attempt++) {
			const result = await kit.run(
				signatory('sign', contract.id, alice.id, { code: '999999' }),
				[{ json: {} }],
				{
					platform: 'production',
				},
			);
			code(result);
			expectNoKey(result);
		}
		for (let sms = 0; sms < 6; sms++) {
			const result = await kit.run(signatory('sendSms', contract.id, bob.id), [{ json: {} }], {
				platform: 'production',
			});
			code(result);
			expectNoKey(result);
		}
		for (const expected of ['INVALID_SMS_CODE', 'SIGNATORY_LOCKED', 'SMS_LIMIT_REACHED']) {
			expect(codesSeen).toContain(expected);
		}
	});

	test('DEPOSIT_PAYMENT_REQUIRED (its payment link is output, the key is not)', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', {
			signatories: [
				{
					firstName: 'Alice',
					lastName: 'Martin',
					email: 'alice@example.com',
					phone: '+33612345678',
					deposit: 150,
				},
			],
			bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls' },
		});
		const result = await kit.run(
			signatory('sign', contract.id, contract.signatories[0].id, { code: '0000' }),
			[{ json: {} }],
		);
		expect(code(result)).toBe('DEPOSIT_PAYMENT_REQUIRED');
		expectNoKey(result);
	});

	test('DAILY_QUOTA_EXCEEDED', async () => {
		for (let sent = 0; sent < 1000; sent += 100) {
			await Promise.all(
				Array.from({ length: 100 }, () => kit.api('production', 'checkConnexionRequest', {})),
			);
		}
		const result = await kit.run(
			{ resource: 'connection', operation: 'check', options: FAST },
			[{ json: {} }],
			{
				platform: 'production',
			},
		);
		expect(code(result)).toBe('DAILY_QUOTA_EXCEEDED');
		expectNoKey(result);
	});

	const KINDS = ['500', '502', '503', 'timeout', 'reset', 'malformed'];
	test.each(KINDS.flatMap((kind) => [false, true].map((after) => [kind, after] as const)))(
		'fault %s (after processing: %s), on a read and on every write, with and without continueOnFail',
		async (kind, after) => {
			const contract = await createContractViaApi(kit);
			const [alice] = contract.signatories;
			const runs: Array<[INodeParameters, () => Promise<Item[]>]> = [
				[
					{ resource: 'contract', operation: 'get', contractId: byId(contract.id), options: FAST },
					async () => [{ json: {} }],
				],
				[
					createParameters({
						additionalFields: { reference: `K-${kind}-${after}` },
						options: FAST,
					}),
					async () => [await leaseItem()],
				],
				[createParameters({ options: FAST }), async () => [await leaseItem()]],
				[signatory('sendSms', contract.id, alice.id), async () => [{ json: {} }]],
				[signatory('sendSmsToAll', contract.id, alice.id), async () => [{ json: {} }]],
				[signatory('sign', contract.id, alice.id, { code: '0000' }), async () => [{ json: {} }]],
				[
					{
						resource: 'contract',
						operation: 'cancel',
						contractId: byId(contract.id),
						options: FAST,
					},
					async () => [{ json: {} }],
				],
			];
			for (const continueOnFail of [false, true]) {
				for (const [parameters, items] of runs) {
					await kit.control('POST', '/faults', { kind, count: 100, after });
					const result = await kit.run(parameters, await items(), { continueOnFail });
					await kit.control('DELETE', '/faults');
					if (!continueOnFail) {
						expect(result.error).toBeDefined();
						code(result);
					}
					expectNoKey(result);
				}
			}
		},
	);
});

// ---------------------------------------------------------------------------------------------

/** Every error of the wire contract, with its HTTP status. */
const WIRE_ERRORS: Array<[number, string]> = [
	[400, 'VALIDATION_ERROR'],
	[400, 'INVALID_BANK_ACCOUNT'],
	[401, 'INVALID_CREDENTIALS'],
	[401, 'WRONG_PLATFORM'],
	[402, 'PAYMENT_DECLINED'],
	[404, 'UNKNOWN_REQUEST'],
	[404, 'CONTRACT_NOT_FOUND'],
	[404, 'SIGNATORY_NOT_FOUND'],
	[409, 'INVALID_STATE'],
	[413, 'PAYLOAD_TOO_LARGE'],
	[422, 'INVALID_SMS_CODE'],
	[422, 'DEPOSIT_PAYMENT_REQUIRED'],
	[423, 'SIGNATORY_LOCKED'],
	[429, 'SMS_LIMIT_REACHED'],
	[429, 'DAILY_QUOTA_EXCEEDED'],
	[500, 'INTERNAL_ERROR'],
];

/** A key only the hostile server sees. */
const ECHOED_KEY = 'sk-echo-4b1f9e0c7d2a';

type Reply = (key: string) => { status: number; type: string; body: string };

interface Hostile {
	url: string;
	reply: Reply;
	/** The keys the server received in request bodies. */
	keys: Set<string>;
	close(): Promise<void>;
}

async function hostileServer(): Promise<Hostile> {
	const state: { reply: Reply } = {
		reply: () => ({ status: 500, type: 'text/plain', body: 'not set' }),
	};
	const keys = new Set<string>();
	const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			let key = '';
			try {
				key = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).apiKey ?? '');
			} catch {
				key = 'unparsable';
			}
			keys.add(key);
			const { status, type, body } = state.reply(key);
			response.writeHead(status, { 'content-type': type, 'x-api-key': key });
			response.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/api`,
		keys,
		get reply() {
			return state.reply;
		},
		set reply(reply: Reply) {
			state.reply = reply;
		},
		async close() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** An error body that carries the key in every field it can. */
function echoingError(status: number, errorCode: string): Reply {
	return (key) => ({
		status,
		type: 'application/json',
		body: JSON.stringify({
			error: {
				code: errorCode,
				message: `Refused for apiKey=${key}`,
				field: `apiKey(${key})`,
				apiKey: key,
				api_key: key,
				platform: key,
				status: key,
				resetAt: key,
				paymentUrl: `https://www.contrat-prive.com/pay?key=${key}`,
				remainingAttempts: 2,
				deposit: { amount: 150, note: key },
				details: [{ apiKey: key }, key],
				request: { apiUser: 'u', apiKey: key },
			},
			apiKey: key,
		}),
	});
}

describe('a hostile server that echoes the key: the node scrubs it', () => {
	let hostile: Hostile;
	beforeAll(async () => {
		hostile = await hostileServer();
	});
	afterAll(async () => {
		await hostile.close();
	});

	const run = async (parameters: INodeParameters, continueOnFail: boolean) =>
		await runNode({
			node: { parameters, continueOnFail },
			credentials: { platform: 'custom', baseUrl: hostile.url, apiUser: 'u', apiKey: ECHOED_KEY },
			items: [{ json: {} }],
		});

	const operations: INodeParameters[] = [
		{ resource: 'connection', operation: 'check', options: FAST },
		{ resource: 'contract', operation: 'get', contractId: byId('ctr_1'), options: FAST },
		{ resource: 'contract', operation: 'getMany', returnAll: true, options: FAST },
		{ resource: 'contract', operation: 'cancel', contractId: byId('ctr_1'), options: FAST },
		signatory('sendSms', 'ctr_1', 'sig_1'),
		signatory('sendSmsToAll', 'ctr_1', 'sig_1'),
		signatory('sign', 'ctr_1', 'sig_1', { code: '123456' }),
	];

	test.each(WIRE_ERRORS)(
		'%s %s: in no output, error, context or log',
		async (status, errorCode) => {
			hostile.reply = echoingError(status, errorCode);
			for (const parameters of operations) {
				for (const continueOnFail of [false, true]) {
					const result = await run(parameters, continueOnFail);
					if (!continueOnFail) {
						expect(result.error?.httpCode).toBe(String(status));
						expect(result.error?.stored.errorResponse ?? result.error?.stored.cause).toBeDefined();
					} else {
						expect(result.items[0].json.error).toEqual(expect.any(String));
					}
					expectNoKey(result, [ECHOED_KEY]);
				}
			}
			// Not a vacuous test: the server did get the key, and sent it back.
			expect([...hostile.keys]).toEqual([ECHOED_KEY]);
			const result = await run(operations[0], false);
			expect(result.error?.json).toContain('Refused for apiKey=[redacted]');
		},
	);

	test('Create: every error code, with and without a reference', async () => {
		for (const [status, errorCode] of WIRE_ERRORS) {
			hostile.reply = echoingError(status, errorCode);
			for (const reference of ['', 'DEAL-1']) {
				const result = await runNode({
					node: {
						parameters: createParameters({ additionalFields: { reference }, options: FAST }),
					},
					credentials: {
						platform: 'custom',
						baseUrl: hostile.url,
						apiUser: 'u',
						apiKey: ECHOED_KEY,
					},
					items: [await leaseItem()],
				});
				expect(result.error).toBeDefined();
				expectNoKey(result, [ECHOED_KEY]);
			}
		}
	});

	test.each([
		[
			'a success body echoing the key',
			200,
			'application/json',
			(key: string) =>
				JSON.stringify({
					platform: 'sandbox',
					owner: { apiUser: 'u', apiKey: key, name: `Owner ${key}`, email: 'o@example.com' },
					quota: null,
					contracts: [],
					total: 0,
					contract: { id: 'ctr_1', status: 'cancelled', signatories: [], note: key },
					sent: [key],
					skipped: [],
				}),
		],
		[
			'an HTML gateway page with the key',
			502,
			'text/html',
			(key: string) => `<html><body>Bad gateway for ${key}</body></html>`,
		],
		[
			'a text error with the key',
			500,
			'text/plain',
			(key: string) => `Internal error: apiKey=${key}`,
		],
		[
			'a truncated JSON reply with the key',
			200,
			'application/json',
			(key: string) => `{"apiKey":"${key}","platform":"sand`,
		],
		[
			'a JSON error without code, with the key',
			418,
			'application/json',
			(key: string) => JSON.stringify({ message: key, apiKey: key }),
		],
	] as const)('%s', async (_name, status, type, body) => {
		hostile.reply = (key) => ({ status, type, body: body(key) });
		for (const parameters of operations) {
			for (const continueOnFail of [false, true]) {
				const result = await run(parameters, continueOnFail);
				expectNoKey(result, [ECHOED_KEY]);
			}
		}
	});
});

afterAll(() => {
	console.log(
		`Key leak search: ${searched.runs} runs, ${(searched.characters / 1e6).toFixed(1)} M characters of outputs, stored errors, run data and logs searched, ${searched.hits} hit(s); codes met on the emulator: ${[...codesSeen].sort().join(', ')}`,
	);
	expect(searched.hits).toBe(0);
});
