/**
 * Conformance: SMS, signing, lock, deposits and payment, drafts, expiry,
 * notifications, audit log and the signed PDF read back with pdftotext.
 */
import { createHash } from 'crypto';
import { DEMO_ACCOUNTS } from './index';
import { ApiKit, createContract, useApiKit } from './testkit';
import type { WireContract } from './wire-reply';
import { KEYS } from '../fixtures/accounts';
import { VALID_IBAN } from '../fixtures/ibans';
import { pdfPages } from '../fixtures/pdf';
import { ALICE, BOB_SPACED_PHONE } from '../fixtures/people';

const kit = useApiKit();
const TEST_CARD = { card: '4706750000000009', expiry: '12/30', cvc: '123' };

const events = (c: WireContract): string[] => c.log.map((l) => l.event);
const detail = async (k: ApiKit, platform: 'sandbox' | 'production', id: string) =>
	(await k.api(platform, 'contractDetailRequest', { contractId: id }, KEYS[platform])).body
		.contract;

describe('sandbox SMS and signing', () => {
	it('SMS: no SMS really sent, remainingSms null, no limit', async () => {
		const c = await createContract(kit, 'sandbox');
		const sid = c.signatories[0].id;
		for (let i = 0; i < 8; i++) {
			const r = await kit.sandbox('signatorySendSmsRequest', {
				contractId: c.id,
				signatoryId: sid,
			});
			expect(r.status).toBe(200);
			expect(r.body).toEqual({ signatoryId: sid, sent: true, remainingSms: null });
		}
		expect(kit.emulator.outbox().sms).toHaveLength(0);
		const d = await detail(kit, 'sandbox', c.id);
		expect(d.signatories[0].smsSent).toBe(8);
		expect(events(d).filter((e) => e === 'sms_sent')).toHaveLength(8);
	});

	it('code 0000 signs; wrong codes never lock', async () => {
		const c = await createContract(kit, 'sandbox');
		const [a, b] = c.signatories.map((s) => s.id);
		for (let i = 0; i < 7; i++) {
			const r = await kit.sandbox('signatorySignRequest', {
				contractId: c.id,
				signatoryId: a,
				code: '1234',
			});
			expect(r.status).toBe(422);
			expect(r.body.error).toMatchObject({ code: 'INVALID_SMS_CODE', remainingAttempts: null });
		}
		kit.emulator.clock.advance('PT5M');
		const ok = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: a,
			code: '0000',
		});
		expect(ok.status).toBe(200);
		expect(ok.body).toEqual({
			signatory: { id: a, status: 'signed', signedAt: expect.stringMatching(/^2026-12-01T09:05/) },
			contract: { id: c.id, status: 'pending' },
		});
		const again = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: a,
			code: '0000',
		});
		expect(again.status).toBe(409);
		expect(again.body.error).toMatchObject({ code: 'INVALID_STATE', status: 'signed' });
		const sms = await kit.sandbox('signatorySendSmsRequest', { contractId: c.id, signatoryId: a });
		expect(sms.status).toBe(409);

		const all = await kit.sandbox('signatorySendAllSmsRequest', { contractId: c.id });
		expect(all.body).toEqual({ sent: [b], skipped: [{ signatoryId: a, reason: 'SIGNED' }] });

		const last = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: b,
			code: '0000',
		});
		expect(last.body.contract).toEqual({ id: c.id, status: 'signed' });
		const d = await detail(kit, 'sandbox', c.id);
		expect(d.status).toBe('signed');
		expect(d.completedAt).toBe(last.body.signatory.signedAt);
		expect(d.signatories[0]).toMatchObject({ status: 'signed', failedAttempts: 7 });
		expect(events(d)).toEqual([
			'created',
			'submitted',
			'email_sent',
			'email_sent',
			'email_sent',
			...Array(7).fill('sign_failed'),
			'signed',
			'sms_sent',
			'signed',
			'completed',
			'email_sent',
		]);
		expect(d.log.find((l) => l.event === 'signed')?.actor).toBe(`signatory:${a}`);
		const emails = kit.emulator.outbox().emails;
		expect(emails.at(-1)).toMatchObject({ to: DEMO_ACCOUNTS.sandbox.email, contractId: c.id });
		expect(emails.at(-1)!.subject).toContain('signé');
	});

	it('code must be 4 to 8 digits', async () => {
		const c = await createContract(kit, 'sandbox');
		for (const code of ['123', '123456789', '12a4', 1234, '', null]) {
			const r = await kit.sandbox('signatorySignRequest', {
				contractId: c.id,
				signatoryId: c.signatories[0].id,
				code,
			});
			expect([code, r.status, r.body.error.code, r.body.error.field]).toEqual([
				code,
				400,
				'VALIDATION_ERROR',
				'code',
			]);
		}
		expect((await detail(kit, 'sandbox', c.id)).signatories[0].failedAttempts).toBe(0);
	});
});

