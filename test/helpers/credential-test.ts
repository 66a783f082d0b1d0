/**
 * The editor's "Test" button for a credential, as n8n's server runs it.
 *
 * Mirrors `CredentialsTester.testCredentials` of n8n-io/n8n
 * packages/cli/src/services/credentials-tester.service.ts, for a credential type whose `test`
 * is an `ICredentialTestRequest`:
 * 1. defaults are applied to the data (`applyDefaultsAndOverwrites`, mode 'internal');
 * 2. a temporary `n8n-nodes-base.noOp` copy gets one property `temp` whose `routing.request`
 *    is the test request, and the only credential, required;
 * 3. n8n-core's `RoutingNode` runs it in an `ExecuteContext` (mode 'internal') with the
 *    decrypted credentials, so the request is authenticated by the credentials helper;
 * 4. a thrown error: `responseCode` rules are checked against the HTTP status, then any non-2xx
 *    status fails with the status text; otherwise the error's `cause.code` or message is used;
 * 5. a response: each `responseSuccessBody` rule fails the test when `get(body, key) === value`,
 *    in order; otherwise `{ status: 'OK', message: 'Connection successful!' }`.
 * Not mirrored: secret redaction of messages (only for function-based tests) and the lookup of
 * `testedBy` on nodes (this package's credential defines `test` itself).
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialsDecrypted,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	ITaskDataConnections,
} from 'n8n-workflow';
import { NodeHelpers, createRunExecutionData } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { ContratPriveCredentials } from './credentials';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	HarnessCredentialsHelper,
	getCredentialType,
} from './credentials';
import { ensureN8nCore } from './environment';
import { harnessWorkflow } from './workflow';

/** lodash `get` for the dotted/bracketed keys rules use (`error.code`, `items[0].id`). */
function getPath(object: unknown, path: string): unknown {
	if (object !== null && typeof object === 'object' && Object.hasOwn(object, path)) {
		return (object as Record<string, unknown>)[path];
	}
	let current: unknown = object;
	for (const segment of path.split(/[.[\]]/).filter((part) => part !== '')) {
		if (current === null || current === undefined) return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

/** What n8n's server gets for `n8n-nodes-base.noOp`; only the copy's name and version matter. */
const NO_OP_DESCRIPTION: INodeType['description'] = {
	displayName: 'No Operation, do nothing',
	name: 'n8n-nodes-base.noOp',
	icon: 'fa:arrow-right',
	group: ['organization'],
	version: 1,
	description: 'No Operation',
	defaults: { name: 'No Operation, do nothing', color: '#b0b0b0' },
	inputs: ['main'],
	outputs: ['main'],
	properties: [],
};

export async function testCredential(
	credentialData: ContratPriveCredentials,
	credentialType: string = CREDENTIAL_TYPE,
): Promise<INodeCredentialTestResult> {
	await ensureN8nCore();

	const type = getCredentialType(credentialType);
	if (!type.test) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}
	const testRequest = type.test;

	const credentialsDecrypted: ICredentialsDecrypted = {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: credentialType,
		data: { ...credentialData },
	};
	const credentialsHelper = new HarnessCredentialsHelper({ [credentialType]: { ...credentialData } });

	const nodeTypeCopy: INodeType = {
		description: {
			...NO_OP_DESCRIPTION,
			credentials: [{ name: credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const mockNodeTypes: INodeTypes = {
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: (_name, version) => NodeHelpers.getVersionedNodeType(nodeTypeCopy, version),
		getKnownTypes: () => ({}),
	};

	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeTypeCopy.description.name,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [credentialType]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const { workflowData, workflow } = harnessWorkflow({
		id: 'credential-test',
		name: 'Credential test',
		nodes: [node],
		nodeTypes: mockNodeTypes,
	});
	const additionalData = buildAdditionalData({ credentialsHelper, mode: 'internal', workflowData });

	try {
		credentialsDecrypted.data = credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			credentialsDecrypted.data!,
			credentialType,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: (error as Error).message.toString() };
	}

	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData({ resultData: { runData: {} } }),
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as Error & {
			cause?: { response?: { status: number; statusText?: string }; code?: string };
		};
		if (error.cause?.response) {
			const errorResponseData = {
				statusCode: error.cause.response.status,
				statusMessage: error.cause.response.statusText,
			};
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && errorResponseData.statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (errorResponseData.statusCode < 199 || errorResponseData.statusCode > 299) {
				return {
					status: 'Error',
					message:
						errorResponseData.statusMessage ||
						`Received HTTP status code: ${errorResponseData.statusCode}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: error.message.toString() };
	}

	if (testRequest.rules && Array.isArray(testRequest.rules)) {
		for (const rule of testRequest.rules) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response![0][0].json;
				if (getPath(responseData, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
	}

	return { status: 'OK', message: 'Connection successful!' };
}
