/**
 * The cost of a poll does not grow with the account's history: 10,000 contracts of which 200
 * are draft or pending. Requests are counted by the emulator.
 */
import { DEMO_ACCOUNTS } from '../emulator';
import { ALL_EVENTS, contractEventsOf, nodeData, useTriggerKit } from './trigger.helpers';

const kit = useTriggerKit();

function seed(count: number, status: string, createdFrom: string): string[] {
	return kit.emulator.seed({
		platform: 'sandbox',
		apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
		count,
		status: status as never,
		createdFrom,
	}).ids;
}

test('10,000 contracts, 200 open: 3 requests per quiet poll, at most 1 more per change; state bounded by open contracts', async () => {
	seed(5000, 'signed', '2026-10-01T00:00:00Z');
	seed(2400, 'cancelled', '2026-10-15T00:00:00Z');
	seed(2400, 'expired', '2026-10-20T00:00:00Z');
	const pending = seed(100, 'pending', '2026-11-20T00:00:00Z');
	const drafts = seed(100, 'draft', '2026-11-21T00:00:00Z');

	const n8n = kit.instance({ events: ALL_EVENTS });
	const costs: Record<string, number> = {};
	const measure = async (name: string) => {
		kit.emulator.resetRequestLog();
		const result = await n8n.poll();
		expect(result.error).toBeUndefined();
		costs[name] = kit.emulator.requestCount();
		return result;
	};

	kit.emulator.resetRequestLog();
	const activation = await n8n.activate();
	expect(activation.items).toBeNull();
	costs.activation = kit.emulator.requestCount();
	expect(costs.activation).toBeLessThanOrEqual(3);

	const data = () => nodeData(n8n.memory);
	expect(Object.keys(data().openContracts as object)).toHaveLength(200);

	// Nothing happens.
	expect((await measure('quiet')).items).toBeNull();
	expect(costs.quiet).toBeLessThanOrEqual(3);
	expect((await measure('quiet again')).items).toBeNull();
	expect(costs['quiet again']).toBeLessThanOrEqual(3);

	// One contract signed (1 change): +1 request at most.
	const seeded = await kit.view(pending[10]);
	await kit.sign(pending[10], seeded.signatories[0].id);
	const signed = await measure('one signature');
	expect(contractEventsOf(signed)).toEqual([
		`${pending[10]} signatorySigned:${seeded.signatories[0].id}`,
		`${pending[10]} contractSigned`,
	]);
	expect(costs['one signature']).toBeLessThanOrEqual(costs.quiet + 1);

	// One cancelled.
	await kit.cancel(pending[20]);
	expect(contractEventsOf(await measure('one cancellation'))).toEqual([
		`${pending[20]} contractCancelled`,
	]);
	expect(costs['one cancellation']).toBeLessThanOrEqual(costs.quiet + 1);

	// A draft validated on the website: seen in the open contracts, no request more.
	await kit.validate(drafts[5]);
	expect(contractEventsOf(await measure('one validation'))).toEqual([`${drafts[5]} contractSent`]);
	expect(costs['one validation']).toBeLessThanOrEqual(costs.quiet + 1);

	// One new contract.
	const created = await kit.create();
	expect(contractEventsOf(await measure('one creation'))).toEqual([
		`${created.id} contractCreated`,
		`${created.id} contractSent`,
	]);
	expect(costs['one creation']).toBeLessThanOrEqual(costs.quiet + 1);

	// Eight changes at once: 3 signed, 2 cancelled, 1 validated, 2 created (one finished already).
	for (const id of pending.slice(30, 33)) await kit.signAll(id);
	for (const id of pending.slice(40, 42)) await kit.cancel(id);
	await kit.validate(drafts[6]);
	const another = await kit.create({ submit: false });
	// Distinct creation times, so that the newest one is a single contract (asserted below).
	kit.emulator.clock.advance(1000);
	const finished = await kit.create();
	await kit.cancel(finished.id);
	const many = await measure('eight changes');
	expect(many.items![0].length).toBe(3 * 2 + 2 + 1 + 1 + 3);
	expect(costs['eight changes']).toBeLessThanOrEqual(costs.quiet + 8);

	expect((await measure('quiet at the end')).items).toBeNull();
	expect(costs['quiet at the end']).toBeLessThanOrEqual(3);

	// The state holds the open contracts only (200 - 1 signed - 1 cancelled - 3 - 2 + 2 created
	// and open), never the history.
	const open = await kit.api('contractListRequest', {
		filter: { status: ['draft', 'pending'] },
		limit: 1,
	});
	expect(Object.keys(data().openContracts as object)).toHaveLength(open.body.total);
	expect(open.body.total).toBe(200 - 1 - 1 - 3 - 2 + 2);
	expect(data().openContracts).toHaveProperty(another.id);
	expect((data().idsAtNewestCreatedAt as string[]).length).toBe(1);
	const bytes = JSON.stringify(n8n.database).length;
	expect(bytes).toBeLessThan(200 * 200);

	// The measured costs, for the record (also in the report of the pull request).
	expect(costs).toEqual({
		activation: 3,
		quiet: 3,
		'quiet again': 3,
		'one signature': 4,
		'one cancellation': 4,
		'one validation': 3,
		'one creation': 3,
		'eight changes': 8,
		'quiet at the end': 3,
	});
}, 60_000);
