/**
 * The streamed JSON reply reader (streaming/reply-stream.ts), fuzzed on real replies of the
 * emulator: whatever the chunk boundaries (inside a base64 quartet, an escape, a key, a
 * multi-byte character), it builds what JSON.parse builds, without the document contents, and
 * each document's bytes come out whole; a reply cut anywhere is an error and no document of it
 * is completed.
 */
import type { ContentSink, JsonPath } from '../../nodes/ContratPrive/streaming/reply-stream';
import { ReplyError, parseJsonReply } from '../../nodes/ContratPrive/streaming/reply-stream';
import { prng } from '../fixtures/random';
import { SANDBOX_KEYS } from '../fixtures/accounts';
import { makePdfOfSize } from '../fixtures/pdf';
import { createContract, useApiKit } from '../emulator/testkit';

interface Collected {
	path: string;
	bytes: Buffer[];
	state: 'open' | 'ended' | 'aborted';
}

/** Sinks that keep what they get, to compare with the reply's contents. */
function collector() {
	const documents: Collected[] = [];
	const open = (path: JsonPath): ContentSink => {
		const document: Collected = { path: path.join('.'), bytes: [], state: 'open' };
		documents.push(document);
		return {
			write: async (bytes) => {
				expect(document.state).toBe('open');
				document.bytes.push(Buffer.from(bytes));
			},
			end: async () => {
				document.state = 'ended';
			},
			abort: () => {
				document.state = 'aborted';
			},
		};
	};
	return { documents, open };
}

async function* inChunks(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
	let start = 0;
	for (const cut of [...cuts, bytes.length]) {
		if (cut > start) yield bytes.subarray(start, cut);
		start = Math.max(start, cut);
	}
}

/** What the reader must build: JSON.parse's value without `content` members, and the contents. */
function expected(text: string) {
	const contents: Array<{ path: string; bytes: Buffer }> = [];
	const strip = (value: unknown, path: string[]): unknown => {
		if (Array.isArray(value))
			return value.map((entry, index) => strip(entry, [...path, String(index)]));
		if (value !== null && typeof value === 'object') {
			const copy: Record<string, unknown> = {};
			for (const [key, entry] of Object.entries(value)) {
				if (key === 'content' && typeof entry === 'string') {
					contents.push({ path: [...path, key].join('.'), bytes: Buffer.from(entry, 'base64') });
				} else copy[key] = strip(entry, [...path, key]);
			}
			return copy;
		}
		return value;
	};
	return { value: strip(JSON.parse(text), []), contents };
}

async function parse(bytes: Buffer, cuts: number[]) {
	const sinks = collector();
	const value = await parseJsonReply(inChunks(bytes, cuts), sinks.open);
	return { value, documents: sinks.documents };
}

