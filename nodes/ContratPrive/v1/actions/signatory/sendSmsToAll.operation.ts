import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendSmsToAll } from '../../../transport';
import { getContractId } from '../../helpers/parameters';
import { batchingOption, contractLocator, optionsCollection } from '../common.descriptions';
import type { ItemRequest } from '../operation';

const properties: INodeProperties[] = [contractLocator, optionsCollection([batchingOption])];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sendSmsToAll'] } },
	properties,
);

interface Input {
	contractId: string;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	return {
		contractId: getContractId(this, itemIndex, description),
	};
}

/** Items on the same contract are sent one after the other. */
export const serialKey = (input: Input): string => input.contractId;

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	const result = await sendSmsToAll.call(this, input.contractId, request);
	return [{ json: { contractId: input.contractId, ...result } }];
}
