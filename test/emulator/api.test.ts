/**
 * Conformance: the eight requests, authentication, platforms, owners, lists,
 * cancel rules and the order of checks.
 */
import { createHash } from 'crypto';
import { DEMO_ACCOUNTS } from './index';
import { DEADLINE, createBody, createContract, useApiKit } from './testkit';
import { OTHER_SANDBOX_KEYS, PRODUCTION_KEYS, SANDBOX_KEYS } from '../fixtures/accounts';
import { VALID_IBAN } from '../fixtures/ibans';
import { TINY_PDF, TINY_PDF_B64 } from '../fixtures/pdf';
import { ALICE, BOB_SPACED_PHONE } from '../fixtures/people';

const kit = useApiKit();

describe('checkConnexionRequest', () => {
	it('sandbox: owner and no quota', async () => {
		const r = await kit.sandbox('checkConnexionRequest');
		expect(r.status).toBe(200);
		expect(r.body).toEqual({
			platform: 'sandbox',
			owner: {
				apiUser: 'demo-sandbox-user',
				name: DEMO_ACCOUNTS.sandbox.name,
				email: DEMO_ACCOUNTS.sandbox.email,
			},
			quota: null,
		});
	});

	it('production: quota counts this request', async () => {
		const r = await kit.prod('checkConnexionRequest');
		expect(r.status).toBe(200);
		expect(r.body.platform).toBe('production');
		expect(r.body.owner.apiUser).toBe('demo-production-user');
		expect(r.body.quota).toEqual({
			limit: 1000,
			used: 1,
			remaining: 999,
			resetAt: '2026-12-01T23:00:00.000Z',
		});
	});
});

describe('authentication and platforms', () => {
	it('a production key pair on the sandbox gets 401 WRONG_PLATFORM', async () => {
		const r = await kit.api('sandbox', 'checkConnexionRequest', {}, PRODUCTION_KEYS);
		expect(r.status).toBe(401);
		expect(r.body.error).toMatchObject({ code: 'WRONG_PLATFORM', platform: 'production' });
	});

	it('a sandbox key pair on production gets 401 WRONG_PLATFORM', async () => {
		const r = await kit.api('production', 'contractListRequest', {}, SANDBOX_KEYS);
		expect(r.status).toBe(401);
		expect(r.body.error).toMatchObject({ code: 'WRONG_PLATFORM', platform: 'sandbox' });
	});

	it.each([
		['unknown pair', { apiUser: 'nobody', apiKey: 'nothing' }],
		['wrong key', { apiUser: SANDBOX_KEYS.apiUser, apiKey: 'demo-production-key' }],
		[
			'keys of two accounts mixed',
			{ apiUser: SANDBOX_KEYS.apiUser, apiKey: OTHER_SANDBOX_KEYS.apiKey },
		],
		['missing key', { apiUser: SANDBOX_KEYS.apiUser }],
		['missing pair', {}],
		['keys of the wrong type', { apiUser: 1, apiKey: true }],
	])('%s gets 401 INVALID_CREDENTIALS', async (_name, keys) => {
		const r = await kit.api('sandbox', 'checkConnexionRequest', keys);
		expect(r.status).toBe(401);
		expect(r.body.error.code).toBe('INVALID_CREDENTIALS');
		expect(r.text).not.toContain('demo-production-key');
	});

	it('unknown request name gets 404 UNKNOWN_REQUEST', async () => {
		const r = await kit.sandbox('contractDeleteRequest');
		expect(r.status).toBe(404);
		expect(r.body.error.code).toBe('UNKNOWN_REQUEST');
	});

	it('order of checks: JSON, then request name, then keys, then parameters', async () => {
		const notJson = await kit.api('sandbox', 'noSuchRequest', '{not json');
		expect(notJson.body.error.code).toBe('VALIDATION_ERROR');
		const unknownNoKeys = await kit.api('sandbox', 'noSuchRequest', {});
		expect(unknownNoKeys.body.error.code).toBe('UNKNOWN_REQUEST');
		const badParamsNoKeys = await kit.api('sandbox', 'contractListRequest', { limit: 'x' });
		expect(badParamsNoKeys.body.error.code).toBe('INVALID_CREDENTIALS');
		const badParamsWrongPlatform = await kit.api(
			'sandbox',
			'contractListRequest',
			{ limit: 'x' },
			PRODUCTION_KEYS,
		);
		expect(badParamsWrongPlatform.body.error.code).toBe('WRONG_PLATFORM');
		const badParams = await kit.sandbox('contractCancelRequest', { contractId: 42 });
		expect(badParams.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'contractId' });
		// parameters before state: a bad code on an unknown contract is a parameter error
		const badCode = await kit.sandbox('signatorySignRequest', {
			contractId: 'ctr_nope',
			signatoryId: 'sig_nope',
			code: 'abcd',
		});
		expect(badCode.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'code' });
		const badReason = await kit.sandbox('contractCancelRequest', {
			contractId: 'ctr_nope',
			reason: 1,
		});
		expect(badReason.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'reason' });
		const unknown = await kit.sandbox('signatorySignRequest', {
			contractId: 'ctr_nope',
			signatoryId: 'sig_nope',
			code: '0000',
		});
		expect(unknown.body.error.code).toBe('CONTRACT_NOT_FOUND');
	});

	it('other HTTP methods and unknown paths get JSON errors', async () => {
		const get = await kit.raw('/sandbox/api/checkConnexionRequest', { method: 'GET' });
		expect(get.status).toBe(405);
		expect(get.body.error.code).toBe('METHOD_NOT_ALLOWED');
		const other = await kit.raw('/staging/api/checkConnexionRequest', {
			method: 'POST',
			body: '{}',
		});
		expect(other.status).toBe(404);
		expect(other.body.error.code).toBe('NOT_FOUND');
	});
});

