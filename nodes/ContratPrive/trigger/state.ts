/**
 * The trigger's state in the node's static data: read back checked (a state this version does
 * not understand starts the trigger over), written only when it changed.
 */
import { isOpenStatus, SIGNATORY_STATUSES } from '../transport';
import type { TrackedContract, TriggerState } from './changes';
import { STATE_VERSION } from './changes';

function isTracked(value: unknown): value is TrackedContract {
	if (!value || typeof value !== 'object') return false;
	const tracked = value as TrackedContract;
	return (
		isOpenStatus(tracked.status) &&
		typeof tracked.createdAt === 'string' &&
		!!tracked.signatories &&
		typeof tracked.signatories === 'object' &&
		Object.values(tracked.signatories).every((status) =>
			(SIGNATORY_STATUSES as readonly string[]).includes(status),
		)
	);
}

/** Version 1 named the open contracts `activeContracts`; it is read as version 2. */
const OPEN_CONTRACTS_KEY: Record<number, string> = { 1: 'activeContracts', 2: 'openContracts' };

/**
 * The state kept in the node's static data, as a plain copy; undefined when there is none (first
 * activation) or it is not one this version understands (then the trigger starts over).
 */
export function readState(staticData: Record<string, unknown>): TriggerState | undefined {
	const { version } = staticData;
	const openContractsKey = typeof version === 'number' ? OPEN_CONTRACTS_KEY[version] : undefined;
	if (!openContractsKey) return undefined;
	const raw = JSON.parse(
		JSON.stringify({
			openContracts: staticData[openContractsKey],
			newestCreatedAt: staticData.newestCreatedAt ?? null,
			idsAtNewestCreatedAt: staticData.idsAtNewestCreatedAt ?? [],
		}),
	) as Omit<TriggerState, 'version'>;
	if (!raw.openContracts || typeof raw.openContracts !== 'object') return undefined;
	if (!Object.values(raw.openContracts).every(isTracked)) return undefined;
	if (raw.newestCreatedAt !== null && typeof raw.newestCreatedAt !== 'string') return undefined;
	if (
		!Array.isArray(raw.idsAtNewestCreatedAt) ||
		!raw.idsAtNewestCreatedAt.every((id) => typeof id === 'string')
	) {
		return undefined;
	}
	return { version: STATE_VERSION, ...raw };
}

/** Stores the state (top-level assignments, so n8n notices the change). */
export function writeState(staticData: Record<string, unknown>, state: TriggerState): void {
	const current = readState(staticData);
	if (current && JSON.stringify(current) === JSON.stringify(state)) return;
	staticData.version = state.version;
	delete staticData.activeContracts;
	staticData.openContracts = state.openContracts;
	staticData.newestCreatedAt = state.newestCreatedAt;
	staticData.idsAtNewestCreatedAt = state.idsAtNewestCreatedAt;
}

export function readFailureCount(staticData: Record<string, unknown>): number {
	const count = staticData.consecutiveFailures;
	return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 0;
}

export function writeFailureCount(staticData: Record<string, unknown>, count: number): void {
	if (readFailureCount(staticData) === count) return;
	if (count === 0) delete staticData.consecutiveFailures;
	else staticData.consecutiveFailures = count;
}
