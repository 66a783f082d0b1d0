import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendSms } from '../../../transport';
import { getContractId, getSignatoryId } from '../../helpers/parameters';
import {
	batchingOption,
	contractLocator,
	optionsCollection,
	signatorySelector,
} from '../common.descriptions';
import type { ItemRequest } from '../operation';

const properties: INodeProperties[] = [
	contractLocator,
	signatorySelector,
	optionsCollection([batchingOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sendSms'] } },
	properties,
);

interface Input {
	contractId: string;
	signatoryId: string;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	return {
		contractId: getContractId(this, itemIndex, description),
		signatoryId: getSignatoryId(this, itemIndex, description),
	};
}

/** Items on the same contract are sent one after the other (the SMS limit is per contract). */
export const serialKey = (input: Input): string => input.contractId;

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	const result = await sendSms.call(this, input.contractId, input.signatoryId, request);
	return [{ json: { contractId: input.contractId, ...result } }];
}
