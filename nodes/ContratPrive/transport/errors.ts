/**
 * The failure policy of both nodes: the class of a failed request (how far it got, whether
 * trying again may help), and the errors users read. API keys are redacted from all of them.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ApiErrorBody, ContratPriveContext, RequestName } from './types';
import { DOCUMENT_LIMIT_TEXT, MAX_CODE_ATTEMPTS, MAX_SMS_PER_SIGNATORY, QUOTA_TEXT } from './types';

/**
 * How far a failed request got.
 * - `not-sent`: it never reached Contrat-Privé (e.g. connection refused); sending it again is safe.
 * - `unknown`: it may have been carried out (timeout, dropped connection, 5xx, unreadable reply).
 * - `rejected`: Contrat-Privé answered with an error (4xx); by the wire contract a rejected
 *   request changes nothing, and sending it again cannot succeed.
 */
export type Delivery = 'not-sent' | 'unknown' | 'rejected';

/** The class of a failure: the `failure` field of every error of a request. */
export interface Failure {
	delivery: Delivery;
	/** Whether trying again later may succeed. */
	transient: boolean;
	/** A rate limit (a 429 that is not one of the API's own codes): the server's Retry-After. */
	rateLimit?: { retryAfterMs?: number };
}

export type FailedRequest = NodeApiError & { failure: Failure };

/** A poll of the trigger that may succeed next time though no request failed (a PDF not ready). */
export class TransientPollError extends NodeOperationError {}

/**
 * Whether trying again later may succeed: the one rule of both nodes (the action node's
 * retries, the trigger's quiet polls). Server errors, timeouts, dropped connections and
 * unreadable replies are transient; answers refusing the request, an unknown host, a refused
 * certificate and a cancelled execution are not.
 */
export function isTransientFailure(error: unknown): boolean {
	const failure = (error as Partial<FailedRequest> | null | undefined)?.failure;
	return error instanceof TransientPollError || failure?.transient === true;
}

/** The failure class as the debug log prints it, e.g. "unknown, transient". */
export function describeFailure({ delivery, transient, rateLimit }: Failure): string {
	return `${delivery}, ${rateLimit ? 'rate limit' : transient ? 'transient' : 'final'}`;
}

/** A NodeApiError with exactly these texts (it swaps some for generic ones) and its class. */
function failedRequest(
	context: ContratPriveContext,
	details: JsonObject,
	texts: { message: string; description?: string; httpCode?: string; itemIndex?: number },
	failure: Failure,
): FailedRequest {
	const error = new NodeApiError(context.getNode(), details, texts);
	error.message = texts.message;
	if (texts.description !== undefined) error.description = texts.description;
	return Object.assign(error, { failure });
}

/** The API's `error.code` of a failed request (e.g. CONTRACT_NOT_FOUND); undefined otherwise. */
export function apiErrorCode(error: unknown): string | undefined {
	const response = (error as { errorResponse?: { code?: unknown } } | null)?.errorResponse;
	return typeof response?.code === 'string' ? response.code : undefined;
}

export function safeMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

const SECRET_FIELD = /^api_?key$/i;

/** A deep copy without `apiKey` fields, and with any occurrence of a secret replaced. */
function redact<T>(value: T, secrets: string[]): T {
	if (typeof value === 'string') {
		let text: string = value;
		for (const secret of secrets) text = text.split(secret).join('[redacted]');
		return text as T;
	}
	if (Array.isArray(value)) return value.map((entry) => redact(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			if (!SECRET_FIELD.test(key)) copy[key] = redact(entry, secrets);
		}
		return copy as T;
	}
	return value;
}

/** What the HTTP helper returns with `returnFullResponse`. */
export interface HttpResponse {
	statusCode: number;
	body: unknown;
	headers?: Record<string, unknown>;
}

/**
 * The reply of a request: its JSON object (redacted) on a 2xx, otherwise the classed error. A
 * 2xx that is not a JSON object, or a 5xx, may have been carried out; a 4xx was not.
 */
