/**
 * The one workflow every harness runs a node in: the record n8n stores (IWorkflowBase, which the
 * additional data carries) and, given node types, the Workflow n8n-core executes.
 */
import type {
	IConnections,
	IDataObject,
	INode,
	INodeTypes,
	IWorkflowBase,
	IWorkflowSettings,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

export interface HarnessWorkflowOptions {
	nodes: INode[];
	connections?: IConnections;
	id?: string;
	name?: string;
	active?: boolean;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
}

export function workflowRecord(options: HarnessWorkflowOptions): IWorkflowBase {
	const {
		nodes,
		connections = {},
		id = 'workflow-test',
		name = 'Harness workflow',
		active = false,
	} = options;
	return {
		id,
		name,
		active,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		...(options.settings ? { settings: options.settings } : {}),
		...(options.staticData ? { staticData: options.staticData } : {}),
	};
}

export function harnessWorkflow(options: HarnessWorkflowOptions & { nodeTypes: INodeTypes }): {
	workflowData: IWorkflowBase;
	workflow: Workflow;
} {
	const workflowData = workflowRecord(options);
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: workflowData.active,
		nodeTypes: options.nodeTypes,
		settings: options.settings,
		staticData: options.staticData,
	});
	return { workflowData, workflow };
}
