/**
 * Gives the memory of a chunk that has been read back at once, instead of when V8's garbage
 * collector next runs.
 *
 * Reading a document makes a new buffer for every chunk (n8n's filesystem binary data stream,
 * the socket of a reply). A buffer's memory lies outside V8's heap, and is freed only when a
 * collection finds the buffer dead; collections come with allocation on the heap, which reading
 * bytes hardly does. So the chunks of a whole document waited, dead but resident: checking a
 * 20 MB PDF before sending it left its 20 MB of chunks in memory, and V8 lets up to 32 MB of such
 * young buffers pile up before it collects for their sake.
 *
 * Detaching a buffer frees its memory at once: `ArrayBuffer.prototype.transfer(0)` (Node.js 21
 * and later, so every n8n 2), or on Node.js 20 a transfer through a message channel closed at
 * once (its undelivered message, which now owns the memory, is dropped with the channel).
 */

/** Smaller chunks are not worth it (and may come from Node's shared pool). */
const MIN_BYTES = 4096;

type Transferable = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };

/**
 * Frees `chunk`'s memory now, when it is the one view of a whole buffer of its own; any other
 * chunk (a slice of a shared or pooled buffer) is left alone. Call it only on a chunk nothing
 * holds any more: it is empty afterwards.
 */
export function releaseChunk(chunk: Uint8Array): void {
	const buffer = chunk.buffer as Transferable;
	if (
		!(buffer instanceof ArrayBuffer) ||
		chunk.byteOffset !== 0 ||
		chunk.byteLength !== buffer.byteLength ||
		buffer.byteLength < MIN_BYTES
	) {
		return;
	}
	try {
		if (typeof buffer.transfer === 'function') {
			buffer.transfer(0);
			return;
		}
		const channel = new MessageChannel();
		channel.port1.postMessage(null, [buffer]);
		channel.port1.close();
		channel.port2.close();
	} catch {
		// A buffer that cannot be detached is left to the garbage collector, as any other.
	}
}
