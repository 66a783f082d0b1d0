/**
 * The only module that knows the Contrat-Privé wire format: base URLs, request names, body
 * shapes and error codes. It follows wire-contract.md beside it; change both together.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'contratPriveApi';

export type ContratPriveContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export type Platform = 'sandbox' | 'production';
export type ContractStatus = 'draft' | 'pending' | 'signed' | 'cancelled' | 'expired';
export type SignatoryStatus = 'pending' | 'signed' | 'locked';

export const CONTRACT_STATUSES: ContractStatus[] = [
	'draft',
	'pending',
	'signed',
	'cancelled',
	'expired',
];

/** Production allows this many API requests per owner and per day (Paris time). */
export const DAILY_REQUEST_QUOTA = 1000;
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const MAX_LIST_PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------------
// Objects returned by the API

export interface SignatorySummary {
	id: string;
	firstName: string;
	lastName: string;
	status: SignatoryStatus;
}

export interface ContractSummary {
	id: string;
	label: string;
	reference: string | null;
	status: ContractStatus;
	createdAt: string;
	updatedAt: string;
	deadline: string;
	signatories: SignatorySummary[];
}

export interface Signatory extends SignatorySummary {
	email: string;
	phone: string;
	deposit: number;
	depositPaid: boolean;
	signedAt: string | null;
	smsSent: number;
	failedAttempts: number;
}

export interface StoredDocument {
	name: string;
	size: number;
	sha256: string;
	/** Base64; only in contract details. */
	content?: string;
}

export interface SignedDocument extends StoredDocument {
	signedAt: string;
	timestampedAt: string;
}

export interface AuditLogEntry {
	at: string;
	event: string;
	actor: string;
	detail: string | IDataObject | null;
}

export interface Contract {
	id: string;
	label: string;
	lang: 'fr' | 'en';
	reference: string | null;
	status: ContractStatus;
	createdAt: string;
	updatedAt: string;
	submittedAt: string | null;
	completedAt: string | null;
	cancelledAt?: string | null;
	deadline: string;
	bankAccount?: { iban: string; bic?: string | null; holder: string } | null;
	signatories: Signatory[];
	mainDocument: { data: StoredDocument & { sign?: SignedDocument } };
	annexes: StoredDocument[];
	log?: AuditLogEntry[];
}

export interface ConnectionInfo {
	platform: Platform;
	owner: { apiUser: string; name: string; email: string };
	quota: { limit: number; used: number; remaining: number; resetAt?: string } | null;
}

export interface ContractList {
	total: number;
	offset: number;
	limit: number;
	contracts: ContractSummary[];
}

// ---------------------------------------------------------------------------------------------
// What the operations send

export interface DocumentUpload {
	fileName: string;
	base64: string;
}

export interface NewSignatory {
	firstName: string;
	lastName: string;
	email: string;
	/** E.164, e.g. +33612345678 */
	phone: string;
	/** Euros; 0 or absent when none. */
	deposit?: number;
}

export interface NewContract {
	label: string;
	language: 'fr' | 'en';
	/** YYYY-MM-DD, Paris time */
	deadline: string;
	reference?: string;
	bankAccount?: { iban: string; bic?: string; holder: string };
	document: DocumentUpload;
	annexes: DocumentUpload[];
	signatories: NewSignatory[];
	notifySignatories: boolean;
	notifyOwner: boolean;
	/** Only sent when submitting. */
	message?: string;
	submit: boolean;
}

export interface ContractFilter {
	statuses?: ContractStatus[];
	createdFrom?: string;
	createdTo?: string;
	/** Exact match */
	reference?: string;
}

export interface RequestOptions {
	itemIndex?: number;
	/** Milliseconds */
	timeout?: number;
}

// ---------------------------------------------------------------------------------------------
// Calls

export async function checkConnection(
	this: ContratPriveContext,
	options?: RequestOptions,
): Promise<ConnectionInfo> {
	return await apiRequest.call(this, 'checkConnexionRequest', {}, options);
}

