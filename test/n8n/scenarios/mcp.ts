/**
 * The MCP example (workflows/mcp-server-for-assistants.json) published in a real n8n, driven by
 * the official MCP TypeScript SDK client (mcp-client.ts) over each transport n8n's MCP Server
 * Trigger offers, against the emulator: the tools a client lists, each tool call and the API
 * requests it costs (counted from the emulator's request log), errors, refusals, two clients at
 * once, and the daily quota. No demo API key may appear in anything a client sent or received.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { SANDBOX_KEYS, SECRETS } from '../../fixtures/accounts';
import { createBody } from '../../emulator/testkit';
import type { WireContract, WireContractSummary, WireReply } from '../../emulator/wire-reply';
import type { Contract, ContractSummary, SmsSent } from '../../helpers/outputs';
import { restoreDailyQuota, useUpDailyQuota } from '../agent/scenarios';
import type { Ctx, Scenario } from '../e2e';
import { EXAMPLES, loadExample, MCP_BEARER_CREDENTIAL, MCP_DEMO_TOKEN } from '../examples';
import type { N8nServer, WorkflowJson } from '../n8n-cli';
import { importCredentials, runN8nOk } from '../n8n-cli';
import type { McpSession, McpTransportName } from './mcp-client';
import { connectMcp, MCP_TRANSPORTS, resultText } from './mcp-client';

const PARIS = 'Europe/Paris';
/** The example on the production credential (another path), for the daily quota. */
const ON_PRODUCTION = { id: 'cpExampleMcpProd', path: 'contrat-prive-production' };
const TOOL_NAMES = ['Contract_status_summary', 'Find_contracts', 'Get_contract', 'Send_SMS_code'];

interface Published {
	server: N8nServer;
	/** The MCP endpoint of the example, and of its copy on the production credential. */
	url: string;
	productionUrl: string;
	/** The example's own texts, which the client must see. */
	example: WorkflowJson;
}

let published: Published | undefined;

/** Imports the bearer credential and the example (and its production copy), publishes both. */
async function publishExample(ctx: Ctx): Promise<Published> {
	const server = await ctx.server();
	if (published?.server === server) return published;
	await importCredentials(ctx.rt, ctx.folder, [MCP_BEARER_CREDENTIAL]);
	const example = loadExample('mcp', ctx.sb.url);
	const file = path.join(ctx.folder.dir, 'mcp-examples.json');
	fs.writeFileSync(
		file,
		JSON.stringify([example, onProduction(example, ctx)].map((w) => ({ ...w, active: false }))),
	);
	try {
		await runN8nOk(ctx.rt, ctx.folder, ['import:workflow', `--input=${file}`], { env: ctx.env });
	} finally {
		fs.rmSync(file, { force: true });
	}
	await server.activateWorkflow(EXAMPLES.mcp.id);
	await server.activateWorkflow(ON_PRODUCTION.id);
	published = {
		server,
		url: `${server.url}/mcp/${EXAMPLES.mcp.mcpPath}`,
		productionUrl: `${server.url}/mcp/${ON_PRODUCTION.path}`,
		example,
	};
	await untilServed(published.url);
	await untilServed(published.productionUrl);
	return published;
}

/** The example with the production credential on every Contrat-Privé node, at its own path. */
function onProduction(example: WorkflowJson, ctx: Ctx): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(example)) as WorkflowJson;
	copy.id = ON_PRODUCTION.id;
	copy.name = `${example.name} (production)`;
	for (const node of copy.nodes) {
		node.id = `${node.id}-prod`;
		if (node.credentials?.contratPriveApi) {
			node.credentials.contratPriveApi = {
				id: ctx.creds.production.id,
				name: ctx.creds.production.name,
			};
		}
		if (node.type === '@n8n/n8n-nodes-langchain.mcpTrigger') {
			node.parameters.path = ON_PRODUCTION.path;
			node.webhookId = `${node.webhookId}-prod`;
		}
		if (node.type === '@n8n/n8n-nodes-langchain.toolWorkflow') {
			node.parameters.workflowId = {
				...(node.parameters.workflowId as IDataObject),
				value: ON_PRODUCTION.id,
			};
		}
	}
	return copy;
}

