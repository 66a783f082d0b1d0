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
import { NodeApiError, NodeOperationError, randomInt, sleepWithAbort } from 'n8n-workflow';

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
	/** Milliseconds without any data sent or received before a request is given up. */
	timeout?: number;
	/**
	 * Retries of failed requests; none when absent (the behaviour callers had before retries
	 * existed). Reads are retried after any transient failure; writes only when the request
	 * provably never reached Contrat-Privé, or after a check showed it was not carried out.
	 * See "Reliability" below.
	 */
	retry?: RetryPolicy;
}

// ---------------------------------------------------------------------------------------------
// Calls

export async function checkConnection(
	this: ContratPriveContext,
	options?: RequestOptions,
): Promise<ConnectionInfo> {
	const connection = await apiRequest.call(this, 'checkConnexionRequest', {}, options);
	// Any JSON reply is not a connection: a server that is not the API may answer 200 too.
	if (connection?.platform !== 'sandbox' && connection?.platform !== 'production') {
		throw new NodeOperationError(
			this.getNode(),
			'This URL does not answer like the Contrat-Privé API',
			{
				description:
					"Its reply to checkConnexionRequest names no platform. Check the credential's platform or base URL.",
				itemIndex: options?.itemIndex,
			},
		);
	}
	return connection;
}

function createBody(input: NewContract): IDataObject {
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
	return body;
}

/**
 * Sends one contractCreateRequest. With `options.retry`, it is sent again only if it never
 * reached Contrat-Privé (connection refused); prefer `createContractAtMostOnce`, which also
 * resolves a failure that leaves the outcome unknown.
 */
export async function createContract(
	this: ContratPriveContext,
	input: NewContract,
	options?: RequestOptions,
): Promise<Contract> {
	const response = await apiRequest.call(this, 'contractCreateRequest', createBody(input), options);
	return response.contract as Contract;
}

export interface CreateOptions extends RequestOptions {
	/**
	 * With a reference: when a contract with exactly this reference exists, return it (the
	 * newest) instead of creating another one. Default true.
	 */
	skipIfReferenceExists?: boolean;
}

/**
 * The contract, created now or (`alreadyExisted`) found by its reference. Either way it is the
 * full contract, so that a re-run outputs the same shape as the first run; a contract read with
 * contractDetailRequest carries document contents, which the caller strips.
 */
export interface CreateResult {
	contract: Contract;
	alreadyExisted: boolean;
}

/**
 * Creates a contract without ever creating it twice.
 *
 * Without a reference, a failure that leaves the outcome unknown (timeout, dropped connection,
 * server error, unreadable reply) is reported as such and nothing is sent again.
 *
 * With a reference, the contracts with that reference are listed first: with
 * `skipIfReferenceExists` the newest one is read and returned (list + details: two requests, as
 * many as list + create on the first run); otherwise the list is the baseline. After a
 * failure whose outcome is unknown, the reference is looked up again: a contract that was not in
 * the baseline is the one this call created, and is returned; if there is none, the request was
 * not carried out and is sent again (within `options.retry`).
 *
 * A contract found by reference after a failure comes from contractDetailRequest: it carries
 * document contents, which the caller strips.
 */
