/**
 * Recipe 4, the signing portal, used as a signatory would: the owner's workflow e-mails personal
 * links (n8n's Send Email node, delivered to a local SMTP sink), then Chromium opens them at a
 * phone's size (390×844) and at a desktop size, reads the PDF, asks for the code, types a wrong
 * code then 0000, downloads the signed PDF. A changed link is refused before any API request;
 * an unpaid deposit shows its payment link. Screenshots of every page: test-results/portal/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import type { Browser } from 'playwright-core';

import { launchChromium } from '../../helpers/chromium';
import { DEMO_ACCOUNTS, SANDBOX_TEST_CARD } from '../../emulator';
import type { WireReply } from '../../emulator/wire-reply';
import type { CreatedContract } from '../../helpers/outputs';
import type { Ctx, Scenario } from '../e2e';
import { EXAMPLES, loadExample } from '../examples';
import { makePdf } from '../../fixtures/pdf';
import type { N8nServer, WorkflowJson } from '../n8n-cli';
import { importCredentials, importWorkflow, nodeOutput } from '../n8n-cli';
import {
	EXAMPLE_N8N_ORIGIN,
	PORTAL_DOCUMENT_PATH,
	PORTAL_FORM_PATH,
	PORTAL_JOIN_PATH,
	portalLinkCredential,
	portalSmtpCredential,
} from '../portal/portal-examples';
import {
	DESKTOP,
	downloadSigned,
	pdfText,
	PHONE,
	portalToken,
	shot,
	SHOTS,
	strip,
	submit,
	waitForText,
} from '../portal/browser';
import type { SmtpSink } from '../portal/smtp-sink';
import { startSmtpSink } from '../portal/smtp-sink';

interface Link {
	to: string;
	url: string;
	token: string;
}

interface Portal {
	server: N8nServer;
	smtp: SmtpSink;
	browser: Browser;
	/** The links e-mailed by the send-links example, by e-mail address. */
	links: Map<string, Link>;
	/** The contracts it created, by signatory e-mail. */
	contracts: Map<string, CreatedContract>;
}

let portal: Promise<Portal> | undefined;

const SECRET = 'e2e-portal-secret-4b1f0c7d2e9a';

/** The signatory's pages on the production credential (its own form path): the refusals that
 * only production has (attempts left, lock, 5 SMS) show there. */
function productionVariant(workflow: WorkflowJson, credential: { id: string; name: string }) {
	const text = JSON.stringify(workflow)
		.split('"contratPriveLocal01"')
		.join(JSON.stringify(credential.id))
		.split('"Contrat-Privé (local sandbox)"')
		.join(JSON.stringify(credential.name))
		.split('"contrat-prive/portal"')
		.join('"contrat-prive/portal-production"')
		.split('"cpPortal"')
		.join('"cpPortalProduction"')
		.split('3f1b2c4d5e01')
		.join('3f1b2c4d5e09');
	return JSON.parse(text) as WorkflowJson;
}

