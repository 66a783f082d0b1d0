/**
 * Runs workflows through n8n-core's real engine, in-process:
 * `new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow)`,
 * starting at the test-only `Input` node, which emits the given items.
 */
import { Container } from '@n8n/di';
import { BinaryDataService, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionStatus,
	IConnections,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IRunData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, createRunExecutionData } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { ContratPriveCredentials, CredentialsByType } from './credentials';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	HarnessCredentialsHelper,
	toCredentialsByType,
} from './credentials';
import type { BinaryDataMode } from './environment';
import { ensureN8nCore, useBinaryDataMode } from './environment';
import { captureLogs } from './logs';
import type { AnyNodeType, InputItem } from './node-types';
import { harnessWorkflow } from './workflow';
import {
	ACTION_NODE_TYPE,
	HarnessNodeTypes,
	INPUT_NODE_NAME,
	INPUT_NODE_TYPE,
	createInputNodeType,
	fullNodeType,
} from './node-types';

/** A workflow node as tests write it; `id` and `position` are filled in. */
export interface HarnessNode {
	name: string;
	/** Full (`n8n-nodes-contrat-prive.contratPrive`) or short (`contratPrive`) type name. */
	type: string;
	typeVersion?: number;
	parameters?: INodeParameters;
	/** Default: the run's credentials, for each credential type the node declares. */
	credentials?: INodeCredentials;
	continueOnFail?: boolean;
	onError?: INode['onError'];
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	disabled?: boolean;
}

/** Full n8n connections, or `[from, to, fromOutputIndex?]` main connections. */
export type HarnessConnections = IConnections | Array<[string, string, number?]>;

export interface RunWorkflowOptions {
	/** What the `Input` node emits. Default: one empty item. */
	items?: InputItem[];
	credentials?: ContratPriveCredentials;
	/** Default 'manual' (the editor's "Execute workflow"). */
	mode?: WorkflowExecuteMode;
	/** Extra node types, by type name (e.g. a test node). */
	nodeTypes?: Record<string, AnyNodeType>;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
	/** Default 'default' (in memory); 'filesystem' is n8n 2.x's own default (environment.ts). */
	binaryDataMode?: BinaryDataMode;
	/** Called once the execution has started, with a way to cancel it (as n8n's Stop button). */
	onStarted?: (execution: { cancel(): void }) => void;
}

/** A node error as n8n stores it in the execution's run data. */
export interface StoredNodeError {
	name?: string;
	message: string;
	description?: string | null;
	context?: IDataObject;
	httpCode?: string | null;
	/**
	 * The stored error serialised with JSON.stringify (cycles replaced by "[Circular]").
	 * n8n persists `{ ...error, message, stack }` (workflow-execute.ts) with flatted, which
	 * keeps the same fields: this is what lands in the database and the editor.
	 */
	json: string;
	/** The stored object itself (`taskData.error`). */
	stored: IDataObject;
}

export interface WorkflowRunResult {
	run: IRun;
	runData: IRunData;
	status: ExecutionStatus;
	/** The execution-level error (`resultData.error`), if the run failed. */
	error?: StoredNodeError;
	/** Items a node output (main output `outputIndex`, run `runIndex`); [] when none. */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error n8n stored for a node's run, if it failed. */
	nodeError(nodeName: string, runIndex?: number): StoredNodeError | undefined;
	/** Bytes of a binary property of an output item, read back through BinaryDataService. */
	binary(nodeName: string, itemIndex: number, property: string, outputIndex?: number): Promise<Buffer>;
	/** Every log line n8n emitted during the run (see logs.ts). */
	logs: string[];
}

export const DEFAULT_NODE_NAME = 'Contrat-Privé';

const DEFAULT_SETTINGS: IWorkflowSettings = { executionOrder: 'v1' };

/** JSON.stringify that replaces circular references (ancestors only) with "[Circular]". */
export function stringifySafe(value: unknown): string {
	const ancestors: unknown[] = [];
	return JSON.stringify(value, function (this: unknown, _key: string, current: unknown) {
		if (typeof current !== 'object' || current === null) {
			return typeof current === 'bigint' ? current.toString() : current;
		}
		while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
		if (ancestors.includes(current)) return '[Circular]';
		ancestors.push(current);
		return current;
	});
}

export function toStoredError(error: unknown): StoredNodeError {
	const stored = error as IDataObject;
	return {
		name: stored.name as string | undefined,
		message: String(stored.message),
		description: stored.description as string | null | undefined,
		context: stored.context as IDataObject | undefined,
		httpCode: stored.httpCode as string | null | undefined,
		json: stringifySafe(stored),
		stored,
	};
}

function toConnections(connections: HarnessConnections): IConnections {
	if (!Array.isArray(connections)) return connections;
	const result: IConnections = {};
	for (const [from, to, outputIndex = 0] of connections) {
		const main = (result[from] ??= { [NodeConnectionTypes.Main]: [] })[NodeConnectionTypes.Main];
		while (main.length <= outputIndex) main.push([]);
		(main[outputIndex] ??= []).push({ node: to, type: NodeConnectionTypes.Main, index: 0 });
	}
	return result;
}

