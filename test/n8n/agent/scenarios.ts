/**
 * The Contrat-Privé node as an AI Agent tool in a real n8n: an AI Agent with an OpenAI Chat
 * Model whose credential points at a scripted model server of ours (model-server.ts), and
 * Contrat-Privé Tool nodes, over the emulator. Each scenario runs one workflow with `n8n execute`
 * (Manual Trigger → Download PDF → Create, when a contract is needed → AI Agent): the script
 * calls the tools as a model would, checks what they returned, and answers in words.
 */
import * as assert from 'node:assert/strict';

import type { IRun } from 'n8n-workflow';

import { DEMO_ACCOUNTS } from '../../emulator';
import type { Contract, ContractSummary, SmsSent } from '../../helpers/outputs';
import type { Ctx, Scenario } from '../e2e';
import type { CredentialImport } from '../n8n-cli';
import { exportNodes, freePort, importCredentials, importWorkflow, nodeOutput } from '../n8n-cli';
import { EXAMPLES, loadExample } from '../examples';
import { createBody } from '../../emulator/testkit';
import type { WfNode } from '../workflows';
import { contratPrive, httpDownload, manualTrigger } from '../workflows';
import type { Answer, ModelRequest, ModelServer, Script, ToolOutput } from './model-server';
import { startModelServer } from './model-server';
import type { AiNodeVersions } from './workflow';
import {
	AGENT_NAME,
	AGENT_TYPE,
	agentWorkflow,
	CHAT_MODEL_TYPE,
	chatModelApi,
	TOOLS,
} from './workflow';
import { SANDBOX_KEYS, SECRETS } from '../../fixtures/accounts';

/** What the chat model credential holds: our server's URL and a key of its own. */
export const CHAT_MODEL_API_KEY = 'sk-scripted-model-not-a-real-key';

type Ref = { id: string; name: string };

/** The model server listens on one port for the whole suite: the credential names it. */
let modelPort: number | undefined;
let chatModelCredential: Ref | undefined;

async function chatModel(ctx: Ctx): Promise<Ref> {
	modelPort ??= await freePort();
	if (!chatModelCredential) {
		const credential: CredentialImport = {
			id: 'scriptedModel0001',
			name: 'Scripted chat model (local)',
			type: 'openAiApi',
			data: { apiKey: CHAT_MODEL_API_KEY, url: `http://127.0.0.1:${modelPort}/v1` },
		};
		await importCredentials(ctx.rt, ctx.folder, [credential]);
		chatModelCredential = { id: credential.id, name: credential.name };
	}
	return chatModelCredential;
}

let aiNodeVersions: AiNodeVersions | undefined;

/** The latest AI Agent and OpenAI Chat Model versions of the n8n under test (export:nodes). */
async function latestAiNodes(ctx: Ctx): Promise<AiNodeVersions> {
	if (!aiNodeVersions) {
		const nodes = await exportNodes(ctx.rt, ctx.folder);
		const latest = (type: string) => {
			const versions = nodes
				.filter((node) => node.name === type)
				.flatMap((node) => (Array.isArray(node.version) ? node.version : [node.version]));
			assert.ok(versions.length > 0, `n8n ${ctx.rt.version} has ${type}`);
			return Math.max(...versions);
		};
		aiNodeVersions = { agent: latest(AGENT_TYPE), chatModel: latest(CHAT_MODEL_TYPE) };
	}
	return aiNodeVersions;
}

export interface AgentRun {
	answer: string;
	transcript: string;
	toolOutputs: ToolOutput[];
	run: IRun | undefined;
}

/**
 * Runs a question through the agent with the given tools and script: the model server is
 * started for the run and stopped after. Checks the run went to its end, the script found
 * what it expected, and no API key reached the model.
 */
