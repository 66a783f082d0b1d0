/**
 * Pure logic of the Contrat-Privé Trigger: what the trigger remembers between polls, and which
 * events a contract produced since. No I/O here: `poll.ts` does the requests and feeds the
 * results in, so every rule below is unit-testable.
 *
 * State (workflow static data of the node, JSON; read and written by `state.ts`):
 *   { version: 1,
 *     openContracts: { [contractId]: { status: 'draft'|'pending', createdAt,
 *                                        signatories: { [signatoryId]: status } } },
 *     newestCreatedAt: ISO string | null,   // newest createdAt already seen
 *     idsAtNewestCreatedAt: string[] }      // contracts seen with exactly that createdAt
 * Finished contracts (signed, cancelled, expired) never come back, so they are forgotten: the
 * state is bounded by the number of open contracts, not by the history.
 */
import type {
	ContractStatus,
	ContractSummary,
	FinalStatus,
	OpenStatus,
	SignatoryStatus,
	SignatorySummary,
} from '../transport';
import { CONTRACT_STATUSES, isFinalStatus, isOpenStatus } from '../transport';

export const TRIGGER_EVENTS = [
	'contractCreated',
	'contractSent',
	'signatorySigned',
	'contractSigned',
	'contractCancelled',
	'contractExpired',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** Version 2 renamed `activeContracts` to `openContracts` (state.ts reads version 1 too). */
export const STATE_VERSION = 2;

export interface ObservedSignatory extends SignatorySummary {
	/** Known only from a contract's details. */
	signedAt?: string | null;
}

/** A contract as last read from the API (list summary, or details when `detailed`). */
export interface ObservedContract extends Omit<ContractSummary, 'signatories'> {
	signatories: ObservedSignatory[];
	/** Read with contractDetailRequest: `submitted` and signatories' `signedAt` are known. */
	detailed?: boolean;
	/** Whether the contract ever went out for signature (details only). */
	submitted?: boolean;
}

export interface TrackedContract {
	status: OpenStatus;
	createdAt: string;
	signatories: Record<string, SignatoryStatus>;
}

export interface TriggerState {
	version: typeof STATE_VERSION;
	openContracts: Record<string, TrackedContract>;
	newestCreatedAt: string | null;
	idsAtNewestCreatedAt: string[];
}

export interface ContractEvent {
	event: TriggerEvent;
	signatory?: ObservedSignatory;
}

export interface ContractChange {
	contract: ObservedContract;
	/** The status the trigger knew before this poll; null for a contract it had never seen. */
	previousStatus: ContractStatus | null;
	/** In the order they happened. */
	events: ContractEvent[];
	/** What a list summary cannot tell; reading the contract's details resolves it. */
	unresolved: {
		/** Expired without any signature, and unknown whether it was ever sent. */
		sent: boolean;
		/** Two or more signatures since the last poll, and their order is unknown. */
		signatureOrder: boolean;
	};
}

/**
 * Whether a contract ever went out for signature: the one "sent" rule of the trigger. Only a
 * sent contract can be signed or cancelled (a rule of Contrat-Privé); an expired one may have
 * expired as a draft, which a list summary cannot tell: undefined then (its details tell).
 */
export function wasSent(
	contract: Pick<ObservedContract, 'status' | 'signatories' | 'detailed' | 'submitted'>,
): boolean | undefined {
	if (contract.status !== 'draft' && contract.status !== 'expired') return true;
	if (contract.signatories.some((signatory) => signatory.status === 'signed')) return true;
	if (contract.status === 'draft') return false;
	return contract.detailed ? contract.submitted === true : undefined;
}

/** The statuses a sent contract may have. */
export const SENT_STATUSES = CONTRACT_STATUSES.filter((status) => status !== 'draft');

/** The event of each final status: the one status→event map of the trigger. */
export const FINAL_EVENT: Record<FinalStatus, TriggerEvent> = {
	signed: 'contractSigned',
	cancelled: 'contractCancelled',
	expired: 'contractExpired',
};

// ---------------------------------------------------------------------------------------------
// Time

/** Milliseconds of an ISO instant; NaN when unreadable. */
const instant = (iso: string): number => Date.parse(iso);

/** Compares two createdAt instants (not strings: the format of the fraction may vary). */
function compareInstants(a: string, b: string): number {
	return instant(a) - instant(b);
}

// ---------------------------------------------------------------------------------------------
// Events of one contract

/**
 * The events a contract produced between the state the trigger knew (`previous`, or none for a
 * contract never seen) and what the API shows now (`current`), in the order they happened:
 * contractCreated, contractSent, signatorySigned (one per signatory, by signing time when
 * known), then contractSigned | contractCancelled | contractExpired.
 */
export function diffContract(
	previous: TrackedContract | undefined,
	current: ObservedContract,
): ContractChange | null {
	const events: ContractEvent[] = [];
	if (!previous) events.push({ event: 'contractCreated' });

	const sent = wasSent(current);
	let unresolvedSent = false;
	if (!previous || previous.status === 'draft') {
		if (sent === true) events.push({ event: 'contractSent' });
		else if (sent === undefined) unresolvedSent = true;
	}

	const newlySigned = current.signatories.filter(
		(signatory) =>
			signatory.status === 'signed' && previous?.signatories[signatory.id] !== 'signed',
	);
	const dated = newlySigned.every((signatory) => typeof signatory.signedAt === 'string');
	const ordered = dated
		? newlySigned
				.map((signatory, index) => ({ signatory, index }))
				.sort(
					(a, b) =>
						compareInstants(a.signatory.signedAt as string, b.signatory.signedAt as string) ||
						a.index - b.index,
				)
				.map(({ signatory }) => signatory)
		: newlySigned;
	for (const signatory of ordered) events.push({ event: 'signatorySigned', signatory });

	const finalEvent = isFinalStatus(current.status) ? FINAL_EVENT[current.status] : undefined;
	if (finalEvent && (!previous || !isFinalStatus(previous.status))) {
		events.push({ event: finalEvent });
	}

	if (events.length === 0) return null;
	return {
		contract: current,
		previousStatus: previous?.status ?? null,
		events,
		unresolved: { sent: unresolvedSent, signatureOrder: !dated && newlySigned.length > 1 },
	};
}

// ---------------------------------------------------------------------------------------------
// A whole poll

/** What one poll read, in this order. */
export interface PollObservation {
	/** Every draft or pending contract (read first). */
	open: ObservedContract[];
	/** Every contract created at or after `newestCreatedAt`, any status (read after `open`). */
	recent: ObservedContract[];
	/**
	 * Contracts read one by one afterwards (the latest reads): contracts that left the open
	 * set, and details. `null`: the API no longer knows the contract.
	 */
	lookedUp: Map<string, ObservedContract | null>;
}

export interface PollOutcome {
	changes: ContractChange[];
	next: TriggerState;
}

export function emptyState(): TriggerState {
	return {
		version: STATE_VERSION,
		openContracts: {},
		newestCreatedAt: null,
		idsAtNewestCreatedAt: [],
	};
}

export function trackContract(contract: ObservedContract): TrackedContract {
	const signatories: Record<string, SignatoryStatus> = {};
	for (const signatory of contract.signatories) signatories[signatory.id] = signatory.status;
	return { status: contract.status as OpenStatus, createdAt: contract.createdAt, signatories };
}

/** Created after everything the state has seen (ties on createdAt resolved by id). */
export function isNewByCursor(
	state: TriggerState,
	contract: Pick<ObservedContract, 'id' | 'createdAt'>,
): boolean {
	if (state.newestCreatedAt === null) return true;
	const order = compareInstants(contract.createdAt, state.newestCreatedAt);
	if (order !== 0) return order > 0;
	return !state.idsAtNewestCreatedAt.includes(contract.id);
}

/** The newest createdAt seen, with every id seen at exactly that instant. */
export function advanceCursor(
	state: Pick<TriggerState, 'newestCreatedAt' | 'idsAtNewestCreatedAt'>,
	seen: Array<Pick<ObservedContract, 'id' | 'createdAt'>>,
): Pick<TriggerState, 'newestCreatedAt' | 'idsAtNewestCreatedAt'> {
	let newest = state.newestCreatedAt;
	let ids = new Set(state.idsAtNewestCreatedAt);
	for (const contract of seen) {
		if (!Number.isFinite(instant(contract.createdAt))) continue;
		const order = newest === null ? 1 : compareInstants(contract.createdAt, newest);
		if (order > 0) {
			newest = contract.createdAt;
			ids = new Set([contract.id]);
		} else if (order === 0) {
			ids.add(contract.id);
		}
	}
	return { newestCreatedAt: newest, idsAtNewestCreatedAt: [...ids].sort() };
}

/** Tracked contracts that neither list showed: they left the open set and need a look-up. */
export function departedContracts(
	state: TriggerState,
	observation: Pick<PollObservation, 'open' | 'recent'>,
): string[] {
	const seen = new Set<string>();
	for (const contract of observation.open) seen.add(contract.id);
	for (const contract of observation.recent) seen.add(contract.id);
	return Object.keys(state.openContracts).filter((id) => !seen.has(id));
}

/**
 * Compares what the poll read with the state: the changes (contracts in creation order, events
 * in the order they happened) and the state to keep if the poll succeeds.
 *
 * A contract is new when the state does not track it and either it is open (an open contract
 * the state does not know can only be new) or it was created after the cursor. Every other
 * untracked contract finished before the last poll and is skipped.
 */
export function reconcile(state: TriggerState, observation: PollObservation): PollOutcome {
	const latest = new Map<string, ObservedContract>();
	const listedOpen = new Set<string>();
	for (const contract of observation.open) {
		latest.set(contract.id, contract);
		listedOpen.add(contract.id);
	}
	for (const contract of observation.recent) latest.set(contract.id, contract);
	for (const [id, contract] of observation.lookedUp) if (contract) latest.set(id, contract);

	const changes: ContractChange[] = [];
	const openContracts: Record<string, TrackedContract> = {};

	for (const [id, previous] of Object.entries(state.openContracts)) {
		const current = latest.get(id);
		if (!current) {
			// Not read this poll: keep it unless the API said it no longer exists.
			if (observation.lookedUp.get(id) !== null) openContracts[id] = previous;
			continue;
		}
		const change = diffContract(previous, current);
		if (change) changes.push(change);
		if (isOpenStatus(current.status)) openContracts[id] = trackContract(current);
	}

	for (const [id, current] of latest) {
		if (state.openContracts[id]) continue;
		if (!listedOpen.has(id) && !isNewByCursor(state, current)) continue;
		const change = diffContract(undefined, current);
		if (change) changes.push(change);
		if (isOpenStatus(current.status)) openContracts[id] = trackContract(current);
	}

	changes.sort(
		(a, b) =>
			compareInstants(a.contract.createdAt, b.contract.createdAt) ||
			(a.contract.id < b.contract.id ? -1 : a.contract.id > b.contract.id ? 1 : 0),
	);

	return {
		changes,
		next: {
			version: STATE_VERSION,
			openContracts,
			...advanceCursor(state, observation.recent),
		},
	};
}

// ---------------------------------------------------------------------------------------------
// What the user asked for

export interface TriggerFilters {
	referenceContains?: string;
	labelContains?: string;
}

export interface EmitConfig {
	events: ReadonlySet<TriggerEvent>;
	filters: TriggerFilters;
	downloadSignedDocument: boolean;
}

const contains = (value: string | null | undefined, part: string): boolean =>
	(value ?? '').toLocaleLowerCase().includes(part.toLocaleLowerCase());

/** Case-insensitive "contains" filters; an empty filter matches everything. */
export function matchesFilters(
	contract: Pick<ObservedContract, 'label' | 'reference'>,
	filters: TriggerFilters,
): boolean {
	if (filters.referenceContains && !contains(contract.reference, filters.referenceContains)) {
		return false;
	}
	if (filters.labelContains && !contains(contract.label, filters.labelContains)) return false;
	return true;
}

/** The events of a change the user wants, in order. */
export function selectedEvents(change: ContractChange, config: EmitConfig): ContractEvent[] {
	if (!matchesFilters(change.contract, config.filters)) return [];
	return change.events.filter((event) => config.events.has(event.event));
}

/** Whether this change needs the contract's details for what the user will receive. */
export function needsDetails(change: ContractChange, config: EmitConfig): boolean {
	if (change.contract.detailed) return false;
	if (!matchesFilters(change.contract, config.filters)) return false;
	if (change.unresolved.sent && config.events.has('contractSent')) return true;
	if (change.unresolved.signatureOrder && config.events.has('signatorySigned')) return true;
	return (
		config.downloadSignedDocument &&
		config.events.has('contractSigned') &&
		change.events.some((event) => event.event === 'contractSigned')
	);
}

/**
 * How to read a tracked contract that left the open set, in one request: its details when
 * they may be needed (the signed PDF is wanted; a draft that may have expired or been cancelled
 * without ever being sent), else the cheap list summary.
 */
export function departedLookup(
	previous: TrackedContract,
	config: EmitConfig,
): 'details' | 'summary' {
	if (config.downloadSignedDocument && config.events.has('contractSigned')) return 'details';
	if (previous.status === 'draft' && config.events.has('contractSent')) return 'details';
	return 'summary';
}
