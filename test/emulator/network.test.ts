/**
 * The network model: off by default, set through the control API, delays every API request
 * and refuses requests above its concurrency limit with HTTP 429 and Retry-After.
 */
import { requestDelayMs, DEFAULT_NETWORK } from './network';
import { useApiKit } from './testkit';

const kit = useApiKit();

afterEach(() => kit.emulator.setNetwork(null));

describe('network model', () => {
	test('off by default; PUT sets it from the defaults, DELETE turns it off', async () => {
		expect((await kit.control('GET', '/network')).body.network).toBeNull();
		const set = await kit.control('PUT', '/network', { latencyMs: 5, concurrencyLimit: 2 });
		expect(set.status).toBe(200);
		expect(set.body.network).toEqual({ ...DEFAULT_NETWORK, latencyMs: 5, concurrencyLimit: 2 });
		expect((await kit.control('DELETE', '/network')).body.network).toBeNull();
	});

	test('a bad value is refused with the field named', async () => {
		const bad = await kit.control('PUT', '/network', { jitter: 3 });
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body)).toContain('jitter must be a number from 0 to 1');
	});

	test('the delay: round trip with jitter, upload time and processing growing with size', () => {
		const model = {
			...DEFAULT_NETWORK,
			latencyMs: 100,
			jitter: 0.2,
			uploadMbps: 8,
			processingMs: 10,
			processingMsPerMb: 20,
		};
		const mb = 1024 * 1024;
		// random() = 0.5: no jitter; 1 MB at 8 Mbit/s = 1048.576 ms; processing 10 + 20 ms.
		expect(requestDelayMs(model, mb, () => 0.5)).toBeCloseTo(100 + 1048.576 + 30, 3);
		expect(requestDelayMs(model, 0, () => 0)).toBeCloseTo(80 + 10, 3);
		expect(requestDelayMs(model, 0, () => 1)).toBeCloseTo(120 + 10, 3);
	});

	test('above the concurrency limit: HTTP 429 with Retry-After', async () => {
		await kit.control('PUT', '/network', {
			latencyMs: 100,
			jitter: 0,
			concurrencyLimit: 2,
			retryAfterSeconds: 2,
		});
		const replies = await Promise.all(
			[0, 1, 2, 3].map(() =>
				fetch(`${kit.emulator.url}/sandbox/api/checkConnexionRequest`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({}),
				}),
			),
		);
		const limited = replies.filter((r) => r.status === 429);
		expect(limited.length).toBe(2);
		expect(limited.map((r) => r.headers.get('retry-after'))).toEqual(['2', '2']);
		expect(await limited[0].json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
	});

	test('each request is logged with its modelled delay and the time its answer really took', async () => {
		await kit.control('PUT', '/network', { latencyMs: 40, jitter: 0, processingMs: 10 });
		kit.emulator.resetRequestLog();
		const replies = await Promise.all(
			[0, 1, 2].map(() =>
				fetch(`${kit.emulator.url}/sandbox/api/checkConnexionRequest`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({}),
				}),
			),
		);
		expect(replies.map((r) => r.status)).toEqual([401, 401, 401]);
		const logged = kit.emulator.requests;
		expect(logged).toHaveLength(3);
		for (const entry of logged) {
			// 40 ms round trip + 10 ms processing + 2 bytes at 20 Mbit/s.
			expect(entry.delayMs).toBeCloseTo(50, 0);
			expect(entry.serverMs!).toBeGreaterThanOrEqual(entry.delayMs! - 1);
		}
		const { body } = await kit.control('GET', '/network');
		expect(body.peakInFlight).toBe(3);
	});
});