export async function createContract(
	this: ContratPriveContext,
	input: NewContract,
	options?: RequestOptions,
): Promise<Contract> {
	const contract: IDataObject = {
		label: input.label,
		lang: input.language,
		deadline: input.deadline,
	};
	if (input.reference) contract.reference = input.reference;
	if (input.bankAccount) contract.bankAccount = { ...input.bankAccount };

	const notify: IDataObject = { signatory: input.notifySignatories, owner: input.notifyOwner };
	if (input.submit && input.message) notify.submitMessage = input.message;

	const body: IDataObject = {
		contract,
		mainDocument: { name: input.document.fileName, data: input.document.base64 },
		signatories: input.signatories.map((signatory) => {
			const wire: IDataObject = {
				firstName: signatory.firstName,
				lastName: signatory.lastName,
				email: signatory.email,
				phone: signatory.phone,
			};
			if (signatory.deposit) wire.deposit = signatory.deposit;
			return wire;
		}),
		notify,
		action: { submit: input.submit },
	};
	if (input.annexes.length) {
		body.annexes = input.annexes.map((annex) => ({ name: annex.fileName, data: annex.base64 }));
	}

	const response = await apiRequest.call(this, 'contractCreateRequest', body, options);
	return response.contract as Contract;
}

export async function listContracts(
	this: ContratPriveContext,
	filter: ContractFilter,
	page: { offset: number; limit: number },
	options?: RequestOptions,
): Promise<ContractList> {
	const wireFilter: IDataObject = {};
	if (filter.statuses?.length) wireFilter.status = filter.statuses;
	if (filter.createdFrom) wireFilter.createdFrom = filter.createdFrom;
	if (filter.createdTo) wireFilter.createdTo = filter.createdTo;
	if (filter.reference) wireFilter.reference = filter.reference;

	const body: IDataObject = { offset: page.offset, limit: page.limit };
	if (Object.keys(wireFilter).length) body.filter = wireFilter;
	return await apiRequest.call(this, 'contractListRequest', body, options);
}

export async function getContract(
	this: ContratPriveContext,
	contractId: string,
	options?: RequestOptions,
): Promise<Contract> {
	const response = await apiRequest.call(this, 'contractDetailRequest', { contractId }, options);
	return response.contract as Contract;
}

export async function cancelContract(
	this: ContratPriveContext,
	contractId: string,
	reason: string | undefined,
	options?: RequestOptions,
): Promise<Contract> {
	const body: IDataObject = { contractId };
	if (reason) body.reason = reason;
	const response = await apiRequest.call(this, 'contractCancelRequest', body, options);
	return response.contract as Contract;
}

export async function sendSms(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	options?: RequestOptions,
): Promise<{ signatoryId: string; sent: boolean; remainingSms: number | null }> {
	return await apiRequest.call(
		this,
		'signatorySendSmsRequest',
		{ contractId, signatoryId },
		options,
	);
}

export async function sendSmsToAll(
	this: ContratPriveContext,
	contractId: string,
	options?: RequestOptions,
): Promise<{ sent: string[]; skipped: Array<{ signatoryId: string; reason: string }> }> {
	return await apiRequest.call(this, 'signatorySendAllSmsRequest', { contractId }, options);
}

export async function signContract(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	code: string,
	options?: RequestOptions,
): Promise<{
	signatory: { id: string; status: SignatoryStatus; signedAt: string | null };
	contract: { id: string; status: ContractStatus };
}> {
	return await apiRequest.call(
		this,
		'signatorySignRequest',
		{ contractId, signatoryId, code },
		options,
	);
}

// ---------------------------------------------------------------------------------------------
// Documents inside a contract

export interface ContractDocuments {
	original?: DocumentUpload;
	/** Present once every signatory has signed. */
	signed?: DocumentUpload;
	annexes: DocumentUpload[];
}

/** The documents carried by a contract from `getContract` (only it has contents). */
export function contractDocuments(contract: Contract): ContractDocuments {
	const main = contract.mainDocument?.data;
	const sign = main?.sign;
	const documents: ContractDocuments = { annexes: [] };
	if (main?.content) documents.original = { fileName: main.name, base64: main.content };
	if (sign?.content) {
		const base = (main?.name ?? 'contract').replace(/\.pdf$/i, '');
		const fileName = sign.name && sign.name !== main?.name ? sign.name : `${base}-signed.pdf`;
		documents.signed = { fileName, base64: sign.content };
	}
	for (const annex of contract.annexes ?? []) {
		if (annex.content) documents.annexes.push({ fileName: annex.name, base64: annex.content });
	}
	return documents;
}

