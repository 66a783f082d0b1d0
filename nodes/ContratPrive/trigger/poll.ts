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
import type { IBinaryKeyData, IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Contract, ContractFilter, ContractSummary, DocumentUpload } from '../transport';
import { MAX_LIST_PAGE_SIZE, contractDocuments, getContract, listContracts } from '../transport';
import type {
	ContractChange,
	ContractEvent,
	EmitConfig,
	ObservedContract,
	ObservedSignatory,
	TriggerEvent,
	TriggerState,
} from './changes';
import {
	ACTIVE_STATUSES,
	TRIGGER_EVENTS,
	advanceCursor,
	departedContracts,
	departedLookup,
	emptyState,
	matchesFilters,
	needsDetails,
	readFailureCount,
	readState,
	reconcile,
	selectedEvents,
	trackContract,
	writeFailureCount,
	writeState,
} from './changes';
import { DEFAULT_PRODUCTION_INTERVAL_MINUTES, takePollTurn } from './pacing';

/** Transient failures in a row before a poll reports an error (in trigger mode). */
export const FAILURES_BEFORE_ERROR = 3;
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Newest contracts the editor's "Fetch Test Event" looks through. */
const SAMPLE_SCAN_PAGES = 3;
/** Safety stop for a list that never ends (a misbehaving server). */
const MAX_PAGES = 1000;

export const SIGNED_DOCUMENT_PROPERTY = 'signedDocument';

interface PollSettings extends EmitConfig {
	timeoutMs: number;
	productionIntervalMinutes: number;
}

// ---------------------------------------------------------------------------------------------
// Entry point

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
	if (!isTransient(failure)) {
		return failure instanceof Error
			? failure
			: new NodeOperationError(context.getNode(), String(failure));
	}
	const count = readFailureCount(staticData) + 1;
	writeFailureCount(staticData, count);
	const error = failure as NodeApiError | TransientPollError;
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

/** A poll failure worth retrying at the next poll rather than reporting at once. */
export class TransientPollError extends NodeOperationError {}

/** 5xx, or no HTTP status at all (timeout, reset, refused, unreadable reply). */
export function isTransient(error: unknown): boolean {
	if (error instanceof TransientPollError) return true;
	if (!(error instanceof NodeApiError)) return false;
	const code = error.httpCode;
	if (code === null || code === undefined || code === '') return true;
	if (!/^\d{3}$/.test(code)) return true;
	return code.startsWith('5');
}

function readSettings(context: IPollFunctions): PollSettings {
	const events = context.getNodeParameter('events', []) as string[];
	const known = new Set<string>(TRIGGER_EVENTS);
	const selected = events.filter((event): event is TriggerEvent => known.has(event));
	if (selected.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Choose at least one event to trigger on', {
			description: 'Set "Trigger On" to the contract changes that should start the workflow.',
		});
	}
	const filters = (context.getNodeParameter('filters', {}) ?? {}) as IDataObject;
	const options = (context.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const timeout = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	const interval = Number(options.productionInterval ?? DEFAULT_PRODUCTION_INTERVAL_MINUTES);
	return {
		events: new Set(selected),
		filters: {
			referenceContains: String(filters.referenceContains ?? '').trim() || undefined,
			labelContains: String(filters.labelContains ?? '').trim() || undefined,
		},
		downloadSignedDocument: options.downloadSignedDocument === true,
		timeoutMs:
			Number.isFinite(timeout) && timeout > 0
				? Math.round(timeout * 1000)
				: DEFAULT_TIMEOUT_SECONDS * 1000,
		productionIntervalMinutes:
			Number.isFinite(interval) && interval >= 0 ? interval : DEFAULT_PRODUCTION_INTERVAL_MINUTES,
	};
}

// ---------------------------------------------------------------------------------------------
// Trigger mode

