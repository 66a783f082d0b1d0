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
