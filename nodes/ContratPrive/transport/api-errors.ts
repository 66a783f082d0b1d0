/**
 * The API's answers to a request: its JSON object on a 2xx, otherwise an error with its class
 * (see delivery/failure.ts) and the texts users read for each of the API's error codes.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';

import type { FailedRequest, Failure, HttpResponse } from '../delivery/failure';
import { failedRequest, redact } from '../delivery/failure';
import { retryAfterMs } from '../delivery/retry';
import type { ApiErrorBody, ContratPriveContext, RequestName } from './types';
import { DOCUMENT_LIMIT_TEXT, MAX_CODE_ATTEMPTS, MAX_SMS_PER_SIGNATORY, QUOTA_TEXT } from './types';

/** The API's `error.code` of a failed request (e.g. CONTRACT_NOT_FOUND); undefined otherwise. */
export function apiErrorCode(error: unknown): string | undefined {
	const response = (error as { errorResponse?: { code?: unknown } } | null)?.errorResponse;
	return typeof response?.code === 'string' ? response.code : undefined;
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
