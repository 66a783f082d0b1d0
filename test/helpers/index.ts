/**
 * Test harness: runs this package's nodes inside n8n-core's real execution engine, in-process.
 *
 * - runNode / runWorkflow: WorkflowExecute, `Input → node(s)`, real binaries, real errors
 * - testCredential: the credential "Test" button, as n8n's server runs it
 * - runPoll: the trigger's poll() in a real PollContext, with static data persistence
 * - runLoadOptions / runListSearch: dynamic parameters in a real LoadOptionsContext
 * - captureLogs: every log line n8n emits (runners return theirs as `logs`)
 */
export { captureLogs } from './logs';
export type { BinaryDataMode } from './environment';
export type { ContratPriveCredentials } from './credentials';
export { CREDENTIAL_TYPE } from './credentials';
export type { AnyNodeType, InputItem } from './node-types';
export { ACTION_NODE_TYPE, INPUT_NODE_NAME, TRIGGER_NODE_TYPE } from './node-types';
export type {
	HarnessConnections,
	HarnessNode,
	RunNodeOptions,
	RunNodeResult,
	RunWorkflowOptions,
	StoredNodeError,
	WorkflowRunResult,
} from './run-workflow';
export { DEFAULT_NODE_NAME, runNode, runWorkflow } from './run-workflow';
export { testCredential } from './credential-test';
export type { RunPollOptions, RunPollResult } from './poll';
export { DEFAULT_TRIGGER_NODE_NAME, runPoll } from './poll';
export type { DynamicParameterOptions } from './load-options';
export { runListSearch, runLoadOptions } from './load-options';
