/**
 * binarySink (streaming/binary-sink.ts) under a store that behaves unlike n8n's: the feed gives a
 * chunk's memory back once an iterating store asks for the next one (byte-feed.ts), which n8n's
 * filesystem store allows (fs.writeFile awaits each write). A store that kept the chunks to write
 * them later would get emptied ones; the sink must then fail, never hand over a short document.
 *
 * The stores here are stand-ins written for the test: no n8n store keeps chunks, so the case
 * cannot be had from a real one. The real stores are covered by the node's download tests
 * (test/node/contract.get.test.ts, test/node/reliability.streaming.test.ts), byte for byte.
 */
import type { IBinaryData } from 'n8n-workflow';

import type { StoringContext } from '../../nodes/ContratPrive/streaming/binary-sink';
import { binarySink } from '../../nodes/ContratPrive/streaming/binary-sink';

const CHUNK = 64 * 1024;

/** A context whose prepareBinaryData reads the feed as `store` does, and reports the bytes written. */
function contextStoring(store: (chunks: AsyncIterable<Buffer>) => Promise<number>): StoringContext {
	const prepareBinaryData = async (feed: AsyncIterable<Buffer>): Promise<IBinaryData> => {
		const bytes = await store(feed);
		return { data: 'filesystem-v2', mimeType: 'application/pdf', bytes };
	};
	return { helpers: { prepareBinaryData } } as unknown as StoringContext;
}

async function storeThrough(context: StoringContext, document: Buffer): Promise<IBinaryData[]> {
	const stored: IBinaryData[] = [];
	const sink = binarySink(context, 'contract.pdf', (binary) => stored.push(binary));
	for (let offset = 0; offset < document.length; offset += CHUNK) {
		// Fresh buffers, as decoded pieces are.
		await sink.write(Buffer.from(document.subarray(offset, offset + CHUNK)));
	}
	await sink.end();
	return stored;
}

const document = Buffer.alloc(1024 * 1024, 0x25);

test('a store that writes each chunk before asking for the next gets the whole document', async () => {
	let copy = Buffer.alloc(0);
	const writesAsItGoes = contextStoring(async (chunks) => {
		for await (const chunk of chunks) copy = Buffer.concat([copy, chunk]);
		return copy.length;
	});
	const stored = await storeThrough(writesAsItGoes, document);
	expect(stored).toHaveLength(1);
	expect(stored[0].bytes).toBe(document.length);
	expect(copy.equals(document)).toBe(true);
});

test('a store that keeps chunks to write later is refused: no short document is handed over', async () => {
	const keepsChunks = contextStoring(async (chunks) => {
		const kept: Buffer[] = [];
		for await (const chunk of chunks) kept.push(chunk);
		// Written afterwards, as a file write would: a chunk whose memory was given back writes nothing.
		return kept.reduce((bytes, chunk) => bytes + chunk.length, 0);
	});
	const stored: IBinaryData[] = [];
	await expect(
		storeThrough(keepsChunks, document).then((binaries) => stored.push(...binaries)),
	).rejects.toThrow(/bytes of 1048576 were stored/);
	expect(stored).toEqual([]);
});
