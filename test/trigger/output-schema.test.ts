/**
 * The trigger's output schemas (nodes/ContratPrive/__schema__/v1.0.0.json and v1.1.0.json, one
 * per trigger version), checked both ways against real items: every event of both versions
 * polled through n8n-core's PollContext against the emulator, and the editor's Fetch Test Event.
 *
 * - every item validates against the schema of its version;
 * - every property of each schema holds a value (not null) in at least one item.
 */
import type { INodeParameters } from 'n8n-workflow';

import { undescribedPaths, unseenPaths, validate } from '../helpers/json-schema';
import { triggerSchema, triggerVersions } from '../helpers/output-schemas';
import type { RunPollResult } from '../helpers/poll';
import { runPoll } from '../helpers/poll';
import { ALL_EVENTS, eventsOf, N8nInstance, useTriggerKit } from './trigger.helpers';

const kit = useTriggerKit();

/** Every item each trigger version emitted in this file. */
const emitted = new Map<number, unknown[]>();

function keep(version: number, result: RunPollResult): RunPollResult {
	expect(result.error).toBeUndefined();
	const schema = triggerSchema(version);
	for (const [index, item] of (result.items?.[0] ?? []).entries()) {
		expect({ item: index, errors: validate(schema, item.json) }).toEqual({
			item: index,
			errors: [],
		});
		emitted.set(version, [...(emitted.get(version) ?? []), item.json]);
	}
	return result;
}

function instance(version: number, parameters: INodeParameters): N8nInstance {
	return new N8nInstance(async (staticData, activation) =>
		keep(
			version,
			await runPoll({
				node: { parameters, typeVersion: version },
				credentials: kit.credentials(),
				staticData,
				mode: 'trigger',
				activation,
			}),
		),
	);
}

describe.each(triggerVersions())('trigger version %s', (version) => {
	test('the schema describes every field', () => {
		const schema = triggerSchema(version);
		expect(schema.type).toBe('object');
		expect(schema.description).toBeTruthy();
		expect(undescribedPaths(schema)).toEqual([]);
	});

	test('every event, with and without a reference, validates against the schema', async () => {
		const n8n = instance(version, {
			events: ALL_EVENTS,
			options: { downloadSignedDocument: true },
		});
		await n8n.activate();

		const draft = await kit.create({ submit: false, signatories: 2 });
		expect(eventsOf(await n8n.poll())).toEqual(['contractCreated']);
		await kit.validate(draft.id);
		expect(eventsOf(await n8n.poll())).toEqual(['contractSent']);
		const [first, second] = draft.signatories;
		await kit.sign(draft.id, first.id);
		expect(eventsOf(await n8n.poll())).toEqual([`signatorySigned:${first.id}`]);
		await kit.sign(draft.id, second.id);
		const signed = await n8n.poll();
		expect(eventsOf(signed)).toEqual([`signatorySigned:${second.id}`, 'contractSigned']);
		expect(Object.keys(signed.items![0][1].binary ?? {})).toEqual(['signedDocument']);

		const toCancel = await kit.create({ reference: null });
		await n8n.poll();
		await kit.cancel(toCancel.id);
		expect(eventsOf(await n8n.poll())).toEqual(['contractCancelled']);

		await kit.create({ deadline: '2026-12-02' });
		await n8n.poll();
		kit.emulator.clock.set('2026-12-03T08:00:00Z');
		expect(eventsOf(await n8n.poll())).toEqual(['contractExpired']);
	});

	test("the editor's Fetch Test Event validates against the schema", async () => {
		const contract = await kit.create();
		await kit.signAll(contract.id);
		const sample = keep(
			version,
			await runPoll({
				node: { parameters: { events: ALL_EVENTS }, typeVersion: version },
				credentials: kit.credentials(),
				mode: 'manual',
			}),
		);
		expect(eventsOf(sample)).toEqual(['contractSigned']);
	});

	test('every property of the schema appears in an emitted item', () => {
		const items = emitted.get(version) ?? [];
		expect(items.length).toBeGreaterThan(0);
		expect(unseenPaths(triggerSchema(version), items)).toEqual([]);
	});
});