async function askAgent(
	ctx: Ctx,
	options: {
		id: string;
		question: string;
		tools: Array<(credential: Ref) => WfNode>;
		credential: Ref;
		script: Script;
		/** A contract with this reference is created before the agent runs. */
		reference?: string;
		responsesApi?: boolean;
	},
): Promise<AgentRun> {
	const modelCredential = await chatModel(ctx);
	const versions = await latestAiNodes(ctx);
	const server = await startModelServer(modelPort);
	try {
		server.play(options.script);
		const workflow = agentWorkflow({
			id: options.id,
			name: `E2E agent ${options.id}`,
			before: [
				manualTrigger(),
				...(options.reference === undefined
					? []
					: [
							httpDownload('Download PDF', ctx.pdfUrl),
							contratPrive(
								'Create',
								{
									resource: 'contract',
									operation: 'create',
									label: 'Lease - 12 rue des Lilas, Lyon',
									language: 'en',
									deadline: `${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}T00:00:00`,
									binaryPropertyName: 'data',
									signatoriesInput: 'fields',
									signatories: {
										signatory: [
											{
												firstName: 'Paul',
												lastName: 'Dupont',
												email: 'paul.dupont@example.com',
												phone: '06 12 34 56 78',
												deposit: 0,
											},
										],
									},
									action: 'send',
									additionalFields: { reference: options.reference },
								},
								options.credential,
							),
						]),
			],
			question: options.question,
			tools: options.tools.map((tool) => tool(options.credential)),
			chatModelCredential: modelCredential,
			responsesApi: options.responsesApi,
			versions,
		});
		const res = await ctx.execute(workflow);
		const transcript = formatTranscript(server);
		console.log(transcript);
		assert.deepEqual(server.failures, [], 'the script found what it expected');
		if (!res.ok) {
			throw new Error(
				`the agent run failed (exit ${res.code ?? res.signal}): ${JSON.stringify(res.error ?? null)}\n${res.run ? '' : res.stdout + res.stderr}`,
			);
		}
		assertNothingSecret(server);
		const api = chatModelApi(versions, options.responsesApi);
		for (const entry of server.transcript) assert.equal(entry.request.api, api);
		const [output] = nodeOutput(res.run, AGENT_NAME);
		const toolOutputs = server.transcript.flatMap((entry) => entry.request.toolOutputs);
		return { answer: String(output.output), transcript, toolOutputs, run: res.run };
	} finally {
		await server.close();
	}
}

/** No API key of Contrat-Privé in anything the model received (the tool outputs included). */
function assertNothingSecret(server: ModelServer): void {
	assert.ok(server.received.length > 0, 'the model server was called');
	for (const text of server.received) {
		for (const secret of SECRETS) {
			assert.ok(!text.includes(secret), 'a Contrat-Privé API key reached the chat model');
		}
	}
}

function formatTranscript(server: ModelServer): string {
	const lines: string[] = [];
	const first = server.transcript[0]?.request;
	lines.push(`  question: ${first?.question ?? '(no request)'}`);
	for (const { request, answer } of server.transcript) {
		for (const output of request.toolOutputs) {
			lines.push(`  tool ${output.name} returned: ${clip(output.output)}`);
		}
		if ('text' in answer) lines.push(`  answer: ${answer.text}`);
		else {
			for (const call of answer.toolCalls) {
				lines.push(`  tool call: ${call.name}(${JSON.stringify(call.args)})`);
			}
		}
	}
	return lines.join('\n');
}

