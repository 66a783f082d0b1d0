/**
 * The signatory's signing page, at the link the notification e-mail carries:
 * the document, the deposit (card form), "Send me the code" and signing with
 * the code. Every action goes through the emulator's shared rules (control.ts
 * payDeposit, workflow.ts checkCanSendSms / sendSms / signWithSmsCode), so the
 * page obeys the same limits, locks, deadlines and states as the API.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SANDBOX_TEST_CARD, payDeposit } from '../control';
import { ContractRec, SignatoryRec, StoredDoc, isPlatform, refreshExpiry } from '../store';
import {
	FAILED_CODES_LIMIT,
	SMS_LIMIT,
	checkCanSendSms,
	ensureSignedPdf,
	parseSmsCode,
	sendSms,
	signWithSmsCode,
} from '../workflow';
import {
	Flash,
	Html,
	badge,
	calendarDate,
	dateTime,
	euros,
	fieldState,
	fileSize,
	html,
	layout,
	path,
} from './html';
import { PageNotFound, Site, getPage, postAction, sendPdf } from './site';
import { ownerPaths } from './dashboard';

type SignParams = { platform: string; contractId: string; signatoryId: string };

const BASE = '/:platform/sign/:contractId/:signatoryId';

export const signPaths = (c: ContractRec, s: SignatoryRec) => {
	const page = path(c.platform, 'sign', c.id, s.id);
	return {
		page,
		pay: `${page}/pay`,
		code: `${page}/code`,
		sign: `${page}/sign`,
		document: `${page}/document`,
		signed: `${page}/document/signed`,
		annex: (i: number) => `${page}/annexes/${i + 1}`,
	};
};

function find(site: Site, req: FastifyRequest): { c: ContractRec; s: SignatoryRec } {
	const { platform, contractId, signatoryId } = req.params as SignParams;
	const c = isPlatform(platform) ? site.env.store.contracts.get(contractId) : undefined;
	const s = c?.platform === platform ? c.signatories.find((x) => x.id === signatoryId) : undefined;
	if (!c || !s) throw new PageNotFound('This signing link is not valid.');
	refreshExpiry(c, site.env.clock.nowMs());
	return { c, s };
}

/** `+33612345678` → `+33 •• •• •• 78`: enough to recognise one's own number. */
const maskPhone = (phone: string) => `${phone.slice(0, 3)} •• •• •• ${phone.slice(-2)}`;

export function registerSigning(app: FastifyInstance, site: Site): void {
	const { env } = site;

	getPage(app, site, BASE, async (req, reply) => {
		const { c, s } = find(site, req);
		const pdf = ensureSignedPdf(c);
		if (pdf) await pdf;
		return signingPage(site, c, s, site.flashes.take(req, reply));
	});

	const docRoute = (url: string, pick: (c: ContractRec, req: FastifyRequest) => StoredDoc | null) =>
		getPage(app, site, url, async (req, reply) => {
			const { c } = find(site, req);
			const pdf = ensureSignedPdf(c);
			if (pdf) await pdf;
			const doc = pick(c, req);
			if (!doc) throw new PageNotFound('No such document.');
			return sendPdf(req, reply, doc);
		});
	docRoute(`${BASE}/document`, (c) => c.mainDocument);
	docRoute(`${BASE}/document/signed`, (c) => c.sign);
	docRoute(`${BASE}/annexes/:n`, (c, req) => {
		const n = Number((req.params as { n: string }).n);
		return Number.isInteger(n) && n >= 1 ? (c.annexes[n - 1] ?? null) : null;
	});

	const back = (req: FastifyRequest) => {
		const { platform, contractId, signatoryId } = req.params as SignParams;
		return path(platform, 'sign', contractId, signatoryId);
	};

	postAction(app, site, `${BASE}/pay`, back, async (req, form) => {
		const { c, s } = find(site, req);
		payDeposit(env, c.id, s.id, {
			card: form.get('card') ?? '',
			expiry: (form.get('expiry') ?? '').trim(),
			cvc: (form.get('cvc') ?? '').trim(),
		});
		return {
			to: signPaths(c, s).page,
			flash: {
				kind: 'success',
				text: `Payment accepted: the deposit of ${euros(s.deposit)} is paid. You can now sign.`,
			},
		};
	});

	postAction(app, site, `${BASE}/code`, back, async (req) => {
		const { c, s } = find(site, req);
		const now = env.clock.nowMs();
		checkCanSendSms(c, s, now);
		sendSms(env, c, s, `signatory:${s.id}`, now);
		const text =
			c.platform === 'sandbox'
				? 'Sandbox: no SMS was sent. Your code is 0000.'
				: `A code was sent by SMS to ${maskPhone(s.phone)} (${SMS_LIMIT - s.smsSent} of ${SMS_LIMIT} SMS left). Emulator: read it in the outbox.`;
		return { to: `${signPaths(c, s).page}#sign`, flash: { kind: 'info', text } };
	});

	postAction(app, site, `${BASE}/sign`, back, async (req, form) => {
		const { c, s } = find(site, req);
		const code = parseSmsCode((form.get('code') ?? '').trim());
		await signWithSmsCode(
			env,
			c,
			s,
			code,
			'signed on the website with the SMS code',
			env.clock.nowMs(),
		);
		const text =
			c.status === 'signed'
				? 'You signed the contract. Every signatory has signed: the signed document is ready.'
				: 'You signed the contract. It is complete once every signatory has signed.';
		return { to: signPaths(c, s).page, flash: { kind: 'success', text } };
	});
}

