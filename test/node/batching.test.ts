/**
 * The "Batching" option: items sent a few at a time, over real HTTP to the emulator, with every
 * guarantee of the one-at-a-time loop (order, pairing, validation first, no duplicates, errors).
 */
import { INPUT_NODE_NAME, runWorkflow } from '../helpers';
import { makePdfOfSize, pdfFile } from '../fixtures/pdf';
import { byId, createParameters, leaseItem, useNodeKit } from './contract.helpers';
import type { WireContractSummary } from '../emulator/wire-reply';

const kit = useNodeKit();
const NAME = 'Contrat-Privé';

const batching = (parallelRequests: number, batchInterval = 0) => ({
	batching: { batch: { parallelRequests, batchInterval } },
});

function parallelCreate(parallelRequests = 4, options: Record<string, unknown> = {}) {
	return createParameters({
		label: '={{ $json.label }}',
		additionalFields: { reference: '={{ $json.reference }}' },
		options: { ...batching(parallelRequests), ...options },
	});
}

async function contracts(): Promise<WireContractSummary[]> {
	const list = await kit.api('sandbox', 'contractListRequest', { limit: 100 });
	expect(list.status).toBe(200);
	return list.body.contracts;
}

describe('Batching: parallel requests', () => {
	test('outputs every item in input order, each paired with its input', async () => {
		const items = await Promise.all(
			Array.from({ length: 10 }, (_, n) =>
				leaseItem({ label: `Bail ${n}`, reference: `ORD-${n}` }),
			),
		);
		const result = await kit.run(parallelCreate(4), items);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.label, i.json.reference, i.pairedItem])).toEqual(
			items.map((_, n) => [`Bail ${n}`, `ORD-${n}`, { item: n }]),
		);
		const ids = new Set(result.items.map((i) => i.json.id));
		expect(ids.size).toBe(10);
	});

	test('the same reference twice in one batch creates one contract', async () => {
		const items = await Promise.all(
			['DUP-1', 'DUP-2', 'DUP-1', 'DUP-1'].map((reference, n) =>
				leaseItem({ label: `Bail ${n}`, reference }),
			),
		);
		const result = await kit.run(parallelCreate(4), items);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.reference, i.json.alreadyExisted])).toEqual([
			['DUP-1', false],
			['DUP-2', false],
			['DUP-1', true],
			['DUP-1', true],
		]);
		expect(result.items[2].json.id).toBe(result.items[0].json.id);
		expect(result.items[3].json.id).toBe(result.items[0].json.id);
		const stored = (await contracts()).filter((c) => c.reference?.startsWith('DUP-'));
		expect(stored.map((c) => c.reference).sort()).toEqual(['DUP-1', 'DUP-2']);
	});

	test('an invalid item stops the node before any request', async () => {
		const before = (await contracts()).length;
		const items = [
			await leaseItem({ label: 'Bail A', reference: 'VAL-A' }),
			await leaseItem({ label: 'Bail B', reference: 'VAL-B' }),
			await leaseItem({ label: '', reference: 'VAL-C' }),
		];
		const result = await kit.run(parallelCreate(4), items);
		expect(result.error?.message).toBe('Item 2: "Label" is empty');
		expect((await contracts()).length).toBe(before);
	});

	test('an invalid Batching option is a clear error before any request', async () => {
		const before = (await contracts()).length;
		const result = await kit.run(parallelCreate(0), [
			await leaseItem({ label: 'Bail', reference: 'BAD-BATCH' }),
		]);
		expect(result.error?.message).toContain('Parallel Requests');
		expect(result.error?.message).toContain('must be between 1 and 16, not 0');
		expect((await contracts()).length).toBe(before);
	});

	test('Continue On Fail: a failed item keeps its place, the others are sent', async () => {
		const first = (
			await kit.run(parallelCreate(1), [
				await leaseItem({ label: 'To cancel', reference: 'COF-0' }),
			])
		).items[0].json;
		const cancel = {
			resource: 'contract',
			operation: 'cancel',
			contractId: byId('={{ $json.id }}'),
			options: batching(3),
		};
		const result = await kit.run(
			cancel,
			[{ json: { id: first.id } }, { json: { id: 'ctr_unknown' } }, { json: { id: first.id } }],
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({ id: first.id, status: 'cancelled' });
		expect(result.items[1].json.error).toEqual(expect.any(String));
		// The same contract twice: sent one after the other, the second finds it cancelled.
		expect(result.items[2].json.error).toEqual(expect.any(String));
	});

	test('error output: failed items leave on the second output, paired, with parallel requests', async () => {
		const result = await runWorkflow(
			[
				{
					name: NAME,
					type: 'contratPrive',
					parameters: parallelCreate(3),
					onError: 'continueErrorOutput',
				},
			],
			[[INPUT_NODE_NAME, NAME]],
			{
				credentials: kit.credentials(),
				items: [
					await leaseItem({ label: 'Bail E0', reference: 'EO-0' }),
					await leaseItem({ label: '', reference: 'EO-1' }),
					await leaseItem({ label: 'Bail E2', reference: 'EO-2' }),
					await leaseItem({ label: 'Bail E3', reference: 'EO-3' }),
				],
			},
		);
		expect(result.status).toBe('success');
		expect(result.output(NAME, 0).map((i) => [i.json.label, i.pairedItem])).toEqual([
			['Bail E0', { item: 0 }],
			['Bail E2', { item: 2 }],
			['Bail E3', { item: 3 }],
		]);
		const failed = result.output(NAME, 1);
		expect(failed.map((i) => [i.json, i.pairedItem])).toEqual([
			[{ error: 'Item 1: "Label" is empty' }, { item: 1 }],
		]);
	});

	test('Get in parallel keeps the order', async () => {
		const created = (
			await kit.run(
				parallelCreate(4),
				await Promise.all(
					[0, 1, 2, 3, 4].map((n) => leaseItem({ label: `Get ${n}`, reference: `GET-${n}` })),
				),
			)
		).items.map((i) => i.json.id as string);
		const result = await kit.run(
			{
				resource: 'contract',
				operation: 'get',
				contractId: byId('={{ $json.id }}'),
				options: batching(4),
			},
			[...created].reverse().map((id) => ({ json: { id } })),
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.id, i.pairedItem])).toEqual(
			[...created].reverse().map((id, n) => [id, { item: n }]),
		);
	});
});

