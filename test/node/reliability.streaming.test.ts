/**
 * The fault matrix over streamed bodies: a connection dropped while a PDF is being uploaded or
 * downloaded, and one that stalls part-way (the timeout fires while streaming). A proxy in front
 * of the emulator cuts the bytes on the wire (test/helpers/cutting-proxy.ts). Whatever happens:
 * nothing is created twice, no binary of a broken reply is output, and the error says what
 * happened.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { CuttingProxy } from '../helpers/cutting-proxy';
import { startCuttingProxy } from '../helpers/cutting-proxy';
import { runNode } from '../helpers/run-workflow';
import { makePdfOfSize, pdfFile } from '../fixtures/pdf';
import { KEYS } from '../fixtures/accounts';
import { ALICE, BOB } from '../fixtures/people';
import { byId, createParameters, expectNoSecret, parisDate, useNodeKit } from './contract.helpers';

const kit = useNodeKit();
let proxy: CuttingProxy;
let pdf: Buffer;

beforeAll(async () => {
	proxy = await startCuttingProxy(Number(new URL(kit.emulator.url).port));
	pdf = await makePdfOfSize(2_000_000);
});
afterAll(async () => await proxy.close());

/** Timeouts long enough for a loaded machine; a stall is cut by a shorter one. */
const RETRIES = { requestTimeout: 15_000, retryDelay: 10, maxRetries: 2, retryTimeLimit: 60_000 };
const NO_RETRY = { requestTimeout: 15_000, maxRetries: 0 };
const STALL_TIMEOUT = 3000;
/** Past the headers and the JSON opening: inside the document's base64. */
const MID_DOCUMENT = 1_000_000;

async function run(parameters: INodeParameters, withPdf = true, binaryDataMode?: 'filesystem') {
	return await runNode({
		node: { parameters, continueOnFail: true },
		credentials: { ...kit.credentials(), baseUrl: proxy.url(kit.emulator.baseUrls.sandbox) },
		items: [{ json: {}, binary: withPdf ? { data: pdfFile(pdf, 'big.pdf') } : undefined }],
		binaryDataMode,
	});
}

async function contractsWithReference(reference: string) {
	const list = await kit.api('sandbox', 'contractListRequest', {
		filter: { reference },
		limit: 100,
	});
	return list.body.contracts as Array<{ id: string }>;
}

async function storedDocument(contractId: string): Promise<Buffer> {
	const view = await kit.control('GET', `/contracts/${contractId}`);
	return Buffer.from(view.body.contract.mainDocument.data.content!, 'base64');
}

describe('Create with a streamed body, the connection broken part-way', () => {
	test.each([
		['dropped mid-upload', { direction: 'upload', how: 'drop', after: MID_DOCUMENT }],
		[
			'stalled mid-upload (the timeout fires)',
			{ direction: 'upload', how: 'stall', after: MID_DOCUMENT },
		],
		['dropped mid-download (the reply)', { direction: 'download', how: 'drop', after: 20 }],
	] as const)(
		'%s: read back by reference, created exactly once, the very bytes',
		async (_name, cut) => {
			const reference = `STREAM-${cut.direction}-${cut.how}`;
			proxy.cut({ requestName: 'contractCreateRequest', ...cut });
			const result = await run(
				createParameters({
					additionalFields: { reference },
					options: {
						...RETRIES,
						...(cut.how === 'stall' ? { requestTimeout: STALL_TIMEOUT } : {}),
					},
				}),
			);
			expect(proxy.made.at(-1)).toBe(`contractCreateRequest ${cut.direction} ${cut.how}`);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.error).toBeUndefined();
			expect(result.items[0].json.reference).toBe(reference);
			const found = await contractsWithReference(reference);
			expect(found).toHaveLength(1);
			expect((await storedDocument(found[0].id)).equals(pdf)).toBe(true);
			expectNoSecret(result);
		},
	);

	test('without a reference, a dropped upload is reported and not sent again', async () => {
		const before = (await kit.api('sandbox', 'contractListRequest', { limit: 100 })).body.total;
		proxy.cut({
			requestName: 'contractCreateRequest',
			direction: 'upload',
			how: 'drop',
			after: MID_DOCUMENT,
		});
		const result = await run(createParameters({ options: RETRIES }));
		const [item] = result.items;
		expect(item.json.error).toBe('Contrat-Privé did not confirm that the contract was created');
		expect(String(item.json.description)).toMatch(/connection broke|ECONNRESET|socket hang up/i);
		expect(String(item.json.description)).toContain('It was not sent again');
		// The body never arrived whole: nothing was created, and nothing was sent twice.
		const after = (await kit.api('sandbox', 'contractListRequest', { limit: 100 })).body.total;
		expect(after).toBe(before);
		expectNoSecret(result);
	});
});

