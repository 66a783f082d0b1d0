/**
 * The documents inside a contract (only contractDetailRequest's reply has their contents), and
 * the details with the documents streamed into n8n's binary data as the reply arrives: each
 * `content` (base64) is decoded a chunk at a time into `prepareBinaryData`, and is never held
 * whole. Documents not asked for are decoded and dropped.
 */
import type { IBinaryData } from 'n8n-workflow';

import type { StoringContext } from '../streaming/binary-sink';
import { DROP, binarySink } from '../streaming/binary-sink';
import type { JsonPath, OpenContent } from '../streaming/reply-stream';
import type { RequestOptions } from '../delivery/options';
import { READ } from '../delivery/policy';
import { request } from './request';
import type { Contract, StoredDocument } from './types';

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

/** For replies whose documents nobody needs: each is checked and dropped as it arrives. */
export const dropDocuments = (): OpenContent => (path) => (documentAt(path) ? DROP : undefined);

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

/** A copy of the contract without any base64 document content. */
export function withoutDocumentContents(contract: Contract): Contract {
	const strip = <T extends StoredDocument>(document: T): T => {
		const copy = { ...document };
		delete copy.content;
		return copy;
	};
	const copy: Contract = { ...contract };
	const main = contract.mainDocument?.data;
	if (main) {
		const data = strip(main);
		if (main.sign) data.sign = strip(main.sign);
		copy.mainDocument = { ...contract.mainDocument, data };
	}
	if (Array.isArray(contract.annexes)) copy.annexes = contract.annexes.map(strip);
	return copy;
}