async function runPoll(
	context: IPollFunctions,
	settings: PollSettings,
	state: TriggerState | undefined,
): Promise<{ state: TriggerState; items: INodeExecutionData[] }> {
	const reader = new Reader(context, settings.timeoutMs);

	if (!state) {
		// First activation (or a state this version cannot read): remember, emit nothing.
		// The newest contracts first, then the open ones: a contract created in between is
		// open and tracked, so it is not taken for a new one at the next poll.
		const newest = await reader.newestContracts();
		const active = await reader.listAll({ statuses: ACTIVE_STATUSES });
		const activeContracts: TriggerState['activeContracts'] = {};
		for (const contract of active) activeContracts[contract.id] = trackContract(contract);
		return {
			state: { ...emptyState(), activeContracts, ...advanceCursor(emptyState(), newest) },
			items: [],
		};
	}

	const active = await reader.listAll({ statuses: ACTIVE_STATUSES });
	const recent = await reader.listAll(
		state.newestCreatedAt ? { createdFrom: state.newestCreatedAt } : {},
	);
	const lookedUp = new Map<string, ObservedContract | null>();

	// (c) contracts that left the active set: one request each (or one per shared createdAt).
	const departed = departedContracts(state, { active, recent });
	const bySummary = new Map<string, string[]>();
	for (const id of departed) {
		const previous = state.activeContracts[id];
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
	let outcome = reconcile(state, { active, recent, lookedUp });
	// (Not only changes with selected events: "sent" may be the very event the details reveal.)
	const wanted = outcome.changes.filter((change) => needsDetails(change, settings));
	if (wanted.length) {
		for (const change of wanted)
			lookedUp.set(change.contract.id, await reader.details(change.contract.id));
		outcome = reconcile(state, { active, recent, lookedUp });
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

async function toItem(
	context: IPollFunctions,
	reader: Reader,
	settings: PollSettings,
	change: Pick<ContractChange, 'contract' | 'previousStatus'>,
	event: ContractEvent,
	detectedAt: string,
): Promise<INodeExecutionData> {
	const { contract } = change;
	const json: IDataObject = {
		event: event.event,
		contract: {
			id: contract.id,
			label: contract.label,
			reference: contract.reference,
			status: contract.status,
			previousStatus: change.previousStatus,
			createdAt: contract.createdAt,
			updatedAt: contract.updatedAt,
			deadline: contract.deadline,
			signatories: contract.signatories.map(({ id, firstName, lastName, status }) => ({
				id,
				firstName,
				lastName,
				status,
			})),
		},
	};
	if (event.signatory) json.signatory = signatoryJson(event.signatory);
	json.detectedAt = detectedAt;

	const item: INodeExecutionData = { json };
	if (event.event === 'contractSigned' && settings.downloadSignedDocument) {
		const document = await reader.signedDocument(contract.id);
		if (!document) {
			// Retried like a network fault: the next poll starts from the same state.
			throw new TransientPollError(
				context.getNode(),
				`Contract ${contract.id} is signed but Contrat-Privé sent no signed document yet`,
				{
					description:
						'The next poll tries again. Turn off "Download Signed Document" to receive the event without it.',
				},
			);
		}
		const binary: IBinaryKeyData = {
			[SIGNED_DOCUMENT_PROPERTY]: await context.helpers.prepareBinaryData(
				Buffer.from(document.base64, 'base64'),
				document.fileName,
				'application/pdf',
			),
		};
		item.binary = binary;
	}
	return item;
}

function signatoryJson(signatory: ObservedSignatory): IDataObject {
	return {
		id: signatory.id,
		firstName: signatory.firstName,
		lastName: signatory.lastName,
		status: signatory.status,
		signedAt: signatory.signedAt ?? null,
	};
}

// ---------------------------------------------------------------------------------------------
// Reading the API

function fromSummary(summary: ContractSummary): ObservedContract {
	return {
		id: summary.id,
		label: summary.label,
		reference: summary.reference ?? null,
		status: summary.status,
		createdAt: summary.createdAt,
		updatedAt: summary.updatedAt,
		deadline: summary.deadline,
		signatories: (summary.signatories ?? []).map(({ id, firstName, lastName, status }) => ({
			id,
			firstName,
			lastName,
			status,
		})),
	};
}

const SUBMISSION_LOG_EVENTS = new Set(['submitted', 'validated']);

function fromDetails(contract: Contract): ObservedContract {
	return {
		id: contract.id,
		label: contract.label,
		reference: contract.reference ?? null,
		status: contract.status,
		createdAt: contract.createdAt,
		updatedAt: contract.updatedAt,
		deadline: contract.deadline,
		signatories: (contract.signatories ?? []).map(
			({ id, firstName, lastName, status, signedAt }) => ({
				id,
				firstName,
				lastName,
				status,
				signedAt: signedAt ?? null,
			}),
		),
		detailed: true,
		submitted:
			(contract.submittedAt ?? null) !== null ||
			(contract.log ?? []).some((entry) => SUBMISSION_LOG_EVENTS.has(entry.event)),
	};
}

/**
 * The reads of one poll. Signed documents read along with details are kept in memory for this
 * poll only (never in item JSON or static data), so a PDF costs no second request.
 */
class Reader {
	private readonly signedDocuments = new Map<string, DocumentUpload | undefined>();

	constructor(
		private readonly context: IPollFunctions,
		private readonly timeout: number,
	) {}

	/**
	 * Every contract matching `filter`, newest first. Pages are chained on createdAt (the next
	 * page asks for createdTo = the last createdAt read, skipping the ones already read at that
	 * instant), so contracts that change status or appear during the walk shift nothing.
	 */
	async listAll(filter: ContractFilter): Promise<ObservedContract[]> {
		const found = new Map<string, ObservedContract>();
		let createdTo = filter.createdTo;
		let offset = 0;
		for (let page = 0; page < MAX_PAGES; page++) {
			const list = await listContracts.call(
				this.context,
				{ ...filter, createdTo },
				{ offset, limit: MAX_LIST_PAGE_SIZE },
				{ timeout: this.timeout },
			);
			const contracts = list.contracts ?? [];
			for (const summary of contracts) found.set(summary.id, fromSummary(summary));
			if (contracts.length < MAX_LIST_PAGE_SIZE || offset + contracts.length >= list.total) break;

			const last = contracts[contracts.length - 1].createdAt;
			const atLast = contracts.filter((summary) => summary.createdAt === last).length;
			if (createdTo === last) {
				offset += contracts.length;
			} else {
				createdTo = last;
				offset = atLast;
			}
		}
		return [...found.values()];
	}

	/** The newest contracts, enough to know the newest createdAt and every id at it. */
	async newestContracts(): Promise<ObservedContract[]> {
		const list = await listContracts.call(
			this.context,
			{},
			{ offset: 0, limit: 10 },
			{ timeout: this.timeout },
		);
		const contracts = (list.contracts ?? []).map(fromSummary);
		if (contracts.length === 0) return [];
		const newest = contracts[0].createdAt;
		const atNewest = contracts.filter((contract) => contract.createdAt === newest);
		if (atNewest.length < contracts.length || contracts.length >= list.total) return atNewest;
		return await this.listAll({ createdFrom: newest });
	}

	/** Details of a contract; null when Contrat-Privé no longer knows it. */
	async details(contractId: string): Promise<ObservedContract | null> {
		const contract = await getContract
			.call(this.context, contractId, { timeout: this.timeout })
			.catch((error: unknown) => {
				if (error instanceof NodeApiError && error.httpCode === '404') return null;
				return Promise.reject(error);
			});
		if (!contract) {
			this.context.logger.warn(
				`Contrat-Privé Trigger: contract ${contractId} no longer exists; it is no longer followed`,
			);
			return null;
		}
		this.signedDocuments.set(contractId, contractDocuments(contract).signed);
		return fromDetails(contract);
	}

	async signedDocument(contractId: string): Promise<DocumentUpload | undefined> {
		if (!this.signedDocuments.has(contractId)) await this.details(contractId);
		return this.signedDocuments.get(contractId);
	}
}

// ---------------------------------------------------------------------------------------------
// Editor: "Fetch Test Event"

const STATUSES_FOR_EVENT: Record<TriggerEvent, Array<ObservedContract['status']>> = {
	contractCreated: ['draft', 'pending', 'signed', 'cancelled', 'expired'],
	contractSent: ['pending', 'signed', 'cancelled', 'expired'],
	signatorySigned: ['pending', 'signed', 'cancelled', 'expired'],
	contractSigned: ['signed'],
	contractCancelled: ['cancelled'],
	contractExpired: ['expired'],
};

/** Which selected event the contract best illustrates, most advanced first. */
function sampleEventFor(
	contract: ObservedContract,
	events: ReadonlySet<TriggerEvent>,
): { event: ContractEvent; previousStatus: ObservedContract['status'] | null } | undefined {
	const final: Partial<Record<ObservedContract['status'], TriggerEvent>> = {
		signed: 'contractSigned',
		cancelled: 'contractCancelled',
		expired: 'contractExpired',
	};
	const finalEvent = final[contract.status];
	const signed = contract.signatories.filter((signatory) => signatory.status === 'signed');
	if (finalEvent && events.has(finalEvent)) {
		return {
			event: { event: finalEvent },
			previousStatus: contract.status === 'expired' && signed.length === 0 ? null : 'pending',
		};
	}
	if (events.has('signatorySigned') && signed.length > 0) {
		return {
			event: { event: 'signatorySigned', signatory: signed[signed.length - 1] },
			previousStatus: 'pending',
		};
	}
	const sent =
		contract.status === 'pending' ||
		contract.status === 'signed' ||
		contract.status === 'cancelled' ||
		signed.length > 0;
	if (events.has('contractSent') && sent) {
		return { event: { event: 'contractSent' }, previousStatus: 'draft' };
	}
	if (events.has('contractCreated')) {
		return { event: { event: 'contractCreated' }, previousStatus: null };
	}
	return undefined;
}

/**
 * The most recent contract matching the events and filters, as the event it illustrates, or
 * null when there is none. Reads at most SAMPLE_SCAN_PAGES list pages (plus its details for the signed PDF); never
 * touches the stored state.
 */
async function fetchSample(
	context: IPollFunctions,
	settings: PollSettings,
): Promise<INodeExecutionData[] | null> {
	const statuses = new Set<ObservedContract['status']>();
	for (const event of settings.events) {
		for (const status of STATUSES_FOR_EVENT[event]) statuses.add(status);
	}
	const reader = new Reader(context, settings.timeoutMs);
	for (let page = 0; page < SAMPLE_SCAN_PAGES; page++) {
		const list = await listContracts.call(
			context,
			{ statuses: [...statuses] },
			{ offset: page * MAX_LIST_PAGE_SIZE, limit: MAX_LIST_PAGE_SIZE },
			{ timeout: settings.timeoutMs },
		);
		const contracts = (list.contracts ?? []).map(fromSummary);
		for (const contract of contracts) {
			if (!matchesFilters(contract, settings.filters)) continue;
			const sample = sampleEventFor(contract, settings.events);
			if (!sample) continue;
			const item = await toItem(
				context,
				reader,
				settings,
				{ contract, previousStatus: sample.previousStatus },
				sample.event,
				new Date().toISOString(),
			);
			return [item];
		}
		if (contracts.length < MAX_LIST_PAGE_SIZE) break;
	}

	// No output rather than an error: the editor shows "no data", not a failure.
	context.logger.info(
		`Contrat-Privé Trigger: no contract matches the selected events and filters among the ${
			SAMPLE_SCAN_PAGES * MAX_LIST_PAGE_SIZE
		} newest. To make one in the sandbox: send a contract with Contract → Create (Action: Send for Signature), then sign it with Signatory → Sign and the sandbox SMS code 0000 (for "Contract Signed"), or cancel it with Contract → Cancel (for "Contract Cancelled").`,
	);
	return null;
}