export async function readBinary(item: INodeExecutionData | undefined, property: string): Promise<Buffer> {
	const binary = item?.binary?.[property];
	if (!binary) {
		throw new Error(
			`No binary property "${property}" (item has ${Object.keys(item?.binary ?? {}).join(', ') || 'none'})`,
		);
	}
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/**
 * Runs `Input → …` through WorkflowExecute. `Input` is always the start node; when no
 * connection leaves it, it is connected to `nodes[0]`.
 */
export async function runWorkflow(
	nodes: HarnessNode[],
	connections: HarnessConnections,
	options: RunWorkflowOptions = {},
): Promise<WorkflowRunResult> {
	await ensureN8nCore();
	await useBinaryDataMode(options.binaryDataMode ?? 'default');

	const mode = options.mode ?? 'manual';
	const credentialsByType: CredentialsByType = toCredentialsByType(options.credentials);
	const nodeTypes = new HarnessNodeTypes({
		...options.nodeTypes,
		[INPUT_NODE_TYPE]: createInputNodeType(options.items ?? [{ json: {} }]),
	});

	const workflowNodes: INode[] = [
		{
			id: 'node-input',
			name: INPUT_NODE_NAME,
			type: INPUT_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	nodes.forEach((node, index) => {
		const type = fullNodeType(node.type);
		const typeVersion = node.typeVersion ?? 1;
		const workflowNode: INode = {
			id: `node-${index + 1}`,
			name: node.name,
			type,
			typeVersion,
			position: [(index + 1) * 200, 0],
			parameters: structuredClone(node.parameters ?? {}),
		};
		for (const key of ['continueOnFail', 'onError', 'alwaysOutputData', 'executeOnce', 'disabled'] as const) {
			if (node[key] !== undefined) Object.assign(workflowNode, { [key]: node[key] });
		}
		if (node.credentials) {
			workflowNode.credentials = node.credentials;
		} else {
			const declared = nodeTypes.getByNameAndVersion(type, typeVersion).description.credentials ?? [];
			for (const { name } of declared) {
				if (credentialsByType[name] === undefined) continue;
				workflowNode.credentials ??= {};
				workflowNode.credentials[name] = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };
			}
		}
		workflowNodes.push(workflowNode);
	});

	const workflowConnections = toConnections(connections);
	if (!workflowConnections[INPUT_NODE_NAME] && nodes.length > 0) {
		workflowConnections[INPUT_NODE_NAME] = {
			[NodeConnectionTypes.Main]: [[{ node: nodes[0].name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}

	const settings = { ...DEFAULT_SETTINGS, ...options.settings };
	const { workflowData, workflow } = harnessWorkflow({
		nodes: workflowNodes,
		connections: workflowConnections,
		nodeTypes,
		settings,
		staticData: options.staticData,
	});

	const additionalData = buildAdditionalData({
		credentialsHelper: new HarnessCredentialsHelper(credentialsByType),
		mode,
		workflowData,
	});
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode(INPUT_NODE_NAME)!,
					data: { main: [[{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const { value: run, logs } = await captureLogs(
		async () => {
			const execution = new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
			options.onStarted?.(execution);
			return await execution;
		},
	);

	const runData = run.data.resultData.runData;
	const output = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] =>
		runData[nodeName]?.[runIndex]?.data?.[NodeConnectionTypes.Main]?.[outputIndex] ?? [];
	const executionError = run.data.resultData.error;

	return {
		run,
		runData,
		status: run.status,
		error: executionError ? toStoredError(executionError) : undefined,
		output,
		nodeError: (nodeName, runIndex = 0) => {
			const error = runData[nodeName]?.[runIndex]?.error;
			return error ? toStoredError(error) : undefined;
		},
		binary: async (nodeName, itemIndex, property, outputIndex = 0) =>
			await readBinary(output(nodeName, outputIndex)[itemIndex], property),
		logs,
	};
}

export interface RunNodeOptions {
	node: {
		/** Default `contratPrive`. */
		type?: string;
		parameters: INodeParameters;
		typeVersion?: number;
		continueOnFail?: boolean;
		onError?: INode['onError'];
		/** Default `Contrat-Privé`. */
		name?: string;
	};
	credentials?: ContratPriveCredentials;
	items?: InputItem[];
	mode?: WorkflowExecuteMode;
	nodeTypes?: Record<string, AnyNodeType>;
	binaryDataMode?: BinaryDataMode;
}

export interface RunNodeResult {
	/** The node's main output 0. */
	items: INodeExecutionData[];
	/** The node's error as n8n stored it, if it threw (also with continueOnFail). */
	error?: StoredNodeError;
	runData: IRunData;
	run: IRun;
	binary(itemIndex: number, property: string): Promise<Buffer>;
	logs: string[];
}

/** Runs `Input → <node>` and returns the node's output. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const name = options.node.name ?? DEFAULT_NODE_NAME;
	const result = await runWorkflow(
		[
			{
				name,
				type: options.node.type ?? ACTION_NODE_TYPE,
				typeVersion: options.node.typeVersion,
				parameters: options.node.parameters,
				continueOnFail: options.node.continueOnFail,
				onError: options.node.onError,
			},
		],
		[[INPUT_NODE_NAME, name]],
		{
			items: options.items,
			credentials: options.credentials,
			mode: options.mode,
			nodeTypes: options.nodeTypes,
			binaryDataMode: options.binaryDataMode,
		},
	);
	return {
		items: result.output(name),
		error: result.nodeError(name),
		runData: result.runData,
		run: result.run,
		binary: async (itemIndex, property) => await result.binary(name, itemIndex, property),
		logs: result.logs,
	};
}