describe('parseJsonReply on replies of the emulator', () => {
	const kit = useApiKit();

	/** Fetched once: the tests only read the texts. */
	let fetched: Promise<Array<[string, Buffer]>> | undefined;
	const replies = async () => await (fetched ??= fetchReplies());

	/** Contract details with a main document and two annexes, and variants of their JSON text. */
	async function fetchReplies(): Promise<Array<[string, Buffer]>> {
		const pdf = async (size: number) => (await makePdfOfSize(size)).toString('base64');
		const contract = await createContract(kit, 'sandbox', {
			contract: { label: 'Bail meublé – “Lyon” 🏠', reference: 'é/\\"' },
			mainDocument: { name: 'bail.pdf', data: await pdf(40_001) },
			annexes: [
				{ name: 'annexe 1.pdf', data: await pdf(9_002) },
				{ name: 'annexe-2.pdf', data: await pdf(3_000) },
			],
		});
		const reply = await kit.api(
			'sandbox',
			'contractDetailRequest',
			{ contractId: contract.id },
			SANDBOX_KEYS,
		);
		expect(reply.status).toBe(200);
		const text = reply.text;
		expect(text).toContain('"content":"JVBERi0');
		return [
			['as the emulator sends it', Buffer.from(text)],
			// As PHP's json_encode writes it: "/" escaped, non-ASCII as \u escapes.
			[
				'with escaped slashes and \\u escapes',
				Buffer.from(
					text
						.replace(/\//g, '\\/')
						.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
				),
			],
			['pretty-printed', Buffer.from(JSON.stringify(JSON.parse(text), null, 2))],
			['with "/" as \\u002F in documents', Buffer.from(text.replace(/\//g, '\\u002F'))],
		];
	}

	test('builds what JSON.parse builds, documents streamed whole, at random chunk boundaries (fuzzed)', async () => {
		const random = prng(2025);
		for (const [variant, bytes] of await replies()) {
			const want = expected(bytes.toString('utf8'));
			expect(want.contents.length).toBe(3);
			for (let round = 0; round < 60; round++) {
				// Mostly small chunks (1-16 bytes) with some large ones.
				const cuts: number[] = [];
				for (let at = 0; at < bytes.length; ) {
					at += random() < 0.7 ? 1 + Math.floor(random() * 16) : 1 + Math.floor(random() * 9000);
					cuts.push(at);
				}
				const got = await parse(bytes, cuts);
				expect({ variant, value: got.value }).toEqual({ variant, value: want.value });
				expect(got.documents.map((d) => [d.path, d.state])).toEqual(
					want.contents.map((c) => [c.path, 'ended']),
				);
				got.documents.forEach((document, index) =>
					expect(Buffer.concat(document.bytes).equals(want.contents[index].bytes)).toBe(true),
				);
			}
		}
	});

	test('a chunk split at every byte near each quote, backslash and document edge', async () => {
		for (const [variant, bytes] of await replies()) {
			const want = expected(bytes.toString('utf8'));
			const edges = new Set<number>();
			bytes.forEach((byte, index) => {
				// Quotes, backslashes, colons and non-ASCII bytes: where keys, escapes and strings start and end.
				if (byte === 0x22 || byte === 0x5c || byte === 0x3a || byte > 0x7f) {
					for (let near = index - 5; near <= index + 6; near++) edges.add(near);
				}
			});
			for (const cut of edges) {
				if (cut <= 0 || cut >= bytes.length) continue;
				const got = await parse(bytes, [cut]);
				expect({ variant, cut, value: got.value }).toEqual({ variant, cut, value: want.value });
				got.documents.forEach((document, index) =>
					expect(Buffer.concat(document.bytes).equals(want.contents[index].bytes)).toBe(true),
				);
			}
		}
	});

	test('a reply cut off anywhere is an error, and no document of it is completed after', async () => {
		const random = prng(7);
		const [[, bytes]] = await replies();
		for (let round = 0; round < 200; round++) {
			const end = Math.floor(random() * (bytes.length - 1));
			const sinks = collector();
			const failure = await parseJsonReply(
				inChunks(bytes.subarray(0, end), [Math.floor(end / 3), Math.floor(end / 2)]),
				sinks.open,
			).catch((error: unknown) => error);
			expect(failure).toBeInstanceOf(ReplyError);
			expect((failure as ReplyError).cutOff).toBe(true);
			// A document being read when the reply broke off is aborted, never ended.
			const last = sinks.documents[sinks.documents.length - 1];
			if (last && last.state !== 'ended') expect(last.state).toBe('aborted');
		}
	});
});

describe('parseJsonReply on bad replies', () => {
	const run = async (text: string) =>
		await parseJsonReply(inChunks(Buffer.from(text), []), collector().open).catch(
			(error: unknown) => error as ReplyError,
		);

	test.each([
		['HTML', '<html>502 Bad Gateway</html>', false],
		['two values', '{"a":1}{"b":2}', false],
		['a trailing comma', '{"a":1,}', false],
		['a document that is not base64', '{"content":"JVBE%%%"}', false],
		['a document of one character too many', '{"content":"JVBER"}', false],
		['nothing', '', true],
		['an unclosed object', '{"contract":{"id":"ctr_1"', true],
	])('%s', async (_name, text, cutOff) => {
		const failure = (await run(text)) as ReplyError;
		expect(failure).toBeInstanceOf(ReplyError);
		expect(failure.cutOff).toBe(cutOff);
	});

	test('values that are not documents are kept as JSON.parse keeps them', async () => {
		const text =
			'{"a":[1,-2.5e3,true,false,null,"x\\"y\\u00e9"],"content":5,"b":{"content":null},"c":[]}';
		expect(await run(text)).toEqual(JSON.parse(text));
	});
});
