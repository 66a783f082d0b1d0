/**
 * Conformance: the production daily quota (1,000 requests per owner per Paris
 * day), what counts and what does not, and the sandbox's absence of quota.
 */
import { createContract, useApiKit } from './testkit';
import { OTHER_SANDBOX_KEYS, PRODUCTION_KEYS, SANDBOX_KEYS } from '../fixtures/accounts';

const kit = useApiKit();

async function burst(n: number, fn: (i: number) => Promise<{ status: number }>): Promise<number[]> {
	const statuses: number[] = [];
	for (let i = 0; i < n; i += 100) {
		const batch = await Promise.all(
			Array.from({ length: Math.min(100, n - i) }, (_, j) => fn(i + j)),
		);
		statuses.push(...batch.map((r) => r.status));
	}
	return statuses;
}

const quota = async () => (await kit.prod('checkConnexionRequest')).body.quota;

describe('production daily quota', () => {
	it('the 1,001st request of the day gets 429 and is not counted; resets at Paris midnight', async () => {
		const statuses = await burst(999, (i) =>
			i % 3 === 0
				? kit.prod('contractListRequest', {})
				: kit.prod('contractDetailRequest', { contractId: 'nope' }),
		);
		expect(statuses.filter((s) => s === 200 || s === 404)).toHaveLength(999);
		const q = await quota(); // the 1,000th
		expect(q).toEqual({
			limit: 1000,
			used: 1000,
			remaining: 0,
			resetAt: '2026-12-01T23:00:00.000Z',
		});

		const over = await kit.prod('contractListRequest', {});
		expect(over.status).toBe(429);
		expect(over.body.error).toMatchObject({
			code: 'DAILY_QUOTA_EXCEEDED',
			resetAt: '2026-12-01T23:00:00.000Z',
		});
		// rejected before parameters and state: a bad request also gets 429
		const bad = await kit.prod('contractListRequest', { limit: 'x' });
		expect(bad.body.error.code).toBe('DAILY_QUOTA_EXCEEDED');
		// bad keys are still rejected first
		expect(
			(await kit.api('production', 'contractListRequest', { apiUser: 'x', apiKey: 'y' })).status,
		).toBe(401);
		// control routes never touch quotas and keep working
		expect((await kit.control('GET', '/outbox')).status).toBe(200);
		// the sandbox and its owners are not affected
		expect((await kit.sandbox('contractListRequest', {})).status).toBe(200);

		kit.emulator.clock.set('2026-12-01T22:59:59.000Z');
		expect((await kit.prod('contractListRequest', {})).status).toBe(429);
		kit.emulator.clock.set('2026-12-01T23:00:00.000Z'); // midnight in Paris
		const q2 = await quota();
		expect(q2).toEqual({
			limit: 1000,
			used: 1,
			remaining: 999,
			resetAt: '2026-12-02T23:00:00.000Z',
		});
		expect(kit.emulator.requestCount({ platform: 'production', status: 429 })).toBe(3);
	});

	it('a day in summer ends at 22:00 UTC', async () => {
		kit.emulator.clock.set('2027-06-15T21:30:00Z');
		expect((await quota())?.resetAt).toBe('2027-06-15T22:00:00.000Z');
		kit.emulator.clock.set('2027-06-15T22:00:00Z');
		expect(await quota()).toMatchObject({ used: 1, resetAt: '2027-06-16T22:00:00.000Z' });
	});

	it('counts authenticated requests, including rejected ones; not bad keys, not control routes', async () => {
		await kit.prod('contractListRequest', { limit: 0 }); // 400, counted
		await kit.prod('contractDetailRequest', { contractId: 'nope' }); // 404, counted
		await kit.api(
			'production',
			'contractListRequest',
			{},
			{ apiUser: PRODUCTION_KEYS.apiUser, apiKey: 'bad' },
		); // 401
		await kit.api('production', 'contractListRequest', {}, SANDBOX_KEYS); // WRONG_PLATFORM
		await kit.api('production', 'noSuchRequest', {}, PRODUCTION_KEYS); // unknown: rejected before keys
		await kit.api('production', 'contractListRequest', '{oops'); // not JSON
		const c = await createContract(kit, 'production'); // counted
		await kit.control('POST', `/contracts/${c.id}/signatories/${c.signatories[0].id}/sign`);
		await kit.control('GET', `/contracts/${c.id}`);
		kit.emulator.seed({ platform: 'production', apiUser: PRODUCTION_KEYS.apiUser, count: 10 });
		expect(await quota()).toMatchObject({ used: 4, remaining: 996 });
		const req = await kit.control('GET', '/requests');
		expect(req.body.quotas['production/demo-production-user'].used).toBe(4);
	});

	it('the sandbox has no quota', async () => {
		const statuses = await burst(1005, () =>
			kit.api('sandbox', 'contractListRequest', { limit: 1 }, OTHER_SANDBOX_KEYS),
		);
		expect(statuses.every((s) => s === 200)).toBe(true);
		const r = await kit.api('sandbox', 'checkConnexionRequest', {}, OTHER_SANDBOX_KEYS);
		expect(r.body.quota).toBeNull();
		expect(kit.emulator.requestCount({ platform: 'sandbox' })).toBe(1006);
	});
});

describe('an account limit other than 1,000, and usage by other workflows', () => {
	it('the connection check reports the account own limit; the request past it gets 429', async () => {
		const set = await kit.control('PUT', '/quota', { limit: 5, used: 2 });
		expect(set.body.quota).toMatchObject({ limit: 5, used: 2, remaining: 3 });
		expect(await quota()).toMatchObject({ limit: 5, used: 3, remaining: 2 });
		expect((await kit.prod('contractListRequest', {})).status).toBe(200);
		expect((await kit.prod('contractListRequest', {})).status).toBe(200);
		const over = await kit.prod('contractListRequest', {});
		expect(over.status).toBe(429);
		expect(over.body.error).toMatchObject({ code: 'DAILY_QUOTA_EXCEEDED', limit: 5 });
		expect(kit.emulator.setQuota({ limit: 3000 })).toMatchObject({ limit: 3000, used: 5 });
		expect(await quota()).toMatchObject({ limit: 3000, used: 6, remaining: 2994 });
		expect((await kit.control('PUT', '/quota', { used: -1 })).status).toBe(400);
	});

	it('contractListRequest: newest first, total of every contract, a created one shifts offsets by one', async () => {
		kit.emulator.seed({ platform: 'production', apiUser: PRODUCTION_KEYS.apiUser, count: 150 });
		const first = await kit.prod('contractListRequest', { offset: 0, limit: 100 });
		expect(first.body.total).toBe(150);
		expect(first.body.contracts[0].reference).toBe('SEED-150');
		const made = await createContract(kit, 'production');
		const second = await kit.prod('contractListRequest', { offset: 100, limit: 100 });
		expect(second.body.total).toBe(151);
		// SEED-51 was the last of page 1; it is now the first of page 2: repeated, never skipped.
		expect(second.body.contracts[0].reference).toBe('SEED-51');
		expect(second.body.contracts).toHaveLength(51);
		expect(first.body.contracts.map((c: { id: string }) => c.id)).not.toContain(made.id);
	});
});
