/**
 * "Keep Requests for Other Workflows": on production, a run reads the day's usage once, counts
 * its own requests (parallel ones included) and never sends one that would leave fewer than the
 * reserve. Every item not sent fails naming itself, the reserve, the usage and the reset; a
 * re-run the next day, with references, finishes the job.
 */
import { INPUT_NODE_NAME, runWorkflow } from '../helpers';
import { createParameters, useNodeKit } from './contract.helpers';
import {
	contractsByReference,
	counter,
	createRun,
	freshProcess,
	PLATFORM,
	referenceItems,
} from './quota.helpers';

const kit = useNodeKit();
freshProcess(kit);
const requests = counter(kit);

const references = Array.from({ length: 30 }, (_, n) => `RES-${n + 1}`);

/** Today's counter on the emulator, read without counting a request. */
const usedToday = () => kit.emulator.setQuota({}).used;

const REFUSED = /^Item (\d+): not sent, to keep 80 requests for other workflows$/;

describe('the reserve', () => {
	test.each([1, 4])(
		'%i parallel request(s): exactly the reserve is left, every unsent item named, the next day finishes the job',
		async (parallelRequests) => {
			// Other workflows already spent 900 of the 1,000: 20 are left above a reserve of 80.
			kit.emulator.setQuota({ used: 900 });
			const options = {
				keepRequests: 80,
				batching: { batch: { parallelRequests, batchInterval: 0 } },
			};
			const items = await referenceItems(references);
			const first = await createRun(kit, items, options);
			expect(first.error).toBeUndefined();
			expect(usedToday()).toBe(1000 - 80);
			// The usage check, the one page of the listing, then 18 creates.
			expect(requests('checkConnexionRequest')).toBe(1);
			expect(requests('contractListRequest')).toBe(1);
			expect(requests('contractCreateRequest')).toBe(18);

			const refused = first.items.filter((item) => item.json.error);
			expect(refused).toHaveLength(12);
			for (const item of refused) {
				const index = (item.pairedItem as { item: number }).item;
				expect(item.json.error).toMatch(REFUSED);
				expect(Number(REFUSED.exec(item.json.error as string)![1])).toBe(index);
				expect(item.json.description).toContain('"Keep Requests for Other Workflows" is 80');
				expect(item.json.description).toContain(
					"920 of the account's 1,000 requests are used today",
				);
				expect(item.json.description).toMatch(
					/resets at \d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z \(midnight, Paris time\)/,
				);
			}
			const created = first.items.filter((item) => !item.json.error);
			expect(created.every((item) => item.json.alreadyExisted === false)).toBe(true);

			// The next day: the same 30 items; the 18 known contracts are read, the 12 others created.
			kit.emulator.clock.advance('P1D');
			kit.emulator.resetRequestLog();
			const second = await createRun(kit, items, options);
			expect(second.items.map((item) => item.json.error)).toEqual(references.map(() => undefined));
			expect(second.items.filter((item) => item.json.alreadyExisted)).toHaveLength(18);
			expect(requests('contractCreateRequest')).toBe(12);
			const stored = await contractsByReference(kit);
			expect(references.map((reference) => stored.get(reference)?.length)).toEqual(
				references.map(() => 1),
			);
		},
	);

	test('without Continue On Fail, the first item not sent stops the node with its error', async () => {
		kit.emulator.setQuota({ used: 990 });
		const result = await kit.run(
			{
				resource: 'contract',
				operation: 'getMany',
				returnAll: false,
				limit: 1,
			},
			[{ json: {} }],
			{ platform: PLATFORM },
		);
		// Get Many has no Batching, hence no reserve: it is sent.
		expect(result.error).toBeUndefined();

		const items = await referenceItems(references.slice(0, 5));
		const stopped = await kit.run(
			{
				resource: 'contract',
				operation: 'create',
				label: 'Bail',
				language: 'fr',
				deadline: new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10),
				binaryPropertyName: 'data',
				signatoriesInput: 'json',
				signatoriesJson: JSON.stringify([
					{
						firstName: 'Alice',
						lastName: 'Martin',
						email: 'alice@example.com',
						phone: '+33612345678',
					},
				]),
				additionalFields: { reference: '={{ $json.reference }}' },
				notifySignatories: false,
				notifyOwner: false,
				options: { keepRequests: 5 },
			},
			items,
			{ platform: PLATFORM },
		);
		// 991 used, the check makes 992; 3 more may go: the page and 2 creates, then item 2 stops.
		expect(stopped.error?.message).toBe('Item 2: not sent, to keep 5 requests for other workflows');
		expect(usedToday()).toBe(995);
	});

	test('the error output: items sent on the main output, items not sent on the error output', async () => {
		kit.emulator.setQuota({ used: 990 });
		const result = await runWorkflow(
			[
				{
					name: 'Create',
					type: 'contratPrive',
					parameters: createParameters({
						additionalFields: { reference: '={{ $json.reference }}' },
						options: { keepRequests: 5 },
					}),
					onError: 'continueErrorOutput',
				},
			],
			[[INPUT_NODE_NAME, 'Create']],
			{
				credentials: kit.credentials(PLATFORM),
				items: await referenceItems(references.slice(0, 6)),
			},
		);
		expect(result.status).toBe('success');
		// 991 with the check; the page and 3 creates reach 995: one more would leave 4.
		expect(usedToday()).toBe(995);
		expect(result.output('Create', 0).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.output('Create', 1).map((item) => [item.json.error, item.pairedItem])).toEqual(
			[3, 4, 5].map((item) => [
				`Item ${item}: not sent, to keep 5 requests for other workflows`,
				{ item },
			]),
		);
	});

	test("the account's own limit, as the connection check reports it", async () => {
		kit.emulator.setQuota({ limit: 40, used: 0 });
		const result = await createRun(kit, await referenceItems(references), { keepRequests: 30 });
		expect(usedToday()).toBe(10);
		expect(result.items.filter((item) => !item.json.error)).toHaveLength(8);
		expect(result.items.find((item) => item.json.error)?.json.description).toContain(
			"10 of the account's 40 requests are used today",
		);
	});

	test('0 turns it off; on the sandbox the reserve changes nothing', async () => {
		kit.emulator.setQuota({ used: 995 });
		const off = await createRun(kit, await referenceItems(references.slice(0, 3)), {
			keepRequests: 0,
		});
		expect(off.items.map((item) => item.json.error)).toEqual([undefined, undefined, undefined]);
		expect(requests('checkConnexionRequest')).toBe(0);

		kit.emulator.resetRequestLog();
		const sandbox = await kit.run(
			{
				resource: 'contract',
				operation: 'get',
				contractId: { __rl: true, mode: 'id', value: 'nope' },
				options: { keepRequests: 1000 },
			},
			[{ json: {} }],
			{ platform: 'sandbox', continueOnFail: true },
		);
		expect(sandbox.items[0].json.error).toBe('Contract not found');
		// A custom URL: one usage check tells it is the sandbox (the Sandbox platform needs none).
		expect(kit.emulator.requestCount({ requestName: 'checkConnexionRequest' })).toBe(1);
		expect(kit.emulator.requestCount({ requestName: 'contractDetailRequest' })).toBe(1);
	});
});
