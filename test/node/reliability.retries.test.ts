/**
 * The retry policy, the timeout and "Skip If Reference Exists", through n8n-core's engine against
 * the emulator: what is retried, how often, how long it waits, and what is never retried.
 * (The full operation × fault matrix is in reliability.faults.test.ts.)
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { ContratPrive } from '../../nodes/ContratPrive/ContratPrive.node';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../nodes/ContratPrive/delivery/retry';
import type { CreatedContract } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import {
	byId,
	createContractViaApi,
	createParameters,
	expectNoSecret,
	leaseItem,
	useNodeKit,
} from './contract.helpers';

const kit = useNodeKit();

const FAST = { requestTimeout: 300, retryDelay: 10 };

const check = (options: Record<string, unknown> = FAST): INodeParameters =>
	({ resource: 'connection', operation: 'check', options }) as INodeParameters;

async function fault(body: Record<string, unknown>) {
	const added = await kit.control('POST', '/faults', body);
	expect(added.status).toBe(200);
}

/** The waits the node logged before each retry, in milliseconds. */
function waits(logs: string[]): number[] {
	return logs
		.map((line) => /attempt \d+ of \d+ in (\d+) ms/.exec(line)?.[1])
		.filter((wait): wait is string => wait !== undefined)
		.map(Number);
}

describe('backoff', () => {
	test('exponential with jitter: half fixed, half random; 0.5 s doubling, capped at 8 s', () => {
		const ranges = [
			[250, 500],
			[500, 1000],
			[1000, 2000],
			[2000, 4000],
			[4000, 8000],
			[4000, 8000],
			[4000, 8000],
		];
		ranges.forEach(([low, high], retry) => {
			const samples = Array.from({ length: 500 }, () => backoffDelay(DEFAULT_RETRY_POLICY, retry));
			expect(Math.min(...samples)).toBeGreaterThanOrEqual(low);
			expect(Math.max(...samples)).toBeLessThanOrEqual(high);
			// jitter: not all the same
			expect(new Set(samples).size).toBeGreaterThan(10);
		});
	});

	test('the defaults: 3 retries, 0.5 s first wait, 8 s longest wait, 30 s in all', () => {
		expect(DEFAULT_RETRY_POLICY).toEqual({
			maxRetries: 3,
			initialDelay: 500,
			maxDelay: 8000,
			maxTotalTime: 30000,
		});
	});
});

