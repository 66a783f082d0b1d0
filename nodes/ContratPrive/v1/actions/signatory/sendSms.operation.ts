import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkFor } from '../../helpers/validation';
import type { RequestOptions } from '../../../transport';
import { sendSms } from '../../../transport';
import {
	contractLocator,
	getContractId,
	getOptions,
	getSignatoryId,
	optionsCollection,
	readRequestOptions,
	signatorySelector,
} from '../common.descriptions';

const properties: INodeProperties[] = [contractLocator, signatorySelector, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sendSms'] } },
	properties,
);

interface Input {
	contractId: string;
	signatoryId: string;
	request: RequestOptions;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const check = checkFor(this, itemIndex);
	return {
		contractId: getContractId(this, itemIndex),
		signatoryId: getSignatoryId(this, itemIndex),
		request: readRequestOptions(check, getOptions(this, itemIndex, check)),
	};
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const result = await sendSms.call(this, input.contractId, input.signatoryId, {
		...input.request,
		itemIndex,
	});
	return [{ json: { contractId: input.contractId, ...result } }];
}