/** A copy of the contract without any base64 document content. */
export function withoutDocumentContents(contract: Contract): Contract {
	const strip = <T extends StoredDocument>(document: T): T => {
		const copy = { ...document };
		delete copy.content;
		return copy;
	};
	const copy: Contract = { ...contract };
	const main = contract.mainDocument?.data;
	if (main) {
		const data = strip(main);
		if (main.sign) data.sign = strip(main.sign);
		copy.mainDocument = { ...contract.mainDocument, data };
	}
	if (Array.isArray(contract.annexes)) copy.annexes = contract.annexes.map(strip);
	return copy;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export type RequestName =
	| 'checkConnexionRequest'
	| 'contractCreateRequest'
	| 'contractListRequest'
	| 'contractDetailRequest'
	| 'contractCancelRequest'
	| 'signatorySendSmsRequest'
	| 'signatorySendAllSmsRequest'
	| 'signatorySignRequest';

const BASE_URLS: Record<Platform, string> = {
	sandbox: 'https://sandbox.contrat-prive.com/api',
	production: 'https://www.contrat-prive.com/api',
};

const LOOPBACK_HOSTS = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * The base URL the credential points at; custom URLs must be https, except on loopback.
 * Returns a problem text instead of a URL when the credential's URL is not acceptable.
 */
export function resolveBaseUrl(credentials: IDataObject): { url: string } | { problem: string } {
	const platform = credentials.platform as string;
	if (platform === 'sandbox' || platform === 'production') return { url: BASE_URLS[platform] };

	const raw = String(credentials.baseUrl ?? '').trim();
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { problem: `The credential's Base URL "${raw}" is not a valid URL` };
	}
	const loopback = LOOPBACK_HOSTS.test(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		return {
			problem: `The credential's Base URL must use https:// (plain http:// is only allowed on localhost, 127.0.0.1 or [::1]); got "${raw}"`,
		};
	}
	return { url: raw.replace(/\/+$/, '') };
}

export async function apiRequest(
	this: ContratPriveContext,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions = {},
): Promise<any> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = resolveBaseUrl(credentials);
	if ('problem' in baseUrl) {
		throw new NodeOperationError(this.getNode(), baseUrl.problem, { itemIndex: options.itemIndex });
	}

	const request: IHttpRequestOptions = {
		method: 'POST',
		url: `${baseUrl.url}/${requestName}`,
		body: parameters,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeout,
	};

	let response: { statusCode: number; body: unknown };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			request,
		);
	} catch (error) {
		throw networkError(this, requestName, error, options.itemIndex);
	}

	const body = response.body;
	if (response.statusCode >= 200 && response.statusCode < 300) {
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			throw new NodeApiError(
				this.getNode(),
				{ code: 'MALFORMED_RESPONSE', requestName } as JsonObject,
				{
					message: `Contrat-Privé sent a reply to ${requestName} that is not JSON`,
					description:
						'The request may or may not have been carried out. Check the contract before trying again.',
					itemIndex: options.itemIndex,
				},
			);
		}
		return body;
	}
	throw apiError(this, requestName, response.statusCode, body, options.itemIndex);
}

export interface ApiErrorBody {
	code: string;
	message: string;
	field?: string;
	[detail: string]: unknown;
}

function readErrorBody(body: unknown): ApiErrorBody | undefined {
	if (body && typeof body === 'object' && 'error' in body) {
		const error = (body as { error: unknown }).error;
		if (error && typeof error === 'object' && typeof (error as ApiErrorBody).code === 'string') {
			return error as ApiErrorBody;
		}
	}
	return undefined;
}

function apiError(
	context: ContratPriveContext,
	requestName: RequestName,
	statusCode: number,
	body: unknown,
	itemIndex: number | undefined,
): NodeApiError {
	const error = readErrorBody(body) ?? {
		code: statusCode >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR',
		message: `HTTP ${statusCode}`,
	};
	const { message, description } = explain(error);
	// Only the parsed error object goes into the NodeApiError: the request (and its apiKey) never does.
	const details: JsonObject = { ...(error as JsonObject), httpCode: String(statusCode), requestName };
	delete details.apiKey;
	return new NodeApiError(context.getNode(), details, {
		message,
		description,
		httpCode: String(statusCode),
		itemIndex,
	});
}

