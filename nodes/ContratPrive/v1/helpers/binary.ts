import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { DocumentToSend } from '../../transport';
import { DOCUMENT_LIMIT_TEXT, MAX_DOCUMENT_BYTES } from '../../transport';
import { releaseChunk } from '../../streaming/chunk-release';
import { DocumentBytes } from '../../streaming/json-body';
import type { Validator } from './validation';
import { show } from './validation';

/** A PDF of the input item, checked in `prepare`; its bytes are read again in `execute`. */
export interface PdfBinary {
	/** Binary property name on the input item */
	property: string;
	fileName: string;
	/** Its size, as read when it was checked. */
	bytes: number;
}

const MB = 1024 * 1024;

function megabytes(bytes: number): string {
	return `${(bytes / MB).toFixed(1)} MB`;
}

/** How far from the end the `%%EOF` marker may be followed by other bytes (as PDF readers do). */
const EOF_WINDOW = 1024;
const EOF_MARKER = Buffer.from('%%EOF', 'latin1');
const PDF_HEADER = '%PDF-';
/**
 * Bytes read at a time when a PDF is checked, so that checking never holds a whole file; a
 * multiple of 3, so that it is a whole number of base64 characters.
 */
const CHECK_CHUNK_BYTES = 3 * 21 * 1024;

/** From this size on, a document's chunks are released as soon as they are read (see below). */
const RELEASE_FROM_BYTES = 1024 * 1024;

/** space, tab, CR, LF, FF, NUL */
const isPdfWhitespace = (byte: number) =>
	byte === 0x20 ||
	byte === 0x09 ||
	byte === 0x0d ||
	byte === 0x0a ||
	byte === 0x0c ||
	byte === 0x00;

/**
 * What the checks need of a file, read chunk by chunk: its size, its first bytes, its last
 * `%%EOF` marker and its last byte that is not whitespace.
 */
class PdfShape {
	bytes = 0;
	private head = '';
	/** Offset of the last `%%EOF`, -1 if none. */
	private marker = -1;
	private lastNonWhitespace = -1;
	/** The last bytes of the previous chunk, for a marker cut in two. */
	private carry = Buffer.alloc(0);

	add(chunk: Buffer): void {
		if (this.head.length < PDF_HEADER.length) {
			this.head += chunk.subarray(0, PDF_HEADER.length - this.head.length).toString('latin1');
		}
		// Only the edge between chunks is copied (a marker cut in two), never the whole chunk.
		const edge = Buffer.concat([this.carry, chunk.subarray(0, EOF_MARKER.length - 1)]);
		const inChunk = chunk.lastIndexOf(EOF_MARKER);
		const inEdge = edge.lastIndexOf(EOF_MARKER);
		if (inChunk !== -1) this.marker = this.bytes + inChunk;
		else if (inEdge !== -1) this.marker = this.bytes - this.carry.length + inEdge;
		for (let index = chunk.length - 1; index >= 0; index--) {
			if (!isPdfWhitespace(chunk[index])) {
				this.lastNonWhitespace = this.bytes + index;
				break;
			}
		}
		this.bytes += chunk.length;
		const tail = chunk.length >= EOF_MARKER.length - 1 ? chunk : edge;
		this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - (EOF_MARKER.length - 1))));
	}

	get startsLikePdf(): boolean {
		return this.head === PDF_HEADER;
	}

	/**
	 * Whether the file also ends like a PDF: its last `%%EOF` marker is in its last 1,024 bytes,
	 * or only whitespace follows it. A PDF cut off while being downloaded or uploaded has no such
	 * end; the emulator applies the same rule (see wire-contract.md).
	 */
	get endsLikePdf(): boolean {
		if (this.marker < 5) return false;
		const end = this.marker + EOF_MARKER.length;
		return this.bytes - end <= EOF_WINDOW || this.lastNonWhitespace < end;
	}
}

/**
 * The bytes of a binary property, a chunk at a time: streamed from n8n's binary data store (read
 * whole when it fits in one chunk, which is cheaper than a stream), or decoded piece by piece
 * from the base64 n8n keeps in the item (its default, in-memory mode).
 *
 * A chunk is the reader's until it asks for the next one: then the chunk's memory is given back
 * at once (releaseChunk) when the chunk is this reader's alone, so a reader keeps a copy of
 * anything it needs longer. Without that, the chunks of a whole document waited in memory for
 * the garbage collector (see chunk-release.ts).
 */
