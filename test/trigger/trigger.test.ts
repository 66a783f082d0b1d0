/**
 * Contrat-Privé Trigger, run through n8n-core's PollContext against the emulator over real
 * HTTP. Time is driven with the emulator's clock, the website with its control API.
 */
import type { ExecutionBaseError, NodeApiError } from 'n8n-workflow';

import type { TriggerItem } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import { runPoll } from '../helpers/poll';
import { readBinary } from '../helpers/run-workflow';
import { ALL_EVENTS, contractEventsOf, eventsOf, nodeData, useTriggerKit } from './trigger.helpers';
import { KEYS } from '../fixtures/accounts';
import { pdfPages } from '../fixtures/pdf';

const kit = useTriggerKit();

const params = (events: string[] = ALL_EVENTS, extra: Record<string, unknown> = {}) => ({
	events,
	...extra,
});

describe('first activation', () => {
	test('records the current state and emits nothing; a quiet poll emits nothing either', async () => {
		const signed = await kit.create();
		await kit.signAll(signed.id);
		const pending = await kit.create({ signatories: 2 });
		const draft = await kit.create({ submit: false });

		const n8n = kit.instance(params());
		const first = await n8n.activate();
		expect(first.error).toBeUndefined();
		expect(first.items).toBeNull();
		const data = nodeData(n8n.database);
		expect(Object.keys(data.openContracts as object).sort()).toEqual([draft.id, pending.id].sort());
		expect(data.newestCreatedAt).toBe(draft.createdAt);

		const second = await n8n.poll();
		expect(second.error).toBeUndefined();
		expect(second.items).toBeNull();
	});

	test('an account without any contract: the first contract ever is seen', async () => {
		const n8n = kit.instance(params());
		expect((await n8n.activate()).items).toBeNull();
		const created = await kit.create();
		expect(contractEventsOf(await n8n.poll())).toEqual([
			`${created.id} contractCreated`,
			`${created.id} contractSent`,
		]);
	});
});

