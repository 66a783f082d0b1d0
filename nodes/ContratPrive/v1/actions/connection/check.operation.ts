import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkConnection } from '../../transport';

export const description: INodeProperties[] = [];

export async function prepare(this: IExecuteFunctions): Promise<void> {}

export async function execute(
	this: IExecuteFunctions,
	_input: void,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const connection = await checkConnection.call(this, { itemIndex });
	return [{ json: { ...connection } }];
}
