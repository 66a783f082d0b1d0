/**
 * Business rules shared by the API and the website (control API):
 * notifications, SMS, signing, completion and the signed PDF.
 */
import type { NetworkModel } from './network';
import { randomInt } from 'crypto';
import { VirtualClock, iso } from './clock';
import { ApiError, invalidState, validationError } from './errors';
import { buildSignedPdf } from './pdf';
import {
	ContractRec,
	SignatoryRec,
	SignedDoc,
	Store,
	logEvent,
	makeDoc,
	refreshExpiry,
} from './store';

export const SMS_LIMIT = 5;
export const FAILED_CODES_LIMIT = 5;
export const DAILY_QUOTA = 1000;

/** What the rules need from the running server. */
export interface Env {
	store: Store;
	clock: VirtualClock;
	/** `http://127.0.0.1:PORT`, no trailing slash. */
	baseUrl(): string;
	/** The tiny PDF shared by seeded contracts. */
	tinyPdf: Buffer;
	/** The network model; null (the default) answers at once. */
	network?: NetworkModel | null;
}

export const signingLink = (env: Env, c: ContractRec, s: SignatoryRec): string =>
	`${env.baseUrl()}/${c.platform}/sign/${encodeURIComponent(c.id)}/${encodeURIComponent(s.id)}`;

export function sendEmail(
	env: Env,
	c: ContractRec,
	to: string,
	subject: string,
	body: string,
	now: number,
): void {
	env.store.emails.push({
		platform: c.platform,
		contractId: c.id,
		to,
		subject,
		body,
		at: iso(now),
	});
	logEvent(c, now, 'email_sent', 'system', `to ${to}: ${subject}`);
}

const fmtDeposit = (n: number) => n.toFixed(2);

/** E-mails sent when a contract goes out (submit mode, or validation of a draft). */
export function sendOutgoingNotifications(
	env: Env,
	c: ContractRec,
	mode: 'submit' | 'validate',
	now: number,
): void {
	const fr = c.lang === 'fr';
	if (c.notify.signatory) {
		for (const s of c.signatories) {
			const parts = [
				fr ? `Bonjour ${s.firstName} ${s.lastName},` : `Hello ${s.firstName} ${s.lastName},`,
				'',
				fr
					? `Vous êtes invité(e) à signer le contrat « ${c.label} » avant le ${c.deadline} inclus.`
					: `You are invited to sign the contract "${c.label}" by ${c.deadline} (inclusive).`,
			];
			if (mode === 'submit' && c.notify.submitMessage) parts.push('', c.notify.submitMessage);
			if (s.deposit > 0) {
				parts.push(
					'',
					fr
						? `Un acompte de ${fmtDeposit(s.deposit)} EUR est à régler avant la signature.`
						: `A deposit of ${fmtDeposit(s.deposit)} EUR must be paid before signing.`,
				);
			}
			parts.push('', fr ? 'Signer le contrat :' : 'Sign the contract:', signingLink(env, c, s));
			parts.push('', 'Contrat-Privé');
			sendEmail(
				env,
				c,
				s.email,
				fr ? `Contrat à signer : ${c.label}` : `Contract to sign: ${c.label}`,
				parts.join('\n'),
				now,
			);
		}
	}
	if (c.notify.owner) {
		const owner = env.store.account(c.platform, c.owner);
		if (owner) {
			const names = c.signatories.map((s) => `${s.firstName} ${s.lastName}`).join(', ');
			sendEmail(
				env,
				c,
				owner.email,
				fr ? `Contrat envoyé : ${c.label}` : `Contract sent: ${c.label}`,
				fr
					? `Votre contrat « ${c.label} » (${c.id}) a été envoyé à : ${names}.\n\nContrat-Privé`
					: `Your contract "${c.label}" (${c.id}) was sent to: ${names}.\n\nContrat-Privé`,
				now,
			);
		}
	}
}

