/**
 * Plumbing shared by the website's pages: HTML replies with safe headers,
 * POST-redirect-GET with one-shot flash messages (cookie + server-side map),
 * same-origin check of form posts, form parsing, PDF replies and error pages.
 */
import { randomBytes } from 'crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors';
import { SMS_LIMIT, FAILED_CODES_LIMIT } from '../workflow';
import type { Env } from '../workflow';
import type { StoredDoc } from '../store';
import { Flash, Html, html, layout } from './html';

export interface Site {
	env: Env;
	/** Records an unexpected exception (a bug), as the API does. */
	record(e: Error): void;
	flashes: FlashStore;
}

/** A page or resource that does not exist: a 404 page. */
export class PageNotFound extends Error {}

/** Form bodies are small; anything larger is refused before parsing. */
export const FORM_BODY_LIMIT = 16 * 1024;

// ---------------------------------------------------------------- flash messages

const FLASH_COOKIE = 'cp_flash';
const FLASH_MAX = 1000;

export class FlashStore {
	private readonly messages = new Map<string, Flash>();

	/** Keeps `flash` for the next page this browser loads. */
	set(reply: FastifyReply, flash: Flash): void {
		const id = randomBytes(16).toString('hex');
		this.messages.set(id, flash);
		while (this.messages.size > FLASH_MAX) {
			const oldest = this.messages.keys().next().value as string;
			this.messages.delete(oldest);
		}
		reply.header('set-cookie', `${FLASH_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
	}

	/** The pending flash message of this browser, removed once read. */
	take(req: FastifyRequest, reply: FastifyReply): Flash | null {
		const id = readCookie(req, FLASH_COOKIE);
		if (id === null) return null;
		reply.header('set-cookie', `${FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
		const flash = this.messages.get(id) ?? null;
		this.messages.delete(id);
		return flash;
	}
}

function readCookie(req: FastifyRequest, name: string): string | null {
	const header = req.headers.cookie;
	if (typeof header !== 'string') return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq === -1) continue;
		if (part.slice(0, eq).trim() === name) {
			const v = part.slice(eq + 1).trim();
			return /^[0-9a-f]{32}$/.test(v) ? v : null;
		}
	}
	return null;
}

// ---------------------------------------------------------------- replies

const CSP = [
	"default-src 'none'",
	"style-src 'self'",
	"img-src 'self'",
	"frame-src 'self'",
	"object-src 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
	"base-uri 'none'",
].join('; ');

export function sendHtml(reply: FastifyReply, body: string, status = 200): FastifyReply {
	return reply
		.code(status)
		.header('content-type', 'text/html; charset=utf-8')
		.header('cache-control', 'no-store')
		.header('content-security-policy', CSP)
		.header('x-content-type-options', 'nosniff')
		.header('referrer-policy', 'same-origin')
		.send(body);
}

export function errorPage(
	site: Site,
	reply: FastifyReply,
	status: number,
	title: string,
	text: string,
) {
	return sendHtml(
		reply,
		layout(
			{ title, now: site.env.clock.nowMs() },
			html`<h1>${title}</h1>
				<p>${text}</p>
				<p><a href="/">Back to the emulator's home page</a></p>`,
		),
		status,
	);
}