export async function createContractAtMostOnce(
	this: ContratPriveContext,
	input: NewContract,
	options: CreateOptions = {},
): Promise<CreateResult> {
	const requestOptions: RequestOptions = {
		itemIndex: options.itemIndex,
		timeout: options.timeout,
		retry: options.retry,
	};
	const reference = input.reference;
	const body = createBody(input);
	const attempts = new Attempts(this, 'contractCreateRequest', options.retry);
	const create = async () =>
		await settle(send(this, 'contractCreateRequest', body, requestOptions, attempts));

	if (!reference) {
		const sent = await create();
		if ('value' in sent)
			return { contract: sent.value.contract as Contract, alreadyExisted: false };
		if (!options.retry || deliveryOf(sent.error) !== 'unknown') throw sent.error;
		throw outcomeUnknown(this, sent.error, 'contractCreateRequest', requestOptions, {
			message: 'Contrat-Privé did not confirm that the contract was created',
			known:
				'The contract may have been created all the same. It was not sent again, so that it cannot be sent twice.',
			advice:
				'Look for it (Contract › Get Many) before running this item again. With a Reference, the node checks by itself and never creates a contract twice.',
		});
	}

	const byReference = async () =>
		await listContracts.call(
			this,
			{ reference },
			{ offset: 0, limit: MAX_LIST_PAGE_SIZE },
			requestOptions,
		);
	const details = async (id: string) => await getContract.call(this, id, requestOptions);

	const baseline = await byReference();
	if (options.skipIfReferenceExists !== false && baseline.contracts.length > 0) {
		return { contract: await details(baseline.contracts[0].id), alreadyExisted: true };
	}
	const known = new Set(baseline.contracts.map((contract) => contract.id));

	for (;;) {
		const sent = await create();
		if ('value' in sent)
			return { contract: sent.value.contract as Contract, alreadyExisted: false };
		const error = sent.error;
		if (!options.retry || deliveryOf(error) !== 'unknown') throw error;

		const lookup = await settle(byReference());
		if ('error' in lookup) {
			throw outcomeUnknown(this, error, 'contractCreateRequest', requestOptions, {
				message: 'Contrat-Privé did not confirm that the contract was created',
				known: `The contract may have been created; looking it up by its reference failed too (${safeMessage(lookup.error)}).`,
				advice: `Running this item again is safe while "Skip If Reference Exists" is on: the node looks for the reference "${reference}" first.`,
			});
		}
		const created = lookup.value.contracts.find((contract) => !known.has(contract.id));
		if (created) {
			this.logger.info(
				`Contrat-Privé: contractCreateRequest failed (${safeMessage(error)}), but the contract ${created.id} was created: found by its reference`,
			);
			return { contract: await details(created.id), alreadyExisted: false };
		}
		if (!(await attempts.next(`${safeMessage(error)}; checked by reference: not created`))) {
			throw outcomeUnknown(this, error, 'contractCreateRequest', requestOptions, {
				message: 'Contrat-Privé did not create the contract',
				known: `Checked by its reference "${reference}": no such contract was created.`,
				advice: 'Running this item again is safe.',
				attempts,
			});
		}
	}
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

/**
 * Cancels a pending contract. With `options.retry`, a failure that leaves the outcome unknown is
 * resolved by reading the contract: cancelled means done; still pending means the request was
 * not carried out, and it is sent again (a second cancel could not do anything more anyway).
 * A contract read back this way carries document contents, which the caller strips.
 */
export async function cancelContract(
	this: ContratPriveContext,
	contractId: string,
	reason: string | undefined,
	options: RequestOptions = {},
): Promise<Contract> {
	const body: IDataObject = { contractId };
	if (reason) body.reason = reason;
	const attempts = new Attempts(this, 'contractCancelRequest', options.retry);
	for (;;) {
		const sent = await settle(send(this, 'contractCancelRequest', body, options, attempts));
		if ('value' in sent) return sent.value.contract as Contract;
		const error = sent.error;
		if (!options.retry || deliveryOf(error) !== 'unknown') throw error;

		const lookup = await settle(getContract.call(this, contractId, options));
		if ('error' in lookup) {
			throw outcomeUnknown(this, error, 'contractCancelRequest', options, {
				message: 'Contrat-Privé did not confirm that the contract was cancelled',
				known: `It may have been cancelled; reading it back failed too (${safeMessage(lookup.error)}).`,
				advice: 'Check its status (Contract › Get) before running this item again.',
			});
		}
		const current = lookup.value;
		if (current.status === 'cancelled') return current;
		if (current.status !== 'pending') {
			throw outcomeUnknown(this, error, 'contractCancelRequest', options, {
				message: 'Contrat-Privé did not cancel the contract',
				known: `Checked: the contract is ${current.status}, so it cannot be cancelled any more.`,
				advice:
					'Only a contract out for signature and not yet signed by everyone can be cancelled.',
			});
		}
		if (!(await attempts.next(`${safeMessage(error)}; checked: still pending`))) {
			throw outcomeUnknown(this, error, 'contractCancelRequest', options, {
				message: 'Contrat-Privé did not cancel the contract',
				known: 'Checked: the contract is still out for signature.',
				advice: 'Running this item again is safe.',
				attempts,
			});
		}
	}
}

export async function sendSms(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	options: RequestOptions = {},
): Promise<{ signatoryId: string; sent: boolean; remainingSms: number | null }> {
	const sent = await settle(
		apiRequest.call(this, 'signatorySendSmsRequest', { contractId, signatoryId }, options),
	);
	if ('value' in sent) return sent.value;
	if (!options.retry || deliveryOf(sent.error) !== 'unknown') throw sent.error;
	throw outcomeUnknown(this, sent.error, 'signatorySendSmsRequest', options, {
		message: 'Contrat-Privé did not confirm that the SMS code was sent',
		known:
			'The SMS may have been sent all the same. It was not sent again: Contrat-Privé sends at most 5 SMS per signatory and contract.',
		advice: 'Ask the signatory whether a code arrived before sending another one.',
	});
}

export async function sendSmsToAll(
	this: ContratPriveContext,
	contractId: string,
	options: RequestOptions = {},
): Promise<{ sent: string[]; skipped: Array<{ signatoryId: string; reason: string }> }> {
	const sent = await settle(
		apiRequest.call(this, 'signatorySendAllSmsRequest', { contractId }, options),
	);
	if ('value' in sent) return sent.value;
	if (!options.retry || deliveryOf(sent.error) !== 'unknown') throw sent.error;
	throw outcomeUnknown(this, sent.error, 'signatorySendAllSmsRequest', options, {
		message: 'Contrat-Privé did not confirm that the SMS codes were sent',
		known:
			'The SMS may have been sent all the same. They were not sent again: Contrat-Privé sends at most 5 SMS per signatory and contract.',
		advice: 'Ask the signatories whether a code arrived before sending more.',
	});
}

export interface SignResult {
	signatory: { id: string; status: SignatoryStatus; signedAt: string | null };
	contract: { id: string; status: ContractStatus };
}

/**
 * Signs with an SMS code. With `options.retry`, a failure that leaves the outcome unknown is
 * resolved by reading the contract: a signed signatory means done. Otherwise the code is not sent
 * again, since a wrong code counts against the 5 attempts a signatory has.
 */
export async function signContract(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	code: string,
	options: RequestOptions = {},
): Promise<SignResult> {
	const sent = await settle(
		apiRequest.call(this, 'signatorySignRequest', { contractId, signatoryId, code }, options),
	);
	if ('value' in sent) return sent.value as SignResult;
	const error = sent.error;
	if (!options.retry || deliveryOf(error) !== 'unknown') throw error;

	const lookup = await settle(getContract.call(this, contractId, options));
	if ('error' in lookup) {
		throw outcomeUnknown(this, error, 'signatorySignRequest', options, {
			message: 'Contrat-Privé did not confirm the signature',
			known: `The signatory may have signed; reading the contract back failed too (${safeMessage(lookup.error)}).`,
			advice: 'Check the contract (Contract › Get) before trying the code again.',
		});
	}
	const current = lookup.value;
	const signatory = current.signatories?.find((candidate) => candidate.id === signatoryId);
	if (signatory?.status === 'signed') {
		return {
			signatory: { id: signatory.id, status: signatory.status, signedAt: signatory.signedAt },
			contract: { id: current.id, status: current.status },
		};
	}
	throw outcomeUnknown(this, error, 'signatorySignRequest', options, {
		message: 'Contrat-Privé did not record the signature',
		known: `Checked: the signatory has not signed${
			signatory
				? ` (${signatory.status}, ${signatory.failedAttempts} failed attempt(s) so far)`
				: ''
		}. The code was not sent again, because a wrong code counts against the 5 attempts a signatory has.`,
		advice: 'Run this item again once Contrat-Privé answers.',
	});
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
// Reliability: timeouts and retries

/** Default request timeout: milliseconds without any data sent or received. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Creating a contract uploads up to 20 MB per document and lets the server check them. */
export const CREATE_TIMEOUT_MS = 120_000;

export interface RetryPolicy {
	/** Retries after the first attempt of a request; 0 for none. */
	maxRetries: number;
	/** Milliseconds before the first retry; the wait doubles at each retry, with jitter. */
	initialDelay: number;
	/** Longest wait between two attempts, in milliseconds. */
	maxDelay: number;
	/** No retry starts when it would end its wait later than this after the first attempt. */
	maxTotalTime: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	initialDelay: 500,
	maxDelay: 8000,
	maxTotalTime: 30_000,
};

/** The requests that change nothing: they may be sent again after any transient failure. */
export const READ_REQUESTS: readonly RequestName[] = [
	'checkConnexionRequest',
	'contractListRequest',
	'contractDetailRequest',
];

export function isReadRequest(requestName: RequestName): boolean {
	return READ_REQUESTS.includes(requestName);
}

/**
 * What the client knows about a failed request.
 * - `not-sent`: it never reached Contrat-Privé (e.g. connection refused); sending it again is safe.
 * - `unknown`: it may have been carried out (timeout, dropped connection, 5xx, unreadable reply).
 * - `rejected`: Contrat-Privé answered with an error (4xx); by the wire contract a rejected
 *   request changes nothing, and sending it again cannot succeed.
 */
export type Delivery = 'not-sent' | 'unknown' | 'rejected';

interface FailureInfo {
	delivery: Delivery;
	/** Whether trying again later may succeed. */
	transient: boolean;
}

const failures = new WeakMap<object, FailureInfo>();

function classify<T extends object>(error: T, delivery: Delivery, transient: boolean): T {
	failures.set(error, { delivery, transient });
	return error;
}

/** How far a request failed by the transport got; undefined for other errors. */
export function deliveryOf(error: unknown): Delivery | undefined {
	return typeof error === 'object' && error !== null ? failures.get(error)?.delivery : undefined;
}

/** Whether a request failed by the transport may succeed if tried again later. */
export function isTransientFailure(error: unknown): boolean {
	return typeof error === 'object' && error !== null
		? failures.get(error)?.transient === true
		: false;
}

/** Exponential backoff with "equal jitter": half the wait is fixed, half random. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
	const exponential = Math.min(policy.maxDelay, policy.initialDelay * 2 ** retry);
	const half = Math.floor(exponential / 2);
	const spread = exponential - half;
	return half + (spread > 0 ? randomInt(0, spread + 1) : 0);
}

/** The attempts of one request under a retry policy: counts them and waits between them. */
class Attempts {
	private retries = 0;

	private waited = 0;

	private readonly started = Date.now();

	constructor(
		private readonly context: ContratPriveContext,
		private readonly requestName: RequestName,
		private readonly policy: RetryPolicy | undefined,
	) {}

	get count(): number {
		return this.retries + 1;
	}

	/** Waits before the next attempt; false when the policy allows none. */
	async next(reason: string): Promise<boolean> {
		const policy = this.policy;
		if (!policy || this.retries >= policy.maxRetries) return false;
		const delay = backoffDelay(policy, this.retries);
		if (Date.now() - this.started + delay > policy.maxTotalTime) return false;
		this.retries += 1;
		this.waited += delay;
		this.context.logger.debug(
			`Contrat-Privé: ${this.requestName} failed (${reason}); attempt ${this.retries + 1} of ${
				policy.maxRetries + 1
			} in ${delay} ms`,
		);
		const signal =
			'getExecutionCancelSignal' in this.context
				? this.context.getExecutionCancelSignal()
				: undefined;
		await sleepWithAbort(delay, signal);
		return true;
	}

	summary(): string {
		const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
		return `Tried ${this.count} times in ${seconds} s.`;
	}
}

/** A promise's outcome as a value, so that an error can be inspected before it is thrown on. */
async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
	try {
		return { value: await promise };
	} catch (error) {
		return { error };
	}
}

function safeMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function addDescription(error: unknown, text: string): void {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = [error.description, text].filter(Boolean).join(' ');
	}
}

