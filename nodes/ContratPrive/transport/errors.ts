/**
 * Errors of the transport: how far a failed request got (its delivery), whether trying again
 * may help (the one transient rule of both nodes), and the texts users read. API keys are
 * redacted from everything here.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ApiErrorBody, ContratPriveContext, RequestName } from './types';
import { DOCUMENT_LIMIT_TEXT, MAX_CODE_ATTEMPTS, MAX_SMS_PER_SIGNATORY, QUOTA_TEXT } from './types';

/**
 * What the client knows about a failed request.
 * - `not-sent`: it never reached Contrat-Privé (e.g. connection refused); sending it again is safe.
 * - `unknown`: it may have been carried out (timeout, dropped connection, 5xx, unreadable reply).
 * - `rejected`: Contrat-Privé answered with an error (4xx); by the wire contract a rejected
 *   request changes nothing, and sending it again cannot succeed.
 */
export type Delivery = 'not-sent' | 'unknown' | 'rejected';

interface FailureInfo {
	delivery: Delivery;
	/** Whether trying again later may succeed. */
	transient: boolean;
}

const failures = new WeakMap<object, FailureInfo>();

export function classify<T extends object>(error: T, delivery: Delivery, transient: boolean): T {
	failures.set(error, { delivery, transient });
	return error;
}

/** How far a request failed by the transport got; undefined for other errors. */
export function deliveryOf(error: unknown): Delivery | undefined {
	return typeof error === 'object' && error !== null ? failures.get(error)?.delivery : undefined;
}

/**
 * Whether a request failed by the transport may succeed if tried again later: the one rule of
 * both nodes (the action node's retries, the trigger's quiet polls). Server errors, timeouts,
 * dropped connections and unreadable replies are transient; answers refusing the request, an
 * unknown host, a refused certificate and a cancelled execution are not.
 */
export function isTransientFailure(error: unknown): boolean {
	return typeof error === 'object' && error !== null
		? failures.get(error)?.transient === true
		: false;
}

/** The API's own 429 codes: final answers, unlike a rate limit (see rateLimitOf). */
const FINAL_429_CODES = ['SMS_LIMIT_REACHED', 'DAILY_QUOTA_EXCEEDED'];

const rateLimits = new WeakMap<object, { retryAfterMs?: number }>();

/**
 * A 429 that is not one of the API's own codes is a rate limit: the request was not carried
 * out, and may be sent again (a write too) after the server's Retry-After.
 */
export function asRateLimit<T extends object>(
	error: T,
	code: unknown,
	retryAfter: unknown,
): T | undefined {
	if (typeof code === 'string' && FINAL_429_CODES.includes(code)) return undefined;
	rateLimits.set(error, { retryAfterMs: parseRetryAfter(retryAfter) });
	return classify(error, 'not-sent', true);
}

/** The rate limit of an error: its Retry-After in ms when the server gave one. */
export function rateLimitOf(error: unknown): { retryAfterMs?: number } | undefined {
	return typeof error === 'object' && error !== null ? rateLimits.get(error) : undefined;
}

/** Retry-After: seconds, or an HTTP date. */
function parseRetryAfter(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (String(text).trim() !== '' && Number.isFinite(seconds) && seconds >= 0) {
		return Math.round(seconds * 1000);
	}
	const date = Date.parse(String(text));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The API's `error.code` of a failed request (e.g. CONTRACT_NOT_FOUND); undefined otherwise. */
export function apiErrorCode(error: unknown): string | undefined {
	const response = (error as { errorResponse?: { code?: unknown } } | null)?.errorResponse;
	return typeof response?.code === 'string' ? response.code : undefined;
}

export function safeMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export function addDescription(error: unknown, text: string): void {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = [error.description, text].filter(Boolean).join(' ');
	}
}

/** The API key of the credential: it must never appear in an error. */
export function secretsOf(credentials: IDataObject): string[] {
	const key = credentials.apiKey;
	return typeof key === 'string' && key.length > 0 ? [key] : [];
}

const SECRET_FIELD = /^api_?key$/i;

