/**
 * releaseChunk (streaming/chunk-release.ts): a chunk that is the one view of a buffer of its own
 * gives its memory back at once, without the garbage collector; any chunk that shares its memory
 * (a slice, Node's buffer pool, shared memory) is left alone and stays readable.
 */
import { releaseChunk } from '../../nodes/ContratPrive/streaming/chunk-release';

const MB = 1024 * 1024;
const arrayBufferBytes = () => process.memoryUsage().arrayBuffers;
const nextTurn = async () => await new Promise((resolve) => setImmediate(resolve));

describe('releaseChunk', () => {
	test('a chunk with a buffer of its own is emptied and its memory freed now', async () => {
		const chunks = Array.from({ length: 8 }, () => Buffer.alloc(MB, 7));
		const before = arrayBufferBytes();
		for (const chunk of chunks) releaseChunk(chunk);
		await nextTurn();
		for (const chunk of chunks) {
			expect(chunk.length).toBe(0);
			expect(chunk.buffer.byteLength).toBe(0);
		}
		// Freed without any garbage collection: the chunks are still referenced here.
		expect(before - arrayBufferBytes()).toBeGreaterThanOrEqual(7 * MB);
	});

	test('a slice of a larger buffer is left alone, and so is the rest of that buffer', () => {
		const whole = Buffer.alloc(MB, 1);
		const slice = whole.subarray(1024, 512 * 1024);
		releaseChunk(slice);
		expect(slice.length).toBe(512 * 1024 - 1024);
		expect(whole.length).toBe(MB);
		expect(whole.every((byte) => byte === 1)).toBe(true);
	});

	test("a small buffer from Node's shared pool is left alone, and the pool keeps working", () => {
		const small = Buffer.from('%PDF-1.7 small');
		const neighbour = Buffer.from('another pooled buffer');
		releaseChunk(small);
		expect(small.toString()).toBe('%PDF-1.7 small');
		expect(neighbour.toString()).toBe('another pooled buffer');
		expect(Buffer.from('made after').toString()).toBe('made after');
	});

	test('a chunk on shared memory is left alone', () => {
		const shared = new Uint8Array(new SharedArrayBuffer(64 * 1024)).fill(3);
		releaseChunk(shared);
		expect(shared.length).toBe(64 * 1024);
		expect(shared[100]).toBe(3);
	});

	test('a chunk already released is left as it is', () => {
		const chunk = Buffer.alloc(64 * 1024);
		releaseChunk(chunk);
		expect(() => releaseChunk(chunk)).not.toThrow();
		expect(chunk.length).toBe(0);
	});
});
