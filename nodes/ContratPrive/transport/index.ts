/**
 * The only module that knows the Contrat-Privé wire format: base URLs, request names, body
 * shapes and error codes. It follows wire-contract.md beside it; change both together.
 */
export * from './types';
export * from './requests';
export * from './documents';
export { DocumentBytes } from './body-stream';
export type { DocumentKind, DownloadedDocuments } from './downloads';
export { getContractDocuments } from './downloads';
export {
	backoffDelay,
	CREATE_TIMEOUT_MS,
	DEFAULT_RETRY_POLICY,
	DEFAULT_TIMEOUT_MS,
	pause,
} from './retry';
export { isTransientFailure, TransientPollError } from './errors';
export { RequestBudget, openBudget, userDailyLimit } from './requestBudget';
export { RunLookup } from './referenceLookup';
export type { LookupWay } from './referenceLookup';
export type { ReferenceMatches } from './referenceListing';
export {
	accountOf,
	forgetEverything,
	knownContracts,
	knownDailyLimit,
	knownListingTotal,
} from './processMemory';
export { errorFieldsOf } from './error-fields';