describe('Get with Download Documents, the reply broken part-way', () => {
	let contractId: string;
	let annex: Buffer;

	beforeEach(async () => {
		annex = await makePdfOfSize(300_000);
		const created = await kit.api(
			'sandbox',
			'contractCreateRequest',
			{
				contract: { label: 'Gros bail', lang: 'fr', deadline: parisDate(30) },
				mainDocument: { name: 'big.pdf', data: pdf.toString('base64') },
				annexes: [{ name: 'annex.pdf', data: annex.toString('base64') }],
				signatories: [ALICE, BOB],
				notify: { signatory: false, owner: false },
				action: { submit: true },
			},
			KEYS.sandbox,
		);
		expect(created.status).toBe(200);
		contractId = created.body.contract.id;
	});

	const get = (options: Record<string, unknown>) =>
		({
			resource: 'contract',
			operation: 'get',
			contractId: byId(contractId),
			options: { downloadDocuments: true, ...options },
		}) as INodeParameters;

	test.each(['default', 'filesystem'] as const)(
		'dropped mid-document, sent again: the documents whole (%s binary data mode)',
		async (mode) => {
			proxy.cut({
				requestName: 'contractDetailRequest',
				direction: 'download',
				how: 'drop',
				after: MID_DOCUMENT,
			});
			const result = await runNode({
				node: { parameters: get(RETRIES), continueOnFail: true },
				credentials: { ...kit.credentials(), baseUrl: proxy.url(kit.emulator.baseUrls.sandbox) },
				items: [{ json: {} }],
				binaryDataMode: mode === 'filesystem' ? 'filesystem' : undefined,
			});
			expect(proxy.made.at(-1)).toBe('contractDetailRequest download drop');
			expect(result.items[0].json.error).toBeUndefined();
			expect((await result.binary(0, 'original')).equals(pdf)).toBe(true);
			expect((await result.binary(0, 'annex_0')).equals(annex)).toBe(true);
			expect(result.items[0].binary?.original.fileName).toBe('big.pdf');
			expect(result.items[0].binary?.annex_0.fileName).toBe('annex.pdf');
		},
	);

	test.each([
		[
			'dropped',
			'drop',
			"Contrat-Privé's reply to contractDetailRequest broke off before it was complete",
		],
		['stalled', 'stall', 'Contrat-Privé stopped sending its reply to contractDetailRequest'],
	] as const)(
		'%s mid-document, no retry: a clear error and no binary',
		async (_name, how, message) => {
			proxy.cut({
				requestName: 'contractDetailRequest',
				direction: 'download',
				how,
				after: MID_DOCUMENT,
			});
			const options = {
				...NO_RETRY,
				...(how === 'stall' ? { requestTimeout: STALL_TIMEOUT } : {}),
			};
			const result = await run(get(options), false, 'filesystem');
			const [item] = result.items;
			expect(item.json.error).toBe(message);
			expect(String(item.json.description)).toContain('No document of this reply was kept.');
			expect(item.binary).toBeUndefined();
			expectNoSecret(result);
		},
	);
});
