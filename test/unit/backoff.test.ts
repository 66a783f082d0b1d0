/** Fast unit tests of the retry backoff (no emulator): exponential, capped, half of it random. */
import type { RetryPolicy } from '../../nodes/ContratPrive/delivery/options';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../nodes/ContratPrive/delivery/retry';

const samples = (policy: RetryPolicy, retry: number) =>
	Array.from({ length: 400 }, () => backoffDelay(policy, retry));

describe('backoffDelay', () => {
	test.each([
		[0, 250, 500],
		[1, 500, 1000],
		[2, 1000, 2000],
		[3, 2000, 4000],
		[4, 4000, 8000],
		// Capped at maxDelay (8 s) from then on.
		[5, 4000, 8000],
		[9, 4000, 8000],
	])('retry %i waits between %i and %i ms (default policy)', (retry, min, max) => {
		const delays = samples(DEFAULT_RETRY_POLICY, retry);
		expect(Math.min(...delays)).toBeGreaterThanOrEqual(min);
		expect(Math.max(...delays)).toBeLessThanOrEqual(max);
		expect(delays.every(Number.isInteger)).toBe(true);
		// Jitter: the waits are spread, not all the same.
		expect(new Set(delays).size).toBeGreaterThan(10);
	});

	test('an initial delay of 0 never waits', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, initialDelay: 0 };
		expect(new Set(samples(policy, 3))).toEqual(new Set([0]));
	});

	test('an odd wait keeps its upper bound: 1 ms waits 0 or 1', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, initialDelay: 1 };
		expect(new Set(samples(policy, 0))).toEqual(new Set([0, 1]));
	});
});