function clip(text: string, max = 400): string {
	return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

// ------------------------------------------------------------------ script helpers

function toolNamed(request: ModelRequest, name: string): void {
	const names = request.tools.map((tool) => tool.name);
	assert.ok(names.includes(name), `the model is offered ${name} (offered: ${names.join(', ')})`);
}

function call(name: string, args: Record<string, unknown>) {
	return (request: ModelRequest): Answer => {
		toolNamed(request, name);
		return { toolCalls: [{ name, args }] };
	};
}

/** Sends the SMS code to the first signatory of the contract Find contracts returned. */
function sendSmsToFoundContract(reference: string) {
	return (request: ModelRequest): Answer => {
		const contract = onlyContract(request, reference);
		const args = { contractId: contract.id, signatoryId: contract.signatories[0].id };
		return { toolCalls: [{ name: 'Send_SMS_code', args }] };
	};
}

/** Answers `text` once Send SMS code reported the code sent. */
function answerOnceSent(text: string) {
	return (request: ModelRequest): Answer => {
		const [sent] = lastOutput<SmsSent[]>(request, 'Send_SMS_code');
		assert.equal(sent.sent, true);
		return { text };
	};
}

/** The single output of the previous turn's tool, parsed (n8n sends the items' json). */
function lastOutput<T>(request: ModelRequest, tool: string): T {
	assert.equal(request.toolOutputs.length, 1, 'one tool output');
	const [output] = request.toolOutputs;
	assert.equal(output.name, tool);
	return JSON.parse(output.output) as T;
}

/** A tool's output when the node failed (Continue On Fail): its message and description. */
type ErrorItem = { error?: string; description: string };

/** Checks a tool's output is compact: no document contents, no audit log, small. */
function assertCompact(output: ToolOutput): void {
	assert.ok(output.output.length < 4000, `${output.name} returned ${output.output.length} chars`);
	assert.doesNotMatch(output.output, /[A-Za-z0-9+/]{200,}/, 'no base64 in a tool output');
	assert.doesNotMatch(output.output, /"log"\s*:/, 'no audit log in a tool output');
}

/** An error a model can act on: a sentence, no stack, not empty. */
function assertActionableError(request: ModelRequest, tool: string, pattern: RegExp): string {
	const parsed = lastOutput<ErrorItem | ErrorItem[] | null>(request, tool);
	const error = Array.isArray(parsed) ? parsed[0]?.error : parsed?.error;
	assert.equal(typeof error, 'string', `${tool} returned an error text: ${JSON.stringify(parsed)}`);
	assert.match(error!, pattern);
	assert.doesNotMatch(request.toolOutputs[0].output, /\n\s+at |\.js:\d+/, 'no stack trace');
	return error!;
}

function uniqueReference(prefix: string): string {
	return `${prefix}-${Date.now().toString(36).toUpperCase()}`;
}

/** The contract of a reference, from Find contracts' output. */
function onlyContract(request: ModelRequest, reference: string): ContractSummary {
	const contracts = lastOutput<ContractSummary[]>(request, 'Find_contracts');
	assertCompact(request.toolOutputs[0]);
	assert.ok(Array.isArray(contracts), 'Find contracts returns a list');
	assert.equal(contracts.length, 1, `one contract has reference ${reference}`);
	assert.equal(contracts[0].reference, reference);
	return contracts[0];
}

// ------------------------------------------------------------------ scenarios

export const agentScenarios: Scenario[] = [
	{
		name: 'agent: status question (Find contracts by reference, then Get contract)',
		async run(ctx) {
			const reference = uniqueReference('LEASE');
			let status = '';
			const { answer } = await askAgent(ctx, {
				id: 'e2eAgentStatus',
				question: `Has Dupont signed the lease ${reference}?`,
				tools: [TOOLS.findContracts, TOOLS.getContract, TOOLS.sendSmsCode],
				credential: ctx.creds.sandbox,
				reference,
				script: {
					turns: [
						call('Find_contracts', { reference }),
						(request) => {
							const contract = onlyContract(request, reference);
							return { toolCalls: [{ name: 'Get_contract', args: { contractId: contract.id } }] };
						},
						(request) => {
							// Get, by default: no document contents, no audit log.
							assertCompact(request.toolOutputs[0]);
							const [contract] = lastOutput<Contract[]>(request, 'Get_contract');
							assert.equal(contract.reference, reference);
							status = contract.status;
							const dupont = contract.signatories.find((s) => s.lastName === 'Dupont');
							assert.ok(dupont, 'Dupont is a signatory');
							return {
								text: `The lease ${reference} is ${contract.status}: Paul Dupont's signature is ${dupont.status}.`,
							};
						},
					],
				},
			});
			assert.equal(status, 'pending');
			assert.match(answer, new RegExp(`${reference} is pending`));
		},
	},
	{
		name: 'agent: resend the code (Send SMS Code)',
		async run(ctx) {
			const reference = uniqueReference('LEASE');
			const { answer } = await askAgent(ctx, {
				id: 'e2eAgentResend',
				question: `Resend the signing code to the tenant of contract ${reference}.`,
				tools: [TOOLS.findContracts, TOOLS.sendSmsCode],
				credential: ctx.creds.sandbox,
				reference,
				script: {
					turns: [
						call('Find_contracts', { reference }),
						sendSmsToFoundContract(reference),
						answerOnceSent(`I sent the signing code again to the tenant of ${reference}.`),
					],
				},
			});
			assert.match(answer, /sent the signing code again/);
			assert.equal(ctx.sb.requestCount({ requestName: 'signatorySendSmsRequest', status: 200 }), 1);
		},
	},
	{
		name: 'agent: cancel with a reason',
		async run(ctx) {
			const reference = uniqueReference('OFFER');
			const reason = 'The flat is let to another tenant';
			let cancelledId = '';
			const { answer } = await askAgent(ctx, {
				id: 'e2eAgentCancel',
				// The node's other API ("Use Responses API" off): POST /chat/completions.
				responsesApi: false,
				question: `Cancel the offer ${reference} for Dupont, the flat is let.`,
				tools: [TOOLS.findContracts, TOOLS.cancelContract],
				credential: ctx.creds.sandbox,
				reference,
				script: {
					turns: [
						call('Find_contracts', { reference }),
						(request) => {
							const contract = onlyContract(request, reference);
							cancelledId = contract.id;
							return {
								toolCalls: [{ name: 'Cancel_contract', args: { contractId: contract.id, reason } }],
							};
						},
						(request) => {
							const [cancelled] = lastOutput<Contract[]>(request, 'Cancel_contract');
							assert.equal(cancelled.status, 'cancelled');
							return { text: `The offer ${reference} is cancelled (reason: ${reason}).` };
						},
					],
				},
			});
			assert.match(answer, /is cancelled/);
			assert.ok(cancelledId, 'the script cancelled a contract');
			assert.equal(ctx.sb.requestCount({ requestName: 'contractCancelRequest', status: 200 }), 1);
		},
	},
	{
		name: 'agent: unknown contract (Get contract)',
		async run(ctx) {
			const unknownId = 'ctr_doesnotexist0001';
			let error = '';
			const { answer } = await askAgent(ctx, {
				id: 'e2eAgentUnknown',
				question: `What is the status of contract ${unknownId}?`,
				// On Error left at its default: n8n 2 answers the model with the message alone; n8n 1
				// stops the whole run, so there the tool needs On Error: Continue (README, recipe 3).
				tools: [
					TOOLS.findContracts,
					(c) =>
						Number(ctx.rt.version.split('.')[0]) >= 2
							? { ...TOOLS.getContract(c), onError: undefined }
							: TOOLS.getContract(c),
				],
				credential: ctx.creds.sandbox,
				script: {
					turns: [
						call('Get_contract', { contractId: unknownId }),
						(request) => {
							error = assertActionableError(request, 'Get_contract', /Contract not found/);
							return { text: `I could not find contract ${unknownId}: ${error}` };
						},
					],
				},
			});
			assert.ok(answer.includes(error), 'the agent went on and answered with the error');
			assert.equal(ctx.sb.requestCount({ requestName: 'contractDetailRequest', status: 404 }), 1);
		},
	},
	{
		name: 'agent: invalid SMS code (Sign)',
		async run(ctx) {
			const reference = uniqueReference('LEASE');
			let error = '';
			const { answer } = await askAgent(ctx, {
				id: 'e2eAgentBadCode',
				question: `Paul Dupont says the code he received for lease ${reference} is 9999; sign it for him.`,
				tools: [TOOLS.findContracts, TOOLS.sign],
				credential: ctx.creds.sandbox,
				reference,
				script: {
					turns: [
						call('Find_contracts', { reference }),
						(request) => {
							const contract = onlyContract(request, reference);
							return {
								toolCalls: [
									{
										name: 'Sign_with_SMS_code',
										args: {
											contractId: contract.id,
											signatoryId: contract.signatories[0].id,
											code: '9999',
										},
									},
								],
							};
						},
						(request) => {
							error = assertActionableError(request, 'Sign_with_SMS_code', /Wrong SMS code/);
							const [{ description }] = lastOutput<ErrorItem[]>(request, 'Sign_with_SMS_code');
							assert.match(description, /the code is always 0000/);
							return {
								text: `The code 9999 was refused (${error}); please ask Paul Dupont to check it.`,
							};
						},
					],
				},
			});
			assert.ok(answer.includes(error));
			assert.equal(ctx.sb.requestCount({ requestName: 'signatorySignRequest', status: 422 }), 1);
		},
	},
	{
		name: 'agent: daily quota reached (production)',
		async run(ctx) {
			const reference = 'LEASE-QUOTA';
			// Use up the production owner's 1,000 requests of the day directly on the emulator.
			await useUpDailyQuota(ctx);
			let error = '';
			try {
				const { answer } = await askAgent(ctx, {
					id: 'e2eAgentQuota',
					question: `Has Dupont signed the lease ${reference}?`,
					tools: [TOOLS.findContracts],
					credential: ctx.creds.production,
					script: {
						turns: [
							call('Find_contracts', { reference }),
							(request) => {
								error = assertActionableError(request, 'Find_contracts', /quota/i);
								const [{ description }] = lastOutput<ErrorItem[]>(request, 'Find_contracts');
								assert.match(description, /resets at midnight, Paris time \(20\d\d-/);
								return { text: `Contrat-Privé refuses more requests today: ${error}` };
							},
						],
					},
				});
				assert.ok(answer.includes(error));
				assert.equal(ctx.sb.requestCount({ requestName: 'contractListRequest', status: 429 }), 1);
			} finally {
				await restoreDailyQuota(ctx);
			}
		},
	},
	{
		name: 'agent: the tool schema n8n gives the model',
		async run(ctx) {
			let tools: ModelRequest['tools'] = [];
			await askAgent(ctx, {
				id: 'e2eAgentSchema',
				question: 'Which tools do you have?',
				tools: [
					TOOLS.findContracts,
					TOOLS.getContract,
					TOOLS.sendSmsCode,
					TOOLS.cancelContract,
					TOOLS.sign,
				],
				credential: ctx.creds.sandbox,
				script: {
					turns: [
						(request) => {
							tools = request.tools;
							return { text: `I have ${tools.map((t) => t.name).join(', ')}.` };
						},
					],
				},
			});
			console.log(`  tools as the model receives them:\n${JSON.stringify(tools, null, 2)}`);
			assertToolSchema(tools);
		},
	},
	{
		name: 'example assistant: the AI agent answers in its chat (published chat trigger)',
		async run(ctx) {
			const server = await ctx.server();
			modelPort ??= await freePort();
			// The example names a chat model credential the user brings; here it is our model's.
			await importCredentials(ctx.rt, ctx.folder, [
				{
					id: 'cpAssistantOpenAi',
					name: 'OpenAI account',
					type: 'openAiApi',
					data: { apiKey: CHAT_MODEL_API_KEY, url: `http://127.0.0.1:${modelPort}/v1` },
				},
			]);
			const workflow = loadExample('assistant', ctx.sb.url);
			const chatTrigger = workflow.nodes.find((n) => n.type.endsWith('.chatTrigger'))!;
			assert.equal(chatTrigger.parameters.public, undefined, 'the example chat is private');
			// Private, its chat answers only the editor's chat panel: made public here to post to it.
			chatTrigger.parameters.public = true;
			await importWorkflow(ctx.rt, ctx.folder, workflow);
			await server.activateWorkflow(EXAMPLES.assistant.id);

			const reference = uniqueReference('LEASE');
			await createContractDirectly(ctx, reference);
			const answer = `Not yet: ${reference} is pending. I sent Paul Dupont the code again.`;
			const model = await startModelServer(modelPort);
			try {
				let descriptions: Record<string, string> = {};
				model.play({
					turns: [
						(request) => {
							descriptions = Object.fromEntries(request.tools.map((t) => [t.name, t.description]));
							assert.match(request.system, /cannot cancel or sign/);
							return { toolCalls: [{ name: 'Find_contracts', args: { reference } }] };
						},
						sendSmsToFoundContract(reference),
						answerOnceSent(answer),
					],
				});
				const res = await postToChat(
					`${server.url}/webhook/${EXAMPLES.assistant.webhookId}/chat`,
					`Has Dupont signed ${reference}? If not, send him the code again.`,
				);
				const text = await res.text();
				console.log(formatTranscript(model));
				assert.deepEqual(model.failures, [], 'the script found what it expected');
				assert.equal(res.status, 200, text);
				assert.equal(JSON.parse(text).output, answer);
				assertNothingSecret(model);
				assert.deepEqual(Object.keys(descriptions).sort(), [
					'Find_contracts',
					'Get_contract',
					'Send_SMS_code',
				]);
				assert.match(descriptions.Find_contracts, /^Find contracts by their reference/);
			} finally {
				await model.close();
			}
		},
	},
];

const PRODUCTION = DEMO_ACCOUNTS.production;

async function productionCall(ctx: Ctx, requestName: string): Promise<number> {
	const res = await fetch(`${ctx.sb.baseUrls.production}/${requestName}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ apiUser: PRODUCTION.apiUser, apiKey: PRODUCTION.apiKey }),
	});
	await res.arrayBuffer();
	return res.status;
}

export async function useUpDailyQuota(ctx: Ctx): Promise<void> {
	for (let i = 0; i < 1000; i += 50) {
		await Promise.all(Array.from({ length: 50 }, () => productionCall(ctx, 'contractListRequest')));
	}
	assert.equal(await productionCall(ctx, 'contractListRequest'), 429, 'quota used up');
	ctx.sb.resetRequestLog();
}

/** The quota is per Paris day: a request on the next day starts a new count, kept on return. */
export async function restoreDailyQuota(ctx: Ctx): Promise<void> {
	ctx.sb.clock.advance('P1D');
	try {
		assert.equal(await productionCall(ctx, 'checkConnexionRequest'), 200);
	} finally {
		ctx.sb.clock.advance('-P1D');
	}
	assert.equal(await productionCall(ctx, 'checkConnexionRequest'), 200);
}

/** What n8n 2.39 builds from the Tool nodes: names, descriptions and $fromAI parameters. */
function assertToolSchema(tools: ModelRequest['tools']): void {
	const byName = new Map(tools.map((tool) => [tool.name, tool]));
	assert.deepEqual([...byName.keys()].sort(), [
		'Cancel_contract',
		'Find_contracts',
		'Get_contract',
		'Send_SMS_code',
		'Sign_with_SMS_code',
	]);
	const expected: Record<string, { description: string; parameters: string[] }> = {
		Find_contracts: {
			description: 'Get many contracts in Contrat-Privé',
			parameters: ['reference'],
		},
		Get_contract: { description: 'Get a contract in Contrat-Privé', parameters: ['contractId'] },
		Send_SMS_code: {
			description: 'Send the SMS code to a signatory in Contrat-Privé',
			parameters: ['contractId', 'signatoryId'],
		},
		Cancel_contract: {
			description: 'Cancel a contract in Contrat-Privé',
			parameters: ['contractId', 'reason'],
		},
		Sign_with_SMS_code: {
			description: 'Sign a contract for a signatory in Contrat-Privé',
			parameters: ['code', 'contractId', 'signatoryId'],
		},
	};
	for (const [name, want] of Object.entries(expected)) {
		const tool = byName.get(name)!;
		assert.equal(tool.description, want.description, `${name}: description`);
		const properties = tool.parameters?.properties ?? {};
		assert.deepEqual(Object.keys(properties).sort(), want.parameters, `${name}: parameters`);
		assert.deepEqual([...(tool.parameters.required ?? [])].sort(), want.parameters);
		for (const [key, schema] of Object.entries(properties)) {
			assert.equal(schema.type, 'string', `${name}.${key} is a string`);
			assert.ok(
				typeof schema.description === 'string' && schema.description.length > 10,
				`${name}.${key} is described`,
			);
		}
		if (want.parameters.includes('contractId')) {
			assert.match(properties.contractId.description!, /returned by Find contracts/);
		}
	}
}

/** A sent contract with one signatory, Paul Dupont, made on the emulator's API directly. */
async function createContractDirectly(ctx: Ctx, reference: string): Promise<void> {
	const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
	const res = await fetch(`${ctx.sb.baseUrls.sandbox}/contractCreateRequest`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			...SANDBOX_KEYS,
			...createBody({
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
		}),
	});
	assert.equal(res.status, 200, await res.text());
}

/**
 * Posts a chat message as n8n's chat widget does. A 404 (nothing run) is tried again for a while:
 * some n8n versions register an activated workflow's webhooks a moment after answering.
 */
async function postToChat(url: string, chatInput: string): Promise<Response> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				action: 'sendMessage',
				sessionId: 'e2e-assistant-session',
				chatInput,
			}),
		});
		if (res.status !== 404 || Date.now() > deadline) return res;
		await res.arrayBuffer();
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
