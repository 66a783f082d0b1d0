/**
 * A scripted OpenAI-compatible chat model on loopback, for n8n's OpenAI Chat Model node.
 *
 * n8n 2.39's node (@n8n/n8n-nodes-langchain.lmChatOpenAi 1.3) builds LangChain's ChatOpenAI with
 * the credential's Base URL; "Use Responses API" is on by default from 1.3, so an agent run posts
 * `POST {baseUrl}/responses` with `stream: false` (no streaming outside a chat trigger).
 * With the option off it posts `{baseUrl}/chat/completions`: both are served here. The model list
 * (`GET {baseUrl}/models`) is what the editor's model picker and credential test call.
 *
 * A script is a list of turns. Each request is answered by the turn after the rounds of tool
 * outputs it carries: a turn sees what the tools returned to the previous one (the tool outputs
 * of the request), may check it, and answers with tool calls or with words.
 * A failed check is recorded and answered in words, so the run ends and the test reports it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A JSON Schema of a tool's parameters, as the model receives it. */
export interface ToolParameters {
	type?: string;
	properties?: Record<string, { type?: string; description?: string }>;
	required?: string[];
}

export interface ToolSchema {
	name: string;
	description: string;
	parameters: ToolParameters;
}

/** A content of a message: a text, or parts of which the text ones count. */
type Content = string | Array<string | { text?: string } | null> | null | undefined;

/** An item of a Responses API request's `input`. */
type ResponsesItem =
	| { type: 'function_call'; call_id: string; name: string; arguments: unknown }
	| { type: 'function_call_output'; call_id: string; output: Content }
	| { type?: 'message'; role: string; content: Content };

/** A request of the Responses API, as far as the script reads it. */
interface ResponsesBody {
	model: string;
	stream?: boolean;
	input: string | ResponsesItem[];
	tools?: Array<{ name: string; description: string; parameters: ToolParameters }>;
}

/** A message of a Chat Completions request. */
type ChatMessage =
	| { role: 'system' | 'developer' | 'user'; content: Content }
	| {
			role: 'assistant';
			content?: Content;
			tool_calls?: Array<{ id: string; function: { name: string; arguments: unknown } }>;
	  }
	| { role: 'tool'; tool_call_id: string; content: Content };

/** A Chat Completions request, as far as the script reads it. */
interface ChatBody {
	model: string;
	stream?: boolean;
	messages?: ChatMessage[];
	tools?: Array<{
		function: { name: string; description: string; parameters: ToolParameters };
	}>;
}

/** The body of a request to the model: its route says which API's. */
export type RequestBody = ResponsesBody | ChatBody;

export interface ToolCall {
	name: string;
	args: Record<string, unknown>;
}

export interface ToolOutput {
	callId: string;
	name: string;
	args: Record<string, unknown>;
	/** What the tool returned, as the model receives it (a JSON text). */
	output: string;
}

/** One request as the model sees it, whatever the API. */
export interface ModelRequest {
	api: 'responses' | 'chat/completions';
	tools: ToolSchema[];
	system: string;
	/** The user's question. */
	question: string;
	/** Tool outputs answering the model's previous turn. */
	toolOutputs: ToolOutput[];
	/** Every tool output of the conversation so far. */
	allToolOutputs: ToolOutput[];
	body: RequestBody;
}

export type Answer = { toolCalls: ToolCall[] } | { text: string };

export type Turn = (request: ModelRequest) => Answer;

export interface Script {
	turns: Turn[];
}

export interface TranscriptEntry {
	request: ModelRequest;
	answer: Answer;
}

export interface ModelServer {
	/** Base URL for the openAiApi credential, e.g. http://127.0.0.1:PORT/v1. */
	baseUrl: string;
	/** Plays a script for the next conversation; clears the records. */
	play(script: Script): void;
	/** Requests and answers of the current script. */
	readonly transcript: readonly TranscriptEntry[];
	/** Raw text of every request received since play(). */
	readonly received: readonly string[];
	/** Failed checks and protocol errors since play(). */
	readonly failures: readonly string[];
	close(): Promise<void>;
}