/**
 * The error for a write whose outcome is unknown or was checked: it keeps the HTTP code of the
 * failure, says what is known, and what to do.
 */
function outcomeUnknown(
	context: ContratPriveContext,
	cause: unknown,
	requestName: RequestName,
	options: RequestOptions,
	text: { message: string; known: string; advice: string; attempts?: Attempts },
): NodeApiError {
	const causeError = cause as Partial<NodeApiError> & { message?: string };
	const description = [
		`${safeMessage(cause)}.`.replace(/\.\.$/, '.'),
		text.known,
		text.advice,
		text.attempts && text.attempts.count > 1 ? text.attempts.summary() : '',
	]
		.filter(Boolean)
		.join(' ');
	const details: JsonObject = { code: 'OUTCOME_UNKNOWN', message: text.message, requestName };
	const error = new NodeApiError(context.getNode(), details, {
		message: text.message,
		description,
		httpCode: causeError.httpCode ?? undefined,
		itemIndex: options.itemIndex,
	});
	// NodeApiError swaps messages of known connection codes for generic ones: keep ours.
	error.message = text.message;
	error.description = description;
	return classify(error, 'unknown', isTransientFailure(cause));
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

/**
 * Sends a request, retrying it under `options.retry`: a read after any transient failure, a
 * write only when it never reached Contrat-Privé. 4xx answers are never retried.
 */
export async function apiRequest(
	this: ContratPriveContext,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions = {},
): Promise<any> {
	return await send(
		this,
		requestName,
		parameters,
		options,
		new Attempts(this, requestName, options.retry),
	);
}

async function send(
	context: ContratPriveContext,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions,
	attempts: Attempts,
): Promise<any> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = resolveBaseUrl(credentials);
	if ('problem' in baseUrl) {
		throw new NodeOperationError(context.getNode(), baseUrl.problem, {
			itemIndex: options.itemIndex,
		});
	}
	const secrets = secretsOf(credentials);
	const read = isReadRequest(requestName);
	const url = `${baseUrl.url}/${requestName}`;
	for (;;) {
		const sent = await settle(sendOnce(context, url, requestName, parameters, options, secrets));
		if ('value' in sent) return sent.value;
		const info = failures.get(sent.error as object);
		const retry = info !== undefined && info.transient && (read || info.delivery === 'not-sent');
		if (retry && (await attempts.next(safeMessage(sent.error)))) continue;
		if (attempts.count > 1) addDescription(sent.error, attempts.summary());
		throw sent.error;
	}
}