describe('contractCreateRequest', () => {
	it('submit mode: pending, e-mails with link and submitMessage, audit log', async () => {
		const c = await createContract(kit, 'sandbox', {
			contract: {
				bankAccount: {
					iban: 'FR76 3000 6000 0112 3456 7890 189',
					bic: 'agrifrpp',
					holder: 'SCI Martin',
				},
			},
			signatories: [ALICE, { ...BOB_SPACED_PHONE, deposit: 150.5 }],
			annexes: [{ name: 'annexe.pdf', data: TINY_PDF_B64 }],
		});
		expect(c).toMatchObject({
			label: 'Bail meublé - Lyon',
			lang: 'fr',
			reference: 'REF-1',
			status: 'pending',
			deadline: DEADLINE,
			completedAt: null,
			cancelledAt: null,
			bankAccount: { iban: VALID_IBAN, bic: 'AGRIFRPP', holder: 'SCI Martin' },
		});
		expect(c.id).toEqual(expect.any(String));
		expect(c.submittedAt).toBe(c.createdAt);
		expect(c.createdAt).toMatch(/^2026-12-01T09:00:0\d\.\d{3}Z$/);
		expect(c.signatories).toHaveLength(2);
		expect(c.signatories[0]).toEqual({
			id: expect.any(String),
			firstName: 'Alice',
			lastName: 'Martin',
			email: 'alice@example.com',
			phone: '+33612345678',
			deposit: 0,
			depositPaid: false,
			status: 'pending',
			signedAt: null,
			smsSent: 0,
			failedAttempts: 0,
		});
		expect(c.signatories[1]).toMatchObject({ phone: '+33698765432', deposit: 150.5 });
		expect(c.mainDocument.data).toEqual({
			name: 'bail.pdf',
			size: TINY_PDF.length,
			sha256: createHash('sha256').update(TINY_PDF).digest('hex'),
		});
		expect(c.annexes).toEqual([
			expect.objectContaining({ name: 'annexe.pdf', size: TINY_PDF.length }),
		]);
		expect(c.annexes[0].content).toBeUndefined();
		expect(c.log.map((l) => l.event)).toEqual([
			'created',
			'submitted',
			'email_sent',
			'email_sent',
			'email_sent',
		]);
		expect(c.log[0]).toEqual({
			at: c.createdAt,
			event: 'created',
			actor: 'owner:demo-sandbox-user',
			detail: expect.any(String),
		});

		const { emails, sms } = kit.emulator.outbox();
		expect(sms).toHaveLength(0);
		expect(emails.map((e) => e.to)).toEqual([
			'alice@example.com',
			'bob@example.com',
			DEMO_ACCOUNTS.sandbox.email,
		]);
		const toAlice = emails[0];
		expect(toAlice).toMatchObject({ platform: 'sandbox', contractId: c.id, at: c.createdAt });
		expect(toAlice.subject).toContain('Bail meublé - Lyon');
		expect(toAlice.body).toContain(
			`${kit.emulator.url}/sandbox/sign/${c.id}/${c.signatories[0].id}`,
		);
		expect(toAlice.body).toContain('Merci de signer');
		expect(emails[1].body).toContain('150.50');
	});

	it('notify flags off: no e-mail', async () => {
		await createContract(kit, 'sandbox', { notify: { signatory: false, owner: false } });
		expect(kit.emulator.outbox().emails).toHaveLength(0);
	});

	it('draft mode: draft, nothing sent', async () => {
		const c = await createContract(kit, 'sandbox', { submit: false });
		expect(c.status).toBe('draft');
		expect(c.submittedAt).toBeNull();
		expect(c.log.map((l) => l.event)).toEqual(['created']);
		expect(kit.emulator.outbox().emails).toHaveLength(0);
	});

	it('deadline today is accepted, the language en too', async () => {
		const c = await createContract(kit, 'sandbox', {
			contract: { deadline: '2026-12-01', lang: 'en', reference: null },
		});
		expect(c).toMatchObject({ deadline: '2026-12-01', lang: 'en', reference: null });
		expect(kit.emulator.outbox().emails[0].subject).toBe('Contract to sign: Bail meublé - Lyon');
	});

	it('20 signatories and 10 annexes are accepted', async () => {
		const signatories = Array.from({ length: 20 }, (_, i) => ({
			...ALICE,
			email: `s${i}@example.com`,
		}));
		const annexes = Array.from({ length: 10 }, (_, i) => ({
			name: `a${i}.pdf`,
			data: TINY_PDF_B64,
		}));
		const c = await createContract(kit, 'sandbox', { signatories, annexes });
		expect(c.signatories).toHaveLength(20);
		expect(c.annexes).toHaveLength(10);
		expect(new Set(c.signatories.map((s) => s.id)).size).toBe(20);
	});

	it('a document of exactly 20 MB is accepted', async () => {
		const big = Buffer.alloc(20 * 1024 * 1024, 0x20);
		TINY_PDF.copy(big);
		const c = await createContract(kit, 'sandbox', {
			mainDocument: { name: 'big.pdf', data: big.toString('base64') },
			notify: { signatory: false, owner: false },
		});
		expect(c.mainDocument.data.size).toBe(20 * 1024 * 1024);
	});
});

