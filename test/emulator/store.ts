/**
 * In-memory state of the emulator: accounts, contracts, outbox, quotas,
 * request log, faults. Handlers mutate it synchronously (no await between a
 * check and the change it guards), so concurrent requests never corrupt it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { endOfParisDay, iso } from './clock';

export type Platform = 'sandbox' | 'production';
export const PLATFORMS: readonly Platform[] = ['sandbox', 'production'];
export const isPlatform = (s: string): s is Platform => s === 'sandbox' || s === 'production';

export type ContractStatus = 'draft' | 'pending' | 'signed' | 'cancelled' | 'expired';
export const CONTRACT_STATUSES: readonly ContractStatus[] = [
	'draft',
	'pending',
	'signed',
	'cancelled',
	'expired',
];
export type SignatoryStatus = 'pending' | 'signed' | 'locked';

export type LogEvent =
	| 'created'
	| 'submitted'
	| 'validated'
	| 'email_sent'
	| 'sms_sent'
	| 'sign_failed'
	| 'signed'
	| 'locked'
	| 'deposit_paid'
	| 'cancelled'
	| 'expired'
	| 'completed';

export interface Account {
	platform: Platform;
	apiUser: string;
	apiKey: string;
	name: string;
	email: string;
}

/** Fixed demo accounts (public: they only exist in the emulator). */
export const DEMO_ACCOUNTS = {
	sandbox: {
		platform: 'sandbox',
		apiUser: 'demo-sandbox-user',
		apiKey: 'demo-sandbox-key',
		name: 'Demo Sandbox Owner',
		email: 'demo-sandbox-owner@example.com',
	},
	production: {
		platform: 'production',
		apiUser: 'demo-production-user',
		apiKey: 'demo-production-key',
		name: 'Demo Production Owner',
		email: 'demo-production-owner@example.com',
	},
	otherSandbox: {
		platform: 'sandbox',
		apiUser: 'other-sandbox-user',
		apiKey: 'other-sandbox-key',
		name: 'Other Sandbox Owner',
		email: 'other-sandbox-owner@example.com',
	},
} as const satisfies Record<string, Account>;

export interface StoredDoc {
	name: string;
	bytes: Buffer;
	size: number;
	sha256: string;
}

export interface SignedDoc extends StoredDoc {
	signedAt: number;
	timestampedAt: number;
}

export interface LogEntry {
	at: number;
	event: LogEvent;
	actor: string;
	detail: string;
}

export interface SignatoryRec {
	id: string;
	firstName: string;
	lastName: string;
	email: string;
	phone: string;
	deposit: number;
	depositPaid: boolean;
	status: SignatoryStatus;
	signedAt: number | null;
	smsSent: number;
	failedAttempts: number;
	/** Last SMS code sent (production); null before the first SMS. */
	lastCode: string | null;
}

export interface ContractRec {
	id: string;
	platform: Platform;
	owner: string;
	label: string;
	lang: 'fr' | 'en';
	reference: string | null;
	status: ContractStatus;
	createdAt: number;
	updatedAt: number;
	submittedAt: number | null;
	completedAt: number | null;
	cancelledAt: number | null;
	deadline: string;
	/** Instant the deadline day is over (next Paris midnight). */
	deadlineEnd: number;
	bankAccount: { iban: string; bic: string | null; holder: string } | null;
	signatories: SignatoryRec[];
	mainDocument: StoredDoc;
	annexes: StoredDoc[];
	sign: SignedDoc | null;
	signPromise: Promise<SignedDoc> | null;
	notify: { signatory: boolean; owner: boolean; submitMessage: string | null };
	log: LogEntry[];
}

export interface Email {
	platform: Platform;
	contractId: string;
	to: string;
	subject: string;
	body: string;
	at: string;
}

export interface Sms {
	platform: Platform;
	contractId: string;
	signatoryId: string;
	phone: string;
	code: string;
	body: string;
	at: string;
}