/** A request to the emulator's API with the demo keys (test set-up, outside n8n). */
async function api(ctx: Ctx, platform: 'sandbox' | 'production', name: string, body: object) {
	const res = await fetch(`${ctx.sb.baseUrls[platform]}/${name}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			apiUser: DEMO_ACCOUNTS[platform].apiUser,
			apiKey: DEMO_ACCOUNTS[platform].apiKey,
			...body,
		}),
	});
	const json = (await res.json()) as WireReply;
	assert.equal(res.status, 200, `${name}: ${JSON.stringify(json)}`);
	return json;
}

/** A production contract for one signatory, sent without e-mail, and its personal link. */
async function productionContract(ctx: Ctx, server: N8nServer, lastName: string) {
	const { contract } = await api(ctx, 'production', 'contractCreateRequest', {
		contract: { label: `Bail - Denise ${lastName}`, lang: 'fr', deadline: '2099-12-31' },
		mainDocument: {
			name: 'bail.pdf',
			data: (await makePdf(`Bail - Denise ${lastName}`)).toString('base64'),
		},
		signatories: [
			{ firstName: 'Denise', lastName, email: 'denise@example.com', phone: '+33711223344' },
		],
		notify: { signatory: false, owner: false },
		action: { submit: true },
	});
	const token = portalToken(SECRET, {
		c: contract.id,
		s: contract.signatories[0].id,
		o: DEMO_ACCOUNTS.production.name,
		exp: Math.floor(Date.now() / 1000) + 3600,
	});
	return {
		contract,
		signatoryId: contract.signatories[0].id as string,
		url: `${server.url}/form/contrat-prive/portal-production?t=${token}`,
	};
}

/** The code of the last SMS the emulator sent to a signatory (production). */
function lastCode(ctx: Ctx, signatoryId: string): string {
	const sms = ctx.sb.outbox().sms.filter((m) => m.signatoryId === signatoryId);
	assert.ok(sms.length > 0, 'the emulator logged the SMS');
	return sms[sms.length - 1].code;
}

function withOrigins(workflow: WorkflowJson, n8nUrl: string): WorkflowJson {
	return JSON.parse(JSON.stringify(workflow).split(EXAMPLE_N8N_ORIGIN).join(n8nUrl));
}

/** Once for the portal scenarios: credentials, the three examples, links sent, a browser. */
async function setUp(ctx: Ctx): Promise<Portal> {
	const server = await ctx.server();
	const smtp = await startSmtpSink();
	await importCredentials(ctx.rt, ctx.folder, [
		portalLinkCredential(SECRET),
		portalSmtpCredential(smtp.port),
	]);
	for (const name of ['portalSign', 'portalDocument', 'portalSelfService'] as const) {
		await importWorkflow(
			ctx.rt,
			ctx.folder,
			withOrigins(loadExample(name, ctx.sb.url), server.url),
		);
		await server.activateWorkflow(EXAMPLES[name].id);
	}
	const sent = await ctx.executeOk(withOrigins(loadExample('portalLinks', ctx.sb.url), server.url));
	const created = nodeOutput<CreatedContract>(sent.run, 'Create (No E-mail)');
	assert.equal(created.length, 2, 'two contracts');
	const contracts = new Map(created.map((c) => [c.signatories[0].email, c]));
	for (const c of created) {
		const view = (await (
			await fetch(`${ctx.sb.url}/_control/contracts/${c.id}`)
		).json()) as WireReply;
		assert.equal(view.notify.signatory, false, 'Notify Signatories off');
	}
	assert.deepEqual(
		ctx.sb.outbox().emails.filter((e) => created.some((c) => c.id === e.contractId)),
		[],
		'Contrat-Privé sent no e-mail',
	);
	const links = new Map<string, Link>();
	for (const message of smtp.messages) {
		const url = new RegExp(`${server.url}/${PORTAL_FORM_PATH}\\?t=[\\w.-]+`).exec(
			message.text,
		)?.[0];
		assert.ok(url, `a portal link in the e-mail to ${message.to.join(', ')}:\n${message.text}`);
		links.set(message.to[0], { to: message.to[0], url, token: url.split('?t=')[1] });
	}
	assert.deepEqual([...links.keys()].sort(), [...contracts.keys()].sort(), 'one e-mail each');
	const browser = await launchChromium();
	fs.mkdirSync(SHOTS, { recursive: true });
	return { server, smtp, browser, links, contracts };
}

function setUpOnce(ctx: Ctx): Promise<Portal> {
	portal ??= setUp(ctx);
	return portal;
}

function sendSmsCount(ctx: Ctx): number {
	return ctx.sb.requestCount({ requestName: 'signatorySendSmsRequest' });
}

/** The production refusals, in words: attempts left, locked, 5 SMS, cancelled. */
const productionRefusals: Scenario = {
	name: 'portal: production refusals in words (attempts left, locked, 5 SMS, cancelled)',
	async run(ctx) {
		const { browser, server } = await setUpOnce(ctx);
		await importWorkflow(
			ctx.rt,
			ctx.folder,
			productionVariant(withOrigins(loadExample('portalSign', ctx.sb.url), server.url), {
				id: ctx.creds.production.id,
				name: ctx.creds.production.name,
			}),
		);
		await server.activateWorkflow('cpPortalProduction');
		const context = await browser.newContext({ viewport: PHONE });
		const page = await context.newPage();
		const open = async (url: string) => {
			await page.goto(url);
			await submit(page, 'Open my contract');
		};
		const typeCode = async (code: string) => {
			await page.getByLabel('Code').fill(code);
			await submit(page, 'Sign');
		};
		try {
			// Wrong codes: the attempts left, then locked at the fifth.
			const locked = await productionContract(ctx, server, 'Faure');
			await open(locked.url);
			await submit(page, 'Send me my code');
			assert.ok((await waitForText(page, 'Type your code')).includes('+33 7 •• •• •• 44'));
			const code = lastCode(ctx, locked.signatoryId);
			const wrong = code === '111111' ? '222222' : '111111';
			await typeCode(wrong);
			assert.match(await waitForText(page, 'This code is not right'), /You have 4 attempts left/);
			await shot(page, 'phone-prod-1-attempts-left');
			for (const left of ['3 attempts', '2 attempts', '1 attempt ']) {
				await typeCode(wrong);
				await waitForText(page, `You have ${left.trim()} left`);
			}
			await typeCode(wrong);
			assert.match(await waitForText(page, 'Signing is locked'), /Five wrong codes/);
			await shot(page, 'phone-prod-2-locked');

			// 5 SMS already sent: the page asks for the last code, which signs.
			const limited = await productionContract(ctx, server, 'Garnier');
			for (let i = 0; i < 5; i++) {
				await api(ctx, 'production', 'signatorySendSmsRequest', {
					contractId: limited.contract.id,
					signatoryId: limited.signatoryId,
				});
			}
			await open(limited.url);
			await submit(page, 'Send me my code');
			assert.match(await waitForText(page, 'Type your last code'), /already asked for 5 codes/);
			await shot(page, 'phone-prod-3-sms-limit');
			await typeCode(lastCode(ctx, limited.signatoryId));
			await waitForText(page, 'Signed, thank you');

			// Cancelled by its owner.
			const cancelled = await productionContract(ctx, server, 'Henry');
			await api(ctx, 'production', 'contractCancelRequest', { contractId: cancelled.contract.id });
			await open(cancelled.url);
			await waitForText(page, 'This contract was cancelled');
			await shot(page, 'phone-prod-4-cancelled');
		} finally {
			await context.close();
		}
	},
};
export const portalScenarios: Scenario[] = [
	{
		name: 'portal: personal link on a phone, read the PDF, wrong code, 0000, signed PDF downloaded',
		async run(ctx) {
			const { browser, links, contracts, server } = await setUpOnce(ctx);
			const alice = contracts.get('alice.martin@example.com')!;
			const link = links.get('alice.martin@example.com')!;
			const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
			const page = await context.newPage();
			try {
				await page.goto(link.url);
				await waitForText(page, 'Open my contract');
				await shot(page, 'phone-1-open-link');
				await submit(page, 'Open my contract');

				const contractPage = await waitForText(page, 'Send me my code');
				assert.ok(contractPage.includes(alice.label), 'the label');
				assert.ok(contractPage.includes('Alice Martin'), "the signatory's name");
				assert.ok(contractPage.includes(DEMO_ACCOUNTS.sandbox.name), "the owner's name");
				assert.match(contractPage, /Sign before: \d+ \w+ \d{4}/, 'the deadline');
				assert.equal(sendSmsCount(ctx), 0, 'no SMS before it is asked for');
				await shot(page, 'phone-2-contract');

				// Read the PDF: the link serves the original document.
				const href = await page
					.getByRole('link', { name: 'Read the contract (PDF)' })
					.getAttribute('href');
				assert.ok(href?.startsWith(`${server.url}/${PORTAL_DOCUMENT_PATH}?t=`), `${href}`);
				const pdf = await context.request.get(href!);
				assert.equal(pdf.status(), 200);
				assert.match(pdf.headers()['content-type'] ?? '', /^application\/pdf/);
				assert.match(pdfText(await pdf.body()), /Alice Martin/, 'the original names Alice');

				await submit(page, 'Send me my code');
				const codePage = await waitForText(page, 'Type your code');
				assert.ok(codePage.includes('+33 6 •• •• •• 78'), `the masked phone:\n${codePage}`);
				assert.equal(sendSmsCount(ctx), 1, 'the emulator logged one SMS request');
				await shot(page, 'phone-3-code');

				await page.getByLabel('Code').fill('1234');
				await submit(page, 'Sign');
				await waitForText(page, 'This code is not right');
				await shot(page, 'phone-4-wrong-code');

				await page.getByLabel('Code').fill('0000');
				await submit(page, 'Sign');
				await waitForText(page, 'Signed, thank you');
				await shot(page, 'phone-5-signed');
				const file = await downloadSigned(page, 'alice-signed.pdf');
				const text = pdfText(fs.readFileSync(file));
				assert.match(text, /TEST/, 'the sandbox watermark');
				assert.match(text, /Alice Martin/, "the signatory's name");

				// The owner's dashboard on the emulator's website.
				const dashboard = await context.newPage();
				await dashboard.goto(
					`${ctx.sb.url}/sandbox/dashboard/${DEMO_ACCOUNTS.sandbox.apiUser}/contracts/${alice.id}`,
				);
				const owner = await dashboard.locator('body').innerText();
				assert.match(owner, /signed/i);
				await shot(dashboard, 'phone-6-owner-dashboard');
				const view = (await (
					await fetch(`${ctx.sb.url}/_control/contracts/${alice.id}`)
				).json()) as WireReply;
				assert.equal(view.contract.status, 'signed');
				await strip(
					browser,
					['phone-2-contract', 'phone-3-code', 'phone-4-wrong-code', 'phone-5-signed'],
					'phone-strip.png',
				);
			} finally {
				await context.close();
			}
		},
	},
	{
		name: 'portal: a changed link is refused before any API request',
		async run(ctx) {
			const { browser, links, contracts, server } = await setUpOnce(ctx);
			const alice = links.get('alice.martin@example.com')!;
			const bruno = contracts.get('bruno.leroy@example.com')!;
			// Alice's token with Bruno's signatory id in its payload: the signature no longer matches.
			const [header, payload, signature] = alice.token.split('.');
			const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
			claims.s = bruno.signatories[0].id;
			claims.c = bruno.id;
			const forged = [
				header,
				Buffer.from(JSON.stringify(claims)).toString('base64url'),
				signature,
			].join('.');
			ctx.sb.resetRequestLog();
			const context = await browser.newContext({ viewport: PHONE });
			const page = await context.newPage();
			try {
				for (const [name, token] of [
					['forged', forged],
					['cut', alice.token.slice(0, -3)],
					['missing', ''],
				]) {
					await page.goto(`${server.url}/${PORTAL_FORM_PATH}?t=${token}`);
					await submit(page, 'Open my contract');
					const refused = await waitForText(page, 'This link is not valid');
					assert.ok(!refused.includes('Send me my code'));
					await shot(page, `phone-refused-link-${name}`);
				}
				const doc = await fetch(`${server.url}/${PORTAL_DOCUMENT_PATH}?t=${forged}`);
				assert.equal(doc.status, 403);
				assert.match(await doc.text(), /This link is not valid/);
				assert.equal(ctx.sb.requestCount(), 0, 'the emulator logged no request');
			} finally {
				await context.close();
			}
		},
	},
	{
		name: 'portal: on a desktop, an unpaid deposit shows its payment link, then signing works',
		async run(ctx) {
			const { browser, links, contracts } = await setUpOnce(ctx);
			const bruno = contracts.get('bruno.leroy@example.com')!;
			const link = links.get('bruno.leroy@example.com')!;
			const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
			const page = await context.newPage();
			try {
				await page.goto(link.url);
				await submit(page, 'Open my contract');
				await waitForText(page, 'Send me my code');
				await shot(page, 'desktop-1-contract');
				await submit(page, 'Send me my code');
				const codePage = await waitForText(page, 'Type your code');
				assert.ok(codePage.includes('+33 7 •• •• •• 89'));
				await page.getByLabel('Code').fill('0000');
				await submit(page, 'Sign');
				const deposit = await waitForText(page, 'Pay your deposit first');
				assert.ok(deposit.includes('150.00 €'), deposit);
				const payment = await page
					.getByRole('link', { name: 'Pay the deposit' })
					.getAttribute('href');
				assert.equal(
					payment,
					`${ctx.sb.url}/sandbox/sign/${bruno.id}/${bruno.signatories[0].id}`,
					'the payment link of the API',
				);
				await shot(page, 'desktop-2-deposit');

				// Paid on the website (test card), then the same code signs.
				const paid = await fetch(
					`${ctx.sb.url}/_control/contracts/${bruno.id}/signatories/${bruno.signatories[0].id}/pay`,
					{
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ card: SANDBOX_TEST_CARD, expiry: '12/30', cvc: '123' }),
					},
				);
				assert.equal(paid.status, 200, await paid.text());
				await page.getByLabel('Code').fill('0000');
				await submit(page, 'Sign');
				await waitForText(page, 'Signed, thank you');
				await shot(page, 'desktop-3-signed');
				const file = await downloadSigned(page, 'bruno-signed.pdf');
				assert.match(pdfText(fs.readFileSync(file)), /Bruno Leroy/);

				// The same link again: already signed, in words.
				await page.goto(link.url);
				await submit(page, 'Open my contract');
				await waitForText(page, 'Already signed');
				await shot(page, 'desktop-4-already-signed');
			} finally {
				await context.close();
			}
		},
	},
	{
		name: 'portal: self-service, a public form, then the same code and sign pages',
		async run(ctx) {
			const { browser, server } = await setUpOnce(ctx);
			const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
			const page = await context.newPage();
			const fillDetails = async (phone: string) => {
				await page.goto(`${server.url}/${PORTAL_JOIN_PATH}`);
				await page.getByLabel('First name').fill('Chloé');
				await page.getByLabel('Last name').fill('Dubois');
				await page.getByLabel('Email').fill('chloe.dubois@example.com');
				await page.getByLabel('Mobile phone').fill(phone);
			};
			try {
				// Other scenarios (the bulk example) e-mail the same person: only this one's count.
				const emailsBefore = ctx.sb.outbox().emails.length;
				// A landline: the node refuses it before any request, the page says which detail.
				const creates = ctx.sb.requestCount({ requestName: 'contractCreateRequest' });
				await fillDetails('01 23 45 67 89');
				await shot(page, 'self-1-details');
				await submit(page, 'Continue');
				const check = await waitForText(page, 'Please check your details');
				assert.match(check, /Your mobile phone number is not one we can send a code to/);
				assert.equal(ctx.sb.requestCount({ requestName: 'contractCreateRequest' }), creates);
				await shot(page, 'self-2-check-details');

				await fillDetails('06 98 76 54 32');
				await submit(page, 'Continue');
				const codePage = await waitForText(page, 'Type your code');
				assert.ok(codePage.includes('+33 6 •• •• •• 32'), codePage);
				await shot(page, 'self-3-code');
				await page.getByLabel('Code').fill('0000');
				await submit(page, 'Sign');
				await waitForText(page, 'Signed, thank you');
				await shot(page, 'self-4-signed');
				const file = await downloadSigned(page, 'chloe-signed.pdf');
				const text = pdfText(fs.readFileSync(file));
				assert.match(text, /TEST/);
				assert.match(text, /Chloé Dubois/);
				assert.deepEqual(
					ctx.sb
						.outbox()
						.emails.slice(emailsBefore)
						.filter((e) => e.to === 'chloe.dubois@example.com'),
					[],
					'no e-mail from Contrat-Privé',
				);
			} finally {
				await context.close();
			}
		},
	},
	productionRefusals,
];

/** Closes what the portal scenarios opened (after the last one). */
export async function closePortal(): Promise<void> {
	if (!portal) return;
	const p = await portal.catch(() => undefined);
	portal = undefined;
	await p?.browser.close();
	await p?.smtp.close();
}