async function sendOnce(
	context: ContratPriveContext,
	url: string,
	requestName: RequestName,
	parameters: IDataObject,
	options: RequestOptions,
	secrets: string[],
): Promise<IDataObject> {
	const request: IHttpRequestOptions = {
		method: 'POST',
		url,
		// A copy: the credential adds the keys to the body it is given, and this object is kept.
		body: { ...parameters },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeout,
	};

	let response: { statusCode: number; body: unknown };
	try {
		response = await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			request,
		);
	} catch (error) {
		throw networkError(context, requestName, error, options.itemIndex, secrets);
	}

	const body = response.body;
	if (response.statusCode >= 200 && response.statusCode < 300) {
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			const error = new NodeApiError(
				context.getNode(),
				{ code: 'MALFORMED_RESPONSE', requestName } as JsonObject,
				{
					message: `Contrat-Privé sent a reply to ${requestName} that is not JSON`,
					description:
						'The request may or may not have been carried out. Check the contract before trying again.',
					itemIndex: options.itemIndex,
				},
			);
			throw classify(error, 'unknown', true);
		}
		// The API never sends the key back; should it ever, it does not reach the output.
		return redact(body as IDataObject, secrets);
	}
	const error = apiError(
		context,
		requestName,
		response.statusCode,
		body,
		options.itemIndex,
		secrets,
	);
	const serverFault = response.statusCode >= 500;
	throw classify(error, serverFault ? 'unknown' : 'rejected', serverFault);
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface ApiErrorBody {
	code: string;
	message: string;
	field?: string;
	[detail: string]: unknown;
}