// ---------------------------------------------------------------- the page

function signingPage(site: Site, c: ContractRec, s: SignatoryRec, flash: Flash | null): string {
	const owner = site.env.store.account(c.platform, c.owner);
	const p = signPaths(c, s);
	const shown = c.sign ?? c.mainDocument;
	const shownUrl = c.sign ? p.signed : p.document;
	const body = html`<h1>${c.label}</h1>
		<p class="lead">
			${owner?.name ?? c.owner} invites ${s.firstName} ${s.lastName} to sign this contract.
		</p>
		${stateNotice(c, s)}
		<div class="grid">
			<section class="card" aria-labelledby="doc-title">
				<h2 id="doc-title">Document${c.sign ? ' (signed)' : ''}</h2>
				<iframe
					class="pdf"
					src="${shownUrl}"
					title="${c.sign ? 'Signed document' : 'Document to sign'}: ${shown.name}"
				></iframe>
				<ul>
					<li>
						<a href="${p.document}">${c.mainDocument.name}</a> (${fileSize(c.mainDocument.size)}) -
						<a href="${p.document}?download=1" download>download</a>
					</li>
					${c.annexes.map(
						(a, i) =>
							html`<li>
								Annex ${i + 1}: <a href="${p.annex(i)}">${a.name}</a> (${fileSize(a.size)}) -
								<a href="${p.annex(i)}?download=1" download>download</a>
							</li>`,
					)}
					${c.sign
						? html`<li>
								Signed: <a href="${p.signed}">${c.sign.name}</a> (${fileSize(c.sign.size)}) -
								<a href="${p.signed}?download=1" download>download</a>
							</li>`
						: ''}
				</ul>
			</section>
			<div>
				<section class="card" aria-labelledby="facts-title">
					<h2 id="facts-title">Contract</h2>
					<dl class="facts">
						<dt>Sign by</dt>
						<dd>${calendarDate(c.deadline)} (end of the day, Paris time)</dd>
						${c.reference
							? html`<dt>Reference</dt>
									<dd>${c.reference}</dd>`
							: ''}
						<dt>Contract</dt>
						<dd>${badge(c.status)}</dd>
						<dt>You</dt>
						<dd>${s.firstName} ${s.lastName} ${badge(s.status)}</dd>
						${s.deposit > 0
							? html`<dt>Deposit</dt>
									<dd>
										${euros(s.deposit)} - ${s.depositPaid ? 'paid' : 'to be paid before signing'}
									</dd>`
							: ''}
						<dt>Signatories</dt>
						<dd>
							${c.signatories.map(
								(x) => html`${x.firstName} ${x.lastName} ${badge(x.status)}<br />`,
							)}
						</dd>
					</dl>
				</section>
				${c.status === 'pending' && s.status === 'pending' ? steps(site, c, s, flash) : ''}
			</div>
		</div>`;
	return layout(
		{ title: `Sign: ${c.label}`, platform: c.platform, flash, now: site.env.clock.nowMs() },
		body,
	);
}

function stateNotice(c: ContractRec, s: SignatoryRec): Html {
	const notice = (kind: string, text: Html | string) =>
		html`<p class="notice notice-${kind}" role="status">${text}</p>`;
	switch (c.status) {
		case 'draft':
			return notice(
				'warn',
				'This contract has not been sent yet: the sender has to validate it first.',
			);
		case 'cancelled':
			return notice(
				'err',
				html`This contract was cancelled by the sender on ${dateTime(c.cancelledAt)}. It can no
				longer be signed.`,
			);
		case 'expired':
			return notice(
				'err',
				html`The deadline (${calendarDate(c.deadline)}) is over: this contract can no longer be
				signed.`,
			);
		case 'signed':
			return notice(
				'ok',
				html`Every signatory has signed (${dateTime(c.completedAt)}). The signed document is below.`,
			);
		default:
	}
	if (s.status === 'signed') {
		return notice(
			'ok',
			html`You signed on ${dateTime(s.signedAt)}. Waiting for the other signatories.`,
		);
	}
	if (s.status === 'locked') {
		return notice(
			'err',
			`Too many wrong codes (${FAILED_CODES_LIMIT}): signing is locked for you. Contact the sender.`,
		);
	}
	return html``;
}

