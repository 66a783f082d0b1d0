import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { DocumentUpload } from '../../transport';
import { DOCUMENT_LIMIT_TEXT, MAX_DOCUMENT_BYTES } from '../../transport';
import type { Check } from './validation';
import { show } from './validation';

/** A PDF of the input item, checked in `prepare`; its bytes are read again in `execute`. */
export interface PdfBinary {
	/** Binary property name on the input item */
	property: string;
	fileName: string;
}

const MB = 1024 * 1024;

function megabytes(bytes: number): string {
	return `${(bytes / MB).toFixed(1)} MB`;
}

/** How far from the end the `%%EOF` marker may be followed by other bytes (as PDF readers do). */
const EOF_WINDOW = 1024;

/**
 * Whether a file that starts with `%PDF-` also ends like one: its last `%%EOF` marker is in its
 * last 1,024 bytes, or only whitespace follows it. A PDF cut off while being downloaded or
 * uploaded has no such end; the emulator applies the same rule (see wire-contract.md).
 */
export function hasPdfEnd(buffer: Buffer): boolean {
	const marker = buffer.lastIndexOf('%%EOF', undefined, 'latin1');
	if (marker < 5) return false;
	const end = marker + 5;
	if (buffer.length - end <= EOF_WINDOW) return true;
	for (let index = end; index < buffer.length; index++) {
		const byte = buffer[index];
		// space, tab, CR, LF, FF, NUL
		if (
			byte !== 0x20 &&
			byte !== 0x09 &&
			byte !== 0x0d &&
			byte !== 0x0a &&
			byte !== 0x0c &&
			byte !== 0x00
		) {
			return false;
		}
	}
	return true;
}

/**
 * Checks that the item has a binary property `property` holding a complete PDF (starts with
 * `%PDF-`, ends with `%%EOF`) of at most MAX_DOCUMENT_BYTES. The bytes are read for the check and then let go.
 */
export async function checkPdfBinary(
	context: IExecuteFunctions,
	check: Check,
	itemIndex: number,
	field: string,
	property: string,
): Promise<PdfBinary> {
	const item = context.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	if (!item?.binary?.[property]) {
		throw check.fail(
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
		throw check.fail(
			field,
			`names the binary property "${property}", which cannot be read: ${(error as Error).message}`,
		);
	}
	const fileName = (binaryData.fileName || `${property}.pdf`).trim();

	if (typeof binaryData.bytes === 'number' && binaryData.bytes > MAX_DOCUMENT_BYTES) {
		throw tooLarge(check, field, property, fileName, binaryData.bytes);
	}

	let buffer: Buffer;
	try {
		buffer = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	} catch (error) {
		throw check.fail(
			field,
			`names the binary property "${property}", which cannot be read: ${(error as Error).message}`,
		);
	}
	if (buffer.length === 0) {
		throw check.fail(
			field,
			`names the binary property "${property}" (${show(fileName)}), which is empty`,
		);
	}
	if (buffer.length > MAX_DOCUMENT_BYTES) {
		throw tooLarge(check, field, property, fileName, buffer.length);
	}
	if (buffer.subarray(0, 5).toString('latin1') !== '%PDF-') {
		throw check.fail(
			field,
			`names the binary property "${property}" (${show(fileName)}, ${binaryData.mimeType || 'unknown type'}), which is not a PDF`,
			'Contrat-Privé only accepts PDF documents: convert the file to PDF first.',
		);
	}
	if (!hasPdfEnd(buffer)) {
		throw check.fail(
			field,
			`names the binary property "${property}" (${show(fileName)}), which is not a complete PDF: it has no %%EOF end marker`,
			'The file was probably cut off while being downloaded or uploaded. Read it again from its source.',
		);
	}
	return { property, fileName };
}

function tooLarge(check: Check, field: string, property: string, fileName: string, bytes: number) {
	return check.fail(
		field,
		`names the binary property "${property}" (${show(fileName)}), which is too large: ${megabytes(bytes)}, at most ${DOCUMENT_LIMIT_TEXT} allowed`,
		`Contrat-Privé accepts documents of at most ${DOCUMENT_LIMIT_TEXT} each. Compress or split the PDF.`,
	);
}

/** The bytes of a PDF checked by `checkPdfBinary`, as the transport sends them. */
export async function readPdfBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	pdf: PdfBinary,
): Promise<DocumentUpload> {
	const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, pdf.property);
	return { fileName: pdf.fileName, base64: buffer.toString('base64') };
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
