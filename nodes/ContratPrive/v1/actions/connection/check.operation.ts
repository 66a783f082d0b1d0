import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkConnection } from '../../../transport';
import { optionsCollection } from '../common.descriptions';
import type { ItemRequest } from '../operation';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['connection'], operation: ['check'] } },
	[optionsCollection()],
);

/** Nothing of its own: the router reads the request options every operation has. */
type Input = Record<string, never>;

export async function prepare(this: IExecuteFunctions): Promise<Input> {
	return {};
}

export async function execute(
	this: IExecuteFunctions,
	_input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	const connection = await checkConnection.call(this, request);
	return [{ json: { ...connection } }];
}
