/**
 * Reading a reply that n8n's request helper hands over as a stream (`encoding: 'stream'`), and
 * the errors of a reply that breaks off, stalls or is not JSON.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError, sleepWithAbort } from 'n8n-workflow';

import { classify } from './errors';
import type { OpenContent } from './reply-stream';
import { ReplyError, parseJsonReply } from './reply-stream';
import type { ContratPriveContext, RequestName, RequestOptions } from './types';

/** The reply's body as n8n's helper hands it over with `encoding: 'stream'`. */
export interface ReplyBody extends AsyncIterable<unknown> {
	destroy(error?: Error): unknown;
	destroyed?: boolean;
}

/** An error answer is small; more than this is not read. */
const MAX_ERROR_BYTES = 1024 * 1024;

/** A reply stalled for longer than the request's timeout. */
class StalledReply extends Error {
	readonly code = 'ETIMEDOUT';
}

/** `promise`, or a StalledReply when it takes longer than `timeout` ms. */
async function within<T>(promise: Promise<T>, timeout: number): Promise<T> {
	const controller = new AbortController();
	// The promise may still fail once the reply is given up: that is expected, not unhandled.
	promise.catch(() => undefined);
	const stalled = sleepWithAbort(timeout, controller.signal).then(
		() => Promise.reject(new StalledReply(`no data for ${timeout} ms`)),
		() => new Promise<never>(() => undefined),
	);
	try {
		return await Promise.race([promise, stalled]);
	} finally {
		controller.abort();
	}
}

/**
 * The bytes of the reply. When no byte arrives for `timeout` ms it is given up: n8n's helper
 * times a request out until its reply starts, not while a streamed reply arrives.
 */
async function* chunksOf(stream: ReplyBody, timeout: number | undefined): AsyncGenerator<Buffer> {
	const chunks = stream[Symbol.asyncIterator]();
	try {
		for (;;) {
			const next =
				timeout === undefined ? await chunks.next() : await within(chunks.next(), timeout);
			if (next.done) return;
			const chunk = next.value;
			yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
		}
	} finally {
		if (!stream.destroyed) stream.destroy();
	}
}

/** An error answer: its JSON, or its text when it is not JSON (as n8n's helper gives it). */
async function readErrorBody(stream: ReplyBody, timeout: number | undefined): Promise<unknown> {
	const pieces: Buffer[] = [];
	let length = 0;
	for await (const chunk of chunksOf(stream, timeout)) {
		pieces.push(chunk);
		length += chunk.length;
		if (length > MAX_ERROR_BYTES) break;
	}
	const text = Buffer.concat(pieces).toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/**
 * The reply of a request sent with `encoding: 'stream'`: parsed as it arrives, with documents
 * going where `openContent` says; an error answer (no `openContent`) is read whole.
 */
export async function readStreamedReply(
	context: ContratPriveContext,
	requestName: RequestName,
	stream: ReplyBody,
	openContent: OpenContent | undefined,
	options: RequestOptions,
): Promise<unknown> {
	const reading = openContent
		? parseJsonReply(chunksOf(stream, options.timeout), openContent)
		: readErrorBody(stream, options.timeout);
	const read = await reading.then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
	if ('error' in read) throw replyError(context, requestName, read.error, options.itemIndex);
	return read.value;
}

function replyError(
	context: ContratPriveContext,
	requestName: RequestName,
	error: unknown,
	itemIndex: number | undefined,
): Error {
	const kept = 'No document of this reply was kept.';
	let code: string;
	let message: string;
	let description: string;
	if (error instanceof ReplyError && !error.cutOff) {
		code = 'MALFORMED_RESPONSE';
		message = `Contrat-Privé sent a reply to ${requestName} that is not JSON`;
		description = `Its reply could not be read: ${error.message}. ${kept}`;
	} else if (error instanceof StalledReply) {
		code = 'TIMEOUT';
		message = `Contrat-Privé stopped sending its reply to ${requestName}`;
		description = `The reply stalled (${error.message}) before it was complete. ${kept} The timeout is set in the node's options (Timeout).`;
	} else if (error instanceof ReplyError || isConnectionError(error)) {
		code = (error as { code?: string }).code ?? 'REPLY_CUT_OFF';
		message = `Contrat-Privé's reply to ${requestName} broke off before it was complete`;
		description = `The connection closed while the reply was arriving (${(error as Error).message}). ${kept} Check the network, then try again.`;
	} else {
		// Storing a document failed (n8n's binary data): not a fault of the connection.
		return error instanceof Error ? error : new Error(String(error));
	}
	const apiError = new NodeApiError(context.getNode(), { code, requestName } as JsonObject, {
		message,
		description,
		itemIndex,
	});
	apiError.message = message;
	apiError.description = description;
	return classify(apiError, 'unknown', true);
}

/** An error of the socket or of the HTTP stream, as Node names them. */
function isConnectionError(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return (
		(typeof code === 'string' &&
			(/^E[A-Z]+$/.test(code) || code.startsWith('ERR_STREAM') || code === 'ECONNABORTED')) ||
		(error instanceof Error && error.message === 'aborted')
	);
}
