/**
 * Overlapping runs in one n8n process (a schedule that fires while the last run still goes, a
 * webhook called twice): two executions never look up and create the same reference at once.
 * The second waits, then finds the first's contract, with no look-up of its own.
 */
import { useNodeKit } from './contract.helpers';
import {
	contractsByReference,
	counter,
	createRun,
	freshProcess,
	referenceItems,
} from './quota.helpers';

const kit = useNodeKit();
freshProcess(kit);
const requests = counter(kit);

const references = Array.from({ length: 100 }, (_, n) => `OVERLAP-${n + 1}`);

describe('two runs in one process with the same 100 references, started together', () => {
	test.each([1, 4])(
		'%i parallel request(s) each: exactly 100 contracts',
		async (parallelRequests) => {
			const items = await referenceItems(references);
			const options = { batching: { batch: { parallelRequests, batchInterval: 0 } } };
			const [first, second] = await Promise.all([
				createRun(kit, items, options),
				createRun(kit, items, options),
			]);
			for (const run of [first, second]) {
				expect(run.error).toBeUndefined();
				expect(run.items.map((item) => [item.json.reference, item.json.error])).toEqual(
					references.map((reference) => [reference, undefined]),
				);
			}
			// For each reference, one run created it and the other found that very contract.
			for (let n = 0; n < references.length; n++) {
				const pair = [first.items[n].json, second.items[n].json];
				expect(pair[0].id).toBe(pair[1].id);
				expect(pair.map((json) => json.alreadyExisted).sort()).toEqual([false, true]);
			}
			// 100 creates, 100 details of the other run's contracts, and the listing: one page per
			// run that still had references to look up when it started (the account was empty),
			// and its head read again after 20 and 60 creates. Two unprotected runs would spend 400
			// (list + create or list + details each).
			expect(requests('contractCreateRequest')).toBe(100);
			expect(requests('contractDetailRequest')).toBe(100);
			expect(requests('contractListRequest')).toBeGreaterThanOrEqual(1);
			expect(requests('contractListRequest')).toBeLessThanOrEqual(2 + 2 * 2);
			expect(requests()).toBe(200 + requests('contractListRequest'));
			console.log(
				`Two overlapping runs of 100 references, ${parallelRequests} parallel request(s) each: 100 contracts, ${requests()} requests (${requests('contractListRequest')} of the listing)`,
			);
			const stored = await contractsByReference(kit);
			expect(references.map((reference) => stored.get(reference)?.length)).toEqual(
				references.map(() => 1),
			);
			expect(stored.size).toBe(100);
		},
	);
});