export function readReply(
	context: ContratPriveContext,
	requestName: RequestName,
	{ statusCode, body, headers }: HttpResponse,
	itemIndex: number | undefined,
	secrets: string[],
): IDataObject | FailedRequest {
	if (statusCode >= 200 && statusCode < 300) {
		// The API never sends the key back; should it ever, it does not reach the output.
		if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
			return redact(body as IDataObject, secrets);
		}
		const message = `Contrat-Privé sent a reply to ${requestName} that is not JSON`;
		const description =
			'The request may or may not have been carried out. Check the contract before trying again.';
		const details = { code: 'MALFORMED_RESPONSE', requestName };
		return failedRequest(
			context,
			details,
			{ message, description, itemIndex },
			{ delivery: 'unknown', transient: true },
		);
	}
	const sent = (body as { error?: Partial<ApiErrorBody> } | null)?.error;
	const error = redact(
		typeof sent?.code === 'string'
			? { ...sent, code: sent.code, message: String(sent.message ?? '') }
			: {
					code: statusCode >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR',
					message: `HTTP ${statusCode}`,
				},
		secrets,
	);
	// A 404 or 405 without one of the API's own codes comes from a server that is not the API.
	const notTheApi =
		(statusCode === 404 || statusCode === 405) &&
		!['CONTRACT_NOT_FOUND', 'SIGNATORY_NOT_FOUND', 'UNKNOWN_REQUEST'].includes(error.code);
	const texts = explain(
		notTheApi
			? { ...error, code: 'UNKNOWN_REQUEST', message: `HTTP ${statusCode} for ${requestName}` }
			: error,
	);
	const httpCode = String(statusCode);
	const serverFault = statusCode >= 500;
	const final429 = ['SMS_LIMIT_REACHED', 'DAILY_QUOTA_EXCEEDED'].includes(error.code);
	const failure: Failure =
		statusCode === 429 && !final429
			? {
					delivery: 'not-sent',
					transient: true,
					rateLimit: { retryAfterMs: retryAfterMs(headers?.['retry-after']) },
				}
			: { delivery: serverFault ? 'unknown' : 'rejected', transient: serverFault };
	// Only the API's error object goes into the error: the request (and its apiKey) never does.
	return failedRequest(
		context,
		{ ...(error as JsonObject), httpCode, requestName },
		{ ...redact(texts, secrets), httpCode, itemIndex },
		failure,
	);
}

