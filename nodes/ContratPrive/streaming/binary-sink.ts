/**
 * Where a streamed reply's documents go: into n8n's binary data as they are decoded, or nowhere.
 */
import type { IBinaryData, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { ByteFeed } from './byte-feed';
import type { ContentSink } from './reply-stream';

/** The contexts that store binary data. */
export type StoringContext = IExecuteFunctions | IPollFunctions;

/** A sink that checks and drops the bytes of a document nobody asked for. */
export const DROP: ContentSink = {
	write: async () => {},
	end: async () => {},
	abort: () => {},
};

/**
 * A sink into n8n's binary data: `prepareBinaryData` reads the document's bytes while the reply
 * is decoded into them. Aborted, the feed fails, so n8n never completes the binary and no item
 * gets it (n8n's filesystem store also deletes what it had written).
 */
export function binarySink(
	context: StoringContext,
	fileName: string,
	stored: (binary: IBinaryData) => void,
): ContentSink {
	const feed = new ByteFeed();
	let written = 0;
	let failed: unknown;
	const storing = context.helpers
		.prepareBinaryData(
			feed as unknown as Parameters<StoringContext['helpers']['prepareBinaryData']>[0],
			fileName,
			'application/pdf',
		)
		.then((binary) => {
			// The feed gives a chunk's memory back once the store asks for the next (byte-feed.ts):
			// a store that kept chunks to write later would write emptied ones. Its size tells.
			if (typeof binary.bytes === 'number' && binary.bytes !== written) {
				throw new Error(`${binary.bytes} bytes of ${written} were stored`);
			}
			stored(binary);
		})
		.catch((error: unknown) => {
			failed = error;
		});
	return {
		write: async (bytes) => {
			written += bytes.length;
			await feed.write(bytes);
		},
		end: async () => {
			feed.end();
			await storing;
			if (failed !== undefined) throw failed;
		},
		abort: (error) => feed.fail(error),
	};
}
