/**
 * A JSON request body written as it is read, so that a document never sits whole in memory:
 * the opening (keys, label, signatories...), then each document base64-encoded a chunk at a
 * time from wherever its bytes are, then the closing.
 *
 * The API keys travel inside the body (wire-contract.md), and the credential puts them there:
 * n8n's generic `authenticate` sets each of its `body` properties on the request's body object
 * (`body[key] = value`). On a `JsonBodyStream` those properties are taken off the object when
 * the first byte is read and written at the top of the JSON; they are never kept on the object
 * that a failed request's error may carry.
 */
import { Readable } from 'node:stream';

/** Where a document's bytes are read from; `open` is called afresh for every attempt. */
export class DocumentBytes {
	constructor(readonly open: () => AsyncIterable<Buffer>) {}
}

/** A JSON value whose strings may be documents, written as their base64. */
export type BodyValue =
	| string
	| number
	| boolean
	| null
	| DocumentBytes
	| BodyValue[]
	| { [key: string]: BodyValue | undefined };

export type BodyObject = { [key: string]: BodyValue | undefined };

/** Whether a body carries a document, and so is worth streaming. */
export function hasDocuments(value: unknown): boolean {
	if (value instanceof DocumentBytes) return true;
	if (Array.isArray(value)) return value.some(hasDocuments);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasDocuments);
	return false;
}

/** The body as JSON text pieces and the documents between them, in order. */
function segments(value: BodyValue | undefined, out: Array<string | DocumentBytes>): void {
	const text = (piece: string) => {
		const last = out.length - 1;
		if (last >= 0 && typeof out[last] === 'string') out[last] += piece;
		else out.push(piece);
	};
	if (value instanceof DocumentBytes) {
		out.push(value);
	} else if (Array.isArray(value)) {
		text('[');
		value.forEach((entry, index) => {
			if (index > 0) text(',');
			// As JSON.stringify does: an undefined entry of an array is null.
			segments(entry === undefined ? null : entry, out);
		});
		text(']');
	} else if (value !== null && typeof value === 'object') {
		text('{');
		let first = true;
		for (const [key, entry] of Object.entries(value)) {
			if (entry === undefined) continue;
			text(`${first ? '' : ','}${JSON.stringify(key)}:`);
			first = false;
			segments(entry, out);
		}
		text('}');
	} else {
		text(JSON.stringify(value));
	}
}

/** Bytes read from a document at a time are turned into base64 in pieces of about this size. */
const BASE64_PIECE_BYTES = 3 * 64 * 1024;

/** The base64 of a document's bytes, quoted, a piece at a time; a remainder of 1-2 bytes waits. */
async function* base64String(document: DocumentBytes): AsyncGenerator<Buffer> {
	yield Buffer.from('"');
	let carry = Buffer.alloc(0);
	for await (const chunk of document.open()) {
		const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % 3);
		for (let offset = 0; offset < whole; offset += BASE64_PIECE_BYTES) {
			const end = Math.min(whole, offset + BASE64_PIECE_BYTES);
			yield Buffer.from(bytes.subarray(offset, end).toString('base64'), 'latin1');
		}
		carry = Buffer.from(bytes.subarray(whole));
	}
	yield Buffer.from(`${carry.length ? carry.toString('base64') : ''}"`, 'latin1');
}

/** A body stream's credential fields: string properties set on it after it was made. */
function takeCredentialFields(body: object, known: Set<string>): Array<[string, string]> {
	const fields: Array<[string, string]> = [];
	const record = body as Record<string, unknown>;
	for (const key of Object.keys(record)) {
		if (known.has(key) || key.startsWith('_') || typeof record[key] !== 'string') continue;
		fields.push([key, record[key] as string]);
		delete record[key];
	}
	return fields;
}

/**
 * The request body of one attempt. Make a new one for every attempt: each opens its documents
 * afresh. The top-level `object` is written after the credential's fields.
 */
export class JsonBodyStream extends Readable {
	readonly #known: Set<string>;

	readonly #segments: Array<string | DocumentBytes>;

	#chunks: AsyncGenerator<Buffer> | undefined;

	#credentialFields: Array<[string, string]> = [];

	#reading = false;

	constructor(object: BodyObject) {
		super({ highWaterMark: 64 * 1024 });
		const out: Array<string | DocumentBytes> = [];
		segments(object, out);
		this.#segments = out;
		this.#known = new Set(Object.keys(this));
	}

	override _read(): void {
		if (this.#reading) return;
		if (!this.#chunks) {
			this.#credentialFields = takeCredentialFields(this, this.#known);
			this.#chunks = this.chunks();
		}
		this.#reading = true;
		void this.pump();
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		const chunks = this.#chunks;
		this.#chunks = undefined;
		// Closes the document being read (its file or database stream) once its read in progress ends.
		if (chunks) chunks.return(undefined).catch(() => undefined);
		callback(error);
	}

	/** Pushes chunks until the consumer has enough, or the body is done. */
	private async pump(): Promise<void> {
		try {
			for (;;) {
				const chunks = this.#chunks;
				if (!chunks || this.destroyed) return;
				const next = await chunks.next();
				if (this.destroyed) return;
				if (next.done) {
					this.push(null);
					return;
				}
				if (!this.push(next.value)) return;
			}
		} catch (error) {
			this.destroy(error as Error);
		} finally {
			this.#reading = false;
		}
	}

	private opening(fields: Array<[string, string]>): string {
		const members = fields.map(
			([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`,
		);
		// The object's own text starts with "{"; the fields go right after it.
		return `{${members.join(',')}${members.length ? ',' : ''}`;
	}

	private async *chunks(): AsyncGenerator<Buffer> {
		for (const [index, segment] of this.#segments.entries()) {
			if (typeof segment !== 'string') {
				yield* base64String(segment);
				continue;
			}
			let text = segment;
			if (index === 0) {
				const opening = this.opening(this.#credentialFields);
				// An empty object stays "{}": no comma after the last credential field.
				text = text === '{}' ? `${opening.replace(/,$/, '')}}` : opening + text.slice(1);
			}
			yield Buffer.from(text);
		}
	}
}
