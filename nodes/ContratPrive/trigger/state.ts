/**
 * The trigger's state in the node's static data: read back checked (a state this version does
 * not understand starts the trigger over), written only when it changed.
 */
import { SIGNATORY_STATUSES } from '../transport';
import type { TrackedContract, TriggerState } from './changes';
import { isActiveStatus, STATE_VERSION } from './changes';

function isTracked(value: unknown): value is TrackedContract {
	if (!value || typeof value !== 'object') return false;
	const tracked = value as TrackedContract;
	return (
		isActiveStatus(tracked.status) &&
		typeof tracked.createdAt === 'string' &&
		!!tracked.signatories &&
		typeof tracked.signatories === 'object' &&
		Object.values(tracked.signatories).every((status) =>
			(SIGNATORY_STATUSES as readonly string[]).includes(status),
		)
	);
}

/**
 * The state kept in the node's static data, as a plain copy; undefined when there is none (first
 * activation) or it is not one this version understands (then the trigger starts over).
 */
export function readState(staticData: Record<string, unknown>): TriggerState | undefined {
	if (staticData.version !== STATE_VERSION) return undefined;
	const raw = JSON.parse(
		JSON.stringify({
			activeContracts: staticData.activeContracts,
			newestCreatedAt: staticData.newestCreatedAt ?? null,
			idsAtNewestCreatedAt: staticData.idsAtNewestCreatedAt ?? [],
		}),
	) as Omit<TriggerState, 'version'>;
	if (!raw.activeContracts || typeof raw.activeContracts !== 'object') return undefined;
	if (!Object.values(raw.activeContracts).every(isTracked)) return undefined;
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
	staticData.activeContracts = state.activeContracts;
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
