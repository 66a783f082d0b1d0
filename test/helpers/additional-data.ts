/**
 * `IWorkflowExecuteAdditionalData` as n8n's server builds it
 * (packages/cli/src/workflow-execute-additional-data.ts → getBase), reduced to what node
 * execution uses: our credentials helper, lifecycle hooks, URLs, empty variables.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import type {
	INodeParameters,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials';

const BASE_URL = 'http://localhost:5678';

let executionCounter = 0;

export function nextExecutionId(): string {
	executionCounter += 1;
	return String(executionCounter);
}

export function buildAdditionalData(options: {
	credentialsHelper: HarnessCredentialsHelper;
	mode: WorkflowExecuteMode;
	workflowData: IWorkflowBase;
	executionId?: string;
	currentNodeParameters?: INodeParameters;
}): IWorkflowExecuteAdditionalData {
	const executionId = options.executionId ?? nextExecutionId();
	const notSupported = async (): Promise<never> => {
		throw new UnexpectedError('Not supported by the test harness');
	};
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: new ExecutionLifecycleHooks(options.mode, executionId, options.workflowData),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: notSupported,
		getRunExecutionData: async () => undefined,
		startRunnerTask: notSupported,
		logAiEvent: () => {},
		executionId,
		currentNodeExecutionIndex: 0,
		currentNodeParameters: options.currentNodeParameters,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		variables: {},
		userId: 'test-user',
	};
}
