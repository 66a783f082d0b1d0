/** The items the trigger emits: one per event, with the signed PDF when it is asked for. */
import type { IBinaryKeyData, IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { TransientPollError } from '../delivery/failure';
import type { ContractChange, ContractEvent } from './changes';
import type { Reader } from './reader';
import { observedSignatory } from './reader';
import type { PollSettings } from './settings';

export const SIGNED_DOCUMENT_PROPERTY = 'signedDocument';

export async function toItem(
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
			signatories: contract.signatories.map((signatory) => observedSignatory(signatory, false)),
		},
	};
	if (event.signatory) json.signatory = observedSignatory(event.signatory, true);
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
		const binary: IBinaryKeyData = { [SIGNED_DOCUMENT_PROPERTY]: document };
		item.binary = binary;
	}
	return item;
}
