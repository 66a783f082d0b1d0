/**
 * One poll of the Contrat-Privé Trigger: the requests, in a fixed order, then the pure
 * reconciliation of `changes.ts`. Nothing is written to static data before every request of the
 * poll has succeeded, so a failed poll loses nothing: the next one starts from the same state
 * and catches up.
 *
 * Requests of a poll (list pages hold 100 contracts):
 *   (a) every draft or pending contract: 1 request per 100 open contracts;
 *   (b) every contract created at or after the newest createdAt already seen, any status:
 *       1 request (+1 per further 100 new contracts);
 *   (c) per tracked contract that (a) and (b) no longer show (it was signed, cancelled or
 *       expired): 1 request, a list restricted to its exact createdAt, or its details when the
 *       signed PDF is wanted, or when it was a draft and "Contract Sent" is wanted (a draft may
 *       expire without ever being sent);
 *   (d) per change whose summary is not enough for what the user receives (signed PDF wanted,
 *       2+ signatures whose order is unknown, expired with no sign of having been sent): its
 *       details, 1 request.
 * A poll that finds nothing new costs (a) + (b): 3 requests with 101 to 200 open contracts.
 */
import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { OPEN_STATUSES } from '../transport';
import { isTransientFailure } from '../delivery/failure';
import type { ObservedContract, TriggerState } from './changes';
import { readFailureCount, readState, writeFailureCount, writeState } from './state';
import {
	advanceCursor,
	departedContracts,
	departedLookup,
	emptyState,
	needsDetails,
	reconcile,
	selectedEvents,
	trackContract,
} from './changes';
import { toItem } from './items';
import { takePollTurn } from './pacing';
import { Reader } from './reader';
import { fetchSample } from './sample';
import type { PollSettings } from './settings';
import { readSettings } from './settings';

/** Transient failures in a row before a poll reports an error (in trigger mode). */
const FAILURES_BEFORE_ERROR = 3;

export async function pollContratPrive(
	this: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);

	if (this.getMode() === 'manual') {
		const sample = await fetchSample(this, settings);
		return sample ? [sample] : null;
	}

	const staticData = this.getWorkflowStaticData('node') as Record<string, unknown>;
	if (!(await takePollTurn(this, staticData, settings.productionIntervalMinutes))) return null;

	let outcome: { state: TriggerState; items: INodeExecutionData[] } | undefined;
	let failure: unknown;
	try {
		outcome = await runPoll(this, settings, readState(staticData));
	} catch (error) {
		failure = error;
	}

	if (!outcome) {
		const toReport = afterFailure(this, staticData, failure);
		if (toReport) throw toReport;
		return null;
	}

	// Every request succeeded: commit. n8n saves static data when the poll emits items (and
	// after the poll it runs on activation); state changed by a poll that emits nothing stays in
	// memory until then, and a restart before that replays those changes from the saved state,
	// which emits nothing more (they produced no item the first time either).
	writeState(staticData, outcome.state);
	writeFailureCount(staticData, 0);
	return outcome.items.length ? [outcome.items] : null;
}

/**
 * A failed poll in trigger mode. Transient faults (5xx, timeouts, connection resets, unreadable
 * replies) are counted and swallowed: the state is untouched, so the next poll catches up. The
 * error is reported on the FAILURES_BEFORE_ERROR-th failure in a row (and on every one after),
 * so that a dead endpoint shows in the executions list. Anything else (credentials, daily
 * quota, a request refused) is reported at once.
 */
function afterFailure(
	context: IPollFunctions,
	staticData: Record<string, unknown>,
	failure: unknown,
): Error | undefined {
	if (!isTransientFailure(failure)) {
		return failure instanceof Error
			? failure
			: new NodeOperationError(context.getNode(), String(failure));
	}
	const count = readFailureCount(staticData) + 1;
	writeFailureCount(staticData, count);
	const error = failure as NodeOperationError;
	if (count < FAILURES_BEFORE_ERROR) {
		context.logger.warn(
			`Contrat-Privé Trigger: poll failed (${error.message}); nothing is lost, the next poll catches up (${count} in a row)`,
		);
		return undefined;
	}
	error.description = [
		error.description,
		`This is failed poll number ${count} in a row. Nothing is lost: the first poll that succeeds emits every change since the last successful one.`,
	]
		.filter(Boolean)
		.join(' ');
	return error;
}

// ---------------------------------------------------------------------------------------------
// Trigger mode

async function runPoll(
	context: IPollFunctions,
	settings: PollSettings,
	state: TriggerState | undefined,
): Promise<{ state: TriggerState; items: INodeExecutionData[] }> {
	const reader = new Reader(context, settings.timeoutMs, settings.downloadSignedDocument);

	if (!state) {
		// First activation (or a state this version cannot read): remember, emit nothing.
		// The newest contracts first, then the open ones: a contract created in between is
		// open and tracked, so it is not taken for a new one at the next poll.
		const newest = await reader.newestContracts();
		const open = await reader.listAll({ statuses: OPEN_STATUSES });
		const openContracts: TriggerState['openContracts'] = {};
		for (const contract of open) openContracts[contract.id] = trackContract(contract);
		return {
			state: { ...emptyState(), openContracts, ...advanceCursor(emptyState(), newest) },
			items: [],
		};
	}

	const open = await reader.listAll({ statuses: OPEN_STATUSES });
	const recent = await reader.listAll(
		state.newestCreatedAt ? { createdFrom: state.newestCreatedAt } : {},
	);
	const lookedUp = new Map<string, ObservedContract | null>();

	// (c) contracts that left the open set: one request each (or one per shared createdAt).
	const departed = departedContracts(state, { open, recent });
	const bySummary = new Map<string, string[]>();
	for (const id of departed) {
		const previous = state.openContracts[id];
		if (departedLookup(previous, settings) === 'details') {
			lookedUp.set(id, await reader.details(id));
		} else {
			const group = bySummary.get(previous.createdAt) ?? [];
			group.push(id);
			bySummary.set(previous.createdAt, group);
		}
	}
	for (const [createdAt, ids] of bySummary) {
		const found = await reader.listAll({ createdFrom: createdAt, createdTo: createdAt });
		for (const id of ids) {
			const contract = found.find((candidate) => candidate.id === id);
			// Not found at that instant (a server rounding createdAt differently): read it.
			lookedUp.set(id, contract ?? (await reader.details(id)));
		}
	}

	// (d) details where the summary is not enough for what the user receives.
	let outcome = reconcile(state, { open, recent, lookedUp });
	// (Not only changes with selected events: "sent" may be the very event the details reveal.)
	const wanted = outcome.changes.filter((change) => needsDetails(change, settings));
	if (wanted.length) {
		for (const change of wanted)
			lookedUp.set(change.contract.id, await reader.details(change.contract.id));
		outcome = reconcile(state, { open, recent, lookedUp });
	}

	const detectedAt = new Date().toISOString();
	const items: INodeExecutionData[] = [];
	for (const change of outcome.changes) {
		for (const event of selectedEvents(change, settings)) {
			items.push(await toItem(context, reader, settings, change, event, detectedAt));
		}
	}
	return { state: outcome.next, items };
}
