/**
 * A JSON request body written as it is sent, so that a document never sits whole in memory:
 * the opening (keys, label, signatories...), then each document base64-encoded a chunk at a
 * time from wherever its bytes are, then the closing.
 *
 * It is handed to n8n's request helper as a Blob (its size, type and `stream()`, which is what
 * axios reads of a Blob: it sends `size` as Content-Length and the stream's chunks as they come).
 * n8n's rules for community nodes forbid Node's stream module, so this is how a body is streamed.
 *
 * The API keys travel inside the body (wire-contract.md), and the credential puts them there:
 * n8n's generic `authenticate` sets each of its `body` properties on the request's body object
 * (`body[key] = value`). Those properties are taken off the object when the request reads its
 * size, and written at the top of the JSON; they are never kept on the object that a failed
 * request's error may carry.
 */

/** Where a document's bytes are read from; `open` is called afresh for every attempt. */
export class DocumentBytes {
	constructor(
		/**
		 * The bytes, a chunk at a time. A chunk may be released (emptied) as soon as the next one
		 * is asked for, so nothing of it is kept without a copy.
		 */
		readonly open: () => AsyncIterable<Buffer>,
		/** Its size, checked before it is sent: the body's Content-Length counts on it. */
		readonly bytes: number,
	) {}
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

/**
 * Bytes turned into base64 at a time: small pieces, so that their strings are short-lived young
 * objects that the garbage collector reclaims soon, with the chunks they came from.
 */
const BASE64_PIECE_BYTES = 3 * 16 * 1024;

/**
 * The base64 of a document's bytes, quoted, a piece at a time; a remainder of 1-2 bytes waits.
 * The pieces are strings, not buffers: a string lives in V8's young generation and is reclaimed
 * by its next minor collection, and the socket copies it into memory it frees as soon as the
 * bytes are written. A buffer's memory lies outside that generation and is freed only when the
 * collector gets to its object: 20 MB of document left 27 MB of such buffers waiting.
 */
async function* base64String(document: DocumentBytes): AsyncGenerator<string> {
	yield '"';
	let carry = Buffer.alloc(0);
	let read = 0;
	for await (const chunk of document.open()) {
		read += chunk.length;
		let start = 0;
		if (carry.length) {
			// The bytes left from the last chunk, completed from this one (never a copy of it all).
			start = Math.min(chunk.length, 3 - carry.length);
			carry = Buffer.concat([carry, chunk.subarray(0, start)]);
			if (carry.length < 3) continue;
			yield carry.toString('base64');
			carry = Buffer.alloc(0);
		}
		const whole = start + (chunk.length - start) - ((chunk.length - start) % 3);
		for (let offset = start; offset < whole; offset += BASE64_PIECE_BYTES) {
			const end = Math.min(whole, offset + BASE64_PIECE_BYTES);
			yield chunk.subarray(offset, end).toString('base64');
		}
		carry = Buffer.from(chunk.subarray(whole));
	}
	if (read !== document.bytes) {
		// The body's length was announced: a document that changed since it was checked cannot be sent.
		throw new Error(
			`the document has ${read} bytes, not the ${document.bytes} checked before sending`,
		);
	}
	yield `${carry.length ? carry.toString('base64') : ''}"`;
}

/** The length of a document's quoted base64: 4 characters per 3 bytes (rounded up), and quotes. */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3) + 2;

/**
 * The request body of one attempt, as a Blob. Make a new one for every attempt: each reads its
 * documents afresh. The top-level `object` is written after the credential's fields.
 */
export class JsonBody {
	/** Own and enumerable, as a body object needs to be sent at all (n8n drops empty ones). */
	readonly type = 'application/json';

	readonly #known: Set<string>;

	readonly #segments: Array<string | DocumentBytes>;

	#credentialFields: Array<[string, string]> | undefined;

	constructor(object: BodyObject) {
		const out: Array<string | DocumentBytes> = [];
		segments(object, out);
		this.#segments = out;
		this.#known = new Set(Object.keys(this));
	}

	get [Symbol.toStringTag](): string {
		return 'Blob';
	}

	/** The length in bytes of the body written: its Content-Length. */
	get size(): number {
		const opening = this.opening();
		// The opening replaces the object's "{"; an empty object drops the opening's last comma.
		let length =
			Buffer.byteLength(opening) -
			1 -
			(this.#segments[0] === '{}' && opening.endsWith(',') ? 1 : 0);
		for (const segment of this.#segments) {
			length +=
				typeof segment === 'string' ? Buffer.byteLength(segment) : base64Length(segment.bytes);
		}
		return length;
	}

	/**
	 * The body's text, a piece at a time (UTF-8 on the wire, as the HTTP client writes strings);
	 * each call reads the documents afresh.
	 */
	stream(): AsyncGenerator<string> {
		return this.chunks();
	}

	/** The credential's fields: string properties set on this object after it was made. */
	private fields(): Array<[string, string]> {
		if (!this.#credentialFields) {
			const fields: Array<[string, string]> = [];
			const record = this as unknown as Record<string, unknown>;
			for (const key of Object.keys(record)) {
				if (this.#known.has(key) || typeof record[key] !== 'string') continue;
				fields.push([key, record[key] as string]);
				delete record[key];
			}
			this.#credentialFields = fields;
		}
		return this.#credentialFields;
	}

	/** "{" and the credential's fields, each followed by a comma. */
	private opening(): string {
		const members = this.fields().map(
			([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)},`,
		);
		return `{${members.join('')}`;
	}

	private async *chunks(): AsyncGenerator<string> {
		for (const [index, segment] of this.#segments.entries()) {
			if (typeof segment !== 'string') {
				yield* base64String(segment);
				continue;
			}
			let text = segment;
			if (index === 0) {
				// The object's own "{" is replaced by the opening; an empty object keeps no comma.
				text =
					text === '{}' ? `${this.opening().replace(/,$/, '')}}` : this.opening() + text.slice(1);
			}
			yield text;
		}
	}
}