function steps(site: Site, c: ContractRec, s: SignatoryRec, flash: Flash | null): Html {
	const p = signPaths(c, s);
	const sandbox = c.platform === 'sandbox';
	const needsPayment = s.deposit > 0 && !s.depositPaid;
	const owner = ownerPaths(c.platform, c.owner);
	let n = 0;
	const deposit =
		s.deposit > 0
			? html`<li>
					<h3 class="step-title">${++n}. Pay the deposit: ${euros(s.deposit)}</h3>
					${s.depositPaid
						? html`<p class="notice notice-ok">The deposit of ${euros(s.deposit)} is paid.</p>`
						: html`<p class="hint">
									Paid to ${c.bankAccount?.holder ?? 'the sender'}, before signing.
								</p>
								<form method="post" action="${p.pay}">
									<p class="hint" id="card-hint">
										${sandbox
											? html`Sandbox: pay with the test card <strong>${SANDBOX_TEST_CARD}</strong>,
													any future expiry date and any 3-digit CVC. Other cards are declined.`
											: 'Emulator: any valid card number (Luhn check) is accepted; no money moves.'}
									</p>
									<label for="card">Card number</label>
									<input
										type="text"
										id="card"
										name="card"
										inputmode="numeric"
										autocomplete="cc-number"
										maxlength="23"
										required${fieldState(flash, 'card', 'card-hint')}
									/>
									<div class="row">
										<div>
											<label for="expiry">Expiry date (MM/YY)</label>
											<input
												type="text"
												id="expiry"
												name="expiry"
												autocomplete="cc-exp"
												placeholder="MM/YY"
												maxlength="5"
												required${fieldState(flash, 'expiry')}
											/>
										</div>
										<div>
											<label for="cvc">CVC</label>
											<input
												type="text"
												id="cvc"
												name="cvc"
												inputmode="numeric"
												autocomplete="cc-csc"
												maxlength="3"
												required${fieldState(flash, 'cvc')}
											/>
										</div>
									</div>
									<button type="submit">Pay ${euros(s.deposit)}</button>
								</form>`}
				</li>`
			: '';
	const smsLeft = SMS_LIMIT - s.smsSent;
	const codeNote = sandbox
		? html`Sandbox: no SMS is sent; the code is always <strong>0000</strong>.`
		: html`The code is sent by SMS to ${maskPhone(s.phone)} (${smsLeft} of ${SMS_LIMIT} SMS left).
				Emulator: no SMS leaves this machine, the code appears in the
				<a href="${owner.outbox}#sms">outbox</a>.`;
	const wait = needsPayment ? html`<p class="hint">Pay the deposit first.</p>` : '';
	const code = html`<li>
		<h3 class="step-title">${++n}. Receive your code</h3>
		<p class="hint" id="code-note">${codeNote}</p>
		${wait}
		<form method="post" action="${p.code}">
			<button type="submit" class="secondary" ${needsPayment ? html` disabled` : ''}>
				Send me the code
			</button>
		</form>
	</li>`;
	const sign = html`<li id="sign">
		<h3 class="step-title">${++n}. Sign</h3>
		${wait}
		<form method="post" action="${p.sign}">
			<label for="code">Code received by SMS</label>
			<input
				type="text"
				id="code"
				name="code"
				inputmode="numeric"
				autocomplete="one-time-code"
				maxlength="8"
				required${needsPayment ? html` disabled` : ''}${fieldState(flash, 'code', 'code-hint')}
			/>
			<p class="hint" id="code-hint">
				4 to 8 digits. By signing you accept the document shown on this
				page.${s.failedAttempts > 0 && !sandbox
					? ` ${FAILED_CODES_LIMIT - s.failedAttempts} attempt(s) left.`
					: ''}
			</p>
			<button type="submit" ${needsPayment ? html` disabled` : ''}>Sign</button>
		</form>
	</li>`;
	return html`<section class="card" aria-labelledby="steps-title">
		<h2 id="steps-title">Sign in ${n} steps</h2>
		<ol class="steps">
			${deposit}${code}${sign}
		</ol>
	</section>`;
}