export interface RequestLogEntry {
	platform: Platform;
	requestName: string;
	/** HTTP status sent; 0 when no response was sent (timeout or reset fault). */
	status: number;
	at: string;
	/** Set when an injected fault shaped the response. */
	fault?: FaultKind;
	/** The network model's delay of this request, in ms (network model on). */
	delayMs?: number;
	/** From its arrival to its answer, in ms: the delay, or more if the emulator was slower. */
	serverMs?: number;
}

export type FaultKind = '500' | '502' | '503' | 'timeout' | 'reset' | 'malformed' | '429';
export const FAULT_KINDS: readonly FaultKind[] = [
	'500',
	'502',
	'503',
	'timeout',
	'reset',
	'malformed',
	'429',
];

export interface Fault {
	id: number;
	kind: FaultKind;
	remaining: number;
	requestName: string | null;
	platform: Platform | null;
	after: boolean;
	/** Matching requests let through before the fault applies (e.g. 2: the third page). */
	skip: number;
}

// ---------------------------------------------------------------- ids

let idCounter = 0;
/** Opaque ids that sort by creation order (counter prefix) and are never reused. */
export function newId(prefix: string): string {
	idCounter += 1;
	return `${prefix}_${idCounter.toString(36).padStart(8, '0')}${randomBytes(3).toString('hex')}`;
}

export const sha256Hex = (b: Buffer | string): string =>
	createHash('sha256').update(b).digest('hex');

export function makeDoc(name: string, bytes: Buffer): StoredDoc {
	return { name, bytes, size: bytes.length, sha256: sha256Hex(bytes) };
}

// ---------------------------------------------------------------- store

export class Store {
	readonly accounts: Account[];
	contracts = new Map<string, ContractRec>();
	/** Contracts per owner (`platform/apiUser`), in creation order. */
	byOwner = new Map<string, ContractRec[]>();
	emails: Email[] = [];
	sms: Sms[] = [];
	faults: Fault[] = [];
	faultSeq = 0;
	/** Daily request counter per owner (production). */
	quotas = new Map<string, { day: string; used: number }>();
	/** Daily request limits raised (or lowered) for an owner (production); default DAILY_QUOTA. */
	quotaLimits = new Map<string, number>();
	readonly requests: RequestLogEntry[] = [];
	/** Unexpected exceptions turned into 500 INTERNAL_ERROR (each one is a bug). */
	readonly internalErrors: Error[] = [];

	constructor(accounts: Account[] = Object.values(DEMO_ACCOUNTS)) {
		this.accounts = accounts.map((a) => ({ ...a }));
	}

	reset(): void {
		this.contracts.clear();
		this.byOwner.clear();
		this.emails = [];
		this.sms = [];
		this.faults = [];
		this.quotas.clear();
		this.quotaLimits.clear();
		this.requests.length = 0;
		this.internalErrors.length = 0;
	}

	add(c: ContractRec): void {
		this.contracts.set(c.id, c);
		const key = ownerKey(c.platform, c.owner);
		let list = this.byOwner.get(key);
		if (!list) this.byOwner.set(key, (list = []));
		list.push(c);
	}

	ownerContracts(platform: Platform, apiUser: string): ContractRec[] {
		return this.byOwner.get(ownerKey(platform, apiUser)) ?? [];
	}

	account(platform: Platform, apiUser: string): Account | undefined {
		return this.accounts.find((a) => a.platform === platform && a.apiUser === apiUser);
	}

	/**
	 * Resolves a key pair. Every candidate is compared in constant time (hashes
	 * of equal length), and the loop does not stop at the first match.
	 */
	authenticate(apiUser: unknown, apiKey: unknown): Account | undefined {
		if (typeof apiUser !== 'string' || typeof apiKey !== 'string') return undefined;
		const userHash = createHash('sha256').update(apiUser).digest();
		const keyHash = createHash('sha256').update(apiKey).digest();
		let found: Account | undefined;
		for (const a of this.accounts) {
			const u = timingSafeEqual(userHash, createHash('sha256').update(a.apiUser).digest());
			const k = timingSafeEqual(keyHash, createHash('sha256').update(a.apiKey).digest());
			if (u && k) found = a;
		}
		return found;
	}
}

