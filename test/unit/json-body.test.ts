/**
 * The streamed JSON request body (streaming/json-body.ts): what it writes is the JSON of the
 * same body with each document as its base64, whatever chunks the documents are read in, and
 * exactly `size` bytes; the credential's keys go where n8n's generic authenticate puts them;
 * every stream reads its documents afresh; axios (n8n's HTTP client) sends it as a Blob, and the
 * emulator takes it as any other body.
 */
import axios from 'axios';
import { randomBytes } from 'node:crypto';

import { DocumentBytes, JsonBody } from '../../nodes/ContratPrive/streaming/json-body';
import { prng } from '../fixtures/random';
import { SANDBOX_KEYS } from '../fixtures/accounts';
import { makePdfOfSize } from '../fixtures/pdf';
import { createBody, useApiKit } from '../emulator/testkit';

/** A document read in chunks of random sizes (1 byte to 70 KB), counting how often it is opened. */
function chunked(bytes: Buffer, random: () => number) {
	const source = {
		opened: 0,
		content: new DocumentBytes(async function* () {
			source.opened += 1;
			let offset = 0;
			while (offset < bytes.length) {
				const size = 1 + Math.floor(random() ** 3 * 70_000);
				yield bytes.subarray(offset, offset + size);
				offset += size;
			}
		}, bytes.length),
	};
	return source;
}

/**
 * What the body writes (its pieces are text, which the HTTP client writes as UTF-8); it must be
 * exactly `size` bytes, as its Content-Length says.
 */
async function text(body: JsonBody): Promise<string> {
	const size = body.size;
	const pieces: Buffer[] = [];
	for await (const chunk of body.stream()) pieces.push(Buffer.from(chunk, 'utf8'));
	const bytes = Buffer.concat(pieces);
	expect(bytes.length).toBe(size);
	return bytes.toString('utf8');
}

/** What n8n's generic authenticate does with the credential's `body` properties. */
function authenticate(body: object, keys: Record<string, string>): void {
	for (const [key, value] of Object.entries(keys)) (body as Record<string, unknown>)[key] = value;
}

describe('JsonBody', () => {
	test('writes the JSON of the body, each document as its base64, whatever the chunks (fuzzed)', async () => {
		const random = prng(25);
		// Sizes around every remainder of 3, and larger than a piece of base64 (192 KB).
		const sizes = [
			0, 1, 2, 3, 4, 5, 6, 7, 65_535, 65_536, 65_537, 196_607, 196_608, 196_609, 700_001,
		];
		for (const size of sizes) {
			const bytes = randomBytes(size);
			const annex = randomBytes(Math.floor(random() * 5000));
			const body = {
				contract: { label: 'Bail "meublé" – Lyon\n', lang: 'fr', reference: null, deposit: 1.5 },
				mainDocument: { name: 'bail.pdf', data: chunked(bytes, random).content },
				annexes: [{ name: 'a.pdf', data: chunked(annex, random).content }],
				empty: {},
				list: [],
				skipped: undefined,
			};
			const stream = new JsonBody(body);
			authenticate(stream, SANDBOX_KEYS);
			const written = await text(stream);
			expect(JSON.parse(written)).toEqual({
				...SANDBOX_KEYS,
				contract: body.contract,
				mainDocument: { name: 'bail.pdf', data: bytes.toString('base64') },
				annexes: [{ name: 'a.pdf', data: annex.toString('base64') }],
				empty: {},
				list: [],
			});
			// The keys come first, as the credential's fields.
			expect(written.startsWith(`{"apiUser":"${SANDBOX_KEYS.apiUser}","apiKey":"`)).toBe(true);
		}
	});

	test('the keys are taken off the body object as soon as it is read', async () => {
		const body = new JsonBody({ a: 1 });
		authenticate(body, SANDBOX_KEYS);
		expect((body as unknown as Record<string, unknown>).apiKey).toBe(SANDBOX_KEYS.apiKey);
		const written = await text(body);
		expect(JSON.parse(written)).toEqual({ ...SANDBOX_KEYS, a: 1 });
		expect(JSON.stringify(body)).not.toContain(SANDBOX_KEYS.apiKey);
		expect(Object.keys(body)).toEqual(['type']);
		// An empty body stays an empty object, with or without keys.
		expect(await text(new JsonBody({}))).toBe('{}');
		const keysOnly = new JsonBody({});
		authenticate(keysOnly, SANDBOX_KEYS);
		expect(JSON.parse(await text(keysOnly))).toEqual(SANDBOX_KEYS);
		// What axios and n8n see: a Blob, and a body object that is not empty.
		expect(Object.prototype.toString.call(body)).toBe('[object Blob]');
	});

	test('each stream of a body reads its documents afresh (a retry sends them whole again)', async () => {
		const bytes = randomBytes(300_000);
		const source = chunked(bytes, prng(3));
		const body = { mainDocument: { data: source.content } };
		const first = new JsonBody(body);
		// The first attempt is cut short once it has sent part of the document.
		let sent = 0;
		for await (const chunk of first.stream()) {
			sent += chunk.length;
			if (sent > 100_000) break;
		}
		expect(source.opened).toBe(1);
		const second = JSON.parse(await text(new JsonBody(body)));
		expect(Buffer.from(second.mainDocument.data, 'base64')).toEqual(bytes);
		expect(source.opened).toBe(2);
	});

	test('a document that cannot be read fails the stream with its error, without the keys', async () => {
		const body = {
			mainDocument: {
				data: new DocumentBytes(async function* () {
					yield Buffer.from('%PDF-1.4');
					throw new Error('binary data file is gone');
				}, 100),
			},
		};
		const stream = new JsonBody(body);
		authenticate(stream, SANDBOX_KEYS);
		const failure = await text(stream).catch((error: Error) => error);
		expect(failure).toBeInstanceOf(Error);
		expect((failure as Error).message).toBe('binary data file is gone');
		expect(JSON.stringify(failure)).not.toContain(SANDBOX_KEYS.apiKey);
	});

	test('a document whose size changed since it was checked is not sent whole', async () => {
		const bytes = randomBytes(1000);
		const body = new JsonBody({
			data: new DocumentBytes(async function* () {
				yield bytes;
			}, 999),
		});
		const failure = await text(body).catch((error: Error) => error);
		expect((failure as Error).message).toBe(
			'the document has 1000 bytes, not the 999 checked before sending',
		);
	});
});

describe('JsonBodyStream against the emulator', () => {
	const kit = useApiKit();

	test('axios sends it with its Content-Length, and the contract stores the very bytes', async () => {
		const pdf = await makePdfOfSize(1_500_000);
		const body = new JsonBody(
			createBody({
				mainDocument: { name: 'bail.pdf', data: chunked(pdf, prng(7)).content },
			}) as never,
		);
		authenticate(body, SANDBOX_KEYS);
		const reply = await axios.post(`${kit.emulator.baseUrls.sandbox}/contractCreateRequest`, body, {
			maxRedirects: 0,
			validateStatus: () => true,
		});
		expect(reply.status).toBe(200);
		const { contract } = reply.data;
		const stored = await kit.control('GET', `/contracts/${contract.id}`);
		expect(Buffer.from(stored.body.contract.mainDocument.data.content!, 'base64')).toEqual(pdf);
		expect(Number(reply.request.getHeader('content-length'))).toBe(body.size);
	});
});
