/**
 * The `json` of the nodes' output items, read as the types the nodes build it from: n8n keeps
 * it as an IDataObject, the operations write a transport object (`Contract`, …) into it.
 */
import type { IDataObject } from 'n8n-workflow';

import type {
	ConnectionInfo,
	Contract,
	ContractStatus,
	ContractSummary,
	SignResult,
	sendSms,
	sendSmsToAll,
} from '../../nodes/ContratPrive/transport';
import type {
	ObservedContract,
	ObservedSignatory,
	TriggerEvent,
} from '../../nodes/ContratPrive/trigger/changes';

/** Contract › Create: the contract, and whether it existed already (found by its reference). */
export type CreatedContract = Contract & { alreadyExisted: boolean };
/** Signatory › Send SMS Code. */
export type SmsSent = { contractId: string } & Awaited<ReturnType<typeof sendSms>>;
/** Signatory › Send SMS Code to All. */
export type SmsSentToAll = { contractId: string } & Awaited<ReturnType<typeof sendSmsToAll>>;
/** Signatory › Sign. */
export type Signed = { contractId: string } & SignResult;

/** An item of the trigger (nodes/ContratPrive/trigger/items.ts). */
export interface TriggerItem {
	event: TriggerEvent;
	contract: Omit<ObservedContract, 'detailed' | 'submitted'> & {
		previousStatus: ContractStatus | null;
	};
	signatory?: ObservedSignatory;
	detectedAt: string;
}

export type { ConnectionInfo, Contract, ContractSummary };

/** An output item's `json` as `T`, the type the node wrote into it. */
export function jsonAs<T>(item: { json: IDataObject }): T {
	return item.json as T;
}
