/**
 * The HTTP side of the wire format: base URLs, one POST per request name, and how each reply
 * or failure is classed (see errors.ts).
 */
import type { IDataObject, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	addDescription,
	apiError,
	asRateLimit,
	classify,
	deliveryOf,
	isTransientFailure,
	networkError,
	rateLimitOf,
	redact,
	safeMessage,
	secretsOf,
} from './errors';
import type { BodyObject } from './body-stream';
import { JsonBody, hasDocuments } from './body-stream';
import type { ReplyBody } from './reply-read';
import { readStreamedReply } from './reply-read';
import { Attempts, isReadRequest, settle } from './retry';
import type { ContratPriveContext, Platform, RequestName, RequestOptions } from './types';
import { CREDENTIAL_TYPE } from './types';

const BASE_URLS: Record<Platform, string> = {
	sandbox: 'https://sandbox.contrat-prive.com/api',
	production: 'https://www.contrat-prive.com/api',
};

const LOOPBACK_HOSTS = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * The base URL the credential points at; custom URLs must be https, except on loopback.
 * Returns a problem text instead of a URL when the credential's URL is not acceptable.
 */
export function resolveBaseUrl(credentials: IDataObject): { url: string } | { problem: string } {
	const platform = credentials.platform as string;
	if (platform === 'sandbox' || platform === 'production') return { url: BASE_URLS[platform] };

	const raw = String(credentials.baseUrl ?? '').trim();
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { problem: `The credential's Base URL "${raw}" is not a valid URL` };
	}
	const loopback = LOOPBACK_HOSTS.test(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		return {
			problem: `The credential's Base URL must use https:// (plain http:// is only allowed on localhost, 127.0.0.1 or [::1]); got "${raw}"`,
		};
	}
	return { url: raw.replace(/\/+$/, '') };
}

/**
 * Sends a request, retrying it under `options.retry`: a read after any transient failure, a
 * write only when it never reached Contrat-Privé. 4xx answers are never retried.
 */
export async function apiRequest(
	this: ContratPriveContext,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions = {},
): Promise<any> {
	return await send(
		this,
		requestName,
		parameters,
		options,
		new Attempts(this, requestName, options.retry),
	);
}

export async function send(
	context: ContratPriveContext,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions,
	attempts: Attempts,
): Promise<any> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = resolveBaseUrl(credentials);
	if ('problem' in baseUrl) {
		throw new NodeOperationError(context.getNode(), baseUrl.problem, {
			itemIndex: options.itemIndex,
		});
	}
	const secrets = secretsOf(credentials);
	const read = isReadRequest(requestName);
	const url = `${baseUrl.url}/${requestName}`;
	for (;;) {
		const sent = await settle(sendOnce(context, url, requestName, parameters, options, secrets));
		if ('value' in sent) return sent.value;
		const rateLimit = rateLimitOf(sent.error);
		if (rateLimit && (await attempts.afterRateLimit(rateLimit.retryAfterMs))) continue;
		const retry = isTransientFailure(sent.error) && (read || deliveryOf(sent.error) === 'not-sent');
		if (retry && (await attempts.next(safeMessage(sent.error)))) continue;
		if (attempts.count > 1) addDescription(sent.error, attempts.summary());
		throw sent.error;
	}
}

async function sendOnce(
	context: ContratPriveContext,
	url: string,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions,
	secrets: string[],
): Promise<IDataObject> {
	const request: IHttpRequestOptions = {
		method: 'POST',
		url,
		// A copy: the credential adds the keys to the body it is given, and this object is kept.
		body: { ...parameters },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeout,
	};
	if (hasDocuments(parameters)) {
		// Documents are streamed from n8n's binary data, read afresh for every attempt. Redirects
		// are not followed: following them would keep every byte sent in memory, to send it again.
		request.body = new JsonBody(parameters as BodyObject) as unknown as IDataObject;
		request.headers = { 'content-type': 'application/json' };
		request.disableFollowRedirect = true;
	}
	const openContent = options.streamReply?.();
	if (openContent) request.encoding = 'stream';

	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		response = await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			request,
		);
	} catch (error) {
		throw networkError(context, requestName, error, options.itemIndex, secrets);
	}

	const ok = response.statusCode >= 200 && response.statusCode < 300;
	const body = openContent
		? await readStreamedReply(
				context,
				requestName,
				response.body as ReplyBody,
				ok ? openContent : undefined,
				options,
			)
		: response.body;
	if (ok) {
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			const error = new NodeApiError(
				context.getNode(),
				{ code: 'MALFORMED_RESPONSE', requestName } as JsonObject,
				{
					message: `Contrat-Privé sent a reply to ${requestName} that is not JSON`,
					description:
						'The request may or may not have been carried out. Check the contract before trying again.',
					itemIndex: options.itemIndex,
				},
			);
			throw classify(error, 'unknown', true);
		}
		// The API never sends the key back; should it ever, it does not reach the output.
		return redact(body as IDataObject, secrets);
	}
	const error = apiError(
		context,
		requestName,
		response.statusCode,
		body,
		options.itemIndex,
		secrets,
	);
	if (response.statusCode === 429) {
		const code = error.errorResponse?.code;
		const rateLimit = asRateLimit(error, code, response.headers?.['retry-after']);
		if (rateLimit) throw rateLimit;
	}
	const serverFault = response.statusCode >= 500;
	throw classify(error, serverFault ? 'unknown' : 'rejected', serverFault);
}