describe('reads retry transient faults', () => {
	test('with the default options: 4 attempts, waits of 0.25-0.5 s, 0.5-1 s, 1-2 s', async () => {
		await fault({ kind: '503', count: 100, requestName: 'checkConnexionRequest' });
		const started = Date.now();
		const result = await kit.run(check({}), [{ json: {} }]);
		const elapsed = Date.now() - started;
		expect(result.error?.message).toBe('Contrat-Privé had a server error');
		expect(result.error?.description).toMatch(/Tried 4 times in \d+\.\d s\.$/);
		expect(kit.emulator.requestCount({ requestName: 'checkConnexionRequest' })).toBe(4);
		const [first, second, third] = waits(result.logs);
		expect(first).toBeGreaterThanOrEqual(250);
		expect(first).toBeLessThanOrEqual(500);
		expect(second).toBeGreaterThanOrEqual(500);
		expect(second).toBeLessThanOrEqual(1000);
		expect(third).toBeGreaterThanOrEqual(1000);
		expect(third).toBeLessThanOrEqual(2000);
		expect(elapsed).toBeGreaterThanOrEqual(1750);
		expect(elapsed).toBeLessThan(6000);
	});

	test('one fault: success on the second attempt, nothing in the output about it', async () => {
		await fault({ kind: 'reset', requestName: 'checkConnexionRequest' });
		const result = await kit.run(check(), [{ json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ platform: 'sandbox' });
		expect(kit.emulator.requests.map((request) => request.status)).toEqual([0, 200]);
	});

	test('Max Retries 0: one attempt only', async () => {
		await fault({ kind: '500', count: 100 });
		const result = await kit.run(check({ ...FAST, maxRetries: 0 }), [{ json: {} }]);
		expect(result.error?.httpCode).toBe('500');
		expect(kit.emulator.requestCount()).toBe(1);
	});

	test('Max Retries 10: eleven attempts', async () => {
		await fault({ kind: '502', count: 100 });
		const result = await kit.run(check({ ...FAST, retryDelay: 1, maxRetries: 10 }), [{ json: {} }]);
		expect(result.error?.httpCode).toBe('502');
		expect(kit.emulator.requestCount()).toBe(11);
	});

	test('Retry Time Limit bounds the time: no retry starts past it', async () => {
		await fault({ kind: '500', count: 100 });
		const started = Date.now();
		const result = await kit.run(
			check({ ...FAST, retryDelay: 100, maxRetries: 10, retryTimeLimit: 1000 }),
			[{ json: {} }],
		);
		const elapsed = Date.now() - started;
		// Waits of at least 50, 100, 200, 400 ms fit in 1 s; a fifth one (≥ 800 ms) cannot.
		const attempts = kit.emulator.requestCount();
		expect(attempts).toBeGreaterThanOrEqual(3);
		expect(attempts).toBeLessThanOrEqual(5);
		expect(elapsed).toBeLessThan(1500);
		expect(result.error?.description).toContain(`Tried ${attempts} times`);
	});

	test('Retry Time Limit 0: no retry at all', async () => {
		await fault({ kind: '500', count: 100 });
		await kit.run(check({ ...FAST, retryTimeLimit: 0 }), [{ json: {} }]);
		expect(kit.emulator.requestCount()).toBe(1);
	});

	test('Get Many: a page that fails is retried; the contracts are all there, once each', async () => {
		kit.emulator.seed({ platform: 'sandbox', apiUser: 'demo-sandbox-user', count: 150 });
		// The first two attempts at the first of the two pages fail.
		await fault({ kind: 'malformed', count: 2, requestName: 'contractListRequest', after: true });
		const result = await kit.run(
			{ resource: 'contract', operation: 'getMany', returnAll: true, options: FAST },
			[{ json: {} }],
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(150);
		expect(new Set(result.items.map((item) => jsonAs<CreatedContract>(item).id)).size).toBe(150);
		expect(kit.emulator.requests.map((request) => request.fault ?? request.status)).toEqual([
			'malformed',
			'malformed',
			200,
			200,
		]);
	});
});

describe('the timeout', () => {
	test('a server that holds the request: given up after the Timeout, then retried', async () => {
		await fault({ kind: 'timeout', requestName: 'contractDetailRequest' });
		const contract = await createContractViaApi(kit);
		const started = Date.now();
		const result = await kit.run(
			{ resource: 'contract', operation: 'get', contractId: byId(contract.id), options: FAST },
			[{ json: {} }],
		);
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(300);
		expect(
			kit.emulator.requests
				.filter((r) => r.requestName === 'contractDetailRequest')
				.map((r) => r.status),
		).toEqual([0, 200]);
	});

	test('without retries: a clear error after the Timeout', async () => {
		await fault({ kind: 'timeout', count: 100 });
		const started = Date.now();
		const result = await kit.run(check({ requestTimeout: 300, maxRetries: 0 }), [{ json: {} }]);
		const elapsed = Date.now() - started;
		expect(result.error?.message).toBe(
			'Contrat-Privé did not answer checkConnexionRequest in time',
		);
		expect(result.error?.description).toContain('Timeout');
		expect(elapsed).toBeGreaterThanOrEqual(300);
		expect(elapsed).toBeLessThan(3000);
	});
});

describe('never retried: what cannot succeed', () => {
	test('4xx: CONTRACT_NOT_FOUND, INVALID_CREDENTIALS, WRONG_PLATFORM: one request each', async () => {
		const notFound = await kit.run(
			{ resource: 'contract', operation: 'get', contractId: byId('ctr_nope'), options: FAST },
			[{ json: {} }],
		);
		expect(notFound.error?.httpCode).toBe('404');
		const badKeys = await kit.run(check(), [{ json: {} }], {
			keys: { apiUser: 'demo-sandbox-user', apiKey: 'not-the-key' },
		});
		expect(badKeys.error?.httpCode).toBe('401');
		const wrongPlatform = await kit.run(check(), [{ json: {} }], {
			keys: { apiUser: 'demo-production-user', apiKey: 'demo-production-key' },
		});
		expect(wrongPlatform.error?.httpCode).toBe('401');
		expect(kit.emulator.requestCount()).toBe(3);
	});

	test('DAILY_QUOTA_EXCEEDED: one request', async () => {
		for (let sent = 0; sent < 1000; sent += 100) {
			await Promise.all(
				Array.from({ length: 100 }, () => kit.api('production', 'checkConnexionRequest', {})),
			);
		}
		kit.emulator.resetRequestLog();
		const result = await kit.run(check(), [{ json: {} }], { platform: 'production' });
		expect(result.error?.message).toBe('Daily quota of 1,000 production requests reached');
		expect(result.error?.httpCode).toBe('429');
		expect(kit.emulator.requestCount()).toBe(1);
	});

	test('SMS_LIMIT_REACHED: one request, no SMS', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const [alice] = contract.signatories;
		for (let sms = 0; sms < 5; sms++) {
			const sent = await kit.api('production', 'signatorySendSmsRequest', {
				contractId: contract.id,
				signatoryId: alice.id,
			});
			expect(sent.status).toBe(200);
		}
		kit.emulator.resetRequestLog();
		const result = await kit.run(
			{
				resource: 'signatory',
				operation: 'sendSms',
				contractId: byId(contract.id),
				signatoryId: alice.id,
				options: FAST,
			},
			[{ json: {} }],
			{ platform: 'production' },
		);
		expect(result.error?.message).toBe('SMS limit reached for this signatory');
		expect(kit.emulator.requestCount()).toBe(1);
		expect(kit.emulator.outbox().sms).toHaveLength(5);
	});

	test('SIGNATORY_LOCKED: one request for the code, one for an SMS', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const [alice] = contract.signatories;
		await kit.api('production', 'signatorySendSmsRequest', {
			contractId: contract.id,
			signatoryId: alice.id,
		});
		for (let attempt = 0; attempt < 5; attempt++) {
			await kit.api('production', 'signatorySignRequest', {
				contractId: contract.id,
				signatoryId: alice.id,
				code: '00000000',
			});
		}
		kit.emulator.resetRequestLog();
		const code = await kit.lastSmsCode(contract.id, alice.id);
		const sign = await kit.run(
			{
				resource: 'signatory',
				operation: 'sign',
				contractId: byId(contract.id),
				signatoryId: alice.id,
				code,
				options: FAST,
			},
			[{ json: {} }],
			{ platform: 'production' },
		);
		expect(sign.error?.message).toBe('This signatory is locked after 5 wrong SMS codes');
		const sms = await kit.run(
			{
				resource: 'signatory',
				operation: 'sendSms',
				contractId: byId(contract.id),
				signatoryId: alice.id,
				options: FAST,
			},
			[{ json: {} }],
			{ platform: 'production' },
		);
		expect(sms.error?.httpCode).toBe('423');
		expect(kit.emulator.requestCount()).toBe(2);
	});

	test('a wrong SMS code is not tried again: one attempt used', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const [alice] = contract.signatories;
		await kit.api('production', 'signatorySendSmsRequest', {
			contractId: contract.id,
			signatoryId: alice.id,
		});
		kit.emulator.resetRequestLog();
		const result = await kit.run(
			{
				resource: 'signatory',
				operation: 'sign',
				contractId: byId(contract.id),
				signatoryId: alice.id,
				code: '00000000',
				options: FAST,
			},
			[{ json: {} }],
			{ platform: 'production' },
		);
		expect(result.error?.message).toBe('Wrong SMS code');
		expect(kit.emulator.requestCount()).toBe(1);
		const view = await kit.control('GET', `/contracts/${contract.id}`);
		expect(view.body.contract.signatories[0].failedAttempts).toBe(1);
	});
});