export const SCRIPTED_MODEL = 'scripted-contrat-prive-model';

export async function startModelServer(port = 0): Promise<ModelServer> {
	let script: Script = { turns: [] };
	let transcript: TranscriptEntry[] = [];
	let received: string[] = [];
	let failures: string[] = [];
	let counter = 0;
	const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${++counter}`;

	const answerFor = (request: ModelRequest, turnIndex: number): Answer => {
		const turn = script.turns[turnIndex];
		if (!turn) {
			const message = `request ${turnIndex + 1} is beyond the script (${script.turns.length} turns)`;
			failures.push(message);
			return { text: `SCRIPT FAILURE: ${message}` };
		}
		try {
			return turn(request);
		} catch (error) {
			const message = `turn ${turnIndex + 1}: ${(error as Error).message}`;
			failures.push(message);
			return { text: `SCRIPT FAILURE: ${message}` };
		}
	};

	const server = http.createServer((req, res) => {
		let raw = '';
		req.setEncoding('utf8');
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			received.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${raw}`);
			const send = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			const path = (req.url ?? '').replace(/\?.*$/, '');
			if (req.method === 'GET' && path.endsWith('/models')) {
				send(200, {
					object: 'list',
					data: [{ id: SCRIPTED_MODEL, object: 'model', created: 0, owned_by: 'test' }],
				});
				return;
			}
			let body: RequestBody;
			try {
				body = JSON.parse(raw) as RequestBody;
			} catch {
				failures.push(`${path}: body is not JSON`);
				send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
				return;
			}
			if (body.stream) {
				failures.push(`${path}: streaming was asked, the script serves only whole answers`);
				send(400, { error: { message: 'streaming not supported', type: 'invalid_request_error' } });
				return;
			}
			if (req.method === 'POST' && path.endsWith('/responses')) {
				const { request, turnIndex } = readResponsesRequest(body as ResponsesBody);
				const answer = answerFor(request, turnIndex);
				transcript.push({ request, answer });
				send(200, responsesAnswer(answer, body.model, nextId));
				return;
			}
			if (req.method === 'POST' && path.endsWith('/chat/completions')) {
				const { request, turnIndex } = readChatRequest(body as ChatBody);
				const answer = answerFor(request, turnIndex);
				transcript.push({ request, answer });
				send(200, chatAnswer(answer, body.model, nextId));
				return;
			}
			failures.push(`unexpected ${req.method} ${path}`);
			send(404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const actualPort = (server.address() as AddressInfo).port;
	return {
		baseUrl: `http://127.0.0.1:${actualPort}/v1`,
		play(next) {
			script = next;
			transcript = [];
			received = [];
			failures = [];
		},
		get transcript() {
			return transcript;
		},
		get received() {
			return received;
		},
		get failures() {
			return failures;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

function textOf(content: Content): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (typeof part === 'string' ? part : (part?.text ?? ''))).join('');
	}
	return '';
}

function parseArgs(text: unknown): Record<string, unknown> {
	if (typeof text !== 'string') return (text as Record<string, unknown>) ?? {};
	try {
		return JSON.parse(text);
	} catch {
		return { unparsed: text };
	}
}

/**
 * Where a conversation stands: the script's turn is the number of rounds of tool outputs after
 * the user's last message (the model's earlier answers are replayed differently across n8n
 * versions: one message per call, with or without a text, so they are not counted).
 */
class Conversation {
	system = '';
	question = '';
	turnIndex = 0;
	lastOutputs: ToolOutput[] = [];
	readonly allOutputs: ToolOutput[] = [];
	private readonly calls = new Map<string, ToolCall>();
	private previousWasOutput = false;

	systemText(text: string): void {
		this.system += text;
		this.previousWasOutput = false;
	}

	userText(text: string): void {
		this.question = text;
		this.turnIndex = 0;
		this.lastOutputs = [];
		this.previousWasOutput = false;
	}

	call(callId: string, call: ToolCall): void {
		this.calls.set(callId, call);
		this.previousWasOutput = false;
	}

	other(): void {
		this.previousWasOutput = false;
	}

