/**
 * Memory of the current process. The peak is the kernel's high-water mark of resident memory
 * (VmHWM), which misses nothing, even inside a long synchronous call; writing "5" to
 * /proc/self/clear_refs resets it (Linux), so a peak can be taken over one phase of a run.
 * Where that is not possible, a 1 ms sampler of `process.memoryUsage.rss()` stands in.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type PeakMethod = 'VmHWM' | 'sampled';

const MB = 1024 * 1024;
export const toMB = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

/** Full garbage collection, when the process runs with --expose-gc. */
export function collectGarbage(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (gc) {
		gc();
		gc();
	}
}

function readHighWaterMark(): number | undefined {
	try {
		const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

export class PeakTracker {
	readonly method: PeakMethod;
	private sampledPeak = 0;
	private timer: NodeJS.Timeout | undefined;

	constructor() {
		this.method = PeakTracker.canReset() ? 'VmHWM' : 'sampled';
	}

	private static canReset(): boolean {
		try {
			writeFileSync('/proc/self/clear_refs', '5');
			return readHighWaterMark() !== undefined;
		} catch {
			return false;
		}
	}

	/** Starts a phase: the peak is taken from now on. */
	reset(): void {
		if (this.method === 'VmHWM') writeFileSync('/proc/self/clear_refs', '5');
		this.sampledPeak = process.memoryUsage.rss();
		if (this.method === 'sampled' && !this.timer) {
			this.timer = setInterval(() => this.sample(), 1);
			this.timer.unref();
		}
	}

	sample(): void {
		this.sampledPeak = Math.max(this.sampledPeak, process.memoryUsage.rss());
	}

	/** Highest resident memory since the last reset, in bytes. */
	peak(): number {
		this.sample();
		if (this.method === 'VmHWM') return Math.max(readHighWaterMark() ?? 0, this.sampledPeak);
		return this.sampledPeak;
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}
}

/** Resident memory after a full collection: what the process really holds now. */
export function settledRss(): number {
	collectGarbage();
	return process.memoryUsage.rss();
}

/** How long resident memory must stay within SETTLED_MB for the memory to count as settled. */
const SETTLED_FOR_MS = 150;
const SETTLED_MB = 0.25;
const SETTLE_POLL_MS = 25;
const SETTLE_LIMIT_MS = 3000;

/**
 * Resident memory after a full collection, once V8 has finished it: the collection returns
 * before its helper threads are done, and they go on to take 10-20 MB more over the next
 * 100-400 ms with no JavaScript running at all (none with --single-threaded-gc; measured in
 * test/bench/README.md). Read at once, a baseline misses that memory, and the phase measured
 * after it is charged with the collector's own working memory. So this waits until resident
 * memory has not moved for SETTLED_FOR_MS (at most SETTLE_LIMIT_MS).
 */
export async function settledMemory(): Promise<number> {
	collectGarbage();
	const started = Date.now();
	let last = process.memoryUsage.rss();
	let stableSince = Date.now();
	while (Date.now() - started < SETTLE_LIMIT_MS) {
		await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
		const now = process.memoryUsage.rss();
		if (Math.abs(now - last) > SETTLED_MB * MB) {
			last = now;
			stableSince = Date.now();
		} else if (Date.now() - stableSince >= SETTLED_FOR_MS) {
			break;
		}
	}
	return process.memoryUsage.rss();
}
