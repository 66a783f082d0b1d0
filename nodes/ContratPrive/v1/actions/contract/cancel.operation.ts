import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validatorFor, readText } from '../../helpers/validation';
import { cancelContract, withoutDocumentContents } from '../../../transport';
import { fieldLabel } from '../../helpers/fields';
import { getContractId } from '../../helpers/parameters';
import { batchingOption, contractLocator, optionsCollection } from '../common.descriptions';
import type { ItemRequest } from '../operation';

const properties: INodeProperties[] = [
	{
		...contractLocator,
		description:
			'The contract to cancel. Only a contract out for signature and not yet signed by everyone can be cancelled.',
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'e.g. Offer withdrawn by the landlord',
		description: 'Why the contract is cancelled; kept in the contract history',
	},
	optionsCollection([batchingOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['cancel'] } },
	properties,
);

interface Input {
	contractId: string;
	reason?: string;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const validator = validatorFor(this, itemIndex);
	const reasonField = fieldLabel(description, 'reason');
	const reason = readText(validator, reasonField, this.getNodeParameter('reason', itemIndex, ''), {
		required: false,
		max: 1000,
		numbers: true,
	});
	const contractId = getContractId(this, itemIndex, description);
	return { contractId, ...(reason ? { reason } : {}) };
}

/** Items on the same contract are sent one after the other. */
export const serialKey = (input: Input): string => input.contractId;

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	const contract = await cancelContract.call(this, input.contractId, input.reason, request);
	return [{ json: withoutDocumentContents(contract) as unknown as IDataObject }];
}