describe('events', () => {
	test('each event type, one poll after the other', async () => {
		const n8n = kit.instance(params());
		await n8n.activate();

		const draft = await kit.create({ submit: false, signatories: 2 });
		const created = await n8n.poll();
		expect(eventsOf(created)).toEqual(['contractCreated']);
		const item = jsonAs<TriggerItem>(created.items![0][0]);
		expect(item).toEqual({
			event: 'contractCreated',
			contract: {
				id: draft.id,
				label: 'Bail meublé - Lyon',
				reference: 'REF-1',
				status: 'draft',
				previousStatus: null,
				createdAt: draft.createdAt,
				updatedAt: expect.any(String),
				deadline: '2026-12-31',
				signatories: draft.signatories.map((s) => ({
					id: s.id,
					firstName: s.firstName,
					lastName: s.lastName,
					status: 'pending',
				})),
			},
			detectedAt: expect.any(String),
		});

		await kit.validate(draft.id);
		const sent = await n8n.poll();
		expect(eventsOf(sent)).toEqual(['contractSent']);
		expect(jsonAs<TriggerItem>(sent.items![0][0]).contract).toMatchObject({
			status: 'pending',
			previousStatus: 'draft',
		});

		const [first, second] = draft.signatories;
		await kit.sign(draft.id, first.id);
		const one = await n8n.poll();
		expect(eventsOf(one)).toEqual([`signatorySigned:${first.id}`]);
		expect(jsonAs<TriggerItem>(one.items![0][0]).signatory).toEqual({
			id: first.id,
			firstName: first.firstName,
			lastName: first.lastName,
			status: 'signed',
			signedAt: null,
		});

		await kit.sign(draft.id, second.id);
		const all = await n8n.poll();
		expect(eventsOf(all)).toEqual([`signatorySigned:${second.id}`, 'contractSigned']);
		expect(jsonAs<TriggerItem>(all.items![0][1]).contract).toMatchObject({
			status: 'signed',
			previousStatus: 'pending',
		});

		const toCancel = await kit.create();
		await n8n.poll();
		await kit.cancel(toCancel.id);
		const cancelled = await n8n.poll();
		expect(contractEventsOf(cancelled)).toEqual([`${toCancel.id} contractCancelled`]);

		const toExpire = await kit.create({ deadline: '2026-12-02' });
		await n8n.poll();
		kit.emulator.clock.set('2026-12-03T08:00:00Z');
		const expired = await n8n.poll();
		expect(contractEventsOf(expired)).toEqual([`${toExpire.id} contractExpired`]);
		expect(jsonAs<TriggerItem>(expired.items![0][0]).contract).toMatchObject({
			status: 'expired',
			previousStatus: 'pending',
		});

		expect(await n8n.poll()).toMatchObject({ items: null });
	});

	test('a draft that expires without being sent: contractExpired, no contractSent', async () => {
		const n8n = kit.instance(params());
		await n8n.activate();
		const draft = await kit.create({ submit: false, deadline: '2026-12-02' });
		const sentThenExpired = await kit.create({ submit: false, deadline: '2026-12-02' });
		expect(eventsOf(await n8n.poll())).toEqual(['contractCreated', 'contractCreated']);
		await kit.validate(sentThenExpired.id);
		kit.emulator.clock.set('2026-12-03T08:00:00Z');
		expect(contractEventsOf(await n8n.poll())).toEqual([
			`${draft.id} contractExpired`,
			`${sentThenExpired.id} contractSent`,
			`${sentThenExpired.id} contractExpired`,
		]);
	});

	test('"Contract Sent" alone: a draft validated, then expired between two polls, is still reported sent', async () => {
		const n8n = kit.instance(params(['contractSent']));
		await n8n.activate();
		const draft = await kit.create({ submit: false, deadline: '2026-12-02' });
		await kit.create({ submit: false, deadline: '2026-12-02' }); // expires without being sent
		await kit.validate(draft.id);
		kit.emulator.clock.set('2026-12-03T08:00:00Z');
		expect(contractEventsOf(await n8n.poll())).toEqual([`${draft.id} contractSent`]);
	});

	test('pending → signed between two polls: signatorySigned in signing order, then contractSigned', async () => {
		const n8n = kit.instance(params());
		const contract = await kit.create({ signatories: 3 });
		await n8n.activate();
		const [a, b, c] = contract.signatories;
		await kit.sign(contract.id, c.id);
		kit.emulator.clock.advance('PT1M');
		await kit.sign(contract.id, a.id);
		kit.emulator.clock.advance('PT1M');
		await kit.sign(contract.id, b.id);
		const result = await n8n.poll();
		expect(eventsOf(result)).toEqual([
			`signatorySigned:${c.id}`,
			`signatorySigned:${a.id}`,
			`signatorySigned:${b.id}`,
			'contractSigned',
		]);
		const signedAt = result
			.items![0].slice(0, 3)
			.map((item) => jsonAs<TriggerItem>(item).signatory?.signedAt);
		expect(signedAt.every((at) => typeof at === 'string')).toBe(true);
		expect([...signedAt].sort()).toEqual(signedAt);
	});

	test('created, sent and finished between two polls: nothing missed', async () => {
		const n8n = kit.instance(params());
		await n8n.activate();
		const signed = await kit.create({ signatories: 2 });
		await kit.signAll(signed.id);
		const cancelled = await kit.create();
		await kit.cancel(cancelled.id);
		const draft = await kit.create({ submit: false });
		await kit.validate(draft.id);
		expect(contractEventsOf(await n8n.poll())).toEqual([
			`${signed.id} contractCreated`,
			`${signed.id} contractSent`,
			`${signed.id} signatorySigned:${signed.signatories[0].id}`,
			`${signed.id} signatorySigned:${signed.signatories[1].id}`,
			`${signed.id} contractSigned`,
			`${cancelled.id} contractCreated`,
			`${cancelled.id} contractSent`,
			`${cancelled.id} contractCancelled`,
			`${draft.id} contractCreated`,
			`${draft.id} contractSent`,
		]);
		expect(nodeData(n8n.memory).openContracts).toEqual({
			[draft.id]: expect.objectContaining({ status: 'pending' }),
		});
	});

	test('only the selected events are emitted, and filters apply', async () => {
		const n8n = kit.instance(
			params(['contractSigned'], { filters: { labelContains: 'lyon', referenceContains: 'deal' } }),
		);
		await n8n.activate();
		const match = await kit.create({ label: 'Bail Lyon', reference: 'DEAL-1' });
		const otherLabel = await kit.create({ label: 'Bail Paris', reference: 'DEAL-2' });
		const noReference = await kit.create({ label: 'Bail Lyon', reference: null });
		expect((await n8n.poll()).items).toBeNull();
		for (const c of [match, otherLabel, noReference]) await kit.signAll(c.id);
		expect(contractEventsOf(await n8n.poll())).toEqual([`${match.id} contractSigned`]);
	});
});

