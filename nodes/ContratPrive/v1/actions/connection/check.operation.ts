import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkFor } from '../../helpers/validation';
import type { RequestOptions } from '../../../transport';
import { checkConnection } from '../../../transport';
import { getOptions, optionsCollection, readRequestOptions } from '../common.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['connection'], operation: ['check'] } },
	[optionsCollection()],
);

interface Input {
	request: RequestOptions;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const check = checkFor(this, itemIndex);
	return { request: readRequestOptions(check, getOptions(this, itemIndex, check)) };
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const connection = await checkConnection.call(this, { ...input.request, itemIndex });
	return [{ json: { ...connection } }];
}
