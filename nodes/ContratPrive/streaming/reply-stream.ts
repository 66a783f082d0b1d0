/**
 * A JSON reply read as it arrives. Strings that are documents (`content`, base64) are decoded a
 * chunk at a time into a sink instead of being kept, so that a document never sits whole in
 * memory; every other value is built as JSON.parse would build it.
 */

/** Where a document's bytes go as they are decoded. */
export interface ContentSink {
	/** Takes the next bytes; resolves when more may be written. */
	write(bytes: Buffer): Promise<void>;
	/** The document is complete. */
	end(): Promise<void>;
	/** The reply broke off or was wrong: nothing of this document may be kept. */
	abort(error: Error): void;
}

export type JsonPath = ReadonlyArray<string | number>;

/**
 * Asked for each string member named `content`: a sink to stream it into (the member is then
 * left out of the parsed value), or undefined to keep it as a string.
 */
export type OpenContent = (
	path: JsonPath,
	siblings: Record<string, unknown>,
) => ContentSink | undefined;

/** A reply that is not complete JSON, or a document that is not base64. */
export class ReplyError extends Error {
	constructor(
		message: string,
		/** True when the reply ended before it was complete. */
		readonly cutOff: boolean,
	) {
		super(message);
		this.name = 'ReplyError';
	}
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const WHITESPACE = /[\s]/g;
const SIMPLE_ESCAPES: Record<string, string> = {
	'"': '"',
	'\\': '\\',
	'/': '/',
	b: '\b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t',
};

type Container =
	| { kind: 'object'; value: Record<string, unknown>; key: string | undefined; path: JsonPath }
	| { kind: 'array'; value: unknown[]; path: JsonPath };

type State =
	/** A value may start here (after `[`, `:` or `,` in an array, or at the top). */
	| 'value'
	/** A member's key may start here (after `,` in an object). */
	| 'key'
	/** Right after `{`: a key, or `}`. */
	| 'firstKey'
	/** Right after `[`: a value, or `]`. */
	| 'firstValue'
	/** After a key: its `:`. */
	| 'colon'
	/** After a value: `,`, `}` or `]`. */
	| 'after'
	| 'string'
	| 'content'
	| 'literal'
	| 'done';

/** The base64 text of one document, decoded by whole quartets. */
class Base64Decoder {
	private pending = '';

	/** Bytes for the characters given; characters that make no whole quartet yet wait. */
	add(text: string): Buffer | undefined {
		let characters = text;
		if (NOT_BASE64.test(characters)) {
			// Line breaks some encoders put in base64 are allowed; anything else is not base64.
			characters = characters.replace(WHITESPACE, '');
			if (NOT_BASE64.test(characters)) {
				throw new ReplyError('a document in the reply is not base64', false);
			}
		}
		const all = this.pending + characters;
		const whole = all.length - (all.length % 4);
		this.pending = all.slice(whole);
		return whole > 0 ? Buffer.from(all.slice(0, whole), 'base64') : undefined;
	}

	finish(): Buffer | undefined {
		const rest = this.pending;
		this.pending = '';
		if (rest.length === 1) throw new ReplyError('a document in the reply is not base64', false);
		return rest.length ? Buffer.from(rest, 'base64') : undefined;
	}
}

/**
 * Parses a JSON reply read chunk by chunk. Chunks may split it anywhere: inside a base64
 * quartet, an escape, a key or a multi-byte character. A reply that ends early, or carries more
 * than one value, is a ReplyError; every sink opened then is aborted. Nothing of a chunk (no
 * view of its memory) is kept once the next one is asked for: what must outlive it is copied.
 */
export async function parseJsonReply(
	chunks: AsyncIterable<Buffer>,
	openContent: OpenContent,
): Promise<unknown> {
	const parser = new ReplyParser(openContent);
	const read = async () => {
		for await (const chunk of chunks) await parser.add(chunk);
		return parser.finish();
	};
	return await read().catch(async (error: unknown) => {
		parser.abort(error instanceof Error ? error : new Error(String(error)));
		return await Promise.reject(error);
	});
}

/** JSON.parse's value of `text`, or undefined when it is not JSON. */
function parsed(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch {
		return undefined;
	}
}

class ReplyParser {
	private state: State = 'value';

	private readonly stack: Container[] = [];

	private root: unknown;

