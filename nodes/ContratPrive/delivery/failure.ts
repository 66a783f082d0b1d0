/**
 * How a failed request is classed (how far it got, whether trying again may help), and the
 * errors of a request that got no answer or an uncertain one. API keys are redacted from all of
 * them. The API's own error answers are read by transport/api-errors.ts.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ContratPriveContext } from './options';

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
export function failedRequest(
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

export function safeMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

const SECRET_FIELD = /^api_?key$/i;

/** A deep copy without `apiKey` fields, and with any occurrence of a secret replaced. */
export function redact<T>(value: T, secrets: string[]): T {
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
	requestName: string,
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
	requestName: string,
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