describe('writes: resolved by checking, never re-sent blindly', () => {
	test('create with a reference, response lost and the lookup failing too: not sent again', async () => {
		// The create is processed, then its response held until the node's 300 ms timeout; while
		// it waits, every list request is made to fail, so the lookup after the timeout fails.
		await fault({ kind: 'timeout', requestName: 'contractCreateRequest', after: true });
		const run = kit.run(
			createParameters({ additionalFields: { reference: 'DEAL-7' }, options: FAST }),
			[await leaseItem()],
		);
		const deadline = Date.now() + 5000;
		while (kit.emulator.requestCount({ requestName: 'contractCreateRequest' }) === 0) {
			if (Date.now() > deadline) throw new Error('the node did not send the create request');
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		await fault({ kind: '503', count: 100, requestName: 'contractListRequest' });
		const result = await run;
		expect(result.error?.message).toBe(
			'Contrat-Privé did not confirm that the contract was created',
		);
		expect(result.error?.description).toContain('looking it up by its reference failed too');
		expect(result.error?.description).toContain('Running this item again is safe');
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(1);
		await kit.control('DELETE', '/faults');
		const list = await kit.api('sandbox', 'contractListRequest', {});
		expect(list.body.total).toBe(1);

		// Running again is indeed safe: the contract is found, not sent a second time.
		kit.emulator.resetRequestLog();
		const again = await kit.run(
			createParameters({ additionalFields: { reference: 'DEAL-7' }, options: FAST }),
			[await leaseItem()],
		);
		expect(again.items[0].json).toMatchObject({ reference: 'DEAL-7', alreadyExisted: true });
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(0);
		expect((await kit.api('sandbox', 'contractListRequest', {})).body.total).toBe(1);
		expectNoSecret(result);
	});

	test('cancel: response lost, read back cancelled: one cancellation, the contract in the output', async () => {
		const contract = await createContractViaApi(kit);
		await fault({ kind: 'reset', requestName: 'contractCancelRequest', after: true });
		const result = await kit.run(
			{ resource: 'contract', operation: 'cancel', contractId: byId(contract.id), options: FAST },
			[{ json: {} }],
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ id: contract.id, status: 'cancelled' });
		// Read back with its documents, output without them.
		expect(JSON.stringify(result.items[0].json)).not.toContain('JVBERi0');
		expect(kit.emulator.requestCount({ requestName: 'contractCancelRequest' })).toBe(1);
	});
});