describe('Batching: a rolling pool without a Batch Interval', () => {
	afterEach(() => kit.emulator.setNetwork(null));

	/**
	 * Item 0 carries a 1 MB PDF that the network model makes take about 3 s; items 1-8 take about
	 * 30 ms each. Returns the position of item 0's create among the creates answered.
	 */
	async function slowItemPosition(batchInterval: number): Promise<number> {
		await kit.control('PUT', '/network', {
			latencyMs: 20,
			jitter: 0,
			uploadMbps: 10_000,
			processingMs: 5,
			processingMsPerMb: 2000,
		});
		kit.emulator.resetRequestLog();
		const slow = {
			json: { label: 'Slow' },
			binary: { data: pdfFile(await makePdfOfSize(1 << 20)) },
		};
		const fast = await Promise.all(
			[1, 2, 3, 4, 5, 6, 7, 8].map((n) => leaseItem({ label: `Fast ${n}` })),
		);
		const result = await kit.run(
			createParameters({ label: '={{ $json.label }}', options: batching(2, batchInterval) }),
			[slow, ...fast],
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.label, i.pairedItem])).toEqual(
			['Slow', ...fast.map((_, n) => `Fast ${n + 1}`)].map((label, n) => [label, { item: n }]),
		);
		const creates = kit.emulator.requests.filter((r) => r.requestName === 'contractCreateRequest');
		expect(creates).toHaveLength(9);
		return creates.findIndex((r) => (r.delayMs ?? 0) > 1000);
	}

	test('a slow item does not hold back the others; at most Parallel Requests in flight', async () => {
		// The other slot keeps sending: all 8 fast items are answered before the slow one.
		expect(await slowItemPosition(0)).toBe(8);
		const { body } = await kit.control('GET', '/network');
		expect(body.peakInFlight).toBe(2);
	});

	test('with a Batch Interval, each batch waits for its slowest item', async () => {
		// The contrast that shows the test above measures the pool: here item 1 waits with item 0.
		expect(await slowItemPosition(1)).toBeLessThanOrEqual(1);
	});

	test('cancelling the execution starts nothing more; requests in flight end', async () => {
		await kit.control('PUT', '/network', { latencyMs: 150, jitter: 0 });
		kit.emulator.resetRequestLog();
		const created = () =>
			kit.emulator.requestCount({ requestName: 'contractCreateRequest', status: 200 });
		const items = await Promise.all(
			Array.from({ length: 20 }, (_, n) => leaseItem({ label: `Pool stop ${n}` })),
		);
		let cancel: (() => void) | undefined;
		const finished = runWorkflow(
			[
				{
					name: NAME,
					type: 'contratPrive',
					parameters: createParameters({ label: '={{ $json.label }}', options: batching(2) }),
				},
			],
			[[INPUT_NODE_NAME, NAME]],
			{
				credentials: kit.credentials(),
				items,
				onStarted: (execution) => (cancel = () => execution.cancel()),
			},
		);
		while (created() < 2) await new Promise((r) => setTimeout(r, 10));
		cancel!();
		await finished;
		// What was in flight when cancelled (2 at most) may still land; then nothing more.
		await new Promise((r) => setTimeout(r, 600));
		const afterCancel = kit.emulator.requestCount({ requestName: 'contractCreateRequest' });
		expect(afterCancel).toBeLessThanOrEqual(6);
		await new Promise((r) => setTimeout(r, 1000));
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(afterCancel);
		expect(created()).toBeLessThan(items.length);
	});
});