	output(callId: string, text: string): void {
		if (!this.previousWasOutput) {
			this.turnIndex++;
			this.lastOutputs = [];
		}
		const call = this.calls.get(callId);
		const output = { callId, name: call?.name ?? '', args: call?.args ?? {}, output: text };
		this.lastOutputs.push(output);
		this.allOutputs.push(output);
		this.previousWasOutput = true;
	}

	request(api: ModelRequest['api'], tools: ToolSchema[], body: RequestBody) {
		return {
			request: {
				api,
				tools,
				system: this.system,
				question: this.question,
				toolOutputs: this.lastOutputs,
				allToolOutputs: this.allOutputs,
				body,
			},
			turnIndex: this.turnIndex,
		};
	}
}

/** Responses API: `input` holds messages, `function_call` and `function_call_output` items. */
function readResponsesRequest(body: ResponsesBody): { request: ModelRequest; turnIndex: number } {
	const input = Array.isArray(body.input) ? body.input : [{ role: 'user', content: body.input }];
	const conversation = new Conversation();
	for (const item of input) {
		if (item.type === 'function_call') {
			conversation.call(item.call_id, { name: item.name, args: parseArgs(item.arguments) });
		} else if (item.type === 'function_call_output') {
			conversation.output(item.call_id, textOf(item.output));
		} else if (item.role === 'system' || item.role === 'developer') {
			conversation.systemText(textOf(item.content));
		} else if (item.role === 'user') {
			conversation.userText(textOf(item.content));
		} else {
			conversation.other();
		}
	}
	const tools: ToolSchema[] = (body.tools ?? []).map((t) => ({
		name: t.name,
		description: t.description,
		parameters: t.parameters,
	}));
	return conversation.request('responses', tools, body);
}

/** Chat Completions: assistant messages with `tool_calls`, then `tool` messages. */
function readChatRequest(body: ChatBody): { request: ModelRequest; turnIndex: number } {
	const conversation = new Conversation();
	for (const message of body.messages ?? []) {
		if (message.role === 'system' || message.role === 'developer') {
			conversation.systemText(textOf(message.content));
		} else if (message.role === 'user') {
			conversation.userText(textOf(message.content));
		} else if (message.role === 'assistant') {
			conversation.other();
			for (const call of message.tool_calls ?? []) {
				conversation.call(call.id, {
					name: call.function.name,
					args: parseArgs(call.function.arguments),
				});
			}
		} else if (message.role === 'tool') {
			conversation.output(message.tool_call_id, textOf(message.content));
		} else {
			conversation.other();
		}
	}
	const tools: ToolSchema[] = (body.tools ?? []).map((t) => ({
		name: t.function?.name,
		description: t.function?.description,
		parameters: t.function?.parameters,
	}));
	return conversation.request('chat/completions', tools, body);
}

function responsesAnswer(answer: Answer, model: string, nextId: (p: string) => string): unknown {
	const output =
		'text' in answer
			? [
					{
						type: 'message',
						id: nextId('msg'),
						role: 'assistant',
						status: 'completed',
						content: [{ type: 'output_text', text: answer.text, annotations: [] }],
					},
				]
			: answer.toolCalls.map((call) => ({
					type: 'function_call',
					id: nextId('fc'),
					call_id: nextId('call'),
					name: call.name,
					arguments: JSON.stringify(call.args),
					status: 'completed',
				}));
	return {
		id: nextId('resp'),
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		model,
		status: 'completed',
		error: null,
		incomplete_details: null,
		output,
		usage: { input_tokens: 10, output_tokens: 10, total_tokens: 20 },
	};
}

function chatAnswer(answer: Answer, model: string, nextId: (p: string) => string): unknown {
	const message =
		'text' in answer
			? { role: 'assistant', content: answer.text }
			: {
					role: 'assistant',
					content: null,
					tool_calls: answer.toolCalls.map((call) => ({
						id: nextId('call'),
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.args) },
					})),
				};
	return {
		id: nextId('chatcmpl'),
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, finish_reason: 'text' in answer ? 'stop' : 'tool_calls' }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}
