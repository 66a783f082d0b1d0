import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendSmsToAll } from '../../transport';
import { contractLocator, getContractId } from '../common.descriptions';

const properties: INodeProperties[] = [contractLocator];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sendSmsToAll'] } },
	properties,
);

interface Input {
	contractId: string;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	return { contractId: getContractId(this, itemIndex) };
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const result = await sendSmsToAll.call(this, input.contractId, { itemIndex });
	return [{ json: { contractId: input.contractId, ...result } }];
}
