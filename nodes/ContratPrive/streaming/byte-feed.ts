/**
 * The bytes of one document as they are decoded, offered to n8n's `prepareBinaryData` as it
 * reads a stream. n8n's rules for community nodes forbid Node's stream module, so this is the
 * part of a readable stream n8n's binary data stores use: its events ('data', 'end', 'error',
 * 'close'), read by the in-memory and database modes, and async iteration, read by the
 * filesystem mode (fs.writeFile). A consumer that iterates slows the writer down; one that
 * listens for 'data' keeps what it gets anyway (it holds the whole document by design).
 *
 * The bytes written become the feed's. A consumer that iterates is taken to be done with a chunk
 * when it asks for the next one, as fs.writeFile is (it awaits each write first): the chunk's
 * memory is then given back at once (releaseChunk) rather than at the garbage collector's next
 * pass, which left up to 20 MB of a download's decoded chunks in memory.
 */

import { releaseChunk } from './chunk-release';

type Listener = (argument?: unknown) => void;

/**
 * Bytes waiting for a consumer that iterates, at most: a few decoded pieces. Pieces still waiting
 * when the garbage collector runs outlive it and are freed much later; a longer queue (1 MB) left
 * more of a download's pieces in memory for nothing, as writing them keeps up anyway.
 */
const QUEUE_LIMIT = 128 * 1024;

export class ByteFeed {
	readable = true;

	destroyed = false;

	private readonly listeners = new Map<string, Listener[]>();

	private queue: Buffer[] = [];

	private queued = 0;

	private ended = false;

	private failure: Error | undefined;

	private flowing = false;

	/** The chunk an iterating consumer has now; released when it asks for the next. */
	private lent: Buffer | undefined;

	/** The consumer waiting for bytes, and the writer waiting for room. */
	private wakeReader: (() => void) | undefined;

	private wakeWriter: (() => void) | undefined;

	// ---- what the writer calls

	/** Takes the next bytes; resolves when a consumer that iterates has room for more. */
	async write(bytes: Buffer): Promise<void> {
		if (this.failure) throw this.failure;
		if (this.flowing) {
			this.emit('data', bytes);
			return;
		}
		this.queue.push(bytes);
		this.queued += bytes.length;
		this.wake();
		while (this.queued > QUEUE_LIMIT && !this.failure && !this.flowing) {
			await new Promise<void>((resolve) => (this.wakeWriter = resolve));
		}
		if (this.failure) throw this.failure;
	}

	end(): void {
		this.ended = true;
		if (this.flowing) this.finish();
		this.wake();
	}

	/** The document is incomplete or wrong: the consumer gets an error, never an end. */
	fail(error: Error): void {
		if (this.failure || this.destroyed) return;
		this.failure = error;
		this.queue = [];
		this.queued = 0;
		this.destroyed = true;
		this.emit('error', error);
		this.emit('close');
		this.wake();
	}

	// ---- what a consumer calls

	on(event: string, listener: Listener): this {
		this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
		// As a stream does, it flows once someone listens for data, from the next tick on.
		if (event === 'data' && !this.flowing) void Promise.resolve().then(() => this.flow());
		return this;
	}

	addListener(event: string, listener: Listener): this {
		return this.on(event, listener);
	}

	once(event: string, listener: Listener): this {
		const once: Listener = (argument) => {
			this.off(event, once);
			listener(argument);
		};
		return this.on(event, once);
	}

	off(event: string, listener: Listener): this {
		const kept = (this.listeners.get(event) ?? []).filter((entry) => entry !== listener);
		this.listeners.set(event, kept);
		return this;
	}

	removeListener(event: string, listener: Listener): this {
		return this.off(event, listener);
	}

	pause(): this {
		return this;
	}

	resume(): this {
		return this;
	}

	destroy(error?: Error): this {
		this.fail(error ?? new Error('the document was not read to its end'));
		return this;
	}

	[Symbol.asyncIterator](): AsyncIterator<Buffer> {
		return {
			next: async () => {
				this.giveBack();
				for (;;) {
					if (this.failure) throw this.failure;
					const bytes = this.queue.shift();
					if (bytes) {
						this.queued -= bytes.length;
						this.wakeWriter?.();
						this.lent = bytes;
						return { value: bytes, done: false };
					}
					if (this.ended) return { value: undefined, done: true };
					await new Promise<void>((resolve) => (this.wakeReader = resolve));
				}
			},
			return: async () => {
				this.giveBack();
				if (!this.ended) this.destroy();
				return { value: undefined, done: true };
			},
		};
	}

	private giveBack(): void {
		if (this.lent) releaseChunk(this.lent);
		this.lent = undefined;
	}

	private flow(): void {
		if (this.flowing || this.failure) return;
		this.flowing = true;
		for (const bytes of this.queue) this.emit('data', bytes);
		this.queue = [];
		this.queued = 0;
		this.wake();
		if (this.ended) this.finish();
	}

	private finish(): void {
		this.readable = false;
		this.emit('end');
		this.emit('close');
	}

	private wake(): void {
		const reader = this.wakeReader;
		this.wakeReader = undefined;
		reader?.();
		const writer = this.wakeWriter;
		this.wakeWriter = undefined;
		writer?.();
	}

	private emit(event: string, argument?: unknown): void {
		for (const listener of this.listeners.get(event) ?? []) listener(argument);
	}
}