/** The API key of the credential: it must never appear in an error. */
function secretsOf(credentials: IDataObject): string[] {
	const key = credentials.apiKey;
	return typeof key === 'string' && key.length > 0 ? [key] : [];
}

const SECRET_FIELD = /^api_?key$/i;

/** A deep copy without `apiKey` fields, and with any occurrence of a secret replaced. */
export function redact<T>(value: T, secrets: string[]): T {
	if (typeof value === 'string') {
		let text: string = value;
		for (const secret of secrets) {
			if (text.includes(secret)) text = text.split(secret).join('[redacted]');
		}
		return text as T;
	}
	if (Array.isArray(value)) return value.map((entry) => redact(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			if (SECRET_FIELD.test(key)) continue;
			copy[key] = redact(entry, secrets);
		}
		return copy as T;
	}
	return value;
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
	secrets: string[],
): NodeApiError {
	const parsed = readErrorBody(body);
	const error = redact(
		parsed
			? { ...parsed, message: String(parsed.message ?? '') }
			: {
					code: statusCode >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR',
					message: `HTTP ${statusCode}`,
				},
		secrets,
	);
	// A 404 or 405 without one of the API's own codes comes from a server that is not the API.
	const notTheApi =
		(statusCode === 404 || statusCode === 405) &&
		!['CONTRACT_NOT_FOUND', 'SIGNATORY_NOT_FOUND', 'UNKNOWN_REQUEST'].includes(error.code);
	const { message, description } = explain(
		notTheApi
			? { ...error, code: 'UNKNOWN_REQUEST', message: `HTTP ${statusCode} for ${requestName}` }
			: error,
	);
	// Only the parsed error object goes into the NodeApiError: the request (and its apiKey) never does.
	const details: JsonObject = {
		...(error as JsonObject),
		httpCode: String(statusCode),
		requestName,
	};
	return new NodeApiError(context.getNode(), details, {
		message: redact(message, secrets),
		description: description === undefined ? undefined : redact(description, secrets),
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
		case 'INTERNAL_ERROR':
			return {
				message: 'Contrat-Privé had a server error',
				description: `${apiMessage}. This is usually temporary.`,
			};
		default:
			return { message: `Contrat-Privé error ${error.code}: ${apiMessage}` };
	}
}

/** Connection errors raised before any byte of the request was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Not sent, and trying again will not help: no such host, or a certificate that is refused. */
const NOT_SENT_FINAL_CODES = new Set(['ENOTFOUND', 'EPROTO']);
const TLS_CODE = /CERT|SELF_SIGNED|TLS|SSL/;
const CANCELLED_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/** The error code of a failed HTTP call, looked for along the chain of causes. */
function networkCode(error: unknown): { code?: string; timedOut: boolean } {
	let timedOut = false;
	let code: string | undefined;
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as {
			code?: unknown;
			httpCode?: unknown;
			message?: unknown;
			cause?: unknown;
		};
		// n8n's request helper wraps the HTTP client's error in a NodeApiError whose httpCode is
		// the connection error code (ECONNREFUSED, ECONNRESET, ECONNABORTED...).
		for (const value of [candidate.code, candidate.httpCode]) {
			if (!code && typeof value === 'string' && /^[A-Z][A-Z_]+$/.test(value)) code = value;
		}
		if (typeof candidate.message === 'string' && /\btimeout\b|timed out/i.test(candidate.message)) {
			timedOut = true;
		}
		current = candidate.cause;
	}
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') timedOut = true;
	return { code, timedOut };
}

