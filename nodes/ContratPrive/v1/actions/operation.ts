import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CreateOptions } from '../../quota/referenceContracts';
import type { RequestOptions } from '../../delivery/options';
import type { NodeMap } from './node.type';

/**
 * The timeout and retry policy of an item, read by the router, with the item's index; and what
 * the run's items share: the reserve's budget, the run's look-up of references (`shareRun`).
 */
export type ItemRequest = RequestOptions & { itemIndex: number } & RunShared;

export interface RunShared {
	lookup?: CreateOptions['lookup'];
}

/**
 * One operation of the node. `prepare` reads and validates an item's parameters without any
 * API call; `execute` sends what `prepare` returned. The router reads the request options (after
 * `prepare`, with `defaultTimeout` when set) and adds `pairedItem`.
 */
export interface Operation<Input> {
	description: INodeProperties[];
	defaultTimeout?: number;
	/**
	 * Present when items may be sent in parallel (the "Batching" option): items with the same key
	 * are still sent one after the other, in input order.
	 */
	serialKey?(input: Input): string | undefined;
	/**
	 * Once per run, after every item was checked and before any is sent: what the items'
	 * requests share. `request` is the first valid item's, without its index.
	 */
	shareRun?(this: IExecuteFunctions, inputs: Input[], request: RequestOptions): Promise<RunShared>;
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input>;
	execute(
		this: IExecuteFunctions,
		input: Input,
		request: ItemRequest,
	): Promise<INodeExecutionData[]>;
}

/** The operations of a resource, one per name in NodeMap: checked with `satisfies`. */
export type ResourceOperations<Resource extends keyof NodeMap> = {
	[Name in NodeMap[Resource]]: Operation<unknown>;
};
