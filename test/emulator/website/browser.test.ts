/**
 * The website in headless Chromium (Debian's `chromium`, driven by playwright-core): a
 * signatory follows the link of the outbox e-mail, pays the deposit, gets the code and signs,
 * and the Contrat-Privé Trigger sees `contractSigned` on its next poll; the owner validates a
 * draft with the button and reads the outbox. Screenshots go to test-results/screenshots/.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI (CI=true)
 * it always runs (.ci/run installs chromium).
 */
import { existsSync } from 'fs';
import { mkdir, stat } from 'fs/promises';
import { join } from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../../helpers/chromium';
import { runPoll } from '../../helpers/poll';
import { DEMO_ACCOUNTS, Emulator, startEmulator } from '../index';
import { createBody } from '../testkit';
import type { WireReply } from '../wire-reply';
import type { TriggerItem } from '../../helpers/outputs';
import { jsonAs } from '../../helpers/outputs';
import { SANDBOX_KEYS } from '../../fixtures/accounts';
import { VALID_IBAN } from '../../fixtures/ibans';
import { ALICE, BOB_SPACED_PHONE } from '../../fixtures/people';

const ROOT = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
/** The README's screenshot, rewritten only with UPDATE_SCREENSHOTS=1. */
const README_SCREENSHOT = join(__dirname, 'screenshot-signing.png');

const inCi = process.env.CI === 'true';
const runnable = existsSync(CHROMIUM) || inCi;
if (!runnable) {
	console.warn(
		`Skipping the website browser tests: ${CHROMIUM} is missing (apt-get install chromium). They always run in CI (CI=true).`,
	);
}
const describeBrowser = runnable ? describe : describe.skip;

const START = '2026-12-01T09:00:00.000Z';
const OWNER = DEMO_ACCOUNTS.sandbox;

