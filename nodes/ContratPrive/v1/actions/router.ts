import type { IExecuteFunctions, INodeExecutionData, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as connection from './connection/Connection.resource';
import * as contract from './contract/Contract.resource';
import * as signatory from './signatory/Signatory.resource';
import { validatorFor } from '../helpers/validation';
import { getOptions, readRequestOptions } from '../helpers/parameters';
import type { Batching } from '../helpers/batching';
import { readBatching, runInBatches, runInPool } from '../helpers/batching';
import { readReserve } from '../helpers/reserve';
import type { RequestOptions } from '../../delivery/options';
import { errorFieldsOf } from '../../transport';
import { openBudget } from '../../quota/requestBudget';
import type { ContratPriveType, NodeMap } from './node.type';
import type { ItemRequest, Operation } from './operation';

const resources = {
	connection: connection.operations,
	contract: contract.operations,
	signatory: signatory.operations,
} satisfies { [Resource in keyof NodeMap]: unknown };

/** The operation of a resource, if the node has it. */
function findOperation(resource: string, name: string): Operation<unknown> | undefined {
	if (!Object.hasOwn(resources, resource)) return undefined;
	const operations: Record<string, Operation<unknown>> = resources[resource as keyof NodeMap];
	return Object.hasOwn(operations, name) ? operations[name] : undefined;
}

const SERIAL: Batching = { parallelRequests: 1, batchInterval: 0 };

type Prepared = { input: unknown; request: ItemRequest } | { error: Error };

/**
 * Every item is validated first, so that bad input stops the node before any API call.
 * Then the valid items are sent in input order: one at a time, or with the "Batching" option a
 * few at a time (see helpers/batching.ts); the output keeps the input's order either way.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter<ContratPriveType>('resource', 0);
	const operationName = this.getNodeParameter('operation', 0, '') as string;
	if ([resource, operationName].includes(CUSTOM_API_CALL)) throw customApiCallError(this);
	const operation = findOperation(resource, operationName);
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not known for the resource "${resource}"`,
		);
	}

	const prepared: Prepared[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const input = await operation.prepare.call(this, itemIndex);
			const validator = validatorFor(this, itemIndex);
			const options = getOptions(this, itemIndex, operation.description, validator);
			const request = readRequestOptions(
				validator,
				options,
				operation.description,
				operation.defaultTimeout,
			);
			prepared.push({ input, request: { ...request, itemIndex } });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			prepared.push({ error });
		}
	}

	// "On Error: Continue (using error output)": n8n sends an item to the error output when it
	// carries its error (`item.error`; n8n then keeps only `{ error: message }` as its json).
	// "Continue (regular output)" keeps the whole json: `{ error, description, errorCode, ... }`.
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const outputs: INodeExecutionData[][] = [];
	let stopError: { itemIndex: number; error: Error } | undefined;
	const signal = this.getExecutionCancelSignal?.();
	const sendItem = async (itemIndex: number) => {
		const item = prepared[itemIndex];
		try {
			if ('error' in item) throw item.error;
			if ('error' in run) throw run.error;
			const results = await operation.execute.call(this, item.input, {
				...item.request,
				...run.shared,
			});
			outputs[itemIndex] = results.map((result) => ({
				...result,
				pairedItem: { item: itemIndex },
			}));
		} catch (error) {
			if (!this.continueOnFail()) {
				if (!stopError || itemIndex < stopError.itemIndex) stopError = { itemIndex, error };
				return;
			}
			outputs[itemIndex] = [
				{
					json: {
						error: error.message,
						...(error.description ? { description: error.description } : {}),
						...errorFieldsOf(error),
					},
					...(toErrorOutput ? { error: asNodeError(this, error, itemIndex) } : {}),
					pairedItem: { item: itemIndex },
				},
			];
		}
	};

	const serialKey = operation.serialKey;
	// Batching and the reserve are the run's: read from the first item's options.
	const firstValidator = validatorFor(this, 0);
	const firstOptions = serialKey && items.length ? getOptions(this, 0, operation.description) : {};
	const batching = serialKey
		? readBatching(firstValidator, firstOptions, operation.description)
		: SERIAL;
	const reserve = serialKey ? readReserve(firstValidator, firstOptions, operation.description) : 0;
	const run = await startRun(this, operation, prepared, reserve);
	const runAll = batching.batchInterval > 0 ? runInBatches : runInPool;
	await runAll(
		{
			count: items.length,
			keyOf: (itemIndex) => {
				const item = prepared[itemIndex];
				return serialKey && 'input' in item ? serialKey(item.input) : undefined;
			},
			run: sendItem,
			shouldStop: () => stopError !== undefined || signal?.aborted === true,
			signal,
		},
		batching,
	);
	if (stopError) throw asNodeError(this, stopError.error, stopError.itemIndex);
	const returnData = outputs.flat();
	return [returnData];
}

/**
 * What the items of a run share, once every item was checked: the reserve's budget (one request
 * reads the day's usage) and the operation's own (`shareRun`). An error here is every item's.
 */
async function startRun(
	context: IExecuteFunctions,
	operation: Operation<unknown>,
	prepared: Prepared[],
	reserve: number,
): Promise<{ shared: Partial<ItemRequest> } | { error: Error }> {
	const valid = prepared.filter(
		(item): item is { input: unknown; request: ItemRequest } => 'input' in item,
	);
	if (!valid.length) return { shared: {} };
	const { timeout, retry } = valid[0].request;
	const request: RequestOptions = { timeout, retry };
	try {
		const budget = await openBudget(context, reserve, request);
		const own = await operation.shareRun?.call(
			context,
			valid.map((item) => item.input),
			{ ...request, budget },
		);
		return { shared: { ...own, budget } };
	} catch (error) {
		return { error: error as Error };
	}
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
