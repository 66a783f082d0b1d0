/** Bounded parallel requests: a rolling pool or batches, equal keys one after the other. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { pause } from '../../delivery/retry';
import { fieldLabel } from './fields';
import { readWholeNumber } from './parameters';
import type { Validator } from './validation';

/** Default 1: one request at a time, as before (see the README's Reliability section). */
export const DEFAULT_PARALLEL_REQUESTS = 1;
export const MAX_PARALLEL_REQUESTS = 16;
export const MAX_BATCH_INTERVAL_MS = 10 * 60 * 1000;

export interface Batching {
	parallelRequests: number;
	batchInterval: number;
}

/** The "Batching" option of the first item's options (as n8n's HTTP Request node does). */
export function readBatching(
	validator: Validator,
	options: IDataObject,
	properties: INodeProperties[],
): Batching {
	const batching = (options.batching ?? {}) as IDataObject;
	const batch = (batching.batch ?? {}) as IDataObject;
	const field = (name: string) => fieldLabel(properties, 'options', 'batching', 'batch', name);
	return {
		parallelRequests: readWholeNumber(
			validator,
			field('parallelRequests'),
			batch.parallelRequests,
			DEFAULT_PARALLEL_REQUESTS,
			1,
			MAX_PARALLEL_REQUESTS,
		),
		batchInterval: readWholeNumber(
			validator,
			field('batchInterval'),
			batch.batchInterval,
			0,
			0,
			MAX_BATCH_INTERVAL_MS,
		),
	};
}

/** The items a run sends, as the batching sees them. */
export interface ItemRuns {
	count: number;
	/** Items with equal keys run one after the other, in input order; undefined: no key. */
	keyOf(index: number): string | undefined;
	run(index: number): Promise<void>;
	/** True once nothing more may start (an error that stops the node, a cancelled execution). */
	shouldStop(): boolean;
	signal?: AbortSignal;
}

/**
 * A rolling pool: at most `parallelRequests` runs in flight, a new one as soon as one ends, the
 * next index in input order whose key is free. Runs already started when `shouldStop` turns true
 * are awaited.
 */
export async function runInPool(
	items: ItemRuns,
	{ parallelRequests: limit }: Batching,
): Promise<void> {
	const { count, keyOf, run, shouldStop } = items;
	let next = 0;
	let running = 0;
	/** Keys with a run in flight or reserved for the next of their queue. */
	const busyKeys = new Set<string>();
	/** Indexes reached while their key was busy, per key, in input order. */
	const waiting = new Map<string, number[]>();
	/** Indexes whose key was just released to them: they go before `next`. */
	const released: number[] = [];

	let failure: unknown;
	await new Promise<void>((resolve) => {
		const startMore = () => {
			while (running < limit && !shouldStop()) {
				let index: number;
				if (released.length) {
					index = released.shift()!;
				} else if (next < count) {
					index = next++;
					const key = keyOf(index);
					if (key !== undefined) {
						if (busyKeys.has(key)) {
							const queue = waiting.get(key);
							if (queue) queue.push(index);
							else waiting.set(key, [index]);
							continue;
						}
						busyKeys.add(key);
					}
				} else {
					break;
				}
				running += 1;
				const done = () => {
					running -= 1;
					const key = keyOf(index);
					if (key !== undefined) {
						const queue = waiting.get(key);
						if (queue?.length) released.push(queue.shift()!);
						else busyKeys.delete(key);
					}
					startMore();
				};
				run(index).then(done, (error: unknown) => {
					failure ??= error;
					done();
				});
			}
			if (running === 0) resolve();
		};
		startMore();
	});
	if (failure !== undefined) throw failure;
}

/** Batches of `parallelRequests`, `batchInterval` between them (n8n's HTTP Request node). */
export async function runInBatches(items: ItemRuns, batching: Batching): Promise<void> {
	const { count, keyOf, run, shouldStop, signal } = items;
	const { parallelRequests, batchInterval } = batching;
	for (let start = 0; start < count; start += parallelRequests) {
		if (start > 0) await pause(batchInterval, signal);
		if (shouldStop()) return;
		const chains = new Map<string, number[]>();
		for (let index = start; index < Math.min(count, start + parallelRequests); index++) {
			const key = keyOf(index);
			const chainKey = key === undefined ? `#${index}` : `=${key}`;
			chains.set(chainKey, [...(chains.get(chainKey) ?? []), index]);
		}
		await Promise.all(
			[...chains.values()].map(async (chain) => {
				for (const index of chain) {
					if (shouldStop()) return;
					await run(index);
				}
			}),
		);
	}
}
