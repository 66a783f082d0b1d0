/**
 * The trigger's timeout: milliseconds from version 1.1 ("Timeout", `requestTimeout`), as in the
 * action node; version 1's "Timeout (Seconds)" (`timeout`) keeps its unit in saved workflows.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runPoll } from '../helpers/poll';
import { ALL_EVENTS, useTriggerKit } from './trigger.helpers';

const kit = useTriggerKit();

async function firstPoll(typeVersion: number, options: INodeParameters) {
	const started = Date.now();
	const result = await runPoll({
		node: { parameters: { events: ALL_EVENTS, options }, typeVersion },
		credentials: kit.credentials(),
		staticData: {},
		// Fetch Test Event: a failure is reported at once, not counted as in trigger mode.
		mode: 'manual',
	});
	return { result, seconds: (Date.now() - started) / 1000 };
}

describe('trigger timeout', () => {
	test('version 1: a saved "Timeout (Seconds)" of 2 is still 2 seconds, not 2 milliseconds', async () => {
		const quiet = await firstPoll(1, { timeout: 2 });
		expect(quiet.result.error).toBeUndefined();

		await kit.fault('timeout', { requestName: 'contractListRequest' });
		const slow = await firstPoll(1, { timeout: 2 });
		expect(slow.result.error?.message).toBe(
			'Contrat-Privé did not answer contractListRequest in time',
		);
		expect(slow.seconds).toBeGreaterThanOrEqual(1.9);
	});

	test('version 1.1: "Timeout" is in milliseconds, like the action node', async () => {
		const quiet = await firstPoll(1.1, { requestTimeout: 2000 });
		expect(quiet.result.error).toBeUndefined();

		await kit.fault('timeout', { requestName: 'contractListRequest' });
		const slow = await firstPoll(1.1, { requestTimeout: 300 });
		expect(slow.result.error?.message).toBe(
			'Contrat-Privé did not answer contractListRequest in time',
		);
		expect(slow.seconds).toBeLessThan(1.9);
	});
});