describeBrowser('website in headless Chromium', () => {
	let sb: Emulator;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		await mkdir(SCREENSHOTS, { recursive: true });
		sb = await startEmulator({ port: 0, now: START });
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await sb?.close();
	});
	beforeEach(async () => {
		sb.reset();
		sb.clock.set(START);
		page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
	});
	afterEach(async () => {
		await page.close();
		expect(sb.internalErrors).toEqual([]);
	});

	const api = async (name: string, body: Record<string, unknown>) => {
		const r = await fetch(`${sb.baseUrls.sandbox}/${name}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...SANDBOX_KEYS, ...body }),
		});
		const json = (await r.json()) as WireReply;
		if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(json)}`);
		return json;
	};

	/** Clicks a form's button and waits for the page the POST redirects to; returns the flash. */
	const submit = async (button: Locator): Promise<string> => {
		await Promise.all([page.waitForEvent('load'), button.click()]);
		const flash = page.locator('#flash');
		return (await flash.count()) ? ((await flash.innerText()) ?? '').trim() : '';
	};

	/**
	 * Waits until Chromium's PDF viewer (an extension frame inside the iframe) has laid out the
	 * document, which happens a moment after the page's load event. Best effort: screenshots only.
	 */
	const pdfPainted = async (): Promise<boolean> => {
		if ((await page.locator('iframe.pdf').count()) === 0) return false;
		const until = Date.now() + 5000;
		while (Date.now() < until) {
			const viewer = page.frames().find((f) => f.url().startsWith('chrome-extension://'));
			if (
				viewer &&
				(await viewer
					.locator('viewer-thumbnail')
					.count()
					.catch(() => 0)) > 0
			)
				break;
			await page.waitForTimeout(100);
		}
		await page.waitForTimeout(300);
		return true;
	};

	/**
	 * A screenshot in test-results/screenshots. Pages with a PDF are shot at the viewport size
	 * (a full-page shot resizes the page and the PDF viewer goes blank): their tests use a
	 * viewport tall enough for the whole page.
	 */
	const shot = async (name: string, file = join(SCREENSHOTS, `${name}.png`)) => {
		const pdf = await pdfPainted();
		await page.screenshot({ path: file, fullPage: !pdf });
	};

	test('a signatory follows the e-mail link, pays the deposit, gets the code and signs; the trigger fires', async () => {
		const { contract } = await api(
			'contractCreateRequest',
			createBody({
				contract: {
					label: 'Bail meublé - 12 rue des Lilas, Lyon',
					reference: 'LYON-2026-014',
					bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls' },
				},
				signatories: [{ ...BOB_SPACED_PHONE, deposit: 250 }],
				notify: { submitMessage: 'Bonjour, voici le bail à signer.' },
			}),
		);
		const signatory = contract.signatories[0];
		await page.setViewportSize({ width: 1200, height: 1360 });
		const credentials = {
			platform: 'custom' as const,
			baseUrl: sb.baseUrls.sandbox,
			apiUser: SANDBOX_KEYS.apiUser,
			apiKey: SANDBOX_KEYS.apiKey,
		};
		const staticData = {};
		const poll = () =>
			runPoll({
				node: { parameters: { events: ['signatorySigned', 'contractSigned'] } },
				credentials,
				staticData,
				mode: 'trigger',
			});
		const first = await poll();
		expect(first.error).toBeUndefined();
		expect(first.items).toBeNull();

		// The link of the notification e-mail, as the outbox page shows it.
		await page.goto(`${sb.url}/sandbox/dashboard/${OWNER.apiUser}/outbox`);
		const mail = page.getByRole('article', { name: /^E-mail to bob@example\.com/ });
		await expect(mail.innerText()).resolves.toContain('Un acompte de 250.00 EUR');
		const documentResponse = page.waitForResponse((r) => r.url().endsWith('/document'));
		await Promise.all([
			page.waitForURL(`**/sandbox/sign/${contract.id}/${signatory.id}`),
			mail.getByRole('link', { name: /\/sandbox\/sign\// }).click(),
		]);
		await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(contract.label);

		// The document is in the page: a same-origin PDF in an iframe.
		const frame = page.locator('iframe.pdf');
		await expect(frame.getAttribute('title')).resolves.toBe('Document to sign: bail.pdf');
		const pdf = await documentResponse;
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		expect(new URL(pdf.url()).origin).toBe(sb.url);
		await expect(page.getByRole('button', { name: 'Sign' }).isDisabled()).resolves.toBe(true);
		await page.waitForLoadState('load');
		await shot('signing-1-opened');
		if (process.env.UPDATE_SCREENSHOTS === '1') await shot('readme', README_SCREENSHOT);

		// A declined card, then the test card.
		const card = page.getByLabel('Card number');
		await card.fill('4111 1111 1111 1111');
		await page.getByLabel('Expiry date (MM/YY)').fill('12/29');
		await page.getByLabel('CVC').fill('123');
		expect(await submit(page.getByRole('button', { name: 'Pay 250.00 EUR' }))).toBe(
			'Card declined: the sandbox only accepts the test card 4706750000000009.',
		);
		await expect(page.getByRole('alert').innerText()).resolves.toContain('Card declined');
		await expect(page.getByLabel('Card number').getAttribute('aria-invalid')).resolves.toBe('true');
		await shot('signing-2-card-declined');

		await page.getByLabel('Card number').fill('4706 7500 0000 0009');
		await page.getByLabel('Expiry date (MM/YY)').fill('09/27');
		await page.getByLabel('CVC').fill('321');
		expect(await submit(page.getByRole('button', { name: 'Pay 250.00 EUR' }))).toBe(
			'Payment accepted: the deposit of 250.00 EUR is paid. You can now sign.',
		);

		// The code (sandbox: 0000, no SMS), a wrong code, then the right one.
		expect(await submit(page.getByRole('button', { name: 'Send me the code' }))).toBe(
			'Sandbox: no SMS was sent. Your code is 0000.',
		);
		expect(sb.outbox().sms).toEqual([]);
		await page.getByLabel('Code received by SMS').fill('1234');
		expect(await submit(page.getByRole('button', { name: 'Sign' }))).toBe(
			'Wrong code. In the sandbox the code is always 0000.',
		);
		await shot('signing-3-wrong-code');
		await page.getByLabel('Code received by SMS').fill('0000');
		expect(await submit(page.getByRole('button', { name: 'Sign' }))).toBe(
			'You signed the contract. Every signatory has signed: the signed document is ready.',
		);
		await expect(page.locator('iframe.pdf').getAttribute('src')).resolves.toMatch(
			/\/document\/signed$/,
		);
		await shot('signing-4-signed');

		const detail = await api('contractDetailRequest', { contractId: contract.id });
		expect(detail.contract.status).toBe('signed');
		expect(detail.contract.signatories[0]).toMatchObject({ status: 'signed', depositPaid: true });

		const next = await poll();
		expect(next.error).toBeUndefined();
		const events = (next.items?.[0] ?? []).map((i) => jsonAs<TriggerItem>(i).event);
		expect(events).toEqual(['signatorySigned', 'contractSigned']);
		expect(jsonAs<TriggerItem>(next.items![0][1]).contract).toMatchObject({
			id: contract.id,
			status: 'signed',
		});
	});

	test('the owner validates a draft with the button and reads the e-mails in the outbox', async () => {
		const { contract } = await api(
			'contractCreateRequest',
			createBody({ submit: false, signatories: [ALICE, BOB_SPACED_PHONE] }),
		);
		await page.goto(`${sb.url}/`);
		await Promise.all([
			page.waitForEvent('load'),
			page.getByRole('link', { name: OWNER.name }).click(),
		]);
		const row = page.getByRole('row', { name: new RegExp(contract.label) });
		await expect(row.innerText()).resolves.toContain('draft');
		await shot('dashboard-1-contracts');
		await Promise.all([
			page.waitForEvent('load'),
			row.getByRole('link', { name: contract.label }).click(),
		]);
		await shot('dashboard-2-draft');

		expect(await submit(page.getByRole('button', { name: 'Validate and send' }))).toBe(
			'Validated and sent: the contract is pending; 3 e-mails in the outbox.',
		);
		await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('pending');
		await expect(page.getByRole('button', { name: 'Validate and send' }).count()).resolves.toBe(0);
		const detail = await api('contractDetailRequest', { contractId: contract.id });
		expect(detail.contract.status).toBe('pending');

		// The original document is served as a PDF.
		const href = await page.getByRole('link', { name: 'bail.pdf' }).getAttribute('href');
		const doc = await page.request.get(`${sb.url}${href}`);
		expect(doc.headers()['content-type']).toBe('application/pdf');

		await Promise.all([
			page.waitForEvent('load'),
			page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click(),
		]);
		const mails = page.getByRole('article');
		await expect(mails.count()).resolves.toBe(3);
		for (const to of ['alice@example.com', 'bob@example.com', OWNER.email]) {
			await expect(
				page
					.getByRole('article', { name: new RegExp(`^E-mail to ${to.replace(/\./g, '\\.')}`) })
					.count(),
			).resolves.toBe(1);
		}
		await shot('dashboard-3-outbox');
	});

	test('the committed README screenshot is small', async () => {
		const { size } = await stat(README_SCREENSHOT);
		expect(size).toBeLessThan(200 * 1024);
	});
});