/** Retry-After: seconds, or an HTTP date. */
function retryAfterMs(value: unknown): number | undefined {
	const text = String(Array.isArray(value) ? value[0] : (value ?? '')).trim();
	const seconds = Number(text);
	if (text !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

type ErrorTexts = { message: string; description?: string };

/** What users read for each error code of the API (`message` is the API's own text). */
const API_ERROR_TEXTS: Record<string, (error: ApiErrorBody) => ErrorTexts> = {
	VALIDATION_ERROR: ({ field, message }) => ({
		message: field
			? `Contrat-Privé rejected "${field}": ${message}`
			: `Contrat-Privé rejected the request: ${message}`,
	}),
	INVALID_BANK_ACCOUNT: ({ message }) => ({ message: `Invalid bank account: ${message}` }),
	INVALID_CREDENTIALS: () => ({
		message: 'Contrat-Privé does not know this API key pair',
		description:
			'Copy API User and API Key again from your Contrat-Privé owner account into the credential.',
	}),
	WRONG_PLATFORM: ({ platform }) => ({
		message: 'These keys belong to the other platform',
		description: `A Contrat-Privé key pair works on one platform only${
			typeof platform === 'string' ? `; these keys are ${platform} keys` : ''
		}. Change the credential's platform, or use the keys of this platform.`,
	}),
	CONTRACT_NOT_FOUND: ({ message }) => ({
		message: 'Contract not found',
		description: `${message}. The ID may be wrong, or the contract belongs to another owner account.`,
	}),
	SIGNATORY_NOT_FOUND: ({ message }) => ({
		message: 'Signatory not found on this contract',
		description: message,
	}),
	INVALID_STATE: ({ message }) => ({
		message: `Not possible in the contract's current state: ${message}`,
	}),
	PAYLOAD_TOO_LARGE: ({ field, message }) =>
		field === 'body'
			? {
					message: 'The documents together are too large for Contrat-Privé',
					description: `${message}. Each document may be at most ${DOCUMENT_LIMIT_TEXT}, but the whole request has a limit too: send fewer or smaller annexes.`,
				}
			: {
					message: 'A document is too large for Contrat-Privé',
					description: `${message}. Each document may be at most ${DOCUMENT_LIMIT_TEXT}.`,
				},
	// remainingAttempts is null on the sandbox only, where no SMS is sent.
	INVALID_SMS_CODE: ({ remainingAttempts: left }) => ({
		message: 'Wrong SMS code',
		description:
			typeof left !== 'number'
				? 'On the sandbox no SMS is sent and the code is always 0000.'
				: left <= 0
					? `No attempt left: the signatory is now locked after ${MAX_CODE_ATTEMPTS} wrong codes and can no longer sign this contract.`
					: `${left} attempt(s) left before the signatory is locked.`,
	}),
	DEPOSIT_PAYMENT_REQUIRED: ({ paymentUrl }) => ({
		message: 'The signatory must pay the deposit on contrat-prive.com before signing',
		description: `Deposits cannot be paid through the API. Send the signatory this payment link, then sign again: ${String(
			paymentUrl ?? '(no link given)',
		)}`,
	}),
	SIGNATORY_LOCKED: () => ({
		message: `This signatory is locked after ${MAX_CODE_ATTEMPTS} wrong SMS codes`,
		description: `Contrat-Privé allows at most ${MAX_CODE_ATTEMPTS} failed signature attempts per signatory and contract.`,
	}),
	SMS_LIMIT_REACHED: () => ({
		message: 'SMS limit reached for this signatory',
		description: `Contrat-Privé sends at most ${MAX_SMS_PER_SIGNATORY} SMS codes per signatory and contract in production.`,
	}),
	// The account's own limit when the error gives it: the service raises it on request.
	DAILY_QUOTA_EXCEEDED: ({ resetAt, limit }) => {
		const allowed = typeof limit === 'number' ? limit.toLocaleString('en-US') : QUOTA_TEXT;
		return {
			message: `Daily quota of ${allowed} production requests reached`,
			description: `This Contrat-Privé production account allows ${allowed} API requests per day; the counter resets at midnight, Paris time${
				typeof resetAt === 'string' ? ` (${resetAt})` : ''
			}. Poll less often or batch work; "Keep Requests for Other Workflows" keeps some for signing flows.`,
		};
	},
	UNKNOWN_REQUEST: ({ message }) => ({
		message: 'This URL does not answer like the Contrat-Privé API',
		description: `${message}. Check the credential's platform or base URL.`,
	}),
	INTERNAL_ERROR: ({ message }) => ({
		message: 'Contrat-Privé had a server error',
		description: `${message}. This is usually temporary.`,
	}),
};

function explain(error: ApiErrorBody): ErrorTexts {
	const texts = Object.hasOwn(API_ERROR_TEXTS, error.code)
		? API_ERROR_TEXTS[error.code]
		: undefined;
	return texts ? texts(error) : { message: `Contrat-Privé error ${error.code}: ${error.message}` };
}

/** Connection errors raised before any byte of the request was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Not sent, and trying again will not help: no such host, or a certificate that is refused. */
const NOT_SENT_FINAL_CODES = new Set(['ENOTFOUND', 'EPROTO']);
const TLS_CODE = /CERT|SELF_SIGNED|TLS|SSL/;
const CANCELLED_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/** The error code of a failed HTTP call, looked for along the chain of causes. */
function networkCode(error: unknown): { code?: string; timedOut: boolean } {
	let timedOut = false;
	let code: string | undefined;
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as {
			code?: unknown;
			httpCode?: unknown;
			message?: unknown;
			cause?: unknown;
		};
		// n8n's request helper wraps the HTTP client's error in a NodeApiError whose httpCode is
		// the connection error code (ECONNREFUSED, ECONNRESET, ECONNABORTED...).
		for (const value of [candidate.code, candidate.httpCode]) {
			if (!code && typeof value === 'string' && /^[A-Z][A-Z_]+$/.test(value)) code = value;
		}
		if (typeof candidate.message === 'string' && /\btimeout\b|timed out/i.test(candidate.message)) {
			timedOut = true;
		}
		current = candidate.cause;
	}
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') timedOut = true;
	return { code, timedOut };
}

/** The error of an HTTP call that got no answer, classed by its error code. */
export function networkError(
	context: ContratPriveContext,
	requestName: RequestName,
	error: unknown,
	itemIndex: number | undefined,
	secrets: string[],
): FailedRequest {
	const { code = 'NETWORK_ERROR', timedOut } = networkCode(error);
	const final = NOT_SENT_FINAL_CODES.has(code) || TLS_CODE.test(code);
	const notSent = NOT_SENT_CODES.has(code) || final;
	const cancelled = CANCELLED_CODES.has(code);
	let message = `Could not reach Contrat-Privé (${code})`;
	let description = `The connection broke before Contrat-Privé answered ${requestName}. Check the network and the credential's base URL, then try again.`;
	if (timedOut) {
		message = `Contrat-Privé did not answer ${requestName} in time`;
		description =
			"The timeout is set in the node's options (Timeout). Check the network and the credential's base URL, then try again.";
	} else if (notSent) {
		description = "Nothing was sent. Check the network and the credential's base URL.";
	} else if (cancelled) {
		message = `The request ${requestName} was cancelled`;
		description = 'The execution was stopped while waiting for Contrat-Privé.';
	}
	const details = { code: timedOut ? 'TIMEOUT' : code, requestName };
	const texts = { ...redact({ message, description }, secrets), itemIndex };
	const failure: Failure = notSent
		? { delivery: 'not-sent', transient: !final }
		: { delivery: 'unknown', transient: !cancelled };
	return failedRequest(context, details, texts, failure);
}

/**
 * The error of a write whose outcome is unknown or was read back: the HTTP code of the failure,
 * what is known (`known`), what to do (`advice`), and the attempts when there were several.
 */
export function outcomeError(
	context: ContratPriveContext,
	cause: FailedRequest,
	requestName: RequestName,
	itemIndex: number | undefined,
	{ message, known, advice }: { message: string; known: string; advice: string },
	attempts?: string,
): FailedRequest {
	const description = [`${cause.message}.`.replace(/\.\.$/, '.'), known, advice, attempts]
		.filter(Boolean)
		.join(' ');
	const details = { code: 'OUTCOME_UNKNOWN', message, requestName };
	const httpCode = cause.httpCode ?? undefined;
	const failure: Failure = { delivery: 'unknown', transient: cause.failure.transient };
	return failedRequest(context, details, { message, description, httpCode, itemIndex }, failure);
}
