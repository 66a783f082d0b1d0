import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkFor } from '../../helpers/validation';
import type { RequestOptions } from '../../../transport';
import { sendSmsToAll } from '../../../transport';
import {
	contractLocator,
	getContractId,
	getOptions,
	optionsCollection,
	readRequestOptions,
} from '../common.descriptions';

const properties: INodeProperties[] = [contractLocator, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sendSmsToAll'] } },
	properties,
);

interface Input {
	contractId: string;
	request: RequestOptions;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const check = checkFor(this, itemIndex);
	return {
		contractId: getContractId(this, itemIndex),
		request: readRequestOptions(check, getOptions(this, itemIndex, check)),
	};
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const result = await sendSmsToAll.call(this, input.contractId, { ...input.request, itemIndex });
	return [{ json: { contractId: input.contractId, ...result } }];
}