describe('production SMS, limit and lock', () => {
	it('random 6-digit codes in the outbox, 5 SMS at most', async () => {
		const c = await createContract(kit, 'production');
		const sid = c.signatories[1].id;
		for (let i = 1; i <= 5; i++) {
			const r = await kit.prod('signatorySendSmsRequest', { contractId: c.id, signatoryId: sid });
			expect(r.body).toEqual({ signatoryId: sid, sent: true, remainingSms: 5 - i });
		}
		const sixth = await kit.prod('signatorySendSmsRequest', { contractId: c.id, signatoryId: sid });
		expect(sixth.status).toBe(429);
		expect(sixth.body.error.code).toBe('SMS_LIMIT_REACHED');
		const sms = kit.emulator.outbox().sms;
		expect(sms).toHaveLength(5);
		for (const m of sms) {
			expect(m).toMatchObject({
				platform: 'production',
				contractId: c.id,
				signatoryId: sid,
				phone: '+33698765432',
			});
			expect(m.code).toMatch(/^\d{6}$/);
			expect(m.body).toContain('Contrat-Privé');
			expect(m.body).toContain(m.code);
		}
		const all = await kit.prod('signatorySendAllSmsRequest', { contractId: c.id });
		expect(all.body).toEqual({
			sent: [c.signatories[0].id],
			skipped: [{ signatoryId: sid, reason: 'SMS_LIMIT_REACHED' }],
		});
		// only the last code sent is valid
		const codes = kit.emulator
			.outbox()
			.sms.filter((m) => m.signatoryId === sid)
			.map((m) => m.code);
		const stale = codes.slice(0, -1).find((x) => x !== codes.at(-1));
		if (stale) {
			const r = await kit.prod('signatorySignRequest', {
				contractId: c.id,
				signatoryId: sid,
				code: stale,
			});
			expect(r.status).toBe(422);
		}
		const ok = await kit.prod('signatorySignRequest', {
			contractId: c.id,
			signatoryId: sid,
			code: codes.at(-1),
		});
		expect(ok.status).toBe(200);
		expect(ok.body.signatory.status).toBe('signed');
	});

	it('5 wrong codes lock the signatory; then 423 SIGNATORY_LOCKED', async () => {
		const c = await createContract(kit, 'production');
		const sid = c.signatories[0].id;
		await kit.prod('signatorySendSmsRequest', { contractId: c.id, signatoryId: sid });
		const code = kit.emulator.outbox().sms[0].code;
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 1; i <= 5; i++) {
			const r = await kit.prod('signatorySignRequest', {
				contractId: c.id,
				signatoryId: sid,
				code: wrong,
			});
			expect(r.status).toBe(422);
			expect(r.body.error).toMatchObject({
				code: 'INVALID_SMS_CODE',
				field: 'code',
				remainingAttempts: 5 - i,
			});
		}
		const locked = await kit.prod('signatorySignRequest', {
			contractId: c.id,
			signatoryId: sid,
			code,
		});
		expect(locked.status).toBe(423);
		expect(locked.body.error.code).toBe('SIGNATORY_LOCKED');
		const sms = await kit.prod('signatorySendSmsRequest', { contractId: c.id, signatoryId: sid });
		expect(sms.status).toBe(423);
		const web = await kit.control('POST', `/contracts/${c.id}/signatories/${sid}/sign`);
		expect(web.status).toBe(423);
		const all = await kit.prod('signatorySendAllSmsRequest', { contractId: c.id });
		expect(all.body.skipped).toEqual([{ signatoryId: sid, reason: 'LOCKED' }]);
		const d = await detail(kit, 'production', c.id);
		expect(d.signatories[0]).toMatchObject({ status: 'locked', failedAttempts: 5 });
		expect(events(d).filter((e) => e === 'sign_failed')).toHaveLength(5);
		expect(events(d)).toContain('locked');
		expect(d.status).toBe('pending');
		// a locked signatory does not stop the owner from cancelling
		const cancel = await kit.prod('contractCancelRequest', { contractId: c.id });
		expect(cancel.body.contract.status).toBe('cancelled');
	});

	it('signing before any SMS: every code is wrong', async () => {
		const c = await createContract(kit, 'production');
		const r = await kit.prod('signatorySignRequest', {
			contractId: c.id,
			signatoryId: c.signatories[0].id,
			code: '0000',
		});
		expect(r.status).toBe(422);
		expect(r.body.error.remainingAttempts).toBe(4);
	});
});