function networkError(
	context: ContratPriveContext,
	requestName: RequestName,
	error: unknown,
	itemIndex: number | undefined,
	secrets: string[],
): NodeApiError {
	const { code = 'NETWORK_ERROR', timedOut } = networkCode(error);
	const final = NOT_SENT_FINAL_CODES.has(code) || TLS_CODE.test(code);
	const notSent = NOT_SENT_CODES.has(code) || final;
	const cancelled = CANCELLED_CODES.has(code);
	let message: string;
	let description: string;
	if (timedOut) {
		message = `Contrat-Privé did not answer ${requestName} in time`;
		description =
			"The timeout is set in the node's options (Timeout). Check the network and the credential's base URL, then try again.";
	} else if (notSent) {
		message = `Could not reach Contrat-Privé (${code})`;
		description = "Nothing was sent. Check the network and the credential's base URL.";
	} else if (cancelled) {
		message = `The request ${requestName} was cancelled`;
		description = 'The execution was stopped while waiting for Contrat-Privé.';
	} else {
		message = `Could not reach Contrat-Privé (${code})`;
		description = `The connection broke before Contrat-Privé answered ${requestName}. Check the network and the credential's base URL, then try again.`;
	}
	const apiError = new NodeApiError(
		context.getNode(),
		{ code: timedOut ? 'TIMEOUT' : code, requestName } as JsonObject,
		{ message, description, itemIndex },
	);
	// NodeApiError swaps messages of known connection codes for generic ones: keep ours.
	apiError.message = redact(message, secrets);
	apiError.description = redact(description, secrets);
	if (notSent) return classify(apiError, 'not-sent', !final);
	return classify(apiError, 'unknown', !cancelled);
}
