/** The objects of the Contrat-Privé API, what the calls take, and the API's limits. */
import type { IDataObject } from 'n8n-workflow';

import type { ContratPriveContext } from '../delivery/options';
import type { DocumentBytes } from '../streaming/json-body';

export type { ContratPriveContext };

export const CREDENTIAL_TYPE = 'contratPriveApi';

export type Platform = 'sandbox' | 'production';

export const CONTRACT_STATUSES = ['draft', 'pending', 'signed', 'cancelled', 'expired'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
/** Open: a contract that may still change (a draft, or out for signature). */
export const OPEN_STATUSES = ['draft', 'pending'] as const satisfies readonly ContractStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export const isOpenStatus = (status: string): status is OpenStatus =>
	(OPEN_STATUSES as readonly string[]).includes(status);
/** Final: a contract that never changes again. */
export const FINAL_STATUSES = [
	'signed',
	'cancelled',
	'expired',
] as const satisfies readonly ContractStatus[];
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export const isFinalStatus = (status: string): status is FinalStatus =>
	(FINAL_STATUSES as readonly string[]).includes(status);

export const SIGNATORY_STATUSES = ['pending', 'signed', 'locked'] as const;
export type SignatoryStatus = (typeof SIGNATORY_STATUSES)[number];

/** Production allows this many API requests per owner and per day (Paris time). */
export const DAILY_REQUEST_QUOTA = 1000;
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const MAX_LIST_PAGE_SIZE = 100;
/** As users read them: "1,000", "20 MB". */
export const QUOTA_TEXT = DAILY_REQUEST_QUOTA.toLocaleString('en-US');
export const DOCUMENT_LIMIT_TEXT = `${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`;
/** SMS codes sent, and wrong codes tried, per signatory and contract on production. */
export const MAX_SMS_PER_SIGNATORY = 5;
export const MAX_CODE_ATTEMPTS = 5;

export type RequestName =
	| 'checkConnexionRequest'
	| 'contractCreateRequest'
	| 'contractListRequest'
	| 'contractDetailRequest'
	| 'contractCancelRequest'
	| 'signatorySendSmsRequest'
	| 'signatorySendAllSmsRequest'
	| 'signatorySignRequest';

// The objects of the API's replies.
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

// What the requests take.

/** A document to send: its bytes are read (afresh for each attempt) as the request is written. */
export interface DocumentToSend {
	fileName: string;
	content: DocumentBytes;
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
	document: DocumentToSend;
	annexes: DocumentToSend[];
	signatories: NewSignatory[];
	notifySignatories: boolean;
	notifyOwner: boolean;
	/** Only sent when submitting. */
	message?: string;
	submit: boolean;
}

export interface ContractFilter {
	statuses?: readonly ContractStatus[];
	createdFrom?: string;
	createdTo?: string;
	/** Exact match */
	reference?: string;
}

/**
 * The contract, created now or (`alreadyExisted`) found by its reference: the same shape either
 * way. One read with contractDetailRequest comes without its document contents.
 */
export interface CreateResult {
	contract: Contract;
	alreadyExisted: boolean;
}

export interface SignResult {
	signatory: { id: string; status: SignatoryStatus; signedAt: string | null };
	contract: { id: string; status: ContractStatus };
}

export interface ApiErrorBody {
	code: string;
	message: string;
	field?: string;
	[detail: string]: unknown;
}