describe('Skip If Reference Exists: a daily bulk job can run twice', () => {
	const bulk = (references: string[], options: Record<string, unknown> = {}) =>
		Promise.all(references.map(async (reference) => await leaseItem({ reference }))).then(
			async (items) =>
				await kit.run(
					createParameters({
						label: '={{ "Bail " + $json.reference }}',
						additionalFields: { reference: '={{ $json.reference }}' },
						options: { ...FAST, ...options },
					}),
					items,
				),
		);

	test('the second run outputs the existing contracts, marked alreadyExisted, and sends nothing', async () => {
		const first = await bulk(['D-1', 'D-2', 'D-3']);
		expect(first.error).toBeUndefined();
		expect(first.items.map((item) => jsonAs<CreatedContract>(item).alreadyExisted)).toEqual([
			false,
			false,
			false,
		]);
		const emails = kit.emulator.outbox().emails.length;

		kit.emulator.resetRequestLog();
		const second = await bulk(['D-1', 'D-2', 'D-3', 'D-4']);
		expect(second.error).toBeUndefined();
		expect(
			second.items.map((item) => [
				jsonAs<CreatedContract>(item).reference,
				jsonAs<CreatedContract>(item).alreadyExisted,
				item.pairedItem,
			]),
		).toEqual([
			['D-1', true, { item: 0 }],
			['D-2', true, { item: 1 }],
			['D-3', true, { item: 2 }],
			['D-4', false, { item: 3 }],
		]);
		expect(second.items.slice(0, 3).map((item) => jsonAs<CreatedContract>(item).id)).toEqual(
			first.items.map((item) => jsonAs<CreatedContract>(item).id),
		);
		// The same shape as a new contract, so expressions written on the first run still work.
		expect(Object.keys(second.items[0].json).sort()).toEqual(
			Object.keys(first.items[0].json).sort(),
		);
		expect(second.items[0].json).toMatchObject({
			label: 'Bail D-1',
			status: 'pending',
			lang: 'fr',
		});
		for (const signatory of jsonAs<CreatedContract>(second.items[0]).signatories) {
			expect(signatory).toEqual(
				expect.objectContaining({ email: expect.any(String), phone: expect.any(String) }),
			);
		}
		expect(JSON.stringify(second.items.map((item) => item.json))).not.toMatch(/"content"/);
		// Per existing contract: its details only, since this process created it (no look-up);
		// D-4, the one reference left to look up: its list by reference + create.
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(1);
		expect(kit.emulator.requestCount({ requestName: 'contractDetailRequest' })).toBe(3);
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(1);
		expect(kit.emulator.requestCount()).toBe(3 + 2);
		expect((await kit.api('sandbox', 'contractListRequest', {})).body.total).toBe(4);
		// Only D-4's e-mails went out.
		expect(kit.emulator.outbox().emails.length - emails).toBe(3);
	});

	test('within one run: the same reference twice gives one contract', async () => {
		const result = await bulk(['D-9', 'D-9']);
		expect(result.items.map((item) => jsonAs<CreatedContract>(item).alreadyExisted)).toEqual([
			false,
			true,
		]);
		expect(jsonAs<CreatedContract>(result.items[1]).id).toBe(
			jsonAs<CreatedContract>(result.items[0]).id,
		);
		expect((await kit.api('sandbox', 'contractListRequest', {})).body.total).toBe(1);
	});

	test('turned off: a second contract with the same reference is created', async () => {
		await bulk(['D-5']);
		const again = await bulk(['D-5'], { skipIfReferenceExists: false });
		expect(again.items[0].json).toMatchObject({ reference: 'D-5', alreadyExisted: false });
		expect((await kit.api('sandbox', 'contractListRequest', {})).body.total).toBe(2);
	});

	test('an existing contract in any status counts, e.g. cancelled', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', { reference: 'D-6' });
		await kit.api('sandbox', 'contractCancelRequest', { contractId: contract.id });
		const result = await bulk(['D-6']);
		expect(result.items[0].json).toMatchObject({
			id: contract.id,
			status: 'cancelled',
			alreadyExisted: true,
		});
	});

	test('without a reference there is nothing to look up: one request, alreadyExisted false', async () => {
		const result = await kit.run(createParameters({ options: FAST }), [await leaseItem()]);
		expect(result.items[0].json).toMatchObject({ alreadyExisted: false });
		expect(kit.emulator.requests.map((request) => request.requestName)).toEqual([
			'contractCreateRequest',
		]);
	});
});

