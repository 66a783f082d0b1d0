/**
 * An MCP client as an assistant outside n8n runs it: the official MCP TypeScript SDK's Client
 * over either transport n8n's MCP Server Trigger offers (streamable HTTP, SSE), with a bearer
 * token, and a record of every byte it sent and received.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

export type McpTransportName = 'streamable HTTP' | 'SSE';
export const MCP_TRANSPORTS: McpTransportName[] = ['streamable HTTP', 'SSE'];

export interface McpSession {
	client: Client;
	/** Every request line, header and body sent, and every response header and chunk received. */
	wire: string[];
	close(): Promise<void>;
}

/** Responses that cannot carry a body: passed on as they are. */
const NO_BODY = new Set([101, 204, 205, 304]);

/** fetch, recording both directions into `wire`; response bodies are teed, streams included. */
export function recordingFetch(wire: string[]): FetchLike {
	return async (url, init) => {
		const headers = new Headers(init?.headers);
		const body = typeof init?.body === 'string' ? init.body : '';
		wire.push(`> ${init?.method ?? 'GET'} ${String(url)}\n${headerLines(headers)}\n${body}`);
		const res = await fetch(url, init);
		wire.push(`< ${res.status} ${String(url)}\n${headerLines(res.headers)}`);
		if (!res.body || NO_BODY.has(res.status)) return res;
		const [mine, theirs] = res.body.tee();
		void drain(mine, wire);
		return new Response(theirs, {
			status: res.status,
			statusText: res.statusText,
			headers: res.headers,
		});
	};
}

function headerLines(headers: Headers): string {
	return [...headers].map(([name, value]) => `${name}: ${value}`).join('\n');
}

async function drain(stream: ReadableStream<Uint8Array>, wire: string[]): Promise<void> {
	const decoder = new TextDecoder();
	const reader = stream.getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			wire.push(`< ${decoder.decode(value, { stream: true })}`);
		}
	} catch {
		// The client closed the stream (SSE) or the connection: what came is recorded.
	}
}

/**
 * Connects the SDK's Client to `url` over `transport`, sending `Authorization: Bearer <token>`
 * (no header when token is undefined). Rejects as the SDK does when the server refuses.
 */
export async function connectMcp(
	url: string,
	transport: McpTransportName,
	token: string | undefined,
	wire: string[] = [],
): Promise<McpSession> {
	const headers: Record<string, string> =
		token === undefined ? {} : { Authorization: `Bearer ${token}` };
	const options = { requestInit: { headers }, fetch: recordingFetch(wire) };
	const client = new Client({ name: 'contrat-prive-e2e', version: '1.0.0' });
	await client.connect(
		transport === 'SSE'
			? new SSEClientTransport(new URL(url), options)
			: new StreamableHTTPClientTransport(new URL(url), options),
	);
	return { client, wire, close: () => client.close() };
}

/** The text of a tool result (n8n answers with one text part). */
export function resultText(result: unknown): string {
	const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
	const texts = content.filter((part) => part.type === 'text').map((part) => part.text ?? '');
	if (texts.length !== 1) {
		throw new Error(`expected one text part, got ${JSON.stringify(result).slice(0, 500)}`);
	}
	return texts[0];
}