describe('ties on createdAt', () => {
	const seed = (count: number, status: string, createdFrom: string) =>
		kit.emulator.seed({
			platform: 'sandbox',
			apiUser: KEYS.sandbox.apiUser,
			count,
			status: status as never,
			createdFrom,
		}).ids;

	test('open contracts sharing createdAt across list pages are all tracked', async () => {
		// Three contracts at each instant: page boundaries (100) fall inside groups of ties.
		const groups = [
			seed(101, 'draft', '2026-11-20T00:00:00.000Z'),
			seed(101, 'pending', '2026-11-20T00:00:00.000Z'),
			seed(101, 'draft', '2026-11-20T00:00:00.000Z'),
		];
		const n8n = kit.instance(params());
		kit.emulator.resetRequestLog();
		await n8n.activate();
		expect(Object.keys(nodeData(n8n.memory).openContracts as object).sort()).toEqual(
			groups.flat().sort(),
		);
		// The newest contracts, then 4 pages for 303 open contracts.
		expect(kit.emulator.requestCount()).toBe(1 + 4);
		expect(nodeData(n8n.memory).idsAtNewestCreatedAt).toEqual(groups.map((ids) => ids[100]).sort());
		expect((await n8n.poll()).items).toBeNull();
	});

	test('a contract created at the very instant of the newest one seen is still new', async () => {
		const [known] = seed(1, 'signed', '2026-11-30T10:00:00.000Z');
		const n8n = kit.instance(params());
		await n8n.activate();
		expect(nodeData(n8n.memory).idsAtNewestCreatedAt).toEqual([known]);

		const [twin] = seed(1, 'cancelled', '2026-11-30T10:00:00.000Z');
		expect(contractEventsOf(await n8n.poll())).toEqual([
			`${twin} contractCreated`,
			`${twin} contractSent`,
			`${twin} contractCancelled`,
		]);
		expect(nodeData(n8n.memory).idsAtNewestCreatedAt).toEqual([known, twin].sort());
		expect((await n8n.poll()).items).toBeNull();
	});

	test('an open contract stamped before the newest one seen (server clock moved back) is still new', async () => {
		await kit.create();
		const n8n = kit.instance(params());
		await n8n.activate();
		const [late] = seed(1, 'pending', '2026-11-01T00:00:00.000Z');
		expect(contractEventsOf(await n8n.poll())).toEqual([
			`${late} contractCreated`,
			`${late} contractSent`,
		]);
	});
});

