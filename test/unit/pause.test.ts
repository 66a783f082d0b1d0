/** The wait between retries and between batches: n8n's sleep, ended early by a cancelled execution. */
import { pause } from '../../nodes/ContratPrive/delivery/retry';

describe('pause', () => {
	test('waits the time it is given', async () => {
		const started = Date.now();
		await pause(120);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});

	test('ends as soon as the signal aborts', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const waiting = pause(20_000, controller.signal);
		controller.abort();
		await waiting;
		expect(Date.now() - started).toBeLessThan(5_000);
	});

	test('does not wait at all when already aborted or for 0 ms', async () => {
		const controller = new AbortController();
		controller.abort();
		const started = Date.now();
		await pause(20_000, controller.signal);
		await pause(0);
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});