export const ownerKey = (platform: Platform, apiUser: string): string => `${platform}/${apiUser}`;

/** Appends an audit event and bumps updatedAt. */
export function logEvent(
	c: ContractRec,
	at: number,
	event: LogEvent,
	actor: string,
	detail: string,
): void {
	c.log.push({ at, event, actor, detail });
	if (at > c.updatedAt) c.updatedAt = at;
}

/**
 * Lazy expiry: a draft or pending contract whose deadline day is over becomes
 * `expired`, logged at the instant the day ended.
 */
export function refreshExpiry(c: ContractRec, now: number): void {
	if ((c.status === 'pending' || c.status === 'draft') && now >= c.deadlineEnd) {
		c.status = 'expired';
		c.log.push({
			at: c.deadlineEnd,
			event: 'expired',
			actor: 'system',
			detail: `deadline ${c.deadline} is over (Europe/Paris)`,
		});
		c.updatedAt = Math.max(c.updatedAt, c.deadlineEnd);
	}
}

const deadlineEndCache = new Map<string, number>();
export function deadlineEndOf(deadline: string): number {
	let end = deadlineEndCache.get(deadline);
	if (end === undefined) {
		end = endOfParisDay(deadline);
		if (deadlineEndCache.size > 10000) deadlineEndCache.clear();
		deadlineEndCache.set(deadline, end);
	}
	return end;
}

// ---------------------------------------------------------------- views

export function signatoryView(s: SignatoryRec) {
	return {
		id: s.id,
		firstName: s.firstName,
		lastName: s.lastName,
		email: s.email,
		phone: s.phone,
		deposit: s.deposit,
		depositPaid: s.depositPaid,
		status: s.status,
		signedAt: s.signedAt === null ? null : iso(s.signedAt),
		smsSent: s.smsSent,
		failedAttempts: s.failedAttempts,
	};
}

function docView(d: StoredDoc, withContent: boolean) {
	return {
		name: d.name,
		size: d.size,
		sha256: d.sha256,
		...(withContent ? { content: d.bytes.toString('base64') } : {}),
	};
}

/** The wire `Contract` object; `content` fields only when `withContent`. */
export function contractView(c: ContractRec, withContent: boolean) {
	return {
		id: c.id,
		label: c.label,
		lang: c.lang,
		reference: c.reference,
		status: c.status,
		createdAt: iso(c.createdAt),
		updatedAt: iso(c.updatedAt),
		submittedAt: c.submittedAt === null ? null : iso(c.submittedAt),
		completedAt: c.completedAt === null ? null : iso(c.completedAt),
		cancelledAt: c.cancelledAt === null ? null : iso(c.cancelledAt),
		deadline: c.deadline,
		bankAccount: c.bankAccount ? { ...c.bankAccount } : null,
		signatories: c.signatories.map(signatoryView),
		mainDocument: {
			data: {
				...docView(c.mainDocument, withContent),
				...(c.sign
					? {
							sign: {
								...docView(c.sign, withContent),
								signedAt: iso(c.sign.signedAt),
								timestampedAt: iso(c.sign.timestampedAt),
							},
						}
					: {}),
			},
		},
		annexes: c.annexes.map((a) => docView(a, withContent)),
		log: c.log.map((l) => ({ at: iso(l.at), event: l.event, actor: l.actor, detail: l.detail })),
	};
}

export function contractSummary(c: ContractRec) {
	return {
		id: c.id,
		label: c.label,
		reference: c.reference,
		status: c.status,
		createdAt: iso(c.createdAt),
		updatedAt: iso(c.updatedAt),
		deadline: c.deadline,
		signatories: c.signatories.map((s) => ({
			id: s.id,
			firstName: s.firstName,
			lastName: s.lastName,
			status: s.status,
		})),
	};
}