describe('Batching: cancelling the execution', () => {
	test('stops the wait between batches and sends nothing more', async () => {
		const before = (await contracts()).length;
		const items = await Promise.all(
			[0, 1, 2, 3, 4, 5].map((n) => leaseItem({ label: `Stop ${n}`, reference: `STOP-${n}` })),
		);
		let cancel: (() => void) | undefined;
		const finished = runWorkflow(
			[
				{
					name: NAME,
					type: 'contratPrive',
					// One minute between batches: the test ends long before unless cancelling stops it.
					parameters: parallelCreate(2, batching(2, 60_000)),
				},
			],
			[[INPUT_NODE_NAME, NAME]],
			{
				credentials: kit.credentials(),
				items,
				onStarted: (execution) => (cancel = () => execution.cancel()),
			},
		);
		// The first batch (2 items) is sent, then the node waits a minute.
		while ((await contracts()).length < before + 2) await new Promise((r) => setTimeout(r, 20));
		const startedWaiting = Date.now();
		cancel!();
		await finished;
		expect(Date.now() - startedWaiting).toBeLessThan(30_000);
		await new Promise((r) => setTimeout(r, 200));
		const created = (await contracts()).filter((c) => c.reference?.startsWith('STOP-'));
		expect(created.map((c) => c.reference).sort()).toEqual(['STOP-0', 'STOP-1']);
	});
});

describe('HTTP 429 with Retry-After (a rate limit)', () => {
	test('parallel creates wait as told: no failed item, no duplicate, no retry spent', async () => {
		// Every create is refused once with 429 before it is carried out (Retry-After: 1 s).
		const added = await kit.control('POST', '/faults', {
			kind: '429',
			count: 4,
			requestName: 'contractCreateRequest',
		});
		expect(added.status).toBe(200);
		const items = await Promise.all(
			[0, 1, 2, 3].map((n) => leaseItem({ label: `Limited ${n}`, reference: `RL-${n}` })),
		);
		// Max Retries 0: the waits after a 429 are not retries of a failure.
		const result = await kit.run(parallelCreate(4, { maxRetries: 0 }), items);
		expect(result.error).toBeUndefined();
		expect(
			result.items.map((i) => [i.json.reference, i.json.alreadyExisted, i.pairedItem]),
		).toEqual([0, 1, 2, 3].map((n) => [`RL-${n}`, false, { item: n }]));
		const stored = (await contracts()).filter((c) => c.reference?.startsWith('RL-'));
		expect(stored.map((c) => c.reference).sort()).toEqual(['RL-0', 'RL-1', 'RL-2', 'RL-3']);
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest', status: 429 })).toBe(
			4,
		);
	});

	test('a 429 past the Retry Time Limit fails the item with the API message, nothing created', async () => {
		await kit.control('POST', '/faults', {
			kind: '429',
			count: 5,
			requestName: 'contractCreateRequest',
		});
		const result = await kit.run(parallelCreate(2, { retryTimeLimit: 500 }), [
			await leaseItem({ label: 'Too soon', reference: 'RL-LIMIT' }),
		]);
		expect(result.error?.message).toContain('Too many requests');
		expect((await contracts()).some((c) => c.reference === 'RL-LIMIT')).toBe(false);
	});
});

describe('over the network model, with a concurrency limit of 4', () => {
	afterEach(() => kit.emulator.setNetwork(null));

	test('8 parallel creates: 0 failed items, 0 duplicates, 429s answered by waiting', async () => {
		const set = await kit.control('PUT', '/network', {
			latencyMs: 20,
			jitter: 0.2,
			uploadMbps: 200,
			concurrencyLimit: 4,
			retryAfterSeconds: 0.05,
		});
		expect(set.status).toBe(200);
		kit.emulator.resetRequestLog();
		const items = await Promise.all(
			[0, 1, 2, 3, 4, 5, 6, 7].map((n) => leaseItem({ label: `Net ${n}`, reference: `NET-${n}` })),
		);
		const result = await kit.run(parallelCreate(8, { maxRetries: 0 }), items);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.reference, i.pairedItem])).toEqual(
			[0, 1, 2, 3, 4, 5, 6, 7].map((n) => [`NET-${n}`, { item: n }]),
		);
		const stored = (await contracts()).filter((c) => c.reference?.startsWith('NET-'));
		expect(stored).toHaveLength(8);
		expect(new Set(stored.map((c) => c.reference)).size).toBe(8);
		// 8 items at once against a limit of 4: some requests were refused and sent again.
		expect(kit.emulator.requestCount({ status: 429 })).toBeGreaterThan(0);
	});
});
