/** The editor's "Fetch Test Event": the most recent contract that illustrates a selected event. */
import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { ContractStatus } from '../transport';
import { CONTRACT_STATUSES, MAX_LIST_PAGE_SIZE } from '../transport';
import type { ContractEvent, ObservedContract, TriggerEvent } from './changes';
import { FINAL_EVENT, matchesFilters, SENT_STATUSES, wasSent } from './changes';
import { toItem } from './items';
import { Reader } from './reader';
import type { PollSettings } from './settings';

/** Newest contracts the editor's "Fetch Test Event" looks through. */
const SAMPLE_SCAN_PAGES = 3;

/** The statuses of the contracts that can illustrate each event. */
const STATUSES_FOR_EVENT: Record<TriggerEvent, readonly ContractStatus[]> = {
	contractCreated: CONTRACT_STATUSES,
	contractSent: SENT_STATUSES,
	signatorySigned: SENT_STATUSES,
	contractSigned: ['signed'],
	contractCancelled: ['cancelled'],
	contractExpired: ['expired'],
};

/** Which selected event the contract best illustrates, most advanced first. */
function sampleEventFor(
	contract: ObservedContract,
	events: ReadonlySet<TriggerEvent>,
): { event: ContractEvent; previousStatus: ObservedContract['status'] | null } | undefined {
	const finalEvent = (FINAL_EVENT as Partial<Record<ContractStatus, TriggerEvent>>)[
		contract.status
	];
	const signed = contract.signatories.filter((signatory) => signatory.status === 'signed');
	const sent = wasSent(contract) === true;
	if (finalEvent && events.has(finalEvent)) {
		return { event: { event: finalEvent }, previousStatus: sent ? 'pending' : null };
	}
	if (events.has('signatorySigned') && signed.length > 0) {
		return {
			event: { event: 'signatorySigned', signatory: signed[signed.length - 1] },
			previousStatus: 'pending',
		};
	}
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
 * null when there is none. Reads at most SAMPLE_SCAN_PAGES list pages (plus its details for
 * the signed PDF); never touches the stored state.
 */
export async function fetchSample(
	context: IPollFunctions,
	settings: PollSettings,
): Promise<INodeExecutionData[] | null> {
	const statuses = new Set<ObservedContract['status']>();
	for (const event of settings.events) {
		for (const status of STATUSES_FOR_EVENT[event]) statuses.add(status);
	}
	const reader = new Reader(context, settings.timeoutMs, settings.downloadSignedDocument);
	for (let page = 0; page < SAMPLE_SCAN_PAGES; page++) {
		const contracts = await reader.page({ statuses: [...statuses] }, page);
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
