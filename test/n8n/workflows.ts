/**
 * Small builders for workflow JSON as n8n imports it: a chain of nodes after a
 * Manual Trigger (what `n8n execute` starts from), connected in order.
 */
import type { WorkflowJson } from './n8n-cli';

export const PACKAGE_NAME = 'n8n-nodes-contrat-prive';
export const NODE_TYPE = `${PACKAGE_NAME}.contratPrive`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.contratPriveTrigger`;
export const CREDENTIAL_TYPE = 'contratPriveApi';

export interface WfNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	/** Node settings: 'stopWorkflow' (default), 'continueRegularOutput', 'continueErrorOutput'. */
	onError?: string;
	alwaysOutputData?: boolean;
	[key: string]: unknown;
}

export function manualTrigger(name = 'Start'): WfNode {
	return { name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
}

/** HTTP Request (GET) keeping the response as a binary file in property `data`. */
export function httpDownload(name: string, url: string): WfNode {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'GET',
			url,
			options: { response: { response: { responseFormat: 'file' } } },
		},
	};
}

/** A Contrat-Privé node using credential `credential`. */
export function contratPrive(
	name: string,
	parameters: Record<string, unknown>,
	credential: { id: string; name: string },
	settings: Partial<WfNode> = {},
): WfNode {
	return {
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: credential },
		...settings,
	};
}

/** Resource locator value "By ID" (an expression if it starts with `=`). */
export function byId(value: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value };
}

/** A workflow where each node feeds the next. */
export function chain(id: string, name: string, nodes: WfNode[]): WorkflowJson {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = {
			main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return {
		id,
		name,
		nodes: nodes.map((node, i) => ({
			id: `${id}-n${i}`,
			position: [i * 220, 0],
			...node,
		})),
		connections,
		settings: { executionOrder: 'v1' },
	};
}
