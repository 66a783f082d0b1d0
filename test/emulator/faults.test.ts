/**
 * Conformance: injected faults (each kind, before and after processing),
 * their matching, counting and effect on the quota.
 */
import { createBody, useApiKit } from './testkit';
import type { WireReply } from './wire-reply';
import { PRODUCTION_KEYS, SANDBOX_KEYS } from '../fixtures/accounts';

const kit = useApiKit();

const total = async () => (await kit.sandbox('contractListRequest', {})).body.total as number;

async function rawCreate(timeoutMs = 5000): Promise<Response> {
	return fetch(`${kit.emulator.url}/sandbox/api/contractCreateRequest`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...SANDBOX_KEYS, ...createBody() }),
		signal: AbortSignal.timeout(timeoutMs),
	});
}

const fault = (body: Record<string, unknown>) => kit.control('POST', '/faults', body);

describe('faults before processing: nothing happens', () => {
	it.each([
		['500', 500],
		['503', 503],
	])('%s: JSON INTERNAL_ERROR, no state change', async (kind, status) => {
		await fault({ kind, requestName: 'contractCreateRequest' });
		const r = await rawCreate();
		expect(r.status).toBe(status);
		expect(((await r.json()) as Pick<WireReply, 'error'>).error.code).toBe('INTERNAL_ERROR');
		expect(await total()).toBe(0);
		expect(kit.emulator.outbox().emails).toHaveLength(0);
	});

	it('502: an HTML gateway page', async () => {
		await fault({ kind: '502' });
		const r = await rawCreate();
		expect(r.status).toBe(502);
		expect(r.headers.get('content-type')).toContain('text/html');
		expect(await r.text()).toContain('502 Bad Gateway');
		expect(await total()).toBe(0);
	});

	it('malformed: 200 with a body that is not JSON', async () => {
		await fault({ kind: 'malformed' });
		const r = await rawCreate();
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toContain('application/json');
		const text = await r.text();
		expect(() => JSON.parse(text)).toThrow();
		expect(await total()).toBe(0);
	});

	it('timeout: no answer until the client gives up', async () => {
		await fault({ kind: 'timeout' });
		const t0 = Date.now();
		await expect(rawCreate(300)).rejects.toThrow();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
		expect(await total()).toBe(0);
		expect(kit.emulator.requests.find((r) => r.fault === 'timeout')).toMatchObject({
			requestName: 'contractCreateRequest',
			status: 0,
		});
	});

	it('reset: the connection is destroyed', async () => {
		await fault({ kind: 'reset' });
		await expect(rawCreate()).rejects.toThrow();
		expect(await total()).toBe(0);
	});
});

describe('faults after processing: the request is processed, the response fails', () => {
	it.each(['500', '502', '503', 'malformed', 'reset', 'timeout'])('%s', async (kind) => {
		await fault({ kind, after: true, requestName: 'contractCreateRequest' });
		let ok = false;
		try {
			const r = await rawCreate(300);
			const text = await r.text();
			ok =
				r.status === 200 &&
				(() => {
					try {
						JSON.parse(text);
						return true;
					} catch {
						return false;
					}
				})();
		} catch {
			ok = false;
		}
		expect(ok).toBe(false);
		expect(await total()).toBe(1);
		expect(kit.emulator.outbox().emails).toHaveLength(3);
	});

	it('malformed after: the truncated real payload', async () => {
		await fault({ kind: 'malformed', after: true });
		const r = await kit.sandbox('checkConnexionRequest');
		expect(r.status).toBe(200);
		expect(r.text.startsWith('{"platform":"sandbox"')).toBe(true);
		expect(typeof r.body).toBe('string');
	});
});

