/**
 * What the emulator's JSON replies carry, as tests read them: the types of the objects the
 * emulator writes (its views in store.ts, control.ts and server.ts), gathered in one reply shape.
 */
import type { internalView } from './control';
import type { NetworkModel } from './network';
import type {
	contractSummary,
	contractView,
	Email,
	Fault,
	Platform,
	RequestLogEntry,
	Sms,
} from './store';

export type WireContract = ReturnType<typeof contractView>;
export type WireContractSummary = ReturnType<typeof contractSummary>;
export type WireSignatory = WireContract['signatories'][number];
export type WireLogEntry = WireContract['log'][number];
export type InternalView = Awaited<ReturnType<typeof internalView>>;

/** `{ error }` of a failed request: a code, a message, and the details of that code. */
export interface WireError {
	code: string;
	message: string;
	field?: string;
	/** INVALID_STATE: the contract's or signatory's status. */
	status?: string;
	remainingAttempts?: number | null;
	limit?: number;
	[detail: string]: unknown;
}

export interface WireQuota {
	limit: number;
	used: number;
	remaining: number;
	resetAt: string;
}

/**
 * Every field an API request or control route replies with. A reply carries the fields of its
 * request only (a failed one: `error` only): the tests check the status before they read the
 * fields of a success.
 */
export interface WireReply {
	// API requests
	error: WireError;
	contract: WireContract;
	contracts: WireContractSummary[];
	total: number;
	offset: number;
	limit: number;
	platform: Platform;
	owner: { apiUser: string; name: string; email: string };
	quota: WireQuota | null;
	signatory: { id: string; status: string; signedAt: string | null };
	signatoryId: string;
	sent: boolean | string[];
	remainingSms: number | null;
	skipped: Array<{ signatoryId: string; reason: string }>;
	// Control routes
	now: string;
	ok: boolean;
	notify: InternalView['notify'];
	deadlineEnd: string;
	signatories: InternalView['signatories'];
	emails: Email[];
	sms: Sms[];
	fault: Fault;
	faults: Fault[];
	network: NetworkModel | null;
	inFlight: number;
	peakInFlight: number;
	ids: string[];
	counts: Record<string, number>;
	quotas: Record<string, { day: string; used: number }>;
	requests: RequestLogEntry[];
}
