/**
 * Create with a Reference on many items: one look-up for the whole run where it costs fewer
 * requests (the account's listing, newest first, shared by every item), one per item where
 * that is cheaper; the same contracts found and the same output either way. Request counts come
 * from the emulator's request log.
 */
import { useNodeKit } from './contract.helpers';
import {
	contractsByReference,
	counter,
	createRun,
	freshProcess,
	referenceItems,
	seedAccount,
} from './quota.helpers';
import { forgetEverything } from '../../nodes/ContratPrive/quota/processMemory';

const kit = useNodeKit();
freshProcess(kit);
const requests = counter(kit);

const news = (count: number, prefix = 'NEW') =>
	Array.from({ length: count }, (_, n) => `${prefix}-${n + 1}`);

function outputs(result: Awaited<ReturnType<typeof createRun>>) {
	expect(result.error).toBeUndefined();
	return result.items.map((item) => ({
		reference: item.json.reference as string,
		id: item.json.id as string,
		alreadyExisted: item.json.alreadyExisted as boolean,
		error: item.json.error as string | undefined,
	}));
}

describe('the way chosen, per run', () => {
	test('one item: it looks itself up (1 list by reference + 1 create), as before', async () => {
		seedAccount(kit, 250);
		kit.emulator.resetRequestLog();
		const result = outputs(await createRun(kit, await referenceItems(['ONE'])));
		expect(result[0]).toMatchObject({ reference: 'ONE', alreadyExisted: false });
		expect([requests('contractListRequest'), requests('contractCreateRequest')]).toEqual([1, 1]);
		expect(requests()).toBe(2);
	});

	test('10 new references, empty account: one page for all (11 requests; per item: 20)', async () => {
		const references = news(10);
		const result = outputs(await createRun(kit, await referenceItems(references)));
		expect(result.map((item) => [item.reference, item.alreadyExisted, item.error])).toEqual(
			references.map((reference) => [reference, false, undefined]),
		);
		expect(requests('contractListRequest')).toBe(1);
		expect(requests('contractCreateRequest')).toBe(10);
		expect(requests()).toBe(11);
	});

	test('10 references, 250 contracts: 3 pages shared, existing ones read (13 requests; per item: 20)', async () => {
		const seeded = seedAccount(kit, 250);
		kit.emulator.resetRequestLog();
		// SEED-249 is on the first page, SEED-150 on the second, SEED-10 on the third.
		const references = ['SEED-249', 'SEED-150', 'SEED-10', ...news(7)];
		const result = outputs(await createRun(kit, await referenceItems(references)));
		expect(result.slice(0, 3)).toEqual([
			{ reference: 'SEED-249', id: seeded[248], alreadyExisted: true, error: undefined },
			{ reference: 'SEED-150', id: seeded[149], alreadyExisted: true, error: undefined },
			{ reference: 'SEED-10', id: seeded[9], alreadyExisted: true, error: undefined },
		]);
		expect(result.slice(3).every((item) => !item.alreadyExisted && !item.error)).toBe(true);
		expect(requests('contractListRequest')).toBe(3);
		expect(requests('contractDetailRequest')).toBe(3);
		expect(requests('contractCreateRequest')).toBe(7);
		expect(requests()).toBe(13);
	});

	test('10 references, 2,000 contracts: per item, the first page answering what it shows; then no page at all', async () => {
		const seeded = seedAccount(kit, 2000);
		kit.emulator.resetRequestLog();
		// 20 pages for 10 references: per item is cheaper. SEED-1995 is on the first page.
		const references = ['SEED-1995', 'SEED-5', ...news(8)];
		const first = outputs(await createRun(kit, await referenceItems(references)));
		expect(first.slice(0, 2).map((item) => [item.id, item.alreadyExisted])).toEqual([
			[seeded[1994], true],
			[seeded[4], true],
		]);
		// The first page, then 9 look-ups by reference (SEED-1995 needs none): 10, as per item.
		expect(requests('contractListRequest')).toBe(10);
		expect(requests('contractDetailRequest')).toBe(2);
		expect(requests('contractCreateRequest')).toBe(8);

		// The process now knows the account is long: the next run looks up per item at once.
		kit.emulator.resetRequestLog();
		const second = outputs(await createRun(kit, await referenceItems(news(10, 'MORE'))));
		expect(second.every((item) => !item.alreadyExisted && !item.error)).toBe(true);
		expect(requests('contractListRequest')).toBe(10);
		expect(requests('contractCreateRequest')).toBe(10);
	});

	test('a re-run in the same process: no listing, the details of each contract (1 request each)', async () => {
		const references = news(10);
		const first = outputs(await createRun(kit, await referenceItems(references)));
		kit.emulator.resetRequestLog();
		const second = outputs(await createRun(kit, await referenceItems(references)));
		expect(second.map((item) => [item.id, item.alreadyExisted])).toEqual(
			first.map((item) => [item.id, true]),
		);
		expect(requests('contractListRequest')).toBe(0);
		expect(requests('contractDetailRequest')).toBe(10);
		expect(requests()).toBe(10);
	});

	test('a re-run after a restart: one page, then the details (11 requests; per item: 20)', async () => {
		const references = news(10);
		const firstRun = await createRun(kit, await referenceItems(references));
		const first = outputs(firstRun);
		forgetEverything();
		kit.emulator.resetRequestLog();
		const secondRun = await createRun(kit, await referenceItems(references));
		const second = outputs(secondRun);
		expect(second.map((item) => [item.id, item.alreadyExisted])).toEqual(
			first.map((item) => [item.id, true]),
		);
		// The same output shape as the run that created them, without document contents.
		expect(Object.keys(secondRun.items[0].json).sort()).toEqual(
			Object.keys(firstRun.items[0].json).sort(),
		);
		expect(JSON.stringify(secondRun.items.map((item) => item.json))).not.toMatch(/"content"/);
		expect([requests('contractListRequest'), requests('contractDetailRequest')]).toEqual([1, 10]);
	});

	test('the same reference twice in a run, and Batching: one contract, found by the second item without a look-up', async () => {
		const references = ['DUP', 'A', 'DUP', 'B', 'DUP'];
		const result = outputs(
			await createRun(kit, await referenceItems(references), {
				batching: { batch: { parallelRequests: 4, batchInterval: 0 } },
			}),
		);
		expect(result.map((item) => [item.reference, item.alreadyExisted])).toEqual([
			['DUP', false],
			['A', false],
			['DUP', true],
			['B', false],
			['DUP', true],
		]);
		expect(
			new Set(result.filter((item) => item.reference === 'DUP').map((item) => item.id)).size,
		).toBe(1);
		expect([requests('contractListRequest'), requests('contractCreateRequest')]).toEqual([1, 3]);
		expect(requests('contractDetailRequest')).toBe(2);
		expect((await contractsByReference(kit)).get('DUP')).toHaveLength(1);
	});

	test('Skip If Reference Exists off: a new contract each time, the old ones never taken for it', async () => {
		seedAccount(kit, 150);
		kit.emulator.resetRequestLog();
		const references = ['SEED-3', 'SEED-140', 'FRESH'];
		const result = outputs(
			await createRun(kit, await referenceItems(references), { skipIfReferenceExists: false }),
		);
		expect(result.every((item) => !item.alreadyExisted && !item.error)).toBe(true);
		const stored = await contractsByReference(kit);
		expect(stored.get('SEED-3')).toHaveLength(2);
		expect(stored.get('SEED-3')![0]).toBe(result[0].id);
		expect(stored.get('SEED-140')![0]).toBe(result[1].id);
		expect(stored.get('FRESH')).toEqual([result[2].id]);
	});

	test('a contract the process remembers but the API does not know (an emulator reset): looked up and created as usual', async () => {
		const first = outputs(await createRun(kit, await referenceItems(['GONE'])));
		kit.emulator.reset();
		const second = outputs(await createRun(kit, await referenceItems(['GONE'])));
		expect(second[0]).toMatchObject({ reference: 'GONE', alreadyExisted: false, error: undefined });
		expect(second[0].id).not.toBe(first[0].id);
		// Its details (404), its look-up by reference, its create.
		expect([
			requests('contractDetailRequest'),
			requests('contractListRequest'),
			requests('contractCreateRequest'),
		]).toEqual([1, 1, 1]);
	});
});
