/**
 * The website over plain HTTP (a browser's requests, without a browser): pages,
 * escaping, PDFs, POST-redirect-GET with flash messages, and the shared rules
 * (limits, locks, deadline, cancelled contracts) seen from the pages.
 */
import { DEMO_ACCOUNTS } from '../index';
import { ApiKit, createContract, useApiKit } from '../testkit';
import type { WireContract } from '../wire-reply';
import { PRODUCTION_KEYS } from '../../fixtures/accounts';
import { VALID_IBAN } from '../../fixtures/ibans';
import { TINY_PDF } from '../../fixtures/pdf';
import { ALICE, BOB_SPACED_PHONE } from '../../fixtures/people';

const kit = useApiKit();

afterEach(() => {
	expect(kit.emulator.internalErrors).toEqual([]);
});

const DEPOSIT = {
	contract: { bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls' } },
	signatories: [{ ...BOB_SPACED_PHONE, deposit: 250 }],
};

interface Page {
	status: number;
	text: string;
	headers: Headers;
	/** The path of the page after redirects. */
	at: string;
	/** Text of the flash message, if any. */
	flash: string | null;
}

/** A browser-like client: keeps cookies, follows the 303 of a form post. */
class Browser {
	private cookies = new Map<string, string>();
	constructor(private readonly k: ApiKit) {}

	private remember(headers: Headers): void {
		for (const c of headers.getSetCookie()) {
			const [pair] = c.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq);
			if (/Max-Age=0/i.test(c)) this.cookies.delete(name);
			else this.cookies.set(name, pair.slice(eq + 1));
		}
	}

	private cookieHeader(): Record<string, string> {
		const v = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		return v ? { cookie: v } : {};
	}

	async get(path: string, accept = 'text/html'): Promise<Page> {
		const r = await fetch(`${this.k.emulator.url}${path}`, {
			headers: { accept, ...this.cookieHeader() },
			redirect: 'manual',
		});
		this.remember(r.headers);
		// whitespace collapsed: the templates wrap text across lines
		const text = (await r.text()).replace(/\s+/g, ' ');
		const flash = /<div id="flash"[^>]*>\s*<p>([\s\S]*?)<\/p>/.exec(text)?.[1] ?? null;
		return {
			status: r.status,
			text,
			headers: r.headers,
			at: path,
			flash: flash && unescape(flash),
		};
	}

	async post(
		path: string,
		form: Record<string, string> = {},
		headers: Record<string, string> = {},
	): Promise<Page> {
		const r = await fetch(`${this.k.emulator.url}${path}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: this.k.emulator.url,
				...this.cookieHeader(),
				...headers,
			},
			body: new URLSearchParams(form).toString(),
			redirect: 'manual',
		});
		this.remember(r.headers);
		if (r.status !== 303) {
			return { status: r.status, text: await r.text(), headers: r.headers, at: path, flash: null };
		}
		return this.get(r.headers.get('location')!);
	}
}

const unescape = (s: string) =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&#96;/g, '`')
		.replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ')
		.trim();

const signPath = (c: WireContract, i = 0, platform = 'sandbox') =>
	`/${platform}/sign/${c.id}/${c.signatories[i].id}`;
const ownerPath = (platform = 'sandbox', user: string = DEMO_ACCOUNTS.sandbox.apiUser) =>
	`/${platform}/dashboard/${user}`;
const detail = async (c: WireContract, platform: 'sandbox' | 'production' = 'sandbox') =>
	(
		await (platform === 'sandbox' ? kit.sandbox : kit.prod)('contractDetailRequest', {
			contractId: c.id,
		})
	).body.contract;

describe('home page', () => {
	it('is HTML for a browser and JSON otherwise; lists the demo owners', async () => {
		const b = new Browser(kit);
		const json = await b.get('/', '*/*');
		expect(json.headers.get('content-type')).toContain('application/json');
		expect(JSON.parse(json.text)).toEqual({
			name: 'Contrat-Privé local emulator',
			dashboard: `${kit.emulator.url}/`,
			sandbox: `${kit.emulator.url}/sandbox/api`,
			production: `${kit.emulator.url}/production/api`,
			control: `${kit.emulator.url}/_control`,
		});
		const page = await b.get('/');
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
		for (const a of Object.values(DEMO_ACCOUNTS)) {
			expect(page.text).toContain(`href="/${a.platform}/dashboard/${a.apiUser}"`);
			expect(page.text).toContain(a.name);
		}
		const css = await fetch(`${kit.emulator.url}/_website/style.css`);
		expect(css.headers.get('content-type')).toContain('text/css');
		expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
	});
});

describe('escaping', () => {
	it('labels, names, references, e-mails and log details are escaped on every page', async () => {
		const evil = '<img src=x onerror=alert(1)>"\'`&';
		const c = await createContract(kit, 'sandbox', {
			contract: { label: `Bail ${evil}`, reference: `R${evil}` },
			signatories: [{ ...ALICE, firstName: `A${evil}`, lastName: `M${evil}` }],
			notify: { submitMessage: `Hi ${evil}` },
		});
		await kit.sandbox('contractCancelRequest', { contractId: c.id, reason: `why ${evil}` });
		const b = new Browser(kit);
		const pages = [
			signPath(c),
			ownerPath(),
			`${ownerPath()}/contracts/${c.id}`,
			`${ownerPath()}/outbox`,
		];
		for (const p of pages) {
			const page = await b.get(p);
			expect(page.status).toBe(200);
			expect(page.text).not.toContain('<img');
			expect(page.text).not.toContain('"\'`&');
			expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;');
		}
	});
});

describe('signing page', () => {
	it('unknown links are a 404 page (wrong platform, contract or signatory)', async () => {
		const c = await createContract(kit, 'sandbox');
		const b = new Browser(kit);
		for (const p of [
			`/production/sign/${c.id}/${c.signatories[0].id}`,
			`/sandbox/sign/ctr_nope/${c.signatories[0].id}`,
			`/sandbox/sign/${c.id}/sig_nope`,
			`/nowhere/sign/${c.id}/${c.signatories[0].id}`,
			`${signPath(c)}/annexes/1`,
			`${signPath(c)}/document/signed`,
		]) {
			const page = await b.get(p);
			expect(page.status).toBe(404);
			expect(page.headers.get('content-type')).toContain('text/html');
		}
		const post = await b.post(`/sandbox/sign/${c.id}/sig_nope/sign`, { code: '0000' });
		expect(post.status).toBe(404);
	});

	it('shows the document as a same-origin PDF, inline or as a download', async () => {
		const c = await createContract(kit, 'sandbox', {
			annexes: [{ name: 'annexe état des lieux.pdf', data: TINY_PDF.toString('base64') }],
		});
		const b = new Browser(kit);
		const page = await b.get(signPath(c));
		expect(page.text).toMatch(
			new RegExp(
				`<iframe[^>]*src="${signPath(c)}/document"[^>]*title="Document to sign: bail.pdf"`,
			),
		);
		const pdf = await fetch(`${kit.emulator.url}${signPath(c)}/document`);
		expect(pdf.headers.get('content-type')).toBe('application/pdf');
		expect(pdf.headers.get('content-disposition')).toBe(
			`inline; filename="bail.pdf"; filename*=UTF-8''bail.pdf`,
		);
		expect(Buffer.from(await pdf.arrayBuffer()).equals(TINY_PDF)).toBe(true);
		const annex = await fetch(`${kit.emulator.url}${signPath(c)}/annexes/1?download=1`);
		expect(annex.headers.get('content-disposition')).toBe(
			`attachment; filename="annexe _tat des lieux.pdf"; filename*=UTF-8''annexe%20%C3%A9tat%20des%20lieux.pdf`,
		);
	});

	it('sandbox: deposit declined then paid, code 0000 without SMS, wrong code, sign', async () => {
		const c = await createContract(kit, 'sandbox', DEPOSIT);
		const b = new Browser(kit);
		const p = signPath(c);
		let page = await b.get(p);
		expect(page.text).toContain('250.00 EUR');
		expect(page.text).toMatch(/<label for="card">Card number<\/label>/);
		expect(page.text).toMatch(/<button type="submit"[^>]*disabled[^>]*>\s*Sign<\/button>/);

		page = await b.post(`${p}/pay`, { card: '4111 1111 1111 1111', expiry: '12/29', cvc: '123' });
		expect(page.at).toBe(p);
		expect(page.flash).toBe(
			'Card declined: the sandbox only accepts the test card 4706750000000009.',
		);
		expect(page.text).toMatch(
			/id="card"[^>]*aria-invalid="true"[^>]*aria-describedby="card-hint flash"/,
		);
		expect((await b.get(p)).flash).toBeNull(); // one-shot

		for (const [form, message] of [
			[{ card: '4706750000000009', expiry: '11/26', cvc: '123' }, 'This card has expired'],
			[{ card: '4706750000000009', expiry: '1229', cvc: '123' }, 'Enter the expiry date as MM/YY'],
			[{ card: '4706750000000009', expiry: '12/29', cvc: '12' }, 'Enter the 3-digit CVC'],
			[{ card: '', expiry: '12/29', cvc: '123' }, 'Enter the card number'],
		] as const) {
			expect((await b.post(`${p}/pay`, form)).flash).toContain(message);
		}
		const sign = await b.post(`${p}/sign`, { code: '0000' });
		expect(sign.flash).toBe('Pay the deposit of 250.00 EUR before signing.');
		expect((await detail(c)).signatories[0]).toMatchObject({
			depositPaid: false,
			status: 'pending',
		});

		page = await b.post(`${p}/pay`, { card: '4706 7500 0000 0009', expiry: '12/26', cvc: '987' });
		expect(page.flash).toBe(
			'Payment accepted: the deposit of 250.00 EUR is paid. You can now sign.',
		);
		expect(page.text).toContain('The deposit of 250.00 EUR is paid.');
		expect(
			(await b.post(`${p}/pay`, { card: '4706750000000009', expiry: '12/29', cvc: '123' })).flash,
		).toBe('The deposit is already paid.');

		page = await b.post(`${p}/code`);
		expect(page.at).toBe(`${p}#sign`);
		expect(page.flash).toBe('Sandbox: no SMS was sent. Your code is 0000.');
		expect(kit.emulator.outbox().sms).toEqual([]);

		expect((await b.post(`${p}/sign`, { code: '12' })).flash).toBe(
			'Enter the code you received: 4 to 8 digits.',
		);
		expect((await b.post(`${p}/sign`, { code: '1234' })).flash).toBe(
			'Wrong code. In the sandbox the code is always 0000.',
		);
		page = await b.post(`${p}/sign`, { code: '0000' });
		expect(page.flash).toBe(
			'You signed the contract. Every signatory has signed: the signed document is ready.',
		);
		expect(page.text).toContain(`src="${p}/document/signed"`);
		expect(page.text).not.toContain('<form');

		const d = await detail(c);
		expect(d.status).toBe('signed');
		expect(d.signatories[0]).toMatchObject({
			status: 'signed',
			depositPaid: true,
			failedAttempts: 1,
		});
		expect(d.log.map((l) => l.event)).toEqual(
			expect.arrayContaining(['deposit_paid', 'sms_sent', 'sign_failed', 'signed', 'completed']),
		);
		expect(d.log.find((l) => l.event === 'signed')?.detail).toBe(
			'signed on the website with the SMS code',
		);
		const signed = await fetch(`${kit.emulator.url}${p}/document/signed`);
		expect(signed.headers.get('content-type')).toBe('application/pdf');
		expect(
			Buffer.from(await signed.arrayBuffer())
				.subarray(0, 5)
				.toString(),
		).toBe('%PDF-');
		expect((await b.post(`${p}/sign`, { code: '0000' })).flash).toBe(
			'The contract is signed; this needs a pending contract.',
		);
	});

	it('production: the code is in the outbox; 5 wrong codes lock; 5 SMS at most', async () => {
		const c = await createContract(
			kit,
			'production',
			{ signatories: [ALICE, BOB_SPACED_PHONE] },
			PRODUCTION_KEYS,
		);
		const b = new Browser(kit);
		const p = signPath(c, 0, 'production');
		let page = await b.post(`${p}/code`);
		expect(page.flash).toBe(
			'A code was sent by SMS to +33 •• •• •• 78 (4 of 5 SMS left). Emulator: read it in the outbox.',
		);
		const sms = kit.emulator.outbox().sms;
		expect(sms).toHaveLength(1);
		const outbox = await b.get(
			`${ownerPath('production', DEMO_ACCOUNTS.production.apiUser)}/outbox`,
		);
		expect(outbox.text).toContain(`<strong>${sms[0].code}</strong>`);
		expect(page.text).toContain(
			`href="${ownerPath('production', DEMO_ACCOUNTS.production.apiUser)}/outbox#sms"`,
		);

		const wrong = sms[0].code === '000000' ? '111111' : '000000';
		for (let left = 4; left >= 1; left--) {
			page = await b.post(`${p}/sign`, { code: wrong });
			expect(page.flash).toBe(`Wrong code. ${left} attempt${left === 1 ? '' : 's'} left.`);
		}
		page = await b.post(`${p}/sign`, { code: wrong });
		expect(page.flash).toBe(
			'Wrong code. That was the 5th wrong code: signing is now locked for you. Contact the sender.',
		);
		expect(page.text).toContain('signing is locked for you');
		expect(page.text).not.toContain(`action="${p}/sign"`);
		expect((await b.post(`${p}/sign`, { code: sms[0].code })).flash).toBe(
			'Too many wrong codes: signing is locked for you. Contact the sender.',
		);
		expect((await detail(c, 'production')).signatories[0].status).toBe('locked');

		const q = signPath(c, 1, 'production');
		for (let i = 0; i < 5; i++) expect((await b.post(`${q}/code`)).flash).toContain('SMS left');
		expect((await b.post(`${q}/code`)).flash).toBe(
			'You already received 5 codes for this contract: no more SMS can be sent. Use the last code you received.',
		);
		const last = kit.emulator.outbox().sms.at(-1)!;
		expect((await b.post(`${q}/sign`, { code: last.code })).flash).toBe(
			'You signed the contract. It is complete once every signatory has signed.',
		);
	});

	it('after the deadline and once cancelled: no forms, and posts are refused', async () => {
		const c = await createContract(kit, 'sandbox', {
			...DEPOSIT,
			contract: { ...DEPOSIT.contract, deadline: '2026-12-02' },
		});
		const d = await createContract(kit, 'sandbox', DEPOSIT);
		await kit.sandbox('contractCancelRequest', { contractId: d.id });
		kit.emulator.clock.set('2026-12-02T23:00:00Z'); // 3 Dec 00:00 in Paris
		const b = new Browser(kit);

		let page = await b.get(signPath(c));
		expect(page.text).toContain('is over: this contract can no longer be signed');
		expect(page.text).not.toContain('<form');
		page = await b.post(`${signPath(c)}/pay`, {
			card: '4706750000000009',
			expiry: '12/29',
			cvc: '123',
		});
		expect(page.flash).toBe(
			'The deadline of this contract is over: it can no longer be signed or paid.',
		);
		page = await b.post(`${signPath(c)}/code`);
		expect(page.flash).toBe(
			'The deadline of this contract is over: it can no longer be signed or paid.',
		);
		expect((await detail(c)).status).toBe('expired');

		page = await b.get(signPath(d));
		expect(page.text).toContain('This contract was cancelled by the sender on');
		expect(page.text).not.toContain('<form');
		page = await b.post(`${signPath(d)}/sign`, { code: '0000' });
		expect(page.flash).toBe(
			'This contract was cancelled by the sender: it can no longer be signed or paid.',
		);
		expect((await detail(d)).signatories[0].status).toBe('pending');
	});

	it('refuses a form posted from another site, and changes nothing', async () => {
		const c = await createContract(kit, 'sandbox');
		const b = new Browser(kit);
		const page = await b.post(
			`${signPath(c)}/sign`,
			{ code: '0000' },
			{ origin: 'http://evil.example' },
		);
		expect(page.status).toBe(403);
		expect((await detail(c)).signatories[0].status).toBe('pending');
	});
});

describe('owner dashboard', () => {
	it('lists contracts newest first with a status filter and pages of 50', async () => {
		kit.emulator.seed({ platform: 'sandbox', apiUser: DEMO_ACCOUNTS.sandbox.apiUser, count: 60 });
		kit.emulator.seed({
			platform: 'sandbox',
			apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
			count: 3,
			status: 'draft',
			label: 'Draft',
		});
		const b = new Browser(kit);
		let page = await b.get(ownerPath());
		expect(page.text).toContain('63 contracts - 3 draft, 60 pending.');
		expect(page.text.match(/<tr>/g)).toHaveLength(51);
		expect(page.text).toContain('rel="next"');
		page = await b.get(`${ownerPath()}?page=2`);
		expect(page.text.match(/<tr>/g)).toHaveLength(14);
		page = await b.get(`${ownerPath()}?status=draft`);
		expect(page.text.match(/badge-draft">draft/g)).toHaveLength(3);
		expect(page.text).toMatch(/<option value="draft" selected/);
		expect((await b.get(`${ownerPath()}?status=<x>&page=-1`)).status).toBe(200);
		expect((await b.get('/sandbox/dashboard/nobody')).status).toBe(404);
		expect((await b.get(`/production/dashboard/${DEMO_ACCOUNTS.sandbox.apiUser}`)).status).toBe(
			404,
		);
	});

	it('validates a draft with the button (e-mails to the outbox); only a draft', async () => {
		const c = await createContract(kit, 'sandbox', { submit: false });
		const b = new Browser(kit);
		const cp = `${ownerPath()}/contracts/${c.id}`;
		let page = await b.get(cp);
		expect(page.text).toMatch(/<form method="post" action="[^"]+\/validate">/);
		expect(page.text).toContain('Validate and send');
		expect(kit.emulator.outbox().emails).toEqual([]);

		page = await b.post(`${cp}/validate`);
		expect(page.at).toBe(cp);
		expect(page.flash).toBe(
			'Validated and sent: the contract is pending; 3 e-mails in the outbox.',
		);
		expect(page.text).not.toContain('Validate and send');
		expect((await detail(c)).status).toBe('pending');
		expect((await b.post(`${cp}/validate`)).flash).toBe(
			'Only a draft can be validated; this one is pending.',
		);

		const outbox = await b.get(`${ownerPath()}/outbox`);
		expect(outbox.text).toContain('E-mails (3)');
		for (const s of c.signatories) {
			const link = `${kit.emulator.url}/sandbox/sign/${c.id}/${s.id}`;
			expect(outbox.text).toContain(`<a href="${link}">${link}</a>`);
		}
		expect(outbox.text).toContain('Sandbox: no SMS is ever sent');

		// another owner's contract does not exist for this owner
		const other = `/sandbox/dashboard/${DEMO_ACCOUNTS.otherSandbox.apiUser}/contracts/${c.id}`;
		expect((await b.get(other)).status).toBe(404);
		expect((await b.post(`${other}/validate`)).status).toBe(404);
		const otherOutbox = await b.get(
			`/sandbox/dashboard/${DEMO_ACCOUNTS.otherSandbox.apiUser}/outbox`,
		);
		expect(otherOutbox.text).toContain('E-mails (0)');
	});

	it('contract page: documents as PDFs, signed document, audit log, signing links', async () => {
		const c = await createContract(kit, 'sandbox', { signatories: [ALICE] });
		const b = new Browser(kit);
		const cp = `${ownerPath()}/contracts/${c.id}`;
		expect((await b.get(`${cp}/documents/signed`)).status).toBe(404);
		await b.post(`${signPath(c)}/sign`, { code: '0000' });
		const page = await b.get(cp);
		expect(page.text).toContain(`href="${cp}/documents/original"`);
		expect(page.text).toContain(`href="${cp}/documents/signed?download=1"`);
		expect(page.text).toContain(`href="${kit.emulator.url}${signPath(c)}"`);
		for (const e of ['created', 'submitted', 'email_sent', 'signed', 'completed']) {
			expect(page.text).toContain(`<td>${e}</td>`);
		}
		for (const which of ['original', 'signed']) {
			const r = await fetch(`${kit.emulator.url}${cp}/documents/${which}?download=1`);
			expect(r.headers.get('content-type')).toBe('application/pdf');
			expect(r.headers.get('content-disposition')).toMatch(
				/^attachment; filename="bail(-signed)?\.pdf"/,
			);
		}
		for (const which of ['annex-1', 'annex-0', 'nope']) {
			expect((await b.get(`${cp}/documents/${which}`)).status).toBe(404);
		}
	});

	it('seeded signed contracts get their signed PDF on the contract page', async () => {
		const { ids } = kit.emulator.seed({
			platform: 'sandbox',
			apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
			count: 1,
			status: 'signed',
		});
		const b = new Browser(kit);
		const page = await b.get(`${ownerPath()}/contracts/${ids[0]}`);
		expect(page.text).toContain('seed-signed.pdf');
	});
});