describe('fault matching and bookkeeping', () => {
	it('skip: the fault lets that many matching requests through first (e.g. the third page)', async () => {
		await fault({ kind: '500', requestName: 'contractListRequest', skip: 2 });
		const statuses = [];
		for (let i = 0; i < 4; i++)
			statuses.push((await kit.sandbox('contractListRequest', {})).status);
		expect(statuses).toEqual([200, 200, 500, 200]);
		expect((await fault({ kind: '500', skip: -1 })).status).toBe(400);
	});

	it('count, requestName filter, listing and order', async () => {
		const added = await fault({ kind: '503', count: 3, requestName: 'contractListRequest' });
		expect(added.status).toBe(200);
		expect(added.body.fault).toMatchObject({
			kind: '503',
			remaining: 3,
			requestName: 'contractListRequest',
			after: false,
		});
		// other requests are not affected
		expect((await kit.sandbox('checkConnexionRequest')).status).toBe(200);
		expect((await kit.control('GET', '/faults')).body.faults[0].remaining).toBe(3);
		const statuses = [];
		for (let i = 0; i < 4; i++)
			statuses.push((await kit.sandbox('contractListRequest', {})).status);
		expect(statuses).toEqual([503, 503, 503, 200]);
		expect((await kit.control('GET', '/faults')).body.faults).toEqual([]);
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest', status: 503 })).toBe(3);
		const req = await kit.control('GET', '/requests');
		expect(req.body.requests.filter((r) => r.fault === '503')).toHaveLength(3);
	});

	it('faults before processing do not count in the quota; after: they do', async () => {
		await fault({ kind: '500', count: 2, platform: 'production' });
		await kit.prod('contractListRequest', {});
		await kit.prod('contractListRequest', {});
		await fault({ kind: '500', count: 3, after: true });
		for (let i = 0; i < 3; i++) await kit.prod('contractListRequest', {});
		const q = await kit.prod('checkConnexionRequest');
		expect(q.body.quota?.used).toBe(4);
	});

	it('DELETE clears pending faults', async () => {
		await fault({ kind: 'reset', count: 5 });
		expect((await kit.control('DELETE', '/faults')).body).toEqual({ faults: [] });
		expect((await kit.sandbox('checkConnexionRequest')).status).toBe(200);
	});

	it.each([
		[{ kind: 'boom' }, 'kind'],
		[{}, 'kind'],
		[{ kind: '500', count: 0 }, 'count'],
		[{ kind: '500', count: '3' }, 'count'],
		[{ kind: '500', after: 'yes' }, 'after'],
		[{ kind: '500', platform: 'staging' }, 'platform'],
	])('bad fault %p: 400 on %s', async (body, field) => {
		const r = await fault(body);
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
		expect((await kit.control('GET', '/faults')).body.faults).toEqual([]);
	});

	it('close() does not wait for held connections', async () => {
		const { startEmulator } = await import('./index');
		const sb = await startEmulator({ port: 0 });
		await fetch(`${sb.url}/_control/faults`, {
			method: 'POST',
			body: JSON.stringify({ kind: 'timeout' }),
		});
		const pending = fetch(`${sb.url}/sandbox/api/checkConnexionRequest`, {
			method: 'POST',
			body: JSON.stringify(PRODUCTION_KEYS),
		}).catch((e) => e);
		await new Promise((r) => setTimeout(r, 100));
		const t0 = Date.now();
		await sb.close();
		expect(Date.now() - t0).toBeLessThan(2000);
		expect((await pending).message).toMatch(/fetch failed|terminated|socket/i);
	});
});

describe('unexpected exceptions', () => {
	it('a thrown error in a handler becomes 500 INTERNAL_ERROR JSON and is recorded as a bug', async () => {
		const { createServer } = await import('./server');
		const { Store } = await import('./store');
		const { VirtualClock } = await import('./clock');
		class BrokenStore extends Store {
			authenticate(): never {
				throw new Error('boom');
			}
		}
		const store = new BrokenStore();
		const server = createServer({
			store,
			clock: new VirtualClock(),
			baseUrl: () => '',
			tinyPdf: Buffer.from(''),
		});
		const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
		try {
			const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
			const r = await fetch(`${url}/sandbox/api/checkConnexionRequest`, {
				method: 'POST',
				body: JSON.stringify(SANDBOX_KEYS),
			});
			expect(r.status).toBe(500);
			expect(await r.json()).toEqual({
				error: { code: 'INTERNAL_ERROR', message: expect.any(String) },
			});
			expect(store.internalErrors.map((e) => e.message)).toEqual(['boom']);
			expect(store.requests).toMatchObject([{ requestName: 'checkConnexionRequest', status: 500 }]);
		} finally {
			spy.mockRestore();
			await server.app.close();
		}
	});
});