describe('contractDetailRequest and owners', () => {
	it('returns contents and log', async () => {
		const c = await createContract(kit, 'sandbox', {
			annexes: [{ name: 'a.pdf', data: TINY_PDF_B64 }],
		});
		const r = await kit.sandbox('contractDetailRequest', { contractId: c.id });
		expect(r.status).toBe(200);
		expect(r.body.contract.mainDocument.data.content).toBe(TINY_PDF_B64);
		expect(r.body.contract.annexes[0].content).toBe(TINY_PDF_B64);
		expect(r.body.contract.mainDocument.data.sign).toBeUndefined();
		expect(r.body.contract.log.length).toBeGreaterThan(0);
		const withoutContent = { ...r.body.contract.mainDocument.data };
		delete withoutContent.content;
		expect(withoutContent).toEqual(c.mainDocument.data);
	});

	it('unknown id: 404 CONTRACT_NOT_FOUND', async () => {
		const r = await kit.sandbox('contractDetailRequest', { contractId: 'ctr_nope' });
		expect(r.status).toBe(404);
		expect(r.body.error).toMatchObject({ code: 'CONTRACT_NOT_FOUND', field: 'contractId' });
	});

	it("owners never see each other's contracts", async () => {
		const c = await createContract(kit, 'sandbox');
		const s = c.signatories[0].id;
		for (const [name, extra] of [
			['contractDetailRequest', {}],
			['contractCancelRequest', {}],
			['signatorySendSmsRequest', { signatoryId: s }],
			['signatorySendAllSmsRequest', {}],
			['signatorySignRequest', { signatoryId: s, code: '0000' }],
		] as const) {
			const r = await kit.api('sandbox', name, { contractId: c.id, ...extra }, OTHER_SANDBOX_KEYS);
			expect([name, r.status, r.body.error?.code]).toEqual([name, 404, 'CONTRACT_NOT_FOUND']);
		}
		const list = await kit.api('sandbox', 'contractListRequest', {}, OTHER_SANDBOX_KEYS);
		expect(list.body.total).toBe(0);
		// the production owner cannot reach a sandbox contract either
		const prod = await kit.prod('contractDetailRequest', { contractId: c.id });
		expect(prod.status).toBe(404);
		const still = await kit.sandbox('contractDetailRequest', { contractId: c.id });
		expect(still.body.contract.status).toBe('pending');
	});

	it('unknown signatory: 404 SIGNATORY_NOT_FOUND', async () => {
		const c = await createContract(kit, 'sandbox');
		const r = await kit.sandbox('signatorySendSmsRequest', {
			contractId: c.id,
			signatoryId: 'sig_nope',
		});
		expect(r.status).toBe(404);
		expect(r.body.error).toMatchObject({ code: 'SIGNATORY_NOT_FOUND', field: 'signatoryId' });
	});
});