	/** Raw bytes of the string, number or literal being read. */
	private pieces: Buffer[] = [];

	/** Inside a string: the last byte was a backslash (its escape is not read yet). */
	private escaping = false;

	/** Inside a document: the escape read so far ("\\u00" when cut after it). */
	private escape = '';

	private sink: ContentSink | undefined;

	private decoder: Base64Decoder | undefined;

	/** Sinks opened and not yet ended, so that they are aborted on failure. */
	private readonly open = new Set<ContentSink>();

	constructor(private readonly openContent: OpenContent) {}

	async add(chunk: Buffer): Promise<void> {
		let index = 0;
		while (index < chunk.length) {
			switch (this.state) {
				case 'string':
					index = this.readString(chunk, index);
					break;
				case 'content':
					index = await this.readContent(chunk, index);
					break;
				case 'literal':
					index = this.readLiteral(chunk, index);
					break;
				default:
					index = await this.readStructure(chunk, index);
			}
		}
	}

	finish(): unknown {
		if (this.state === 'literal') this.endLiteral();
		if (this.state !== 'done') {
			throw new ReplyError('the reply ended before it was complete', true);
		}
		return this.root;
	}

	abort(error: Error): void {
		for (const sink of this.open) sink.abort(error);
		this.open.clear();
	}

	private get top(): Container | undefined {
		return this.stack[this.stack.length - 1];
	}

	private async readStructure(chunk: Buffer, start: number): Promise<number> {
		const byte = chunk[start];
		// JSON whitespace: space, tab, LF, CR.
		if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) return start + 1;
		const character = String.fromCharCode(byte);
		const top = this.top;
		switch (this.state) {
			case 'done':
				throw new ReplyError('the reply carries more than one JSON value', false);
			case 'colon':
				if (character !== ':') throw this.unexpected(character);
				this.state = 'value';
				return start + 1;
			case 'after':
				if (character === ',' && top) {
					this.state = top.kind === 'object' ? 'key' : 'value';
					return start + 1;
				}
				if (
					(character === '}' && top?.kind === 'object') ||
					(character === ']' && top?.kind === 'array')
				) {
					this.close();
					return start + 1;
				}
				throw this.unexpected(character);
			case 'key':
			case 'firstKey':
				if (character === '"') {
					this.state = 'string';
					this.pieces = [];
					return start + 1;
				}
				if (character === '}' && this.state === 'firstKey') {
					this.close();
					return start + 1;
				}
				throw this.unexpected(character);
			default:
				// 'value' or 'firstValue'
				if (character === '{') {
					this.push({ kind: 'object', value: {}, key: undefined, path: this.childPath() });
					this.state = 'firstKey';
					return start + 1;
				}
				if (character === '[') {
					this.push({ kind: 'array', value: [], path: this.childPath() });
					this.state = 'firstValue';
					return start + 1;
				}
				if (character === ']' && this.state === 'firstValue') {
					this.close();
					return start + 1;
				}
				if (character === '"') {
					this.pieces = [];
					if (top?.kind === 'object' && top.key === 'content') {
						const sink = this.openContent([...top.path, 'content'], top.value);
						if (sink) {
							this.sink = sink;
							this.open.add(sink);
							this.decoder = new Base64Decoder();
							this.state = 'content';
							return start + 1;
						}
					}
					this.state = 'string';
					return start + 1;
				}
				if (/[-0-9tfn]/.test(character)) {
					this.pieces = [];
					this.state = 'literal';
					return start;
				}
				throw this.unexpected(character);
		}
	}

	/** Reads a string up to its closing quote; its escapes are decoded by JSON.parse at the end. */
	private readString(chunk: Buffer, start: number): number {
		let index = start;
		if (this.escaping) {
			this.escaping = false;
			index += 1;
		}
		for (; index < chunk.length; index++) {
			const byte = chunk[index];
			if (byte === BACKSLASH) {
				if (index + 1 >= chunk.length) {
					this.escaping = true;
					break;
				}
				index += 1;
			} else if (byte === QUOTE) {
				this.pieces.push(chunk.subarray(start, index));
				this.endString();
				return index + 1;
			}
		}
		this.pieces.push(Buffer.from(chunk.subarray(start)));
		return chunk.length;
	}

