/**
 * The one request function of both nodes. Every call to Contrat-Privé goes through `request`,
 * with the policy its request declares in requests.ts: the failure class of each attempt (see
 * delivery/failure.ts) and that policy decide whether it is sent again, read back, or reported.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FailedRequest, HttpResponse } from '../delivery/failure';
import { describeFailure, networkError, outcomeError, safeMessage } from '../delivery/failure';
import type { RequestOptions } from '../delivery/options';
import type { Outcome, OutcomeFacts } from '../delivery/outcomes';
import { outcomeText } from '../delivery/outcomes';
import type { ReadBack, RequestPolicy } from '../delivery/policy';
import { Attempts } from '../delivery/retry';
import type { BodyObject } from '../streaming/json-body';
import { JsonBody, hasDocuments } from '../streaming/json-body';
import { readStreamedReply } from '../streaming/reply-read';
import { readReply } from './api-errors';
import type { ContratPriveContext, RequestName } from './types';
import { CREDENTIAL_TYPE } from './types';
import { resolveBaseUrl } from './urls';

/**
 * The body of one attempt. A body with documents is streamed (streaming/json-body.ts), built afresh per
 * attempt, and not sent to a redirect (following one keeps every byte sent in memory). Any other
 * body is a copy: the credential adds the keys to the body it is given.
 */
function sendable(body: IDataObject): Partial<IHttpRequestOptions> {
	if (!hasDocuments(body)) return { body: { ...body } };
	return {
		body: new JsonBody(body as BodyObject) as unknown as IDataObject,
		headers: { 'content-type': 'application/json' },
		disableFollowRedirect: true,
	};
}

/**
 * Sends one request of the API and returns its reply, under its policy and `options.retry`
 * (no retry when absent: a write whose outcome is unknown is then thrown as it is).
 *
 * Each attempt is one POST of `body` (a copy per attempt) to `<base URL>/<requestName>`, sent on
 * the one line marked below: the place to count every request sent (parallel items each reach it)
 * or to refuse one. A body with documents is streamed, opened afresh per attempt; with
 * `options.streamReply` the reply is read as it arrives. A reply is a JSON object; a failed
 * attempt is an error with its `failure` class.
 */
export async function request<Reply = IDataObject>(
	context: ContratPriveContext,
	requestName: RequestName,
	body: IDataObject,
	policy: RequestPolicy<Reply>,
	options: RequestOptions = {},
): Promise<Reply> {
	const { itemIndex } = options;
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = resolveBaseUrl(credentials);
	if ('problem' in baseUrl) {
		throw new NodeOperationError(context.getNode(), baseUrl.problem, { itemIndex });
	}
	// The API key must never appear in an output or an error.
	const secrets =
		typeof credentials.apiKey === 'string' && credentials.apiKey ? [credentials.apiKey] : [];
	const attempts = new Attempts(context, requestName, options.retry);
	for (;;) {
		// The reserve counts every request here, and refuses one that would spend it (nothing sent).
		options.budget?.take(requestName, itemIndex);
		let error: FailedRequest;
		try {
			// A streamed reply says per attempt where its documents go (a failed attempt keeps none).
			const openContent = options.streamReply?.();
			// Every HTTP request of both nodes is sent here.
			const sent: HttpResponse = await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				{
					method: 'POST',
					url: `${baseUrl.url}/${requestName}`,
					...sendable(body),
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: options.timeout,
					...(openContent ? { encoding: 'stream' as const } : {}),
				},
			);
			const response = openContent
				? await readStreamedReply(
						context,
						requestName,
						sent,
						openContent,
						itemIndex,
						options.timeout,
					)
				: sent;
			const reply =
				response instanceof Error
					? response
					: readReply(context, requestName, response, itemIndex, secrets);
			if (!(reply instanceof Error)) return reply as Reply;
			error = reply;
		} catch (cause) {
			error = networkError(context, requestName, cause, itemIndex, secrets);
		}

		const { failure } = error;
		const reason = `${describeFailure(failure)}: ${error.message}`;
		if (failure.rateLimit && (await attempts.afterRateLimit(failure.rateLimit.retryAfterMs))) {
			continue;
		}
		const safeToResend = policy.kind === 'read' || failure.delivery === 'not-sent';
		if (failure.transient && safeToResend && (await attempts.next(reason))) continue;
		context.logger.debug(`Contrat-Privé: ${requestName} failed (${reason}); not sent again`);
		if (policy.kind === 'read' || !options.retry || failure.delivery !== 'unknown') {
			if (attempts.count > 1) {
				error.description = [error.description, attempts.summary()].filter(Boolean).join(' ');
			}
			throw error;
		}

		// A write whose outcome is unknown.
		const fail = (outcome: Outcome, facts?: OutcomeFacts, tried?: string) =>
			outcomeError(context, error, requestName, itemIndex, outcomeText(outcome, facts), tried);
		if (policy.kind === 'write') throw fail(policy.unconfirmed);
		let found: ReadBack<Reply>;
		try {
			found = await policy.readBack(error);
		} catch (lookupError) {
			throw fail(policy.lookupFailed, { ...policy.facts, lookupError: safeMessage(lookupError) });
		}
		if ('done' in found) return found.done;
		if ('failed' in found) throw fail(found.failed, found.facts);
		if (!(await attempts.next(`${reason}; ${found.notDone}`))) {
			throw fail(found.outcome, found.facts, attempts.count > 1 ? attempts.summary() : undefined);
		}
	}
}
