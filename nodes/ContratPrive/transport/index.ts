/**
 * The only module that knows the Contrat-Privé wire format: base URLs, request names, body
 * shapes and error codes. It follows wire-contract.md beside it; change both together.
 */
export * from './types';
export * from './requests';
export * from './documents';
export { OUTCOME_TEXTS } from './outcomes';
export {
	backoffDelay,
	CREATE_TIMEOUT_MS,
	DEFAULT_RETRY_POLICY,
	DEFAULT_TIMEOUT_MS,
	isReadRequest,
	READ_REQUESTS,
} from './retry';
export { apiRequest, resolveBaseUrl } from './http';
export type { Delivery } from './errors';
export { deliveryOf, isTransientFailure, redact } from './errors';
export { errorFieldsOf } from './error-fields';
