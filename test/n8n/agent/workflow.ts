/**
 * Builders for an AI Agent workflow as n8n 2.39 imports it: the AI Agent (3.1), an OpenAI Chat
 * Model (1.3) and Contrat-Privé Tool nodes whose parameters the model fills with $fromAI().
 */
import type { IConnections } from 'n8n-workflow';

import type { WorkflowJson } from '../n8n-cli';
import { SCRIPTED_MODEL } from './model-server';
import type { WfNode } from '../workflows';
import { byId, CREDENTIAL_TYPE, PACKAGE_NAME } from '../workflows';

export const TOOL_TYPE = `${PACKAGE_NAME}.contratPriveTool`;
export const AGENT_TYPE = '@n8n/n8n-nodes-langchain.agent';
export const CHAT_MODEL_TYPE = '@n8n/n8n-nodes-langchain.lmChatOpenAi';
export const AGENT_NAME = 'AI Agent';
export const CHAT_MODEL_NAME = 'OpenAI Chat Model';

type Ref = { id: string; name: string };

/** `{{ $fromAI(key, description) }}`: a text the model gives when it calls the tool. */
export function fromAI(key: string, description: string): string {
	return `={{ $fromAI('${key}', ${JSON.stringify(description)}, 'string') }}`;
}

const CONTRACT_ID = fromAI(
	'contractId',
	'The contract ID: the id field of a contract returned by Find contracts',
);
const SIGNATORY_ID = fromAI(
	'signatoryId',
	'The signatory ID: the id of one of the signatories of that contract, as returned by Find contracts',
);

/**
 * A Contrat-Privé Tool node: one operation the agent may call. With On Error "Continue" the node
 * itself answers a refused call with `{ error, description }` (the description says what to do:
 * attempts left, when the quota resets); by default n8n 2.39 also goes on but keeps only
 * `{ error }`, the message.
 */
export function contratPriveTool(
	name: string,
	parameters: Record<string, unknown>,
	credential: Ref,
): WfNode {
	return {
		name,
		type: TOOL_TYPE,
		typeVersion: 1,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: credential },
		onError: 'continueRegularOutput',
	};
}

/** The tools an assistant gets, by what they let it do. */
export const TOOLS = {
	findContracts: (credential: Ref) =>
		contratPriveTool(
			'Find contracts',
			{
				resource: 'contract',
				operation: 'getMany',
				limit: 10,
				filters: {
					reference: fromAI(
						'reference',
						'The contract reference the user gives, e.g. LEASE-2025-0042',
					),
				},
			},
			credential,
		),
	getContract: (credential: Ref) =>
		contratPriveTool(
			'Get contract',
			{ resource: 'contract', operation: 'get', contractId: byId(CONTRACT_ID) },
			credential,
		),
	sendSmsCode: (credential: Ref) =>
		contratPriveTool(
			'Send SMS code',
			{
				resource: 'signatory',
				operation: 'sendSms',
				contractId: byId(CONTRACT_ID),
				signatoryId: SIGNATORY_ID,
			},
			credential,
		),
	cancelContract: (credential: Ref) =>
		contratPriveTool(
			'Cancel contract',
			{
				resource: 'contract',
				operation: 'cancel',
				contractId: byId(CONTRACT_ID),
				reason: fromAI('reason', 'Why the contract is cancelled, in a short sentence'),
			},
			credential,
		),
	sign: (credential: Ref) =>
		contratPriveTool(
			'Sign with SMS code',
			{
				resource: 'signatory',
				operation: 'sign',
				contractId: byId(CONTRACT_ID),
				signatoryId: SIGNATORY_ID,
				code: fromAI('code', 'The SMS code the signatory received, as they typed it'),
			},
			credential,
		),
};

export interface AgentWorkflowOptions {
	id: string;
	name: string;
	/** Nodes before the agent (the first is the trigger), each feeding the next. */
	before: WfNode[];
	/** The user's question (an expression when it starts with `=`). */
	question: string;
	systemMessage?: string;
	tools: WfNode[];
	chatModelCredential: Ref;
	/** lmChatOpenAi "Use Responses API" (on by default in 1.3). */
	responsesApi?: boolean;
	/** Type versions of the AI nodes (default: n8n 2.39's latest). */
	versions?: AiNodeVersions;
}

export interface AiNodeVersions {
	agent: number;
	chatModel: number;
}

export const LATEST_2_39: AiNodeVersions = { agent: 3.1, chatModel: 1.3 };

/** The API the chat model node calls: the Responses API is its default from 1.3. */
export function chatModelApi(
	versions: AiNodeVersions,
	responsesApi: boolean | undefined,
): 'responses' | 'chat/completions' {
	return versions.chatModel >= 1.3 && responsesApi !== false ? 'responses' : 'chat/completions';
}

export const DEFAULT_SYSTEM_MESSAGE =
	'You help an operations team follow the contracts they send for e-signature with Contrat-Privé. ' +
	'Look contracts up with the tools before acting, and say what you did.';

export function agentWorkflow(options: AgentWorkflowOptions): WorkflowJson {
	const versions = options.versions ?? LATEST_2_39;
	const agent: WfNode = {
		name: AGENT_NAME,
		type: AGENT_TYPE,
		typeVersion: versions.agent,
		parameters: {
			// Before 2.0 the agent had several kinds; the tools agent is the one that calls tools.
			...(versions.agent < 2 ? { agent: 'toolsAgent' } : {}),
			promptType: 'define',
			text: options.question,
			options: { systemMessage: options.systemMessage ?? DEFAULT_SYSTEM_MESSAGE },
		},
	};
	const model: WfNode = {
		name: CHAT_MODEL_NAME,
		type: CHAT_MODEL_TYPE,
		typeVersion: versions.chatModel,
		parameters: {
			// A resource locator from 1.2, a plain name before.
			model:
				versions.chatModel >= 1.2
					? { __rl: true, mode: 'id', value: SCRIPTED_MODEL }
					: SCRIPTED_MODEL,
			...(options.responsesApi === false && versions.chatModel >= 1.3
				? { responsesApiEnabled: false }
				: {}),
			options: {},
		},
		credentials: { openAiApi: options.chatModelCredential },
	};
	const main = [...options.before, agent];
	const connections: IConnections = {};
	for (let i = 0; i + 1 < main.length; i++) {
		connections[main[i].name] = { main: [[{ node: main[i + 1].name, type: 'main', index: 0 }]] };
	}
	connections[model.name] = {
		ai_languageModel: [[{ node: AGENT_NAME, type: 'ai_languageModel', index: 0 }]],
	};
	for (const tool of options.tools) {
		connections[tool.name] = { ai_tool: [[{ node: AGENT_NAME, type: 'ai_tool', index: 0 }]] };
	}
	const nodes = [
		...main.map((node, i) => ({ position: [i * 220, 0], ...node })),
		{ position: [main.length * 220 - 300, 240], ...model },
		...options.tools.map((node, i) => ({
			position: [main.length * 220 + i * 160 - 60, 240],
			...node,
		})),
	];
	return {
		id: options.id,
		name: options.name,
		nodes: nodes.map((node, i) => ({ id: `${options.id}-n${i}`, ...node })),
		connections,
		settings: { executionOrder: 'v1' },
	};
}