describe('restarts and failures', () => {
	test('a restart between polls replays nothing and loses nothing', async () => {
		const n8n = kit.instance(params());
		const contract = await kit.create({ signatories: 2 });
		await n8n.activate();

		await kit.sign(contract.id, contract.signatories[0].id);
		expect((await n8n.restart()).items?.[0].map((i) => jsonAs<TriggerItem>(i).event)).toEqual([
			'signatorySigned',
		]);

		// n8n restarts again before any other poll: the database holds the state after that emit.
		expect((await n8n.restart()).items).toBeNull();

		await kit.sign(contract.id, contract.signatories[1].id);
		const other = await kit.create({ submit: false });
		expect((await n8n.poll()).items?.[0].length).toBe(3);
		expect((await n8n.restart()).items).toBeNull();
		expect(eventsOf(n8n.emitted)).toEqual([
			`signatorySigned:${contract.signatories[0].id}`,
			`signatorySigned:${contract.signatories[1].id}`,
			'contractSigned',
			'contractCreated',
		]);
		expect(nodeData(n8n.database).openContracts).toEqual({
			[other.id]: expect.objectContaining({ status: 'draft' }),
		});
	});

	test('changes seen by polls that emitted nothing are replayed after a restart, still emitting nothing', async () => {
		const n8n = kit.instance(params(['contractCancelled']));
		await n8n.activate();
		const contract = await kit.create();
		expect((await n8n.poll()).items).toBeNull(); // contractCreated/Sent not selected: not saved
		await kit.cancel(contract.id);
		const afterRestart = await n8n.restart();
		expect(contractEventsOf(afterRestart)).toEqual([`${contract.id} contractCancelled`]);
		expect((await n8n.poll()).items).toBeNull();
	});

	test('a failed poll loses nothing: the next one catches up', async () => {
		const n8n = kit.instance(params());
		const contract = await kit.create();
		await n8n.activate();
		const before = JSON.stringify(nodeData(n8n.memory));

		await kit.signAll(contract.id);
		const other = await kit.create({ submit: false });
		await kit.fault('503', { requestName: 'contractListRequest' });
		const failed = await n8n.poll();
		expect(failed.error).toBeUndefined();
		expect(failed.items).toBeNull();
		const { consecutiveFailures, ...rest } = nodeData(n8n.memory);
		expect(consecutiveFailures).toBe(1);
		expect(JSON.stringify(rest)).toBe(before);

		const caughtUp = await n8n.poll();
		expect(contractEventsOf(caughtUp)).toEqual([
			`${contract.id} signatorySigned:${contract.signatories[0].id}`,
			`${contract.id} contractSigned`,
			`${other.id} contractCreated`,
		]);
		expect(nodeData(n8n.memory).consecutiveFailures).toBeUndefined();
	});

	test('a fault late in a poll (after both lists succeeded) commits nothing either', async () => {
		const n8n = kit.instance(params(ALL_EVENTS, { options: { downloadSignedDocument: true } }));
		const contract = await kit.create();
		await n8n.activate();
		const before = JSON.stringify(nodeData(n8n.memory));
		await kit.signAll(contract.id);
		const fresh = await kit.create();

		// The signed contract left the open set: it is read in details, and that read fails.
		await kit.fault('500', { requestName: 'contractDetailRequest' });
		kit.emulator.resetRequestLog();
		const failed = await n8n.poll();
		expect(failed.items).toBeNull();
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest', status: 200 })).toBe(2);
		const { consecutiveFailures, ...rest } = nodeData(n8n.memory);
		expect(consecutiveFailures).toBe(1);
		expect(JSON.stringify(rest)).toBe(before);

		const caughtUp = await n8n.poll();
		expect(contractEventsOf(caughtUp)).toEqual([
			`${contract.id} signatorySigned:${contract.signatories[0].id}`,
			`${contract.id} contractSigned`,
			`${fresh.id} contractCreated`,
			`${fresh.id} contractSent`,
		]);
		expect(caughtUp.items![0][1].binary?.signedDocument).toBeDefined();
	});

	test('transient faults of every kind are swallowed twice, reported the third time, then caught up', async () => {
		const n8n = kit.instance(params(['contractSigned'], { options: { timeout: 1 } }));
		const contract = await kit.create();
		await n8n.activate();
		await kit.signAll(contract.id);

		for (const kind of ['500', '502', 'malformed', 'reset', 'timeout']) {
			await kit.fault(kind, { requestName: 'contractListRequest' });
			const result = await n8n.poll();
			const count = nodeData(n8n.memory).consecutiveFailures as number;
			if (count < 3) {
				expect({ kind, error: result.error?.message, items: result.items }).toEqual({
					kind,
					error: undefined,
					items: null,
				});
			} else {
				expect(result.error).toBeDefined();
				expect((result.error as ExecutionBaseError).description).toContain(
					`failed poll number ${count} in a row`,
				);
				expect((result.error as ExecutionBaseError).description).toContain('Nothing is lost');
			}
		}
		expect(nodeData(n8n.memory).consecutiveFailures).toBe(5);
		expect(contractEventsOf(await n8n.poll())).toEqual([`${contract.id} contractSigned`]);
		expect(nodeData(n8n.memory).consecutiveFailures).toBeUndefined();
	}, 30_000);

	test("wrong keys are reported at once, with the transport's message", async () => {
		const result = await runPoll({
			node: { parameters: params() },
			credentials: { ...kit.credentials(), apiKey: 'wrong-key' },
			staticData: {},
			mode: 'trigger',
		});
		expect(result.error?.message).toBe('Contrat-Privé does not know this API key pair');
		expect((result.error as NodeApiError).httpCode).toBe('401');
		expect(JSON.stringify(result.staticData)).not.toContain('openContracts');
	});

	test('DAILY_QUOTA_EXCEEDED is reported at once, state untouched', async () => {
		const n8n = kit.instance(params(), 'production');
		await kit.create({}, 'production');
		await n8n.activate();
		const before = JSON.stringify(n8n.memory);
		// Use up the day's quota (1,000 requests, the create and the activation poll included).
		const info = await kit.api('checkConnexionRequest', {}, 'production');
		const remaining = info.body.quota!.remaining;
		await Promise.all(
			Array.from({ length: remaining }, () => kit.api('checkConnexionRequest', {}, 'production')),
		);
		const result = await n8n.poll();
		expect(result.error?.message).toBe('Daily quota of 1,000 production requests reached');
		expect((result.error as NodeApiError).httpCode).toBe('429');
		expect(JSON.stringify(n8n.memory)).toBe(before);
	}, 30_000);
});

