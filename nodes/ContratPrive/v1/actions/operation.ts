import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/**
 * One operation of the node. `prepare` reads and validates an item's parameters without any
 * API call; `execute` sends what `prepare` returned. The router adds `pairedItem`.
 */
export interface Operation<Input> {
	description: INodeProperties[];
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input>;
	execute(this: IExecuteFunctions, input: Input, itemIndex: number): Promise<INodeExecutionData[]>;
}
