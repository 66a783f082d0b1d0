import type { IExecuteFunctions, INodeExecutionData, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as connection from './connection/Connection.resource';
import * as contract from './contract/Contract.resource';
import * as signatory from './signatory/Signatory.resource';
import type { ContratPriveType } from './node.type';
import type { Operation } from './operation';

const resources: Record<string, Record<string, Operation<any>>> = {
	connection: connection.operations,
	contract: contract.operations,
	signatory: signatory.operations,
};

type Prepared = { input: unknown } | { error: Error };

/**
 * Every item is validated first, so that bad input stops the node before any API call.
 * Then the valid items are sent, one at a time, in order.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter<ContratPriveType>('resource', 0);
	const operationName = this.getNodeParameter('operation', 0, '') as string;
	if ([resource, operationName].includes(CUSTOM_API_CALL)) throw customApiCallError(this);
	const operation = resources[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not known for the resource "${resource}"`,
		);
	}

	const prepared: Prepared[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.push({ input: await operation.prepare.call(this, itemIndex) });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			prepared.push({ error });
		}
	}

	// "On Error: Continue (using error output)": n8n sends an item to the error output when it
	// carries its error (`item.error`; n8n then keeps only `{ error: message }` as its json).
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = prepared[itemIndex];
		try {
			if ('error' in item) throw item.error;
			const results = await operation.execute.call(this, item.input, itemIndex);
			for (const result of results) {
				returnData.push({ ...result, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			returnData.push({
				json: {
					error: error.message,
					...(error.description ? { description: error.description } : {}),
				},
				...(toErrorOutput ? { error: asNodeError(this, error, itemIndex) } : {}),
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [returnData];
}

/** The option n8n adds to Resource and Operation of nodes whose credential can sign requests. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

function customApiCallError(context: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		'Custom API calls are made with the HTTP Request node, not this node',
		{
			description:
				'Add an HTTP Request node with Authentication "Predefined Credential Type" and the Contrat-Privé API credential: it puts the keys in the JSON body. Send POST <base URL>/<request name>, e.g. /contractListRequest, with the parameters as JSON.',
		},
	);
}

function asNodeError(
	context: IExecuteFunctions,
	error: Error,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError || error.name === 'NodeApiError') {
		return error as NodeApiError | NodeOperationError;
	}
	return new NodeOperationError(context.getNode(), error, { itemIndex });
}
