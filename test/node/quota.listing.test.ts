/**
 * The shared listing under stress: contracts created between its pages (an offset shift may
 * repeat a contract, never skip one), a total that goes down, and the fault matrix (every
 * fault kind on every page): a page that fails never lets an item be created unchecked.
 */
import type { ContractList } from '../../nodes/ContratPrive/transport';
import { ListingIndex, readListing } from '../../nodes/ContratPrive/quota/referenceListing';
import { createContractViaApi, FAILURE_KINDS, FAST_RETRIES, useNodeKit } from './contract.helpers';
import {
	contractsByReference,
	counter,
	createRun,
	freshProcess,
	PLATFORM,
	referenceItems,
	seedAccount,
} from './quota.helpers';

const kit = useNodeKit();
freshProcess(kit);
const requests = counter(kit);

const listPage = async (offset: number): Promise<ContractList> => {
	const page = await kit.api(PLATFORM, 'contractListRequest', { offset, limit: 100 });
	expect(page.status).toBe(200);
	return page.body as ContractList;
};

describe('contracts created between pages', () => {
	test('250 contracts, 40 created before each later page: every one of the 250 found, some repeated, none skipped', async () => {
		const seeded = seedAccount(kit, 250);
		const index = new ListingIndex();
		const seen: string[] = [];
		let pages = 0;
		await readListing(
			index,
			async (offset) => {
				if (pages > 0) {
					for (let n = 0; n < 40; n++) {
						await createContractViaApi(kit, PLATFORM, { reference: `MEANWHILE-${pages}-${n}` });
					}
				}
				pages += 1;
				const page = await listPage(offset);
				seen.push(...page.contracts.map((contract) => contract.id));
				return page;
			},
			20,
		);
		expect(index.complete).toBe(true);
		// 3 pages for 250, 2 more for the 80 (then 120) created meanwhile: 370 by the last total.
		expect(index.firstTotal).toBe(250);
		expect(index.pages).toBe(4);
		expect(index.latestTotal).toBe(370);
		for (const [n, id] of seeded.entries()) {
			expect(index.find(`SEED-${n + 1}`)).toEqual({ ids: [id], complete: true });
		}
		const repeats = seen.length - new Set(seen).size;
		expect(repeats).toBeGreaterThan(0);
		// What was created after the first page is not in the run's view: a reference of its own
		// is found by the process memory or, across processes, not at all (as per item).
		expect(index.find('MEANWHILE-1-0')).toEqual({ ids: [], complete: true });
	});

	test('a total that goes down stops the listing: what was read stays, the rest is unknown', () => {
		const index = new ListingIndex();
		const contract = (id: string, reference: string) =>
			({ id, reference }) as ContractList['contracts'][number];
		expect(
			index.add({ total: 300, offset: 0, limit: 100, contracts: [contract('c3', 'R3')] }),
		).toBe(true);
		expect(
			index.add({ total: 299, offset: 100, limit: 100, contracts: [contract('c2', 'R2')] }),
		).toBe(false);
		expect(index.complete).toBe(false);
		expect(index.find('R3')).toEqual({ ids: ['c3'], complete: false });
		expect(index.find('R2')).toBeUndefined();
		expect(index.find('NEVER')).toBeUndefined();
	});
});