describe('signed document', () => {
	test('"Download Signed Document": the signed PDF as binary signedDocument, no base64 in JSON', async () => {
		const n8n = kit.instance(
			params(['contractSigned', 'signatorySigned'], { options: { downloadSignedDocument: true } }),
		);
		const tracked = await kit.create();
		await n8n.activate();
		await kit.signAll(tracked.id);
		const fresh = await kit.create({ label: 'Fresh' });
		await kit.signAll(fresh.id);

		kit.emulator.resetRequestLog();
		const result = await n8n.poll();
		expect(result.error).toBeUndefined();
		expect(contractEventsOf(result)).toEqual([
			`${tracked.id} signatorySigned:${tracked.signatories[0].id}`,
			`${tracked.id} contractSigned`,
			`${fresh.id} signatorySigned:${fresh.signatories[0].id}`,
			`${fresh.id} contractSigned`,
		]);
		const items = result.items![0];
		expect(items[0].binary).toBeUndefined();
		for (const item of [items[1], items[3]]) {
			const binary = item.binary!.signedDocument;
			expect(binary).toMatchObject({ mimeType: 'application/pdf', fileExtension: 'pdf' });
			expect(binary.fileName).toMatch(/\.pdf$/);
			const pdf = await readBinary(item, 'signedDocument');
			expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
			const pages = await pdfPages(pdf);
			expect(pages[pages.length - 1]).toMatch(/Contrat-Priv/);
		}
		for (const item of items) expect(JSON.stringify(item.json)).not.toContain('JVBERi0');
		// One details request per signed contract: the tracked one read in details directly.
		expect(kit.emulator.requestCount({ requestName: 'contractDetailRequest' })).toBe(2);
		expect(kit.emulator.requestCount()).toBe(2 + 2);
	});
});

describe('Fetch Test Event (manual mode)', () => {
	test('the most recent matching contract as a sample event; stored state untouched', async () => {
		const older = await kit.create({ label: 'Older' });
		await kit.signAll(older.id);
		const newer = await kit.create({ label: 'Newer' });
		await kit.signAll(newer.id);
		await kit.create({ label: 'Pending one' });

		const staticData = { 'node:Contrat-Privé Trigger': { version: 1, untouched: true } };
		const before = JSON.stringify(staticData);
		const result = await kit.poll(
			params(['contractSigned'], { options: { downloadSignedDocument: true } }),
			{
				staticData,
				mode: 'manual',
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items![0]).toHaveLength(1);
		const [item] = result.items![0];
		expect(item.json).toMatchObject({
			event: 'contractSigned',
			contract: { id: newer.id, label: 'Newer', status: 'signed', previousStatus: 'pending' },
		});
		expect(item.binary?.signedDocument.mimeType).toBe('application/pdf');
		expect(JSON.stringify(staticData)).toBe(before);

		const sentSample = await kit.poll(params(['contractSent', 'contractCreated']), {
			mode: 'manual',
		});
		expect(sentSample.items![0][0].json).toMatchObject({
			event: 'contractSent',
			contract: { label: 'Pending one' },
		});
	});

	test('nothing matches: no item and no error (the editor shows no data), and the log says how to make one', async () => {
		await kit.create({ label: 'Pending one' });
		const result = await kit.poll(params(['contractCancelled']), { mode: 'manual' });
		expect(result.error).toBeUndefined();
		expect(result.items).toBeNull();
		const hint = result.logs.find((line) => line.includes('no contract matches'));
		expect(hint).toContain('Action: Send for Signature');
		expect(hint).toContain('0000');
		expect(hint).toContain('Contract → Cancel');
	});
});