describe('contractCancelRequest', () => {
	it('cancels a pending contract, with its reason in the log', async () => {
		const c = await createContract(kit, 'sandbox');
		kit.emulator.clock.advance('PT1H');
		const r = await kit.sandbox('contractCancelRequest', {
			contractId: c.id,
			reason: 'tenant withdrew',
		});
		expect(r.status).toBe(200);
		expect(r.body.contract.status).toBe('cancelled');
		expect(r.body.contract.cancelledAt).toMatch(/^2026-12-01T10:00/);
		expect(r.body.contract.updatedAt).toBe(r.body.contract.cancelledAt);
		expect(r.body.contract.mainDocument.data.content).toBeUndefined();
		const last = r.body.contract.log.at(-1);
		expect(last).toMatchObject({ event: 'cancelled', actor: 'owner:demo-sandbox-user' });
		expect(last?.detail).toContain('tenant withdrew');
	});

	it.each(['draft', 'cancelled', 'signed', 'expired'])(
		'a %s contract gets 409 INVALID_STATE',
		async (status) => {
			const c = await createContract(kit, 'sandbox', {
				submit: status !== 'draft',
				contract: { deadline: '2026-12-01' },
			});
			if (status === 'cancelled') await kit.sandbox('contractCancelRequest', { contractId: c.id });
			if (status === 'signed') {
				for (const s of c.signatories) {
					await kit.sandbox('signatorySignRequest', {
						contractId: c.id,
						signatoryId: s.id,
						code: '0000',
					});
				}
			}
			if (status === 'expired') kit.emulator.clock.advance('P1D');
			const r = await kit.sandbox('contractCancelRequest', { contractId: c.id });
			expect(r.status).toBe(409);
			expect(r.body.error).toEqual({ code: 'INVALID_STATE', message: expect.any(String), status });
		},
	);

	it('a partly signed contract can be cancelled', async () => {
		const c = await createContract(kit, 'sandbox');
		await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: c.signatories[0].id,
			code: '0000',
		});
		const r = await kit.sandbox('contractCancelRequest', { contractId: c.id });
		expect(r.status).toBe(200);
		expect(r.body.contract.status).toBe('cancelled');
		const sign = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: c.signatories[1].id,
			code: '0000',
		});
		expect(sign.status).toBe(409);
		expect(sign.body.error.status).toBe('cancelled');
	});
});

