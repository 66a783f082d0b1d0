/**
 * The only module that knows the Contrat-Privé wire format: base URLs, request names, body
 * shapes and error codes. It follows wire-contract.md beside it; change both together.
 */
export * from './types';
export * from './requests';
export type { DocumentKind, DownloadedDocuments } from './documents';
export { getContractDocuments, withoutDocumentContents } from './documents';
export { errorFieldsOf } from './error-fields';