describe('deposits', () => {
	const withDeposit = {
		contract: { bankAccount: { iban: VALID_IBAN, holder: 'SCI' } },
		signatories: [ALICE, { ...BOB_SPACED_PHONE, deposit: 250 }],
	};

	it('cannot sign until paid; pay with the test card; then sign', async () => {
		const c = await createContract(kit, 'sandbox', withDeposit);
		const bob = c.signatories[1].id;
		const url = `${kit.emulator.url}/sandbox/sign/${c.id}/${bob}`;
		const r = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: bob,
			code: '0000',
		});
		expect(r.status).toBe(422);
		expect(r.body.error).toMatchObject({
			code: 'DEPOSIT_PAYMENT_REQUIRED',
			paymentUrl: url,
			deposit: 250,
		});
		const web = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/sign`);
		expect(web.status).toBe(422);
		expect(web.body.error.code).toBe('DEPOSIT_PAYMENT_REQUIRED');

		const page = await kit.raw(`/sandbox/sign/${c.id}/${bob}`, { method: 'GET' });
		expect(page.status).toBe(200);
		expect(page.text).toContain('250.00 EUR');

		const declined = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, {
			...TEST_CARD,
			card: '4111111111111111',
		});
		expect(declined.status).toBe(402);
		expect(declined.body.error.code).toBe('PAYMENT_DECLINED');

		for (const [body, field] of [
			[{ ...TEST_CARD, expiry: '11/26' }, 'expiry'],
			[{ ...TEST_CARD, expiry: '13/30' }, 'expiry'],
			[{ ...TEST_CARD, expiry: '2030-12' }, 'expiry'],
			[{ ...TEST_CARD, cvc: '12' }, 'cvc'],
			[{ ...TEST_CARD, cvc: 123 }, 'cvc'],
			[{ ...TEST_CARD, card: undefined }, 'card'],
			[{ ...TEST_CARD, card: 'abc' }, 'card'],
		] as const) {
			const bad = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, body);
			expect([field, bad.status, bad.body.error.code, bad.body.error.field]).toEqual([
				field,
				400,
				'VALIDATION_ERROR',
				field,
			]);
		}
		expect((await detail(kit, 'sandbox', c.id)).signatories[1].depositPaid).toBe(false);

		const paid = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, {
			...TEST_CARD,
			expiry: '12/26',
		});
		expect(paid.status).toBe(200);
		expect(paid.body.contract.signatories[1].depositPaid).toBe(true);
		const twice = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, TEST_CARD);
		expect(twice.status).toBe(409);
		const none = await kit.control(
			'POST',
			`/contracts/${c.id}/signatories/${c.signatories[0].id}/pay`,
			TEST_CARD,
		);
		expect(none.status).toBe(409);
		expect(none.body.error.code).toBe('INVALID_STATE');

		const ok = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: bob,
			code: '0000',
		});
		expect(ok.status).toBe(200);
		const d = await detail(kit, 'sandbox', c.id);
		const paidEvent = d.log.find((l) => l.event === 'deposit_paid');
		expect(paidEvent).toMatchObject({ actor: `signatory:${bob}` });
		expect(paidEvent?.detail).toContain('0009');
	});

	it('production accepts any Luhn-valid card', async () => {
		const c = await createContract(kit, 'production', withDeposit);
		const bob = c.signatories[1].id;
		const bad = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, {
			...TEST_CARD,
			card: '4111111111111112',
		});
		expect(bad.status).toBe(402);
		const ok = await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, {
			...TEST_CARD,
			card: '4111 1111 1111 1111',
		});
		expect(ok.status).toBe(200);
	});

	it('paying on a draft or unknown ids', async () => {
		const c = await createContract(kit, 'sandbox', { ...withDeposit, submit: false });
		const bob = c.signatories[1].id;
		expect(
			(await kit.control('POST', `/contracts/${c.id}/signatories/${bob}/pay`, TEST_CARD)).status,
		).toBe(409);
		expect(
			(await kit.control('POST', `/contracts/${c.id}/signatories/nope/pay`, TEST_CARD)).body.error
				.code,
		).toBe('SIGNATORY_NOT_FOUND');
		expect(
			(await kit.control('POST', `/contracts/nope/signatories/${bob}/pay`, TEST_CARD)).body.error
				.code,
		).toBe('CONTRACT_NOT_FOUND');
	});
});

describe('drafts', () => {
	it('no SMS, no signing, no cancel on a draft; validation sends it without submitMessage', async () => {
		const c = await createContract(kit, 'sandbox', { submit: false });
		const sid = c.signatories[0].id;
		for (const [name, extra] of [
			['signatorySendSmsRequest', { signatoryId: sid }],
			['signatorySendAllSmsRequest', {}],
			['signatorySignRequest', { signatoryId: sid, code: '0000' }],
			['contractCancelRequest', {}],
		] as const) {
			const r = await kit.sandbox(name, { contractId: c.id, ...extra });
			expect([name, r.status, r.body.error?.code, r.body.error?.status]).toEqual([
				name,
				409,
				'INVALID_STATE',
				'draft',
			]);
		}
		const web = await kit.control('POST', `/contracts/${c.id}/signatories/${sid}/sign`);
		expect(web.status).toBe(409);
		expect(kit.emulator.outbox().emails).toHaveLength(0);

		kit.emulator.clock.advance('PT3H');
		const v = await kit.control('POST', `/contracts/${c.id}/validate`);
		expect(v.status).toBe(200);
		expect(v.body.contract).toMatchObject({
			status: 'pending',
			submittedAt: expect.stringMatching(/^2026-12-01T12:00/),
		});
		expect(events(v.body.contract)).toEqual([
			'created',
			'validated',
			'email_sent',
			'email_sent',
			'email_sent',
		]);
		const emails = kit.emulator.outbox().emails;
		expect(emails).toHaveLength(3);
		expect(emails[0].body).toContain(`${kit.emulator.url}/sandbox/sign/${c.id}/${sid}`);
		expect(emails[0].body).not.toContain('Merci de signer');
		const again = await kit.control('POST', `/contracts/${c.id}/validate`);
		expect(again.status).toBe(409);
		expect(again.body.error.status).toBe('pending');
		const sign = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: sid,
			code: '0000',
		});
		expect(sign.status).toBe(200);
	});
});

describe('expiry', () => {
	it('expires when the deadline day is over in Paris, logged at that moment', async () => {
		const c = await createContract(kit, 'sandbox', { contract: { deadline: '2026-12-03' } });
		kit.emulator.clock.set('2026-12-03T22:59:59+00:00'); // 23:59:59 in Paris: still signable
		const s1 = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: c.signatories[0].id,
			code: '0000',
		});
		expect(s1.status).toBe(200);
		kit.emulator.clock.advance('PT1S');
		const s2 = await kit.sandbox('signatorySignRequest', {
			contractId: c.id,
			signatoryId: c.signatories[1].id,
			code: '0000',
		});
		expect(s2.status).toBe(409);
		expect(s2.body.error).toMatchObject({ code: 'INVALID_STATE', status: 'expired' });
		kit.emulator.clock.advance('P3D');
		const d = await detail(kit, 'sandbox', c.id);
		expect(d.status).toBe('expired');
		expect(d.updatedAt).toBe('2026-12-03T23:00:00.000Z');
		expect(d.log.at(-1)).toMatchObject({
			event: 'expired',
			at: '2026-12-03T23:00:00.000Z',
			actor: 'system',
		});
		expect(events(d).filter((e) => e === 'expired')).toHaveLength(1);
		for (const [name, extra] of [
			['signatorySendSmsRequest', { signatoryId: c.signatories[1].id }],
			['signatorySendAllSmsRequest', {}],
			['contractCancelRequest', {}],
		] as const) {
			const r = await kit.sandbox(name, { contractId: c.id, ...extra });
			expect([name, r.status, r.body.error.status]).toEqual([name, 409, 'expired']);
		}
		const web = await kit.control(
			'POST',
			`/contracts/${c.id}/signatories/${c.signatories[1].id}/sign`,
		);
		expect(web.status).toBe(409);
	});

	it('summer time: a deadline in July ends at 22:00 UTC; drafts expire too', async () => {
		kit.emulator.clock.set('2027-07-10T08:00:00Z');
		const c = await createContract(kit, 'sandbox', {
			contract: { deadline: '2027-07-10' },
			submit: false,
		});
		kit.emulator.clock.set('2027-07-10T21:59:59Z');
		expect((await detail(kit, 'sandbox', c.id)).status).toBe('draft');
		const clock = await kit.control('POST', '/clock', { to: '2027-07-11T00:00:00+02:00' });
		expect(clock.body.now).toMatch(/^2027-07-10T22:00:00/);
		const d = await detail(kit, 'sandbox', c.id);
		expect(d.status).toBe('expired');
		expect(d.log.at(-1)?.at).toBe('2027-07-10T22:00:00.000Z');
		expect((await kit.control('POST', `/contracts/${c.id}/validate`)).status).toBe(409);
	});
});

describe('signed PDF', () => {
	async function signAll(platform: 'sandbox' | 'production', c: WireContract) {
		for (const s of c.signatories) {
			const r = await kit.control('POST', `/contracts/${c.id}/signatories/${s.id}/sign`);
			expect(r.status).toBe(200);
		}
	}

	it('sandbox: original pages with TEST on every page, Contrat-Privé last page', async () => {
		const c = await createContract(kit, 'sandbox', {
			signatories: [{ ...ALICE, firstName: 'Zoé', lastName: 'Lefèvre' }, BOB_SPACED_PHONE],
			contract: { label: 'Bail meublé' },
		});
		await signAll('sandbox', c);
		const d = await detail(kit, 'sandbox', c.id);
		const sign = d.mainDocument.data.sign!;
		expect(sign).toMatchObject({
			name: 'bail-signed.pdf',
			signedAt: d.completedAt,
			timestampedAt: expect.any(String),
		});
		const pdf = Buffer.from(sign.content!, 'base64');
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		expect(sign.size).toBe(pdf.length);
		expect(sign.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));

		const pages = await pdfPages(pdf);
		expect(pages).toHaveLength(2);
		expect(pages[0]).toContain('Lease agreement');
		pages.forEach((p) => expect(p).toMatch(/\bTEST\b/));
		const last = pages.at(-1)!;
		expect(last).toContain('Contrat-Privé');
		expect(last).toContain('Zoé Lefèvre');
		expect(last).toContain('Bob Durand');
		expect(last).toContain(d.mainDocument.data.sha256);
		expect(last).toContain(sign.timestampedAt);
		for (const s of d.signatories) expect(last).toContain(s.signedAt);

		// the same document through the control view
		const view = await kit.control('GET', `/contracts/${c.id}`);
		expect(view.body.contract.mainDocument.data.sign?.sha256).toBe(sign.sha256);
	});

	it('production: no TEST watermark; multi-page original kept', async () => {
		const { PDFDocument } = await import('pdf-lib');
		const doc = await PDFDocument.create();
		for (let i = 1; i <= 3; i++)
			doc.addPage().drawText(`Page ${i} of the lease`, { x: 50, y: 700 });
		const bytes = Buffer.from(await doc.save());
		const c = await createContract(kit, 'production', {
			mainDocument: { name: 'lease.pdf', data: bytes.toString('base64') },
			signatories: [ALICE],
		});
		await signAll('production', c);
		const d = await detail(kit, 'production', c.id);
		const pages = await pdfPages(Buffer.from(d.mainDocument.data.sign!.content!, 'base64'));
		expect(pages).toHaveLength(4);
		expect(pages[2]).toContain('Page 3 of the lease');
		expect(pages.join('\n')).not.toMatch(/\bTEST\b/);
		expect(pages[3]).toContain('Contrat-Privé');
		expect(pages[3]).toContain('Alice Martin');
		expect(pages[3]).toContain(createHash('sha256').update(bytes).digest('hex'));
	});

	it('an unreadable PDF (only the magic) still gets a signed PDF', async () => {
		const junk = Buffer.from('%PDF-1.7\nnot really a pdf\n%%EOF\n');
		const c = await createContract(kit, 'sandbox', {
			mainDocument: { name: 'junk.pdf', data: junk.toString('base64') },
			signatories: [ALICE],
		});
		await signAll('sandbox', c);
		const d = await detail(kit, 'sandbox', c.id);
		const pages = await pdfPages(Buffer.from(d.mainDocument.data.sign!.content!, 'base64'));
		expect(pages.at(-1)).toContain('Contrat-Privé');
		pages.forEach((p) => expect(p).toMatch(/\bTEST\b/));
		expect(kit.emulator.internalErrors).toHaveLength(0);
	});
});

describe('control API', () => {
	it('clock: advance, to, errors', async () => {
		const a = await kit.control('POST', '/clock', { advance: 'P1DT2H' });
		expect(a.body.now).toMatch(/^2026-12-02T11:00/);
		const b = await kit.control('POST', '/clock', { to: '2027-01-01T10:00:00+01:00' });
		expect(b.body.now).toMatch(/^2027-01-01T09:00:00/);
		expect(kit.emulator.clock.now().toISOString()).toMatch(/^2027-01-01T09:00/);
		expect((await kit.control('POST', '/clock', { advance: '1 day' })).body.error.field).toBe(
			'advance',
		);
		expect((await kit.control('POST', '/clock', { to: 'tomorrow' })).body.error.field).toBe('to');
		const g = await kit.control('GET', '/clock');
		expect(g.body.now).toMatch(/^2027-01-01T09:00/);
	});

	it('reset empties the state but keeps the clock', async () => {
		await createContract(kit, 'sandbox');
		await kit.control('POST', '/faults', { kind: '500', requestName: 'nothing' });
		kit.emulator.clock.advance('P10D');
		const r = await kit.control('POST', '/reset');
		expect(r.status).toBe(200);
		expect(r.body.now).toMatch(/^2026-12-11/);
		expect((await kit.control('GET', '/outbox')).body).toEqual({ emails: [], sms: [] });
		expect((await kit.control('GET', '/faults')).body).toEqual({ faults: [] });
		expect((await kit.control('GET', '/requests')).body.total).toBe(0);
		expect((await kit.sandbox('contractListRequest', {})).body.total).toBe(0);
	});

	it('internal view and request counts', async () => {
		const c = await createContract(kit, 'production');
		await kit.prod('signatorySendSmsRequest', {
			contractId: c.id,
			signatoryId: c.signatories[0].id,
		});
		const v = await kit.control('GET', `/contracts/${c.id}`);
		expect(v.body).toMatchObject({ platform: 'production', owner: PROD_USER });
		expect(v.body.signatories[0].lastCode).toBe(kit.emulator.outbox().sms[0].code);
		expect(v.body.contract.mainDocument.data.content).toEqual(expect.any(String));
		const req = await kit.control('GET', '/requests');
		expect(req.body.counts).toEqual({
			'production/contractCreateRequest': 1,
			'production/signatorySendSmsRequest': 1,
		});
		expect(kit.emulator.requestCount({ platform: 'production' })).toBe(2);
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest', status: 200 })).toBe(
			1,
		);
		kit.emulator.resetRequestLog();
		expect(kit.emulator.requests).toHaveLength(0);
		expect((await kit.control('GET', '/contracts/nope')).status).toBe(404);
		expect((await kit.control('GET', '/nothing')).body.error.code).toBe('NOT_FOUND');
	});
});

const PROD_USER = DEMO_ACCOUNTS.production.apiUser;