describe('contractListRequest', () => {
	it('newest first, pagination, summaries', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			ids.push((await createContract(kit, 'sandbox', { contract: { label: `C${i}` } })).id);
			kit.emulator.clock.advance('PT1M');
		}
		const r = await kit.sandbox('contractListRequest', { offset: 1, limit: 2 });
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ total: 5, offset: 1, limit: 2 });
		expect(r.body.contracts.map((c) => c.id)).toEqual([ids[3], ids[2]]);
		expect(Object.keys(r.body.contracts[0]).sort()).toEqual(
			[
				'createdAt',
				'deadline',
				'id',
				'label',
				'reference',
				'signatories',
				'status',
				'updatedAt',
			].sort(),
		);
		expect(r.body.contracts[0].signatories[0]).toEqual({
			id: expect.any(String),
			firstName: 'Alice',
			lastName: 'Martin',
			status: 'pending',
		});
		const dflt = await kit.sandbox('contractListRequest', {});
		expect(dflt.body).toMatchObject({ total: 5, offset: 0, limit: 50 });
		expect(dflt.body.contracts.map((c) => c.id)).toEqual([...ids].reverse());
	});

	it('same createdAt: newest first by id', async () => {
		const ids = kit.emulator.seed({
			platform: 'sandbox',
			apiUser: SANDBOX_KEYS.apiUser,
			count: 3,
			createdFrom: '2026-11-20T10:00:00Z',
		}).ids;
		const created = await Promise.all([1, 2, 3].map(() => createContract(kit, 'sandbox')));
		const r = await kit.sandbox('contractListRequest', {});
		const listed = r.body.contracts.map((c) => c.id);
		expect(listed.slice(3)).toEqual([...ids].reverse());
		const sorted = [...r.body.contracts.slice(0, 3)].sort(
			(a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : -1),
		);
		expect(r.body.contracts.slice(0, 3)).toEqual(sorted);
		expect(new Set(listed.slice(0, 3))).toEqual(new Set(created.map((c) => c.id)));
	});

	it('filters by status, reference and creation dates (Paris days, inclusive)', async () => {
		kit.emulator.clock.set('2026-11-30T23:30:00Z'); // 2026-12-01 00:30 in Paris
		const a = await createContract(kit, 'sandbox', { contract: { reference: 'A' } });
		kit.emulator.clock.set('2026-11-30T22:59:00Z'); // 2026-11-30 23:59 in Paris
		const b = await createContract(kit, 'sandbox', { contract: { reference: 'B' }, submit: false });
		kit.emulator.clock.set('2026-12-01T12:00:00Z');
		const c = await createContract(kit, 'sandbox', { contract: { reference: 'A' } });
		await kit.sandbox('contractCancelRequest', { contractId: c.id });

		const ids = async (filter: object) =>
			(await kit.sandbox('contractListRequest', { filter })).body.contracts.map((x) => x.id);
		expect(await ids({ status: ['pending'] })).toEqual([a.id]);
		expect(await ids({ status: ['draft', 'cancelled'] })).toEqual([c.id, b.id]);
		expect(await ids({ reference: 'A' })).toEqual([c.id, a.id]);
		expect(await ids({ reference: 'a' })).toEqual([]);
		expect(await ids({ createdFrom: '2026-12-01' })).toEqual([c.id, a.id]);
		expect(await ids({ createdTo: '2026-11-30' })).toEqual([b.id]);
		expect(await ids({ createdFrom: '2026-12-01', createdTo: '2026-12-01' })).toEqual([c.id, a.id]);
		expect(
			await ids({ createdFrom: '2026-11-30T23:30:00Z', createdTo: '2026-11-30T23:30:59.999Z' }),
		).toEqual([a.id]);
		expect(
			await ids({ createdFrom: '2026-12-01T00:30:00+01:00', createdTo: '2026-12-01T13:30:00' }),
		).toEqual([c.id, a.id]);
		expect(await ids({ status: [] })).toEqual([]);
	});

	it('expired contracts are listed as expired', async () => {
		const c = await createContract(kit, 'sandbox', { contract: { deadline: '2026-12-02' } });
		kit.emulator.clock.advance('P2D');
		const r = await kit.sandbox('contractListRequest', { filter: { status: ['expired'] } });
		expect(r.body.contracts.map((x) => x.id)).toEqual([c.id]);
		expect(r.body.contracts[0].updatedAt).toBe('2026-12-02T23:00:00.000Z');
	});

	it('10,000 seeded contracts: fast seeding, paging, filters', async () => {
		const t0 = Date.now();
		const { ids } = kit.emulator.seed({
			platform: 'sandbox',
			apiUser: SANDBOX_KEYS.apiUser,
			count: 10000,
			status: 'signed',
		});
		expect(Date.now() - t0).toBeLessThan(2000);
		expect(new Set(ids).size).toBe(10000);
		const viaControl = await kit.control('POST', '/seed', {
			platform: 'sandbox',
			apiUser: SANDBOX_KEYS.apiUser,
			count: 5,
			status: 'cancelled',
			createdFrom: '2026-11-01T10:00:00Z',
			label: 'Old',
		});
		expect(viaControl.status).toBe(200);
		expect(viaControl.body.ids).toHaveLength(5);

		const page = await kit.sandbox('contractListRequest', { limit: 100, offset: 9900 });
		expect(page.body.total).toBe(10005);
		expect(page.body.contracts).toHaveLength(100);
		expect(page.body.contracts[0].id).toBe(ids[99]);
		const last = await kit.sandbox('contractListRequest', { limit: 100, offset: 10000 });
		expect(last.body.contracts.map((c) => c.label)).toEqual([
			'Old #5',
			'Old #4',
			'Old #3',
			'Old #2',
			'Old #1',
		]);
		const cancelled = await kit.sandbox('contractListRequest', {
			filter: { status: ['cancelled'] },
		});
		expect(cancelled.body.total).toBe(5);

		// a seeded signed contract gets its signed PDF lazily
		const d = await kit.sandbox('contractDetailRequest', { contractId: ids[0] });
		expect(d.body.contract.status).toBe('signed');
		expect(d.body.contract.mainDocument.data.sign?.content).toEqual(expect.any(String));
		// other owners are unaffected
		const other = await kit.api('sandbox', 'contractListRequest', {}, OTHER_SANDBOX_KEYS);
		expect(other.body.total).toBe(0);
	});

	it('seed of every status is consistent', async () => {
		for (const status of ['draft', 'pending', 'signed', 'cancelled', 'expired'] as const) {
			kit.emulator.seed({
				platform: 'production',
				apiUser: PRODUCTION_KEYS.apiUser,
				count: 2,
				status,
			});
		}
		const r = await kit.prod('contractListRequest', { limit: 100 });
		const counts: Record<string, number> = {};
		for (const c of r.body.contracts) counts[c.status] = (counts[c.status] ?? 0) + 1;
		expect(counts).toEqual({ draft: 2, pending: 2, signed: 2, cancelled: 2, expired: 2 });
		const bad = await kit.control('POST', '/seed', {
			platform: 'sandbox',
			apiUser: PRODUCTION_KEYS.apiUser,
			count: 1,
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.field).toBe('apiUser');
	});
});