describe('the fault matrix over the shared listing: 250 contracts (3 pages), 6 references', () => {
	// One existing reference per page, and three new ones.
	const references = ['SEED-240', 'SEED-120', 'SEED-5', 'NEW-1', 'NEW-2', 'NEW-3'];
	const cells = FAILURE_KINDS.flatMap((kind) =>
		[0, 1, 2].map((page): [string, number] => [kind, page]),
	);

	test.each(cells)(
		'%s on page %i, no retry: every item still checked, one contract per reference',
		async (kind, page) => {
			const seeded = seedAccount(kit, 250);
			kit.emulator.resetRequestLog();
			const fault = await kit.control('POST', '/faults', {
				kind,
				requestName: 'contractListRequest',
				skip: page,
			});
			expect(fault.status).toBe(200);
			const result = await createRun(kit, await referenceItems(references), {
				...FAST_RETRIES,
				maxRetries: 0,
			});
			expect(result.error).toBeUndefined();
			expect(
				result.items.map((item) => [
					item.json.reference,
					item.json.alreadyExisted,
					item.json.error,
				]),
			).toEqual(references.map((reference, n) => [reference, n < 3, undefined]));
			expect(result.items.slice(0, 3).map((item) => item.json.id)).toEqual([
				seeded[239],
				seeded[119],
				seeded[4],
			]);
			expect(requests('contractCreateRequest')).toBe(3);
			// The pages read before the fault answer what they show; the others look themselves up.
			const unresolvedAfter = [6, 5, 4][page];
			expect(requests('contractListRequest')).toBe(page + 1 + unresolvedAfter);
			const stored = await contractsByReference(kit);
			for (const reference of references) expect(stored.get(reference)).toHaveLength(1);
		},
	);

	test.each(FAILURE_KINDS)(
		'%s on the second page, with retries: the listing completes',
		async (kind) => {
			seedAccount(kit, 250);
			kit.emulator.resetRequestLog();
			await kit.control('POST', '/faults', { kind, requestName: 'contractListRequest', skip: 1 });
			const result = await createRun(kit, await referenceItems(references), FAST_RETRIES);
			expect(result.items.map((item) => item.json.error)).toEqual(references.map(() => undefined));
			expect(requests('contractListRequest')).toBe(3 + 1);
			expect(requests('contractCreateRequest')).toBe(3);
		},
	);

	test('every listing request fails: no item is created, each fails on its own look-up', async () => {
		seedAccount(kit, 250);
		kit.emulator.resetRequestLog();
		await kit.control('POST', '/faults', {
			kind: '503',
			requestName: 'contractListRequest',
			count: 1000,
		});
		const result = await createRun(kit, await referenceItems(references), {
			...FAST_RETRIES,
			maxRetries: 0,
		});
		await kit.control('DELETE', '/faults');
		expect(result.items.map((item) => typeof item.json.error)).toEqual(
			references.map(() => 'string'),
		);
		expect(requests('contractCreateRequest')).toBe(0);
		expect(requests('contractListRequest')).toBe(1 + references.length);
	});

	test.each(['500', 'timeout', 'reset'])(
		'%s after the create was carried out, on a shared listing: read back, never sent twice',
		async (kind) => {
			seedAccount(kit, 150);
			kit.emulator.resetRequestLog();
			await kit.control('POST', '/faults', {
				kind,
				requestName: 'contractCreateRequest',
				after: true,
				count: 2,
			});
			const items = await referenceItems(['SEED-150', 'SEED-2', 'NEW-1', 'NEW-2', 'NEW-3']);
			const result = await createRun(kit, items, { ...FAST_RETRIES, skipIfReferenceExists: false });
			expect(result.items.map((item) => item.json.error)).toEqual(items.map(() => undefined));
			const stored = await contractsByReference(kit);
			// Off: a new one beside SEED-150 and SEED-2, not the old one taken for it.
			expect(stored.get('SEED-150')).toHaveLength(2);
			expect(stored.get('SEED-150')![0]).toBe(result.items[0].json.id);
			expect(stored.get('SEED-2')![0]).toBe(result.items[1].json.id);
			for (const reference of ['NEW-1', 'NEW-2', 'NEW-3'])
				expect(stored.get(reference)).toHaveLength(1);
			expect(requests('contractCreateRequest')).toBe(5);
		},
	);
});

describe("another process creating the run's references meanwhile (a second queue-mode worker)", () => {
	const references = Array.from({ length: 60 }, (_, n) => `C-${n + 1}`);

	test('alone: the head of the listing is read again after 20 creates, nothing more', async () => {
		const result = await createRun(kit, await referenceItems(references.slice(0, 50)));
		expect(result.items.every((item) => !item.json.error && !item.json.alreadyExisted)).toBe(true);
		// The first page, 50 creates, one read of the head after the 20th.
		expect(requests('contractListRequest')).toBe(2);
		expect(requests('contractCreateRequest')).toBe(50);
	});

	test('the head shows a stranger: every item left looks itself up, none of its references is created twice', async () => {
		const run = createRun(kit, await referenceItems(references));
		// Once the run has started creating, "the other worker" creates the last 10 references.
		while (requests('contractCreateRequest') < 3) await new Promise((r) => setTimeout(r, 5));
		for (const reference of references.slice(50)) {
			await createContractViaApi(kit, PLATFORM, { reference });
		}
		const result = await run;
		expect(result.items.map((item) => item.json.error)).toEqual(references.map(() => undefined));
		expect(result.items.slice(50).every((item) => item.json.alreadyExisted === true)).toBe(true);
		const stored = await contractsByReference(kit);
		expect(references.map((reference) => stored.get(reference)?.length)).toEqual(
			references.map(() => 1),
		);
		// The node's creates: 50 (10 were the other's); look-ups per item after the head read.
		expect(requests('contractCreateRequest')).toBe(50 + 10);
	});
});
