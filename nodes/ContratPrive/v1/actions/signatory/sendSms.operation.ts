import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendSms } from '../../transport';
import {
	contractLocator,
	getContractId,
	getSignatoryId,
	signatorySelector,
} from '../common.descriptions';

const properties: INodeProperties[] = [contractLocator, signatorySelector];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sendSms'] } },
	properties,
);

interface Input {
	contractId: string;
	signatoryId: string;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	return { contractId: getContractId(this, itemIndex), signatoryId: getSignatoryId(this, itemIndex) };
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const result = await sendSms.call(this, input.contractId, input.signatoryId, { itemIndex });
	return [{ json: { contractId: input.contractId, ...result } }];
}
