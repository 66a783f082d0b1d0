/**
 * The editor's dynamic parameter requests (option lists, resource locator search), run the way
 * n8n's server does (packages/cli/src/services/dynamic-node-parameters.service.ts): a one-node
 * workflow with a `Temp-Node` holding the current parameters and the credentials, a
 * `LoadOptionsContext` from n8n-core, and the node type's `methods.loadOptions[name]` or
 * `methods.listSearch[name]` called on it. `additionalData.currentNodeParameters` is set as
 * the server's controller does.
 */
import { LoadOptionsContext } from 'n8n-core';
import type {
	ILoadOptionsFunctions,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
} from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { ContratPriveCredentials } from './credentials';
import { CREDENTIAL_ID, CREDENTIAL_NAME, CREDENTIAL_TYPE, HarnessCredentialsHelper, toCredentialsByType } from './credentials';
import { ensureN8nCore } from './environment';
import type { AnyNodeType } from './node-types';
import { ACTION_NODE_TYPE, HarnessNodeTypes, fullNodeType } from './node-types';
import { harnessWorkflow } from './workflow';

export interface DynamicParameterOptions {
	/** Default `contratPrive`. */
	nodeType?: string;
	typeVersion?: number;
	/** The parameter path the editor sends, e.g. `parameters.contractId`. */
	path?: string;
	nodeTypes?: Record<string, AnyNodeType>;
}

async function callMethod<T>(
	kind: 'loadOptions' | 'listSearch',
	methodName: string,
	currentNodeParameters: INodeParameters,
	credentials: ContratPriveCredentials | undefined,
	options: DynamicParameterOptions,
	args: unknown[],
): Promise<T> {
	await ensureN8nCore();

	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const type = fullNodeType(options.nodeType ?? ACTION_NODE_TYPE);
	const typeVersion = options.typeVersion ?? 1;
	const nodeType = nodeTypes.getByNameAndVersion(type, typeVersion);
	const method = nodeType.methods?.[kind]?.[methodName] as
		| ((this: ILoadOptionsFunctions, ...args: unknown[]) => Promise<T>)
		| undefined;
	if (typeof method !== 'function') {
		throw new Error(`Node type "${type}" has no methods.${kind}.${methodName}`);
	}

	const node: INode = {
		parameters: structuredClone(currentNodeParameters),
		id: 'uuid-1234',
		name: 'Temp-Node',
		type,
		typeVersion,
		position: [0, 0],
	};
	const credentialsByType = toCredentialsByType(credentials);
	if (credentialsByType[CREDENTIAL_TYPE]) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };
	}
	const { workflowData, workflow } = harnessWorkflow({ nodes: [node], nodeTypes });
	const additionalData = buildAdditionalData({
		credentialsHelper: new HarnessCredentialsHelper(credentialsByType),
		mode: 'internal',
		workflowData,
		currentNodeParameters,
	});
	const context = new LoadOptionsContext(
		workflow,
		workflow.nodes['Temp-Node'],
		additionalData,
		options.path ?? '',
	);
	return await method.call(context, ...args);
}

/** `methods.loadOptions[methodName]` with the node's current parameters. */
export async function runLoadOptions(
	methodName: string,
	currentNodeParameters: INodeParameters,
	credentials?: ContratPriveCredentials,
	options: DynamicParameterOptions = {},
): Promise<INodePropertyOptions[]> {
	return await callMethod<INodePropertyOptions[]>(
		'loadOptions',
		methodName,
		currentNodeParameters,
		credentials,
		options,
		[],
	);
}

/** `methods.listSearch[methodName](filter, paginationToken)`. */
export async function runListSearch(
	methodName: string,
	filter?: string,
	credentials?: ContratPriveCredentials,
	options: DynamicParameterOptions & {
		paginationToken?: string;
		currentNodeParameters?: INodeParameters;
	} = {},
): Promise<INodeListSearchResult> {
	return await callMethod<INodeListSearchResult>(
		'listSearch',
		methodName,
		options.currentNodeParameters ?? {},
		credentials,
		options,
		[filter, options.paginationToken],
	);
}