describe('the options in the editor', () => {
	const { properties } = new ContratPrive().nodeVersions[1].description;

	const operations = [
		['connection', 'check', 60000],
		['contract', 'create', 120000],
		['contract', 'get', 60000],
		['contract', 'getMany', 60000],
		['contract', 'cancel', 60000],
		['signatory', 'sendSms', 60000],
		['signatory', 'sendSmsToAll', 60000],
		['signatory', 'sign', 60000],
	] as const;

	test.each(operations)(
		'%s › %s: one "Options" collection with the timeout and retry options',
		(resource, operation, timeout) => {
			const collections = properties.filter(
				(property: INodeProperties) =>
					property.name === 'options' &&
					property.displayOptions?.show?.resource?.includes(resource) &&
					property.displayOptions?.show?.operation?.includes(operation),
			);
			expect(collections).toHaveLength(1);
			const options = collections[0].options as INodeProperties[];
			const byName = Object.fromEntries(options.map((option) => [option.name, option.default]));
			expect(byName).toMatchObject({
				requestTimeout: timeout,
				maxRetries: 3,
				retryDelay: 500,
				retryTimeLimit: 30000,
			});
			const names = options.map((option) => option.displayName);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
			if (operation === 'create') expect(byName.skipIfReferenceExists).toBe(true);
		},
	);
});