function explain(error: ApiErrorBody): { message: string; description?: string } {
	const apiMessage = error.message;
	switch (error.code) {
		case 'VALIDATION_ERROR':
			return {
				message: error.field
					? `Contrat-Privé rejected "${error.field}": ${apiMessage}`
					: `Contrat-Privé rejected the request: ${apiMessage}`,
			};
		case 'INVALID_BANK_ACCOUNT':
			return { message: `Invalid bank account: ${apiMessage}` };
		case 'INVALID_CREDENTIALS':
			return {
				message: 'Contrat-Privé does not know this API key pair',
				description:
					'Copy API User and API Key again from your Contrat-Privé owner account into the credential.',
			};
		case 'WRONG_PLATFORM':
			return {
				message: 'These keys belong to the other platform',
				description: `A Contrat-Privé key pair works on one platform only${
					typeof error.platform === 'string' ? `; these keys are ${error.platform} keys` : ''
				}. Change the credential's platform, or use the keys of this platform.`,
			};
		case 'CONTRACT_NOT_FOUND':
			return {
				message: 'Contract not found',
				description: `${apiMessage}. The ID may be wrong, or the contract belongs to another owner account.`,
			};
		case 'SIGNATORY_NOT_FOUND':
			return {
				message: 'Signatory not found on this contract',
				description: apiMessage,
			};
		case 'INVALID_STATE':
			return { message: `Not possible in the contract's current state: ${apiMessage}` };
		case 'PAYLOAD_TOO_LARGE':
			if (error.field === 'body') {
				return {
					message: 'The documents together are too large for Contrat-Privé',
					description: `${apiMessage}. Each document may be at most 20 MB, but the whole request has a limit too: send fewer or smaller annexes.`,
				};
			}
			return {
				message: 'A document is too large for Contrat-Privé',
				description: `${apiMessage}. Each document may be at most 20 MB.`,
			};
		case 'INVALID_SMS_CODE': {
			// remainingAttempts is null on the sandbox only, where no SMS is sent.
			const remaining = error.remainingAttempts;
			let description: string;
			if (typeof remaining !== 'number') {
				description = 'On the sandbox no SMS is sent and the code is always 0000.';
			} else if (remaining <= 0) {
				description =
					'No attempt left: the signatory is now locked after 5 wrong codes and can no longer sign this contract.';
			} else {
				description = `${remaining} attempt(s) left before the signatory is locked.`;
			}
			return { message: 'Wrong SMS code', description };
		}
		case 'DEPOSIT_PAYMENT_REQUIRED':
			return {
				message: 'The signatory must pay the deposit on contrat-prive.com before signing',
				description: `Deposits cannot be paid through the API. Send the signatory this payment link, then sign again: ${String(
					error.paymentUrl ?? '(no link given)',
				)}`,
			};
		case 'SIGNATORY_LOCKED':
			return {
				message: 'This signatory is locked after 5 wrong SMS codes',
				description:
					'Contrat-Privé allows at most 5 failed signature attempts per signatory and contract.',
			};
		case 'SMS_LIMIT_REACHED':
			return {
				message: 'SMS limit reached for this signatory',
				description:
					'Contrat-Privé sends at most 5 SMS codes per signatory and contract in production.',
			};
		case 'DAILY_QUOTA_EXCEEDED':
			return {
				message: 'Daily quota of 1,000 production requests reached',
				description: `Contrat-Privé production allows 1,000 API requests per day; the counter resets at midnight, Paris time${
					typeof error.resetAt === 'string' ? ` (${error.resetAt})` : ''
				}. Poll less often or batch work.`,
			};
		case 'UNKNOWN_REQUEST':
			return {
				message: 'This URL does not answer like the Contrat-Privé API',
				description: `${apiMessage}. Check the credential's platform or base URL.`,
			};
		default:
			return { message: `Contrat-Privé error ${error.code}: ${apiMessage}` };
	}
}

function networkError(
	context: ContratPriveContext,
	requestName: RequestName,
	error: unknown,
	itemIndex: number | undefined,
): NodeApiError {
	const cause = error as { code?: string; message?: string; cause?: { code?: string } };
	const code = cause.code ?? cause.cause?.code ?? 'NETWORK_ERROR';
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(cause.message ?? '');
	return new NodeApiError(
		context.getNode(),
		{ code: timedOut ? 'TIMEOUT' : code, requestName } as JsonObject,
		{
			message: timedOut
				? `Contrat-Privé did not answer ${requestName} in time`
				: `Could not reach Contrat-Privé (${code})`,
			description: 'Check the network and the credential\'s base URL, then try again.',
			itemIndex,
		},
	);
}
