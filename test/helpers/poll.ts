/**
 * Runs the trigger node's `poll()` in n8n-core's real `PollContext`, as n8n does:
 *
 * - mode 'trigger' (an active workflow): like ActiveWorkflows.createPollExecuteFn. One
 *   `PollContext` per activation, mode 'trigger'. A non-null result is passed to `__emit`, where
 *   n8n's ActiveWorkflowManager saves the workflow's static data to the database (only then,
 *   and only if it changed) before starting an execution. A thrown error goes to `__emitError`
 *   (an error execution; the workflow stays active) — except on the poll n8n runs right at
 *   activation, where it makes the activation fail.
 * - mode 'manual' (the editor's "Fetch test event"): like WorkflowExecute.executePollNode, a
 *   `PollContext` with mode and activation 'manual'. n8n never saves static data of manual
 *   executions, so the poll works on a copy and `staticData` comes back untouched.
 *
 * Static data: pass the same `staticData` object to successive calls to simulate one running
 * n8n (the active workflow keeps its `Workflow`, whose static data is changed in place). To
 * simulate a restart, pass a JSON copy of the last `savedStaticData` (what the database holds).
 */
import type { IDataObject, INode, INodeExecutionData, INodeParameters, WorkflowActivateMode } from 'n8n-workflow';
import { PollContext } from 'n8n-core';

import { buildAdditionalData } from './additional-data';
import type { ContratPriveCredentials } from './credentials';
import { CREDENTIAL_ID, CREDENTIAL_NAME, CREDENTIAL_TYPE, HarnessCredentialsHelper, toCredentialsByType } from './credentials';
import type { BinaryDataMode } from './environment';
import { ensureN8nCore, useBinaryDataMode } from './environment';
import { captureLogs } from './logs';
import type { AnyNodeType } from './node-types';
import { HarnessNodeTypes, TRIGGER_NODE_TYPE, fullNodeType } from './node-types';
import { harnessWorkflow } from './workflow';

export interface RunPollOptions {
	node: {
		parameters: INodeParameters;
		/** Default `contratPriveTrigger`. */
		type?: string;
		typeVersion?: number;
		/** Default `Contrat-Privé Trigger`; static data of type 'node' is keyed by it. */
		name?: string;
	};
	credentials?: ContratPriveCredentials;
	/** The workflow's static data; changed in place in 'trigger' mode. Default `{}`. */
	staticData?: IDataObject;
	mode: 'trigger' | 'manual';
	/** `getActivationMode()` in 'trigger' mode. Default 'activate'; 'init' after a restart. */
	activation?: WorkflowActivateMode;
	nodeTypes?: Record<string, AnyNodeType>;
	binaryDataMode?: BinaryDataMode;
}

export interface RunPollResult {
	/** What `poll()` returned. */
	items: INodeExecutionData[][] | null;
	/** What `poll()` threw. */
	error?: Error;
	/** The static data n8n keeps in memory for the next poll (the object passed in). */
	staticData: IDataObject;
	/**
	 * A JSON copy of the static data n8n would have written to the database after this poll
	 * ('trigger' mode, poll emitted, data changed), else null: the database is unchanged.
	 */
	savedStaticData: IDataObject | null;
	logs: string[];
}

export const DEFAULT_TRIGGER_NODE_NAME = 'Contrat-Privé Trigger';

const jsonCopy = (data: IDataObject): IDataObject => JSON.parse(JSON.stringify(data)) as IDataObject;

export async function runPoll(options: RunPollOptions): Promise<RunPollResult> {
	await ensureN8nCore();
	await useBinaryDataMode(options.binaryDataMode ?? 'default');

	const staticData = options.staticData ?? {};
	// An unsaved change from an earlier poll stays pending in n8n's memory until an emit.
	const pendingChange = (staticData as { __dataChanged?: boolean }).__dataChanged === true;
	const type = fullNodeType(options.node.type ?? TRIGGER_NODE_TYPE);
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const credentialsByType = toCredentialsByType(options.credentials);
	const node: INode = {
		id: 'node-trigger',
		name: options.node.name ?? DEFAULT_TRIGGER_NODE_NAME,
		type,
		typeVersion: options.node.typeVersion ?? 1,
		position: [0, 0],
		parameters: structuredClone(options.node.parameters),
	};
	if (credentialsByType[CREDENTIAL_TYPE]) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };
	}

	const { workflowData, workflow } = harnessWorkflow({
		nodes: [node],
		active: options.mode === 'trigger',
		nodeTypes,
		settings: { executionOrder: 'v1' },
		// Manual executions never save static data: work on a copy.
		staticData: options.mode === 'manual' ? jsonCopy(staticData) : staticData,
	});
	if (pendingChange && options.mode === 'trigger') {
		(workflow.staticData as { __dataChanged?: boolean }).__dataChanged = true;
	}
	const workflowNode = workflow.getNode(node.name)!;
	const additionalData = buildAdditionalData({
		credentialsHelper: new HarnessCredentialsHelper(credentialsByType),
		mode: options.mode,
		workflowData,
	});

	let savedStaticData: IDataObject | null = null;
	// ActiveWorkflowManager.getExecutePollFunctions → __emit → WorkflowStaticDataService.saveStaticData
	const emit = () => {
		const current = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (current.__dataChanged === true) {
			savedStaticData = jsonCopy(current);
			current.__dataChanged = false;
		}
	};
	const context =
		options.mode === 'trigger'
			? new PollContext(workflow, workflowNode, additionalData, 'trigger', options.activation ?? 'activate', emit, () => {})
			: new PollContext(workflow, workflowNode, additionalData, 'manual', 'manual');

	const nodeType = nodeTypes.getByNameAndVersion(workflowNode.type, workflowNode.typeVersion);
	if (!nodeType.poll) throw new Error(`Node type "${workflowNode.type}" has no poll()`);
	const poll = nodeType.poll;

	let items: INodeExecutionData[][] | null = null;
	let error: Error | undefined;
	const { logs } = await captureLogs(async () => {
		try {
			items = await poll.call(context);
			if (items !== null && options.mode === 'trigger') context.__emit(items);
		} catch (caught) {
			error = caught as Error;
		}
	});

	return { items, error, staticData, savedStaticData, logs };
}