async function* binaryChunks(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binaryData: IBinaryData,
): AsyncGenerator<Buffer> {
	if (binaryData.id) {
		if (binaryData.bytes !== undefined && binaryData.bytes <= CHECK_CHUNK_BYTES) {
			yield await context.helpers.getBinaryDataBuffer(itemIndex, property);
			return;
		}
		const stream = await context.helpers.getBinaryStream(binaryData.id, CHECK_CHUNK_BYTES);
		// n8n's filesystem store (ids "filesystem:…", "filesystem-v2:…") reads every chunk into a
		// buffer of its own that nothing else keeps; other stores may hand out shared memory. A
		// small file's few chunks are left to the collector: releasing costs about 0.1 ms each.
		const ownChunks =
			binaryData.id.startsWith('filesystem') &&
			(binaryData.bytes ?? Infinity) >= RELEASE_FROM_BYTES;
		for await (const chunk of stream) {
			yield chunk as Buffer;
			if (ownChunks) releaseChunk(chunk as Buffer);
		}
		return;
	}
	const base64 = binaryData.data;
	const step = (CHECK_CHUNK_BYTES / 3) * 4;
	if (base64.length <= step || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) {
		// One chunk; or line breaks, with which pieces would not fall on 4-character boundaries.
		yield Buffer.from(base64, 'base64');
		return;
	}
	const release = base64.length >= (RELEASE_FROM_BYTES / 3) * 4;
	for (let offset = 0; offset < base64.length; offset += step) {
		const chunk = Buffer.from(base64.slice(offset, offset + step), 'base64');
		yield chunk;
		if (release) releaseChunk(chunk);
	}
}

/**
 * Checks that the item has a binary property `property` holding a complete PDF (starts with
 * `%PDF-`, ends with `%%EOF`) of at most MAX_DOCUMENT_BYTES. The bytes are read a chunk at a time
 * and let go, so that checking every item first never holds their documents in memory.
 */
export async function validatePdfBinary(
	context: IExecuteFunctions,
	validator: Validator,
	itemIndex: number,
	field: string,
	property: string,
): Promise<PdfBinary> {
	const item = context.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	if (!item?.binary?.[property]) {
		throw validator.fail(
			field,
			`names the binary property "${property}", which this item does not have`,
			available.length
				? `The item has these binary properties: ${available.join(', ')}.`
				: 'The item has no binary data at all. Read the PDF first, e.g. with a Read/Write Files from Disk or an HTTP Request node.',
		);
	}

	let binaryData: IBinaryData;
	try {
		binaryData = context.helpers.assertBinaryData(itemIndex, property);
	} catch (error) {
		throw validator.fail(
			field,
			`names the binary property "${property}", which cannot be read: ${(error as Error).message}`,
		);
	}
	const fileName = (binaryData.fileName || `${property}.pdf`).trim();

	if (typeof binaryData.bytes === 'number' && binaryData.bytes > MAX_DOCUMENT_BYTES) {
		throw tooLarge(validator, field, property, fileName, binaryData.bytes);
	}

	const shape = new PdfShape();
	try {
		for await (const chunk of binaryChunks(context, itemIndex, property, binaryData)) {
			shape.add(chunk);
		}
	} catch (error) {
		throw validator.fail(
			field,
			`names the binary property "${property}", which cannot be read: ${(error as Error).message}`,
		);
	}
	if (shape.bytes === 0) {
		throw validator.fail(
			field,
			`names the binary property "${property}" (${show(fileName)}), which is empty`,
		);
	}
	if (shape.bytes > MAX_DOCUMENT_BYTES) {
		throw tooLarge(validator, field, property, fileName, shape.bytes);
	}
	if (!shape.startsLikePdf) {
		throw validator.fail(
			field,
			`names the binary property "${property}" (${show(fileName)}, ${binaryData.mimeType || 'unknown type'}), which is not a PDF`,
			'Contrat-Privé only accepts PDF documents: convert the file to PDF first.',
		);
	}
	if (!shape.endsLikePdf) {
		throw validator.fail(
			field,
			`names the binary property "${property}" (${show(fileName)}), which is not a complete PDF: it has no %%EOF end marker`,
			'The file was probably cut off while being downloaded or uploaded. Read it again from its source.',
		);
	}
	return { property, fileName, bytes: shape.bytes };
}

function tooLarge(
	validator: Validator,
	field: string,
	property: string,
	fileName: string,
	bytes: number,
) {
	return validator.fail(
		field,
		`names the binary property "${property}" (${show(fileName)}), which is too large: ${megabytes(bytes)}, at most ${DOCUMENT_LIMIT_TEXT} allowed`,
		`Contrat-Privé accepts documents of at most ${DOCUMENT_LIMIT_TEXT} each. Compress or split the PDF.`,
	);
}

/**
 * A PDF checked by `validatePdfBinary`, as the transport sends it: its bytes are read a chunk at
 * a time from n8n's binary data (whatever its mode) while the request is written, afresh for
 * every attempt, and never held whole.
 */
export function pdfToSend(
	context: IExecuteFunctions,
	itemIndex: number,
	pdf: PdfBinary,
): DocumentToSend {
	const content = new DocumentBytes(
		() =>
			binaryChunks(
				context,
				itemIndex,
				pdf.property,
				context.helpers.assertBinaryData(itemIndex, pdf.property),
			),
		pdf.bytes,
	);
	return { fileName: pdf.fileName, content };
}

/** Binary property names given as "annex1, annex2" (or a list, from an expression). */
export function splitPropertyNames(value: unknown): string[] | undefined {
	if (value === undefined || value === null) return [];
	const parts = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: undefined;
	if (!parts || parts.some((part) => typeof part !== 'string')) return undefined;
	return (parts as string[]).map((part) => part.trim()).filter((part) => part.length > 0);
}