/** Some n8n versions register a published workflow's webhooks a moment after answering. */
async function untilServed(url: string): Promise<void> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const res = await fetch(url, { method: 'POST' });
		await res.arrayBuffer();
		if (res.status !== 404) return;
		if (Date.now() > deadline) throw new Error(`${url} still answers 404`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

// ------------------------------------------------------------------ emulator side

/** API requests since the last reset, by request name and status: `contractListRequest 200`. */
function requestsMade(ctx: Ctx): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of ctx.sb.requests) {
		const key = `${r.requestName} ${r.status}`;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

async function sandboxApi(ctx: Ctx, requestName: string, body: object): Promise<WireReply> {
	const res = await fetch(`${ctx.sb.baseUrls.sandbox}/${requestName}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...SANDBOX_KEYS, ...body }),
	});
	const text = await res.text();
	assert.equal(res.status, 200, `${requestName}: ${text}`);
	return JSON.parse(text) as WireReply;
}

/** A sent contract with one signatory, Paul Dupont, whose deadline is `days` from today. */
async function createContract(ctx: Ctx, reference: string, days: number): Promise<WireContract> {
	const deadline = DateTime.now().setZone(PARIS).plus({ days }).toISODate();
	const { contract } = await sandboxApi(
		ctx,
		'contractCreateRequest',
		createBody({
			contract: { label: 'Lease - 12 rue des Lilas, Lyon', reference, deadline },
			signatories: [
				{
					firstName: 'Paul',
					lastName: 'Dupont',
					email: 'paul.dupont@example.com',
					phone: '+33612345678',
				},
			],
		}),
	);
	return contract;
}

let seeded = false;

/**
 * Enough contracts that the summary's listing takes several pages: 150 pending, 3 signed today,
 * 2 signed six weeks ago (not this week).
 */
function seedContracts(ctx: Ctx): void {
	if (seeded) return;
	const owner = { platform: 'sandbox' as const, apiUser: SANDBOX_KEYS.apiUser };
	ctx.sb.seed({ ...owner, count: 150, status: 'pending', label: 'MCP pending' });
	ctx.sb.seed({ ...owner, count: 3, status: 'signed', label: 'MCP signed now' });
	const longAgo = DateTime.now().minus({ weeks: 6 }).toISO() as string;
	ctx.sb.seed({ ...owner, count: 2, status: 'signed', createdFrom: longAgo, label: 'MCP old' });
	seeded = true;
}

interface Figures {
	pending: number;
	signedThisWeek: number;
	expiringInNext7Days: number;
	/** Pending and signed contracts: what the summary's listing pages through. */
	listed: number;
}

/** The summary's figures, from the emulator's contracts listed here (before the call). */
async function expectedFigures(ctx: Ctx): Promise<Figures> {
	const contracts: WireContractSummary[] = [];
	for (let offset = 0; ; offset += 100) {
		const page = await sandboxApi(ctx, 'contractListRequest', {
			filter: { status: ['pending', 'signed'] },
			offset,
			limit: 100,
		});
		contracts.push(...page.contracts);
		if (offset + 100 >= page.total) break;
	}
	const now = DateTime.now().setZone(PARIS);
	const monday = now.startOf('week').toMillis();
	const lastDay = now.plus({ days: 7 }).toISODate() as string;
	const today = now.toISODate() as string;
	const pending = contracts.filter((c) => c.status === 'pending');
	return {
		pending: pending.length,
		signedThisWeek: contracts.filter(
			(c) => c.status === 'signed' && Date.parse(c.updatedAt) >= monday,
		).length,
		expiringInNext7Days: pending.filter((c) => c.deadline >= today && c.deadline <= lastDay).length,
		listed: contracts.length,
	};
}

// ------------------------------------------------------------------ client side

/** What each tool call cost, for the README's table (printed at the end of each scenario). */
interface Cost {
	call: string;
	requests: Record<string, number>;
}

/** Calls a tool with the emulator's request log emptied first; records what the call cost. */
async function callTool(
	ctx: Ctx,
	session: McpSession,
	costs: Cost[],
	name: string,
	args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string }> {
	ctx.sb.resetRequestLog();
	const result = await session.client.callTool({ name, arguments: args });
	costs.push({ call: `${name}(${JSON.stringify(args)})`, requests: requestsMade(ctx) });
	return { isError: result.isError === true, text: resultText(result) };
}

function printCosts(title: string, costs: Cost[]): void {
	const lines = costs.map(({ call, requests }) => {
		const total = Object.values(requests).reduce((a, b) => a + b, 0);
		const detail = Object.entries(requests)
			.map(([what, n]) => `${n} × ${what}`)
			.join(', ');
		return `    ${call}: ${total} API request(s)${detail ? ` (${detail})` : ''}`;
	});
	console.log(`  ${title}:\n${lines.join('\n')}`);
}

/** No demo API key in anything the client sent or received; and the record is not empty. */
function assertNoKeyOnTheWire(wire: string[], mustContain: string): void {
	const all = wire.join('\n');
	assert.ok(all.includes(mustContain), `the record of the MCP messages holds ${mustContain}`);
	for (const secret of SECRETS) {
		assert.ok(!all.includes(secret), 'a Contrat-Privé API key was in an MCP message');
	}
}

/** A tool's answer, as `T`: the items of the node the tool runs. */
function parsed<T>(call: { isError: boolean; text: string }, tool: string): T {
	assert.equal(call.isError, false, `${tool} answered an error: ${call.text}`);
	return JSON.parse(call.text) as T;
}

/** What the example's "Contract status summary" sub-workflow outputs. */
interface StatusSummary {
	pending: number;
	signedThisWeek: number;
	expiringInNext7Days: number;
	expiring: Array<{ reference: string | null }>;
}

/** The workflow tool answers with the sub-workflow's items: the summary is one item. */
function onlyItem(items: unknown): StatusSummary {
	assert.ok(Array.isArray(items) && items.length === 1, `one item: ${JSON.stringify(items)}`);
	return items[0] as StatusSummary;
}

/** An MCP tool's input schema (JSON Schema of an object). */
interface InputSchema {
	type: string;
	properties?: Record<string, { type?: string; description?: string }>;
	required?: string[];
}

/** A tool's answer is small and holds no document contents or audit log. */
function assertCompact(text: string, tool: string): void {
	assert.ok(text.length < 4000, `${tool} returned ${text.length} characters`);
	assert.doesNotMatch(text, /[A-Za-z0-9+/]{200,}/, `${tool}: no base64 document contents`);
	assert.doesNotMatch(text, /"log"\s*:/, `${tool}: no audit log`);
}

/** Names, descriptions and input schemas, as the example defines them. */
function assertTools(
	tools: Array<{ name: string; description?: string; inputSchema: InputSchema }>,
	example: WorkflowJson,
): void {
	assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_NAMES);
	const byName = new Map(tools.map((t) => [t.name, t]));
	const node = (name: string) => example.nodes.find((n) => n.name === name)!;
	for (const name of ['Find contracts', 'Get contract', 'Send SMS code']) {
		const tool = byName.get(name.replace(/ /g, '_'))!;
		assert.equal(tool.description, node(name).parameters.toolDescription, `${name}: description`);
	}
	const summary = byName.get('Contract_status_summary')!;
	assert.equal(summary.description, node('Contract status summary').parameters.description);

	const expected: Record<string, string[]> = {
		Find_contracts: ['reference'],
		Get_contract: ['contractId'],
		Send_SMS_code: ['contractId', 'signatoryId'],
	};
	for (const [name, keys] of Object.entries(expected)) {
		const schema = byName.get(name)!.inputSchema;
		assert.equal(schema.type, 'object', `${name}: an object schema`);
		assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), keys, `${name}: its inputs`);
		assert.deepEqual([...(schema.required ?? [])].sort(), keys, `${name}: all required`);
		for (const key of keys) {
			const property = schema.properties![key];
			assert.equal(property.type, 'string', `${name}.${key} is a string`);
			assert.ok(String(property.description ?? '').length > 10, `${name}.${key} is described`);
		}
	}
	assert.match(
		byName.get('Get_contract')!.inputSchema.properties!.contractId.description!,
		/Find contracts/,
	);
	// The summary takes nothing it needs: nothing is required.
	const summarySchema = summary.inputSchema;
	assert.equal(summarySchema.type, 'object');
	assert.deepEqual(summarySchema.required ?? [], [], 'the summary needs no input');
}

// ------------------------------------------------------------------ scenarios

function uniqueReference(prefix: string): string {
	return `${prefix}-${Date.now().toString(36).toUpperCase()}`;
}

const UNKNOWN_CONTRACT = 'ctr_doesnotexist0001';

async function toolsOverTransport(ctx: Ctx, transport: McpTransportName): Promise<void> {
	const { url, example } = await publishExample(ctx);
	seedContracts(ctx);
	const reference = uniqueReference(transport === 'SSE' ? 'MCP-SSE' : 'MCP-HTTP');
	// Its deadline in 3 days: one of the contracts expiring in the next 7 days.
	const contract = await createContract(ctx, reference, 3);
	const costs: Cost[] = [];
	const wire: string[] = [];
	const session = await connectMcp(url, transport, MCP_DEMO_TOKEN, wire);
	try {
		const { tools } = await session.client.listTools();
		assertTools(tools, example);
		const instructions = session.client.getInstructions() ?? '';
		assert.match(instructions, /cannot cancel or sign/, 'the server instructions');

		const found = await callTool(ctx, session, costs, 'Find_contracts', { reference });
		assertCompact(found.text, 'Find_contracts');
		const list = parsed<ContractSummary[]>(found, 'Find_contracts');
		assert.equal(list.length, 1, `one contract has reference ${reference}: ${found.text}`);
		assert.equal(list[0].id, contract.id);
		const signatoryId: string = list[0].signatories[0].id;
		assert.deepEqual(requestsMade(ctx), { 'contractListRequest 200': 1 });

		const got = await callTool(ctx, session, costs, 'Get_contract', { contractId: contract.id });
		assertCompact(got.text, 'Get_contract');
		const [detail] = parsed<Contract[]>(got, 'Get_contract');
		assert.equal(detail.reference, reference);
		assert.equal(detail.status, 'pending');
		assert.equal(detail.signatories[0].lastName, 'Dupont');
		assert.deepEqual(requestsMade(ctx), { 'contractDetailRequest 200': 1 });

		const sent = await callTool(ctx, session, costs, 'Send_SMS_code', {
			contractId: contract.id,
			signatoryId,
		});
		const [sms] = parsed<SmsSent[]>(sent, 'Send_SMS_code');
		assert.deepEqual(
			{ ...sms, remainingSms: undefined },
			{
				contractId: contract.id,
				signatoryId,
				sent: true,
				remainingSms: undefined,
			},
		);
		assert.deepEqual(requestsMade(ctx), { 'signatorySendSmsRequest 200': 1 });
		await assertSmsLogged(ctx, contract.id);

		const want = await expectedFigures(ctx);
		const summaryCall = await callTool(ctx, session, costs, 'Contract_status_summary', {});
		const summary = onlyItem(parsed<unknown>(summaryCall, 'Contract_status_summary'));
		assert.deepEqual(
			{
				pending: summary.pending,
				signedThisWeek: summary.signedThisWeek,
				expiringInNext7Days: summary.expiringInNext7Days,
			},
			{
				pending: want.pending,
				signedThisWeek: want.signedThisWeek,
				expiringInNext7Days: want.expiringInNext7Days,
			},
			`the summary counts what the emulator holds: ${summaryCall.text}`,
		);
		assert.ok(want.signedThisWeek >= 3 && want.pending >= 151, 'the seeded contracts count');
		assert.ok(
			summary.expiring.some((c) => c.reference === reference),
			`${reference} is among the contracts expiring soon`,
		);
		assertCompact(summaryCall.text, 'Contract_status_summary');
		// One paged listing: 100 contracts a page, whatever their number; nothing per contract.
		assert.deepEqual(requestsMade(ctx), {
			'contractListRequest 200': Math.ceil(want.listed / 100),
		});

		const unknown = await callTool(ctx, session, costs, 'Get_contract', {
			contractId: UNKNOWN_CONTRACT,
		});
		assert.equal(unknown.isError, true, `an MCP tool error: ${unknown.text}`);
		assert.match(unknown.text, /Contract not found/, 'the message');
		assert.match(unknown.text, /The ID may be wrong, or the contract belongs to another owner/);
		assert.doesNotMatch(unknown.text, /\n\s+at |\.js:\d+/, 'no stack trace');
		assert.deepEqual(requestsMade(ctx), { 'contractDetailRequest 404': 1 });

		// The server keeps serving the same session.
		const again = await callTool(ctx, session, costs, 'Find_contracts', { reference });
		assert.equal(parsed<ContractSummary[]>(again, 'Find_contracts')[0].id, contract.id);
	} finally {
		await session.close();
	}
	printCosts(`API requests per tool call (${transport})`, costs);
	assertNoKeyOnTheWire(wire, reference);
}

/** The emulator's audit log of the contract has the (sandbox) SMS. */
async function assertSmsLogged(ctx: Ctx, contractId: string): Promise<void> {
	const res = await fetch(`${ctx.sb.url}/_control/contracts/${contractId}`);
	const view = (await res.json()) as WireReply;
	const text = JSON.stringify(view);
	assert.match(text, /sms_sent/, `the emulator logged the SMS: ${text.slice(0, 300)}`);
}

export const mcpScenarios: Scenario[] = [
	...MCP_TRANSPORTS.map(
		(transport): Scenario => ({
			name: `mcp (${transport}): list tools, find, get, send the SMS code, status summary, unknown contract`,
			run: (ctx) => toolsOverTransport(ctx, transport),
		}),
	),
	{
		name: 'mcp: a wrong or missing bearer token is refused, and no API request is made',
		async run(ctx) {
			const { url } = await publishExample(ctx);
			for (const transport of MCP_TRANSPORTS) {
				for (const token of [undefined, 'not-the-token', `${MCP_DEMO_TOKEN}x`]) {
					ctx.sb.resetRequestLog();
					await assert.rejects(
						connectMcp(url, transport, token),
						/403|Forbidden|Authorization/,
						`${transport}, token ${token ?? '(none)'}: refused`,
					);
					assert.equal(ctx.sb.requests.length, 0, 'no API request');
				}
			}
			// A tool call on an open session, with the session's id but a wrong token.
			const session = await connectMcp(url, 'streamable HTTP', MCP_DEMO_TOKEN);
			try {
				const transport = session.client.transport as { sessionId?: string } | undefined;
				assert.ok(transport?.sessionId, 'the session has an id');
				ctx.sb.resetRequestLog();
				const res = await fetch(url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						accept: 'application/json, text/event-stream',
						'mcp-session-id': transport.sessionId,
						authorization: 'Bearer not-the-token',
					},
					body: JSON.stringify({
						jsonrpc: '2.0',
						id: 99,
						method: 'tools/call',
						params: { name: 'Contract_status_summary', arguments: {} },
					}),
				});
				const body = await res.text();
				assert.equal(res.status, 403, body);
				assert.equal(ctx.sb.requests.length, 0, 'no API request');
			} finally {
				await session.close();
			}
		},
	},
	{
		name: 'mcp: two clients calling at once (streamable HTTP and SSE)',
		async run(ctx) {
			const { url } = await publishExample(ctx);
			seedContracts(ctx);
			const refs = [uniqueReference('MCP-A'), uniqueReference('MCP-B')];
			const contracts = await Promise.all(refs.map((r) => createContract(ctx, r, 20)));
			const sessions = await Promise.all(
				MCP_TRANSPORTS.map((transport) => connectMcp(url, transport, MCP_DEMO_TOKEN)),
			);
			try {
				ctx.sb.resetRequestLog();
				const found = await Promise.all(
					sessions.map((s, i) =>
						s.client.callTool({ name: 'Find_contracts', arguments: { reference: refs[i] } }),
					),
				);
				found.forEach((result, i) => {
					const [contract] = JSON.parse(resultText(result));
					assert.equal(contract.id, contracts[i].id, `client ${i + 1} got its own contract`);
				});
				assert.deepEqual(requestsMade(ctx), { 'contractListRequest 200': 2 });

				const want = await expectedFigures(ctx);
				ctx.sb.resetRequestLog();
				const summaries = await Promise.all(
					sessions.map((s) =>
						s.client.callTool({ name: 'Contract_status_summary', arguments: {} }),
					),
				);
				for (const result of summaries) {
					assert.notEqual(result.isError, true, resultText(result));
					const summary = onlyItem(JSON.parse(resultText(result)));
					assert.equal(summary.pending, want.pending);
					assert.equal(summary.signedThisWeek, want.signedThisWeek);
				}
				const pages = Math.ceil(want.listed / 100);
				assert.deepEqual(requestsMade(ctx), { 'contractListRequest 200': 2 * pages });
				console.log(
					`  two clients at once: 2 × Find contracts = 2 requests, 2 × summary = ${2 * pages} requests (${pages} page(s) each)`,
				);
			} finally {
				await Promise.all(sessions.map((s) => s.close()));
			}
		},
	},
	{
		name: 'mcp: a tool call while the daily quota is spent (production credential)',
		async run(ctx) {
			const { productionUrl } = await publishExample(ctx);
			await useUpDailyQuota(ctx);
			const costs: Cost[] = [];
			const wire: string[] = [];
			const session = await connectMcp(productionUrl, 'streamable HTTP', MCP_DEMO_TOKEN, wire);
			try {
				const find = await callTool(ctx, session, costs, 'Find_contracts', {
					reference: 'LEASE-QUOTA',
				});
				assert.equal(find.isError, true, `an MCP tool error: ${find.text}`);
				assert.match(find.text, /quota/i);
				assert.match(find.text, /resets at midnight, Paris time \(20\d\d-/, 'when it resets');
				assert.deepEqual(requestsMade(ctx), { 'contractListRequest 429': 1 });

				const summary = await callTool(ctx, session, costs, 'Contract_status_summary', {});
				assert.equal(summary.isError, true, `an MCP tool error: ${summary.text}`);
				assert.match(summary.text, /quota/i);
				assert.match(summary.text, /resets at midnight, Paris time \(20\d\d-/, 'when it resets');
				assert.deepEqual(requestsMade(ctx), { 'contractListRequest 429': 1 });
				console.log(`  the client reads: ${find.text}\n  and: ${summary.text}`);
			} finally {
				await session.close();
				await restoreDailyQuota(ctx);
			}
			printCosts('API requests per tool call, quota spent', costs);
			assertNoKeyOnTheWire(wire, 'LEASE-QUOTA');
		},
	},
];