/** Sends (production) or pretends to send (sandbox) a signing code. */
export function sendSms(
	env: Env,
	c: ContractRec,
	s: SignatoryRec,
	actor: string,
	now: number,
): void {
	s.smsSent += 1;
	if (c.platform === 'sandbox') {
		s.lastCode = '0000';
		logEvent(c, now, 'sms_sent', actor, `sandbox: no SMS sent to ${s.phone}, the code is 0000`);
		return;
	}
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
	s.lastCode = code;
	const fr = c.lang === 'fr';
	env.store.sms.push({
		platform: c.platform,
		contractId: c.id,
		signatoryId: s.id,
		phone: s.phone,
		code,
		body: fr
			? `Contrat-Privé : votre code de signature pour « ${c.label} » est ${code}`
			: `Contrat-Privé: your signing code for "${c.label}" is ${code}`,
		at: iso(now),
	});
	logEvent(c, now, 'sms_sent', actor, `SMS ${s.smsSent}/${SMS_LIMIT} sent to ${s.phone}`);
}

/** Contract must be pending (after lazy expiry). */
export function requirePending(c: ContractRec, now: number): void {
	refreshExpiry(c, now);
	if (c.status !== 'pending') {
		throw invalidState(c.status, `The contract is ${c.status}; this needs a pending contract`);
	}
}

/** Checks shared by API and website signing, before the code is looked at. */
export function checkCanSign(env: Env, c: ContractRec, s: SignatoryRec, now: number): void {
	requirePending(c, now);
	if (s.status === 'signed') throw invalidState('signed', 'This signatory has already signed');
	if (s.status === 'locked') {
		throw new ApiError(423, 'SIGNATORY_LOCKED', 'Too many wrong codes: this signatory is locked', {
			field: 'signatoryId',
		});
	}
	if (s.deposit > 0 && !s.depositPaid) {
		throw new ApiError(
			422,
			'DEPOSIT_PAYMENT_REQUIRED',
			'The signatory must pay the deposit on the website before signing',
			{ paymentUrl: signingLink(env, c, s), deposit: s.deposit },
		);
	}
}

/** Why a signatory cannot get an SMS now, or null. */
export function smsBlocker(
	c: ContractRec,
	s: SignatoryRec,
): 'SIGNED' | 'LOCKED' | 'SMS_LIMIT_REACHED' | null {
	if (s.status === 'signed') return 'SIGNED';
	if (s.status === 'locked') return 'LOCKED';
	if (c.platform === 'production' && s.smsSent >= SMS_LIMIT) return 'SMS_LIMIT_REACHED';
	return null;
}

/** Checks shared by API and website before one SMS is sent to a signatory. */
export function checkCanSendSms(c: ContractRec, s: SignatoryRec, now: number): void {
	requirePending(c, now);
	switch (smsBlocker(c, s)) {
		case 'SIGNED':
			throw invalidState('signed', 'This signatory has already signed');
		case 'LOCKED':
			throw new ApiError(
				423,
				'SIGNATORY_LOCKED',
				'Too many wrong codes: this signatory is locked',
				{
					field: 'signatoryId',
				},
			);
		case 'SMS_LIMIT_REACHED':
			throw new ApiError(
				429,
				'SMS_LIMIT_REACHED',
				`${SMS_LIMIT} SMS were already sent to this signatory for this contract`,
				{ limit: SMS_LIMIT },
			);
		default:
	}
}

/** A signing code as typed: a string of 4 to 8 digits. */
export function parseSmsCode(code: unknown): string {
	if (code === undefined || code === null) throw validationError('code', 'code is required');
	if (typeof code !== 'string' || !/^\d{4,8}$/.test(code)) {
		throw validationError('code', 'code must be a string of 4 to 8 digits');
	}
	return code;
}

/**
 * Signs with the SMS code (API and website): the signing checks, then the code
 * (`0000` in the sandbox, the last one sent in production). A wrong code counts
 * a failed attempt and, in production, locks the signatory at the fifth.
 */
