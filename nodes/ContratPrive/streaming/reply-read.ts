/**
 * Reading a reply that n8n's request helper hands over as a stream (`encoding: 'stream'`), and
 * the errors of a reply that breaks off, stalls or is not JSON.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import type { FailedRequest, HttpResponse } from '../delivery/failure';
import type { ContratPriveContext } from '../delivery/options';
import { releaseChunk } from './chunk-release';
import type { OpenContent } from './reply-stream';
import { ReplyError, parseJsonReply } from './reply-stream';

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

/**
 * The bytes of the reply. When no byte arrives for `timeout` ms it is given up: n8n's helper
 * times a request out until its reply starts, not while a streamed reply arrives. The watch
 * wakes at most once a second (n8n's `sleep`: its cancellable sleep is not in every n8n).
 */
async function* chunksOf(stream: ReplyBody, timeout: number | undefined): AsyncGenerator<Buffer> {
	let last = Date.now();
	let done = false;
	let stalled: StalledReply | undefined;
	const watch = async (limit: number) => {
		while (!done) {
			await sleep(Math.min(limit, 1000));
			if (!done && Date.now() - last > limit) {
				stalled = new StalledReply(`no data for ${limit} ms`);
				stream.destroy(stalled);
				return;
			}
		}
	};
	if (timeout !== undefined) void watch(timeout);
	const chunks = stream[Symbol.asyncIterator]();
	try {
		for (;;) {
			// A stream that fails after no data for the whole timeout stalled, whoever closed it
			// (this watch, or the socket's own timeout): it is reported as such.
			const idleFor = (limit: number) => Date.now() - last >= limit;
			const next = await chunks.next().then(
				(result) => result,
				(error: unknown) => ({
					failed:
						stalled ??
						(timeout !== undefined && idleFor(timeout)
							? new StalledReply(`no data for ${timeout} ms`)
							: error),
				}),
			);
			if ('failed' in next) throw next.failed;
			if (next.done) return;
			last = Date.now();
			const chunk = next.value;
			yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
			// Time spent storing what was read is not the reply stalling.
			last = Date.now();
		}
	} finally {
		done = true;
		if (!stream.destroyed) stream.destroy();
	}
}

/**
 * The reply's chunks, each released (its memory given back at once, see chunk-release.ts) when
 * the parser asks for the next: the parser keeps nothing of a chunk it has read, and nothing but
 * this reader holds the reply's chunks.
 */
async function* releasedOnceParsed(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
	for await (const chunk of chunks) {
		yield chunk;
		releaseChunk(chunk);
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
 * The reply of a request sent with `encoding: 'stream'`, with its body read: a 2xx parsed as it
 * arrives, documents going where `openContent` says; an error answer read whole. A reply that
 * breaks off, stalls for `timeout` ms or is not JSON is a failure whose outcome is unknown.
 */
export async function readStreamedReply(
	context: ContratPriveContext,
	requestName: string,
	response: HttpResponse,
	openContent: OpenContent,
	itemIndex: number | undefined,
	timeout: number | undefined,
): Promise<HttpResponse | FailedRequest> {
	const stream = response.body as ReplyBody;
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	const reading = ok
		? parseJsonReply(releasedOnceParsed(chunksOf(stream, timeout)), openContent)
		: readErrorBody(stream, timeout);
	const read = await reading.then(
		(body) => ({ body }),
		(error: unknown) => ({ error }),
	);
	if ('error' in read) return replyError(context, requestName, read.error, itemIndex);
	return { ...response, body: read.body };
}

function replyError(
	context: ContratPriveContext,
	requestName: string,
	error: unknown,
	itemIndex: number | undefined,
): FailedRequest {
	const kept = 'No document of this reply was kept.';
	let code: string;
	let message: string;
	let description: string;
	let final = false;
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
		// Storing a document in n8n's binary data failed: trying again will not help.
		code = 'DOCUMENT_NOT_STORED';
		message = `A document of Contrat-Privé's reply to ${requestName} could not be stored`;
		description = `n8n could not store it in its binary data (${String((error as Error)?.message ?? error)}). ${kept}`;
		final = true;
	}
	const apiError = new NodeApiError(context.getNode(), { code, requestName } as JsonObject, {
		message,
		description,
		itemIndex,
	});
	apiError.message = message;
	apiError.description = description;
	return Object.assign(apiError, { failure: { delivery: 'unknown' as const, transient: !final } });
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