/** A stored PDF, shown in the browser (`inline`) or downloaded (`?download=1`). */
export function sendPdf(req: FastifyRequest, reply: FastifyReply, doc: StoredDoc): FastifyReply {
	const download = (req.query as Record<string, unknown> | undefined)?.download === '1';
	const name = doc.name.toLowerCase().endsWith('.pdf') ? doc.name : `${doc.name}.pdf`;
	const ascii = name.replace(/[^\x20-\x7e]|["\\;]/g, '_');
	const encoded = encodeURIComponent(name).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
	return reply
		.code(200)
		.header('content-type', 'application/pdf')
		.header(
			'content-disposition',
			`${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encoded}`,
		)
		.header('cache-control', 'no-store')
		.header('x-content-type-options', 'nosniff')
		.send(doc.bytes);
}

// ---------------------------------------------------------------- routes

type PageHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<string | FastifyReply>;

/** A GET page: PageNotFound becomes a 404 page, any other exception a recorded 500. */
export function getPage(app: FastifyInstance, site: Site, url: string, handler: PageHandler): void {
	app.get(url, async (req, reply) => {
		try {
			const out = await handler(req, reply);
			return typeof out === 'string' ? sendHtml(reply, out) : out;
		} catch (e) {
			return failure(site, reply, e);
		}
	});
}

export interface ActionResult {
	/** Where to go next (a same-origin path). */
	to: string;
	flash: Flash;
}

type ActionHandler = (req: FastifyRequest, form: URLSearchParams) => Promise<ActionResult>;

/**
 * A form POST: same-origin check, form parsing, then POST-redirect-GET (303)
 * with a flash message. A refused action (ApiError) redirects to `back` with
 * the reason; PageNotFound is a 404 page.
 */
export function postAction(
	app: FastifyInstance,
	site: Site,
	url: string,
	back: (req: FastifyRequest) => string,
	handler: ActionHandler,
): void {
	app.post(url, { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
		if (!sameOrigin(req)) {
			return errorPage(
				site,
				reply,
				403,
				'Forbidden',
				'This form was posted from another site; the emulator refuses it.',
			);
		}
		try {
			const { to, flash } = await handler(req, parseForm(req));
			site.flashes.set(reply, flash);
			return reply.code(303).header('location', to).send();
		} catch (e) {
			if (e instanceof ApiError) {
				site.flashes.set(reply, explain(e));
				return reply.code(303).header('location', back(req)).send();
			}
			return failure(site, reply, e);
		}
	});
}

function failure(site: Site, reply: FastifyReply, e: unknown) {
	if (e instanceof PageNotFound) return errorPage(site, reply, 404, 'Not found', e.message);
	site.record(e instanceof Error ? e : new Error(String(e)));
	return errorPage(
		site,
		reply,
		500,
		'Internal error',
		'The emulator hit an unexpected error (a bug in the emulator). It was recorded.',
	);
}

/** A browser's form post carries Origin; other clients (curl, tests) may omit it. */
function sameOrigin(req: FastifyRequest): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) return true;
	const host = req.headers.host;
	return typeof host === 'string' && (origin === `http://${host}` || origin === `https://${host}`);
}

function parseForm(req: FastifyRequest): URLSearchParams {
	const raw = req.body;
	const type = String(req.headers['content-type'] ?? '');
	if (!Buffer.isBuffer(raw) || !type.startsWith('application/x-www-form-urlencoded')) {
		return new URLSearchParams();
	}
	return new URLSearchParams(raw.toString('utf8'));
}

// ---------------------------------------------------------------- messages

/** What a person reads when the service refuses an action (the API's error, in words). */
export function explain(e: ApiError): Flash {
	const d = e.details;
	const field = typeof d.field === 'string' ? d.field : undefined;
	const err = (text: string, f: string | undefined = field): Flash => ({
		kind: 'error',
		text,
		...(f ? { field: f } : {}),
	});
	switch (e.code) {
		case 'VALIDATION_ERROR':
			switch (field) {
				case 'card':
					return err('Enter the card number: 12 to 19 digits.');
				case 'expiry':
					return err(
						/expired/.test(e.message)
							? 'This card has expired: use a card with a future expiry date.'
							: 'Enter the expiry date as MM/YY, for example 12/29.',
					);
				case 'cvc':
					return err('Enter the 3-digit CVC printed on the back of the card.');
				case 'code':
					return err('Enter the code you received: 4 to 8 digits.');
				default:
					return err(e.message);
			}
		case 'PAYMENT_DECLINED':
			return err(`${e.message}.`, 'card');
		case 'INVALID_SMS_CODE': {
			const left = d.remainingAttempts;
			if (typeof left !== 'number') {
				return err('Wrong code. In the sandbox the code is always 0000.', 'code');
			}
			if (left <= 0) {
				return err(
					`Wrong code. That was the ${FAILED_CODES_LIMIT}th wrong code: signing is now locked for you. Contact the sender.`,
					'code',
				);
			}
			return err(`Wrong code. ${left} attempt${left === 1 ? '' : 's'} left.`, 'code');
		}
		case 'SIGNATORY_LOCKED':
			return err('Too many wrong codes: signing is locked for you. Contact the sender.');
		case 'SMS_LIMIT_REACHED':
			return err(
				`You already received ${SMS_LIMIT} codes for this contract: no more SMS can be sent. Use the last code you received.`,
			);
		case 'DEPOSIT_PAYMENT_REQUIRED':
			return err(
				`Pay the deposit of ${typeof d.deposit === 'number' ? d.deposit.toFixed(2) : ''} EUR before signing.`,
			);
		case 'INVALID_STATE':
			return err(stateMessage(e));
		default:
			return err(e.message);
	}
}

function stateMessage(e: ApiError): string {
	switch (e.details.status) {
		case 'cancelled':
			return 'This contract was cancelled by the sender: it can no longer be signed or paid.';
		case 'expired':
			return 'The deadline of this contract is over: it can no longer be signed or paid.';
		case 'draft':
			return 'This contract has not been sent yet.';
		default:
			return e.message.endsWith('.') ? e.message : `${e.message}.`;
	}
}

export type { Html };