export async function signWithSmsCode(
	env: Env,
	c: ContractRec,
	s: SignatoryRec,
	code: string,
	detail: string,
	now: number,
): Promise<void> {
	checkCanSign(env, c, s, now);
	const expected = c.platform === 'sandbox' ? '0000' : s.lastCode;
	if (code !== expected) {
		s.failedAttempts += 1;
		logEvent(
			c,
			now,
			'sign_failed',
			`signatory:${s.id}`,
			`wrong code (attempt ${s.failedAttempts})`,
		);
		let remaining: number | null = null;
		if (c.platform === 'production') {
			remaining = Math.max(0, FAILED_CODES_LIMIT - s.failedAttempts);
			if (remaining === 0) {
				s.status = 'locked';
				logEvent(c, now, 'locked', 'system', `${FAILED_CODES_LIMIT} wrong codes`);
			}
		}
		throw new ApiError(422, 'INVALID_SMS_CODE', 'Wrong SMS code', {
			field: 'code',
			remainingAttempts: remaining,
		});
	}
	markSigned(env, c, s, `signatory:${s.id}`, detail, now);
	const pdf = ensureSignedPdf(c);
	if (pdf) await pdf;
}

/** What a signature answers, through the API or the website's control call. */
export function signResult(c: ContractRec, s: SignatoryRec) {
	return {
		signatory: {
			id: s.id,
			status: s.status,
			signedAt: s.signedAt === null ? null : iso(s.signedAt),
		},
		contract: { id: c.id, status: c.status },
	};
}

/** Marks the signatory signed; completes the contract when everyone has signed. */
export function markSigned(
	env: Env,
	c: ContractRec,
	s: SignatoryRec,
	actor: string,
	detail: string,
	now: number,
): void {
	s.status = 'signed';
	s.signedAt = now;
	logEvent(c, now, 'signed', actor, detail);
	if (c.signatories.every((x) => x.status === 'signed')) {
		c.status = 'signed';
		c.completedAt = now;
		logEvent(c, now, 'completed', 'system', 'every signatory has signed');
		if (c.notify.owner) {
			const owner = env.store.account(c.platform, c.owner);
			if (owner) {
				const fr = c.lang === 'fr';
				sendEmail(
					env,
					c,
					owner.email,
					fr ? `Contrat signé : ${c.label}` : `Contract signed: ${c.label}`,
					fr
						? `Tous les signataires ont signé « ${c.label} » (${c.id}).\n\nContrat-Privé`
						: `Every signatory has signed "${c.label}" (${c.id}).\n\nContrat-Privé`,
					now,
				);
			}
		}
	}
}

/** The signed PDF of a signed contract, generated once (lazily for seeded contracts). */
export function ensureSignedPdf(c: ContractRec): Promise<SignedDoc> | null {
	if (c.status !== 'signed' || c.completedAt === null) return null;
	if (c.sign) return Promise.resolve(c.sign);
	if (!c.signPromise) {
		const completedAt = c.completedAt;
		const dot = c.mainDocument.name.toLowerCase().endsWith('.pdf')
			? c.mainDocument.name.slice(0, -4)
			: c.mainDocument.name;
		c.signPromise = buildSignedPdf({
			platform: c.platform,
			original: c.mainDocument.bytes,
			originalName: c.mainDocument.name,
			originalSha256: c.mainDocument.sha256,
			contractId: c.id,
			label: c.label,
			reference: c.reference,
			lang: c.lang,
			signatories: c.signatories.map((s) => ({
				name: `${s.firstName} ${s.lastName}`,
				signedAt: iso(s.signedAt ?? completedAt),
			})),
			timestampedAt: iso(completedAt),
		}).then(
			(bytes) => {
				c.sign = {
					...makeDoc(`${dot}-signed.pdf`, bytes),
					signedAt: completedAt,
					timestampedAt: completedAt,
				};
				return c.sign;
			},
			(err) => {
				c.signPromise = null;
				throw err;
			},
		);
	}
	return c.signPromise;
}