/** A deep copy without `apiKey` fields, and with any occurrence of a secret replaced. */
export function redact<T>(value: T, secrets: string[]): T {
	if (typeof value === 'string') {
		let text: string = value;
		for (const secret of secrets) {
			if (text.includes(secret)) text = text.split(secret).join('[redacted]');
		}
		return text as T;
	}
	if (Array.isArray(value)) return value.map((entry) => redact(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			if (SECRET_FIELD.test(key)) continue;
			copy[key] = redact(entry, secrets);
		}
		return copy as T;
	}
	return value;
}

function readErrorBody(body: unknown): ApiErrorBody | undefined {
	if (body && typeof body === 'object' && 'error' in body) {
		const error = (body as { error: unknown }).error;
		if (error && typeof error === 'object' && typeof (error as ApiErrorBody).code === 'string') {
			return error as ApiErrorBody;
		}
	}
	return undefined;
}

export function apiError(
	context: ContratPriveContext,
	requestName: RequestName,
	statusCode: number,
	body: unknown,
	itemIndex: number | undefined,
	secrets: string[],
): NodeApiError {
	const parsed = readErrorBody(body);
	const error = redact(
		parsed
			? { ...parsed, message: String(parsed.message ?? '') }
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
	const { message, description } = explain(
		notTheApi
			? { ...error, code: 'UNKNOWN_REQUEST', message: `HTTP ${statusCode} for ${requestName}` }
			: error,
	);
	// Only the parsed error object goes into the NodeApiError: the request (and its apiKey) never does.
	const details: JsonObject = {
		...(error as JsonObject),
		httpCode: String(statusCode),
		requestName,
	};
	return new NodeApiError(context.getNode(), details, {
		message: redact(message, secrets),
		description: description === undefined ? undefined : redact(description, secrets),
		httpCode: String(statusCode),
		itemIndex,
	});
}

function explain(error: ApiErrorBody): { message: string; description?: string } {
	const apiMessage = error.message;
	switch (error.code) {
		case 'VALIDATION_ERROR':
			return {
				message: error.field
					? `Contrat-Privé rejected "${error.field}": ${apiMessage}`
					: `Contrat-Privé rejected the request: ${apiMessage}`,
			};
		case 'INVALID_BANK_ACCOUNT':
			return { message: `Invalid bank account: ${apiMessage}` };
		case 'INVALID_CREDENTIALS':
			return {
				message: 'Contrat-Privé does not know this API key pair',
				description:
					'Copy API User and API Key again from your Contrat-Privé owner account into the credential.',
			};
		case 'WRONG_PLATFORM':
			return {
				message: 'These keys belong to the other platform',
				description: `A Contrat-Privé key pair works on one platform only${
					typeof error.platform === 'string' ? `; these keys are ${error.platform} keys` : ''
				}. Change the credential's platform, or use the keys of this platform.`,
			};
		case 'CONTRACT_NOT_FOUND':
			return {
				message: 'Contract not found',
				description: `${apiMessage}. The ID may be wrong, or the contract belongs to another owner account.`,
			};
		case 'SIGNATORY_NOT_FOUND':
			return {
				message: 'Signatory not found on this contract',
				description: apiMessage,
			};
		case 'INVALID_STATE':
			return { message: `Not possible in the contract's current state: ${apiMessage}` };
		case 'PAYLOAD_TOO_LARGE':
			if (error.field === 'body') {
				return {
					message: 'The documents together are too large for Contrat-Privé',
					description: `${apiMessage}. Each document may be at most ${DOCUMENT_LIMIT_TEXT}, but the whole request has a limit too: send fewer or smaller annexes.`,
				};
			}
			return {
				message: 'A document is too large for Contrat-Privé',
				description: `${apiMessage}. Each document may be at most ${DOCUMENT_LIMIT_TEXT}.`,
			};
		case 'INVALID_SMS_CODE': {
			// remainingAttempts is null on the sandbox only, where no SMS is sent.
			const remaining = error.remainingAttempts;
			let description: string;
			if (typeof remaining !== 'number') {
				description = 'On the sandbox no SMS is sent and the code is always 0000.';
			} else if (remaining <= 0) {
				description = `No attempt left: the signatory is now locked after ${MAX_CODE_ATTEMPTS} wrong codes and can no longer sign this contract.`;
			} else {
				description = `${remaining} attempt(s) left before the signatory is locked.`;
			}
			return { message: 'Wrong SMS code', description };
		}
		case 'DEPOSIT_PAYMENT_REQUIRED':
			return {
				message: 'The signatory must pay the deposit on contrat-prive.com before signing',
				description: `Deposits cannot be paid through the API. Send the signatory this payment link, then sign again: ${String(
					error.paymentUrl ?? '(no link given)',
				)}`,
			};
		case 'SIGNATORY_LOCKED':
			return {
				message: `This signatory is locked after ${MAX_CODE_ATTEMPTS} wrong SMS codes`,
				description: `Contrat-Privé allows at most ${MAX_CODE_ATTEMPTS} failed signature attempts per signatory and contract.`,
			};
		case 'SMS_LIMIT_REACHED':
			return {
				message: 'SMS limit reached for this signatory',
				description: `Contrat-Privé sends at most ${MAX_SMS_PER_SIGNATORY} SMS codes per signatory and contract in production.`,
			};
		case 'DAILY_QUOTA_EXCEEDED': {
			// The account's own limit when the error gives it: the service raises it on request.
			const limit =
				typeof error.limit === 'number' ? error.limit.toLocaleString('en-US') : QUOTA_TEXT;
			return {
				message: `Daily quota of ${limit} production requests reached`,
				description: `This Contrat-Privé production account allows ${limit} API requests per day; the counter resets at midnight, Paris time${
					typeof error.resetAt === 'string' ? ` (${error.resetAt})` : ''
				}. Poll less often or batch work; "Keep Requests for Other Workflows" keeps some for signing flows.`,
			};
		}
		case 'UNKNOWN_REQUEST':
			return {
				message: 'This URL does not answer like the Contrat-Privé API',
				description: `${apiMessage}. Check the credential's platform or base URL.`,
			};
		case 'INTERNAL_ERROR':
			return {
				message: 'Contrat-Privé had a server error',
				description: `${apiMessage}. This is usually temporary.`,
			};
		default:
			return { message: `Contrat-Privé error ${error.code}: ${apiMessage}` };
	}
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

export function networkError(
	context: ContratPriveContext,
	requestName: RequestName,
	error: unknown,
	itemIndex: number | undefined,
	secrets: string[],
): NodeApiError {
	const { code = 'NETWORK_ERROR', timedOut } = networkCode(error);
	const final = NOT_SENT_FINAL_CODES.has(code) || TLS_CODE.test(code);
	const notSent = NOT_SENT_CODES.has(code) || final;
	const cancelled = CANCELLED_CODES.has(code);
	let message: string;
	let description: string;
	if (timedOut) {
		message = `Contrat-Privé did not answer ${requestName} in time`;
		description =
			"The timeout is set in the node's options (Timeout). Check the network and the credential's base URL, then try again.";
	} else if (notSent) {
		message = `Could not reach Contrat-Privé (${code})`;
		description = "Nothing was sent. Check the network and the credential's base URL.";
	} else if (cancelled) {
		message = `The request ${requestName} was cancelled`;
		description = 'The execution was stopped while waiting for Contrat-Privé.';
	} else {
		message = `Could not reach Contrat-Privé (${code})`;
		description = `The connection broke before Contrat-Privé answered ${requestName}. Check the network and the credential's base URL, then try again.`;
	}
	const apiError = new NodeApiError(
		context.getNode(),
		{ code: timedOut ? 'TIMEOUT' : code, requestName } as JsonObject,
		{ message, description, itemIndex },
	);
	// NodeApiError swaps messages of known connection codes for generic ones: keep ours.
	apiError.message = redact(message, secrets);
	apiError.description = redact(description, secrets);
	if (notSent) return classify(apiError, 'not-sent', !final);
	return classify(apiError, 'unknown', !cancelled);
}
