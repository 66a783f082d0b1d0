/**
 * The fields of a failed request that a workflow can act on (a Switch on `errorCode`, a page
 * showing the attempts left or the payment link), added to the `{ error, description }` item
 * of "On Error: Continue". The API's error details of the wire contract, nothing else: never
 * the request, whose body holds the API key.
 */
import type { IDataObject } from 'n8n-workflow';

/** Details of the wire contract's error codes worth showing (see wire-contract.md, Errors). */
const DETAILS = ['remainingAttempts', 'paymentUrl', 'deposit', 'resetAt', 'status'] as const;

/**
 * `{ errorCode, ...details }` of an error raised by the transport: the API's `error.code` (or a
 * connection code such as `ECONNREFUSED` or `TIMEOUT`) and the details the API gave; `{}` for
 * any other error (bad input is checked before any request and has no code).
 */
export function errorFieldsOf(error: unknown): IDataObject {
	if (typeof error !== 'object' || error === null) return {};
	const response = (error as { errorResponse?: unknown }).errorResponse;
	if (typeof response !== 'object' || response === null) return {};
	const body = response as Record<string, unknown>;
	if (typeof body.code !== 'string' || typeof body.requestName !== 'string') return {};
	const fields: IDataObject = { errorCode: body.code };
	for (const key of DETAILS) {
		const value = body[key];
		if (value === null || typeof value === 'string' || typeof value === 'number') {
			fields[key] = value;
		}
	}
	return fields;
}