	private endString(): void {
		const raw = Buffer.concat(this.pieces).toString('utf8');
		this.pieces = [];
		const string = parsed(`"${raw}"`);
		if (!string) throw new ReplyError('the reply is not valid JSON (a string is malformed)', false);
		const text = string.value as string;
		const top = this.top;
		if (top?.kind === 'object' && top.key === undefined) {
			top.key = text;
			this.state = 'colon';
			return;
		}
		this.setValue(text);
	}

	/** Reads a document's base64 up to its closing quote, straight into its sink. */
	private async readContent(chunk: Buffer, start: number): Promise<number> {
		let index = start;
		let text = '';
		while (index < chunk.length) {
			if (this.escape) {
				// "\\/" and the like are 2 characters, "\\u002F" 6: read until the escape is whole.
				const needed = () => (this.escape[1] === 'u' ? 6 : 2);
				while (this.escape.length < needed() && index < chunk.length) {
					this.escape += String.fromCharCode(chunk[index]);
					index += 1;
				}
				if (this.escape.length < needed()) break;
				text += this.unescape(this.escape);
				this.escape = '';
				continue;
			}
			const quote = chunk.indexOf(QUOTE, index);
			const backslash = chunk.indexOf(BACKSLASH, index);
			const stop = Math.min(
				quote === -1 ? chunk.length : quote,
				backslash === -1 ? chunk.length : backslash,
			);
			text += chunk.toString('latin1', index, stop);
			index = stop;
			if (stop === chunk.length) break;
			if (stop === backslash) {
				this.escape = '\\';
				index += 1;
				continue;
			}
			// The closing quote.
			await this.writeContent(text);
			await this.endContent();
			return stop + 1;
		}
		await this.writeContent(text);
		return chunk.length;
	}

	private unescape(escape: string): string {
		const simple = SIMPLE_ESCAPES[escape[1]];
		if (simple !== undefined) return simple;
		if (/^\\u[0-9a-fA-F]{4}$/.test(escape))
			return String.fromCharCode(parseInt(escape.slice(2), 16));
		throw new ReplyError('the reply is not valid JSON (a string is malformed)', false);
	}

	private async writeContent(text: string): Promise<void> {
		if (!text) return;
		const bytes = this.decoder!.add(text);
		if (bytes) await this.sink!.write(bytes);
	}

	private async endContent(): Promise<void> {
		const sink = this.sink!;
		const bytes = this.decoder!.finish();
		if (bytes) await sink.write(bytes);
		this.sink = undefined;
		this.decoder = undefined;
		await sink.end();
		this.open.delete(sink);
		// The member is left out of the value, as if it had not been sent.
		const top = this.top;
		if (top?.kind === 'object') top.key = undefined;
		this.state = 'after';
	}

	/** Reads a number, true, false or null up to the byte that ends it. */
	private readLiteral(chunk: Buffer, start: number): number {
		let index = start;
		while (index < chunk.length && /[-+.0-9a-zA-Z]/.test(String.fromCharCode(chunk[index]))) {
			index += 1;
		}
		this.pieces.push(Buffer.from(chunk.subarray(start, index)));
		if (index < chunk.length) this.endLiteral();
		return index;
	}

	private endLiteral(): void {
		const text = Buffer.concat(this.pieces).toString('latin1');
		this.pieces = [];
		const literal = parsed(text);
		if (!literal)
			throw new ReplyError(`the reply is not valid JSON ("${text.slice(0, 20)}")`, false);
		this.setValue(literal.value);
	}

	private childPath(): JsonPath {
		const top = this.top;
		if (!top) return [];
		return top.kind === 'object'
			? [...top.path, top.key as string]
			: [...top.path, top.value.length];
	}

	private push(container: Container): void {
		this.setValue(container.value);
		this.stack.push(container);
	}

	private close(): void {
		this.stack.pop();
		this.state = this.stack.length ? 'after' : 'done';
	}

	/** Puts a value where the parser is: the root, the current key, or the next array entry. */
	private setValue(value: unknown): void {
		const top = this.top;
		if (!top) {
			this.root = value;
			this.state = 'done';
			return;
		}
		if (top.kind === 'object') {
			top.value[top.key as string] = value;
			top.key = undefined;
		} else {
			top.value.push(value);
		}
		this.state = 'after';
	}

	private unexpected(character: string): ReplyError {
		return new ReplyError(`the reply is not valid JSON (unexpected "${character}")`, false);
	}
}