describe('concurrency', () => {
	it('50 parallel creates give 50 contracts with distinct ids', async () => {
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				kit.sandbox('contractCreateRequest', createBody({ contract: { label: `Parallel ${i}` } })),
			),
		);
		expect(results.every((r) => r.status === 200)).toBe(true);
		const ids = results.map((r) => r.body.contract.id);
		expect(new Set(ids).size).toBe(50);
		const list = await kit.sandbox('contractListRequest', { limit: 100 });
		expect(list.body.total).toBe(50);
		expect(new Set(list.body.contracts.map((c) => c.id))).toEqual(new Set(ids));
		expect(kit.emulator.outbox().emails).toHaveLength(150);
	});

	it('parallel signatures and SMS on one contract keep it consistent', async () => {
		const signatories = Array.from({ length: 10 }, (_, i) => ({ ...ALICE, firstName: `S${i}` }));
		const c = await createContract(kit, 'production', { signatories });
		const sms = await Promise.all(
			Array.from({ length: 30 }, () =>
				kit.prod('signatorySendSmsRequest', { contractId: c.id, signatoryId: c.signatories[0].id }),
			),
		);
		expect(sms.filter((r) => r.status === 200)).toHaveLength(5);
		expect(
			sms.filter((r) => r.status === 429).every((r) => r.body.error.code === 'SMS_LIMIT_REACHED'),
		).toBe(true);
		await Promise.all(
			c.signatories.map((s) => kit.control('POST', `/contracts/${c.id}/signatories/${s.id}/sign`)),
		);
		const d = await kit.prod('contractDetailRequest', { contractId: c.id });
		expect(d.body.contract.status).toBe('signed');
		expect(d.body.contract.log.filter((l) => l.event === 'completed')).toHaveLength(1);
		expect(d.body.contract.log.filter((l) => l.event === 'sms_sent')).toHaveLength(5);
	});
});
