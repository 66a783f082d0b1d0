/**
 * Contract details with their documents streamed into n8n's binary data as the reply arrives:
 * each `content` (base64) is decoded a chunk at a time into `prepareBinaryData`, and is never
 * held whole. Documents not asked for are decoded and dropped.
 */
import type { IBinaryData, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { ByteFeed } from './byte-feed';
import { READ, request } from './request';
import type { ContentSink, JsonPath, OpenContent } from './reply-stream';
import type { Contract, RequestOptions } from './types';

/** The contexts that store binary data. */
type StoringContext = IExecuteFunctions | IPollFunctions;

/** The documents a contract's details may carry. */
export type DocumentKind = 'original' | 'signed' | 'annex';

export interface DownloadedDocuments {
	original?: IBinaryData;
	/** Present once every signatory has signed. */
	signed?: IBinaryData;
	annexes: IBinaryData[];
}

/** Which document a `content` member of contractDetailRequest's reply is, by its place. */
function documentAt(path: JsonPath): { kind: DocumentKind; index?: number } | undefined {
	const at = path.join('.');
	if (at === 'contract.mainDocument.data.content') return { kind: 'original' };
	if (at === 'contract.mainDocument.data.sign.content') return { kind: 'signed' };
	if (/^contract\.annexes\.\d+\.content$/.test(at))
		return { kind: 'annex', index: Number(path[2]) };
	return undefined;
}

/** A sink that checks and drops the bytes of a document nobody asked for. */
const DROP: ContentSink = {
	write: async () => {},
	end: async () => {},
	abort: () => {},
};

/** For replies whose documents nobody needs: each is checked and dropped as it arrives. */
export const dropDocuments = (): OpenContent => (path) => (documentAt(path) ? DROP : undefined);

/**
 * A sink into n8n's binary data: `prepareBinaryData` reads the document's bytes while the reply
 * is decoded into them. Aborted, the feed fails, so n8n never completes the binary and no item
 * gets it (n8n's filesystem store also deletes what it had written).
 */
function binarySink(
	context: StoringContext,
	fileName: string,
	stored: (binary: IBinaryData) => void,
): ContentSink {
	const feed = new ByteFeed();
	let failed: unknown;
	const storing = context.helpers
		.prepareBinaryData(
			feed as unknown as Parameters<StoringContext['helpers']['prepareBinaryData']>[0],
			fileName,
			'application/pdf',
		)
		.then(stored, (error: unknown) => {
			failed = error;
		});
	return {
		write: async (bytes) => await feed.write(bytes),
		end: async () => {
			feed.end();
			await storing;
			if (failed !== undefined) throw failed;
		},
		abort: (error) => feed.fail(error),
	};
}

/**
 * The contract, without document contents (as `withoutDocumentContents` gives it), and the
 * documents of the kinds in `wanted` as n8n binary data. A reply cut off or unreadable is an
 * error, and no binary of it is returned.
 */
export async function getContractDocuments(
	this: StoringContext,
	contractId: string,
	wanted: readonly DocumentKind[],
	options: RequestOptions = {},
): Promise<{ contract: Contract; documents: DownloadedDocuments }> {
	let attempt = {
		documents: { annexes: [] } as DownloadedDocuments,
		annexes: [] as Array<IBinaryData | undefined>,
	};
	const response = await request<{ contract: Contract }>(
		this,
		'contractDetailRequest',
		{ contractId },
		READ,
		{
			...options,
			streamReply: () => {
				// Each attempt starts with no document: a failed one leaves none behind.
				const current = {
					documents: { annexes: [] } as DownloadedDocuments,
					annexes: [] as Array<IBinaryData | undefined>,
				};
				attempt = current;
				return (path: JsonPath, siblings: Record<string, unknown>) => {
					const place = documentAt(path);
					if (!place) return undefined;
					if (!wanted.includes(place.kind)) return DROP;
					const name = typeof siblings.name === 'string' ? siblings.name : 'document.pdf';
					return binarySink(this, name, (binary) => {
						if (place.kind === 'annex') current.annexes[place.index!] = binary;
						else current.documents[place.kind] = binary;
					});
				};
			},
		},
	);
	const { contract } = response;
	const { documents, annexes } = attempt;
	documents.annexes = annexes.filter((binary): binary is IBinaryData => binary !== undefined);
	nameDocuments(contract, documents, annexes);
	return { contract, documents };
}

/** The file names of the documents, from the contract (names may follow contents in the reply). */
function nameDocuments(
	contract: Contract,
	documents: DownloadedDocuments,
	annexes: Array<IBinaryData | undefined>,
): void {
	const main = contract.mainDocument?.data;
	const rename = (binary: IBinaryData | undefined, fileName: string | undefined) => {
		if (binary && fileName) binary.fileName = fileName;
	};
	rename(documents.original, main?.name);
	if (documents.signed) {
		const base = (main?.name ?? 'contract').replace(/\.pdf$/i, '');
		const sign = main?.sign;
		rename(
			documents.signed,
			sign?.name && sign.name !== main?.name ? sign.name : `${base}-signed.pdf`,
		);
	}
	(contract.annexes ?? []).forEach((annex, index) => rename(annexes[index], annex.name));
}
