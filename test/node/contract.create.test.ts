/**
 * Contract › Create, run inside n8n-core's engine against the emulator over real HTTP.
 */
import type { INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { INPUT_NODE_NAME, runWorkflow } from '../helpers';
import type { CreatedContract } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import { makePdf, makePdfOfSize, pdfFile } from '../fixtures/pdf';
import {
	createParameters,
	expectNoBase64InJson,
	expectNoSecret,
	leaseItem,
	leasePdf,
	parisDate,
	useNodeKit,
} from './contract.helpers';
import { VALID_IBAN } from '../fixtures/ibans';
import { ALICE_TYPED } from '../fixtures/people';

const kit = useNodeKit();

describe('Contract › Create', () => {
	test('sends a contract for signature: pending, documents stored, phones in E.164, message e-mailed', async () => {
		const result = await kit.run(
			createParameters({
				additionalFields: { reference: 'DEAL-42' },
				notifyOwner: false,
			}),
			[await leaseItem()],
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.pairedItem).toEqual({ item: 0 });
		const contract = jsonAs<CreatedContract>(item);
		expect(contract).toMatchObject({
			label: 'Bail meublé - Lyon',
			lang: 'fr',
			reference: 'DEAL-42',
			status: 'pending',
			deadline: parisDate(30),
			bankAccount: null,
			annexes: [],
		});
		expect(contract.id).toEqual(expect.any(String));
		expect(contract.signatories.map((s) => s.phone)).toEqual(['+33612345678', '+33798765432']);
		expect(contract.mainDocument.data).toMatchObject({
			name: 'lease.pdf',
			size: (await leasePdf()).length,
		});
		expect(contract.mainDocument.data.content).toBeUndefined();
		expect(item.binary).toBeUndefined();
		expectNoBase64InJson(result);
		expectNoSecret(result);

		// What the emulator stored: the very bytes, the notify flags and the message.
		const view = await kit.control('GET', `/contracts/${contract.id}`);
		expect(Buffer.from(view.body.contract.mainDocument.data.content!, 'base64')).toEqual(
			await leasePdf(),
		);
		expect(view.body.notify).toMatchObject({ signatory: true, owner: false });
		const emails = kit.emulator.outbox().emails.filter((email) => email.contractId === contract.id);
		expect(emails.map((email) => email.to).sort()).toEqual([
			'alice@example.com',
			'bob@example.com',
		]);
		expect(emails[0].body).toContain('Merci de signer le bail');
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest', status: 200 })).toBe(
			1,
		);
	});

	test('saves a draft: nothing is e-mailed and the message is not sent', async () => {
		const result = await kit.run(
			createParameters({ action: 'draft', message: 'ignored in draft mode', language: 'en' }),
			[await leaseItem()],
		);
		expect(result.error).toBeUndefined();
		const contract = jsonAs<CreatedContract>(result.items[0]);
		expect(contract).toMatchObject({ status: 'draft', lang: 'en', submittedAt: null });
		expect(kit.emulator.outbox().emails).toHaveLength(0);
		const view = await kit.control('GET', `/contracts/${contract.id}`);
		expect(view.body.notify.submitMessage ?? null).toBeNull();
	});

	test('annexes from several binary properties, in the order given', async () => {
		const annex1 = await makePdf('Annex 1 - inventory');
		const annex2 = await makePdf('Annex 2 - rules');
		const item = await leaseItem();
		item.binary!.inventory = pdfFile(annex1, 'inventory.pdf');
		item.binary!.rules = pdfFile(annex2, 'rules.pdf');
		const result = await kit.run(
			createParameters({ additionalFields: { annexes: ' inventory ,rules' } }),
			[item],
		);
		expect(result.error).toBeUndefined();
		const contract = jsonAs<CreatedContract>(result.items[0]);
		expect(contract.annexes.map((annex) => [annex.name, annex.size])).toEqual([
			['inventory.pdf', annex1.length],
			['rules.pdf', annex2.length],
		]);
		expect(contract.annexes[0].content).toBeUndefined();
		const view = await kit.control('GET', `/contracts/${contract.id}`);
		expect(Buffer.from(view.body.contract.annexes[1].content!, 'base64')).toEqual(annex2);
	});

	test('signatories from JSON (CRM rows, extra keys ignored) with a deposit and a bank account', async () => {
		const rows = [
			{
				firstName: 'Chloé',
				lastName: 'Petit',
				email: 'chloe@example.com',
				phone: '0033 6 11 22 33 44',
				deposit: 150.5,
				crmId: 7,
			},
			{
				firstName: 'Hugo',
				lastName: 'Laurent',
				email: 'hugo@example.com',
				phone: '+32 470 12 34 56',
				company: 'ACME',
			},
		];
		const result = await kit.run(
			createParameters({
				signatoriesInput: 'json',
				signatoriesJson: '={{ $json.rows }}',
				signatories: {},
				bankAccount: {
					iban: 'fr76 3000 6000 0112 3456 7890 189',
					bic: 'bnpafrpp',
					holder: 'SCI Les Tilleuls',
				},
			}),
			[await leaseItem({ rows })],
		);
		expect(result.error).toBeUndefined();
		const contract = jsonAs<CreatedContract>(result.items[0]);
		expect(contract.signatories.map((s) => [s.firstName, s.phone, s.deposit])).toEqual([
			['Chloé', '+33611223344', 150.5],
			['Hugo', '+32470123456', 0],
		]);
		expect(contract.bankAccount).toMatchObject({ iban: VALID_IBAN, holder: 'SCI Les Tilleuls' });
	});

	test('JSON signatories typed as text in the field', async () => {
		const result = await kit.run(
			createParameters({
				signatoriesInput: 'json',
				signatoriesJson: JSON.stringify([{ ...ALICE_TYPED, deposit: undefined }]),
			}),
			[await leaseItem()],
		);
		expect(result.error).toBeUndefined();
		expect(jsonAs<CreatedContract>(result.items[0]).signatories).toHaveLength(1);
	});

	test('several items: one contract each, in order, with pairedItem', async () => {
		const result = await kit.run(createParameters({ label: '={{ "Bail " + $json.flat }}' }), [
			await leaseItem({ flat: 'A' }),
			await leaseItem({ flat: 'B' }),
			await leaseItem({ flat: 'C' }),
		]);
		expect(result.error).toBeUndefined();
		expect(
			result.items.map((item) => [jsonAs<CreatedContract>(item).label, item.pairedItem]),
		).toEqual([
			['Bail A', { item: 0 }],
			['Bail B', { item: 1 }],
			['Bail C', { item: 2 }],
		]);
	});

	test('a deadline of today (Paris) is accepted, and a date-time with an offset counts in Paris', async () => {
		const today = await kit.run(createParameters({ deadline: parisDate(0) }), [await leaseItem()]);
		expect(today.error).toBeUndefined();
		expect(jsonAs<CreatedContract>(today.items[0]).deadline).toBe(parisDate(0));

		// 23:30 UTC on day+5 is already day+6 in Paris (UTC+1 or +2).
		const late = await kit.run(createParameters({ deadline: `${parisDate(5)}T23:30:00Z` }), [
			await leaseItem(),
		]);
		expect(late.error).toBeUndefined();
		expect(jsonAs<CreatedContract>(late.items[0]).deadline).toBe(parisDate(6));
	});

	test('filesystem binary mode (n8n 2.x default): documents read back from disk', async () => {
		const annex = await makePdf('Annex on disk');
		const item = await leaseItem();
		item.binary!.annex = pdfFile(annex, 'annex.pdf');
		const result = await kit.run(
			createParameters({ additionalFields: { annexes: 'annex' } }),
			[item],
			{
				binaryDataMode: 'filesystem',
			},
		);
		expect(result.error).toBeUndefined();
		const contract = jsonAs<CreatedContract>(result.items[0]);
		const view = await kit.control('GET', `/contracts/${contract.id}`);
		expect(Buffer.from(view.body.contract.mainDocument.data.content!, 'base64')).toEqual(
			await leasePdf(),
		);
		expect(Buffer.from(view.body.contract.annexes[0].content!, 'base64')).toEqual(annex);
	});

	test('filesystem binary mode: a PDF over 20 MB is refused before any request', async () => {
		const result = await kit.run(
			createParameters(),
			[{ json: {}, binary: { data: pdfFile(await makePdfOfSize(21 * 1024 * 1024), 'huge.pdf') } }],
			{ binaryDataMode: 'filesystem' },
		);
		expect(result.error?.message).toBe(
			'Item 0: "Input Binary Field" names the binary property "data" ("huge.pdf"), which is too large: 21.0 MB, at most 20 MB allowed',
		);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	// The checks read documents a chunk at a time (192 KB): the end marker may fall across two.
	test.each(['filesystem', 'default'] as const)(
		'%s binary mode: the checks read the document in chunks and see its end wherever it falls',
		async (binaryDataMode) => {
			const pdf = await makePdf('Chunked');
			const marker = pdf.lastIndexOf('%%EOF', undefined, 'latin1');
			// Padding before the PDF's end so that %%EOF straddles the 256 KB boundary; a PDF
			// reader accepts bytes before %PDF- only within 1,024, so the padding sits inside a
			// comment line of the body instead.
			const comment = Buffer.from(`%${'x'.repeat(192 * 1024 - marker - 3)}\n`, 'latin1');
			const chunked = Buffer.concat([pdf.subarray(0, 9), comment, pdf.subarray(9)]);
			const at = chunked.lastIndexOf('%%EOF', undefined, 'latin1');
			expect(at < 192 * 1024 && at + 5 > 192 * 1024).toBe(true);
			const cut = chunked.subarray(0, chunked.length - 8);
			const ok = await kit.run(
				createParameters(),
				[{ json: {}, binary: { data: pdfFile(chunked, 'chunked.pdf') } }],
				{ binaryDataMode },
			);
			expect(ok.error).toBeUndefined();
			const refused = await kit.run(
				createParameters(),
				[{ json: {}, binary: { data: pdfFile(cut, 'cut.pdf') } }],
				{ binaryDataMode },
			);
			expect(refused.error?.message).toBe(
				'Item 0: "Input Binary Field" names the binary property "data" ("cut.pdf"), which is not a complete PDF: it has no %%EOF end marker',
			);
			expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(1);
		},
	);

	test('base64 with line breaks in the item (e.g. from a Code node) is read whole', async () => {
		// Larger than one chunk of the checks, so that the line breaks shift the chunks' bounds.
		const pdf = await makePdfOfSize(400 * 1024);
		const wrapped = pdf.toString('base64').replace(/.{76}/g, '$&\r\n');
		// A node that puts the base64 into the item itself, as a Code node can (default mode).
		const codeNode: INodeType = {
			description: {
				displayName: 'Wrapped Base64',
				name: 'test.wrappedBase64',
				group: ['transform'],
				version: 1,
				description: 'Outputs a PDF as line-wrapped base64',
				defaults: { name: 'Code' },
				inputs: [NodeConnectionTypes.Main],
				outputs: [NodeConnectionTypes.Main],
				properties: [],
			},
			async execute() {
				const binary = { data: { data: wrapped, mimeType: 'application/pdf', fileName: 'w.pdf' } };
				return [[{ json: {}, binary }]];
			},
		};
		const run = await runWorkflow(
			[
				{ name: 'Code', type: 'test.wrappedBase64' },
				{ name: 'Create', type: 'contratPrive', parameters: createParameters() },
			],
			[
				[INPUT_NODE_NAME, 'Code'],
				['Code', 'Create'],
			],
			{ credentials: kit.credentials(), nodeTypes: { 'test.wrappedBase64': codeNode } },
		);
		expect(run.nodeError('Create') ?? run.error).toBeUndefined();
		const [created] = run.output('Create');
		const view = await kit.control('GET', `/contracts/${created.json.id as string}`);
		expect(Buffer.from(view.body.contract.mainDocument.data.content!, 'base64')).toEqual(pdf);
	});

	test('a PDF just under 20 MB is sent whole', async () => {
		const big = await makePdfOfSize(20 * 1024 * 1024 - 1024);
		const result = await kit.run(createParameters(), [
			{ json: {}, binary: { data: pdfFile(big, 'big.pdf') } },
		]);
		expect(result.error).toBeUndefined();
		expect(jsonAs<CreatedContract>(result.items[0]).mainDocument.data.size).toBe(big.length);
	});
});

describe('Contract › Create: errors', () => {
	test('continueOnFail: an invalid item becomes an error item with its pairedItem, the others are sent', async () => {
		const result = await kit.run(
			createParameters({ label: '={{ $json.label }}' }),
			[
				await leaseItem({ label: 'Bail OK' }),
				await leaseItem({ label: '' }),
				await leaseItem({ label: 'Bail OK 2' }),
			],
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json).toMatchObject({ label: 'Bail OK', status: 'pending' });
		expect(result.items[1]).toEqual({
			json: { error: 'Item 1: "Label" is empty', description: expect.any(String) },
			pairedItem: { item: 1 },
		});
		expect(result.items[2].json).toMatchObject({ label: 'Bail OK 2' });
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(2);
	});

	test('without continueOnFail, one invalid item stops the node before any request', async () => {
		const result = await kit.run(createParameters({ label: '={{ $json.label }}' }), [
			await leaseItem({ label: 'Bail OK' }),
			await leaseItem({ label: 'Bail OK' }),
			await leaseItem({ label: null }),
		]);
		expect(result.error?.message).toBe('Item 2: "Label" is empty (null)');
		expect(result.items).toEqual([]);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('INVALID_BANK_ACCOUNT cannot happen: the IBAN the API refuses is refused first by the node', async () => {
		const badIban = 'FR7630006000011234567890188';
		// The emulator itself refuses it...
		const direct = await kit.api('sandbox', 'contractCreateRequest', {
			contract: {
				label: 'x',
				lang: 'fr',
				deadline: parisDate(3),
				bankAccount: { iban: badIban, holder: 'X' },
			},
			mainDocument: { name: 'a.pdf', data: (await leasePdf()).toString('base64') },
			signatories: [{ ...ALICE_TYPED, phone: '+33612345678', deposit: 10 }],
			notify: { signatory: true, owner: true },
			action: { submit: true },
		});
		expect(direct.status).toBe(400);
		expect(direct.body.error.code).toBe('INVALID_BANK_ACCOUNT');
		kit.emulator.resetRequestLog();

		// ...and the node never sends it.
		const result = await kit.run(
			createParameters({
				signatories: { signatory: [{ ...ALICE_TYPED, deposit: 10 }] },
				bankAccount: { iban: badIban, holder: 'X' },
			}),
			[await leaseItem()],
		);
		expect(result.error?.message).toBe(
			`Item 0: "Bank Account › IBAN" is not a valid IBAN (format or check digits): "${badIban}"`,
		);
		expect(result.error?.description).toContain(VALID_IBAN);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('WRONG_PLATFORM: sandbox keys on the production URL', async () => {
		const result = await kit.run(createParameters(), [await leaseItem()], {
			platform: 'production',
			keys: { apiUser: 'demo-sandbox-user', apiKey: 'demo-sandbox-key' },
		});
		expect(result.error?.message).toBe('These keys belong to the other platform');
		expect(result.error?.description).toContain('sandbox keys');
		expect(result.error?.httpCode).toBe('401');
		expectNoSecret(result);
	});

	test('INVALID_CREDENTIALS: unknown key, with continueOnFail', async () => {
		const result = await kit.run(createParameters(), [await leaseItem()], {
			continueOnFail: true,
			keys: { apiUser: 'demo-sandbox-user', apiKey: 'not-the-key' },
		});
		expect(result.items).toEqual([
			{
				json: {
					error: 'Contrat-Privé does not know this API key pair',
					description: expect.stringContaining('API User and API Key'),
					errorCode: 'INVALID_CREDENTIALS',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(everythingText(result)).not.toContain('not-the-key');
		expectNoSecret(result);
	});

	test('DAILY_QUOTA_EXCEEDED: the 1,001st production request of the day', async () => {
		const burn = [];
		for (let i = 0; i < 1000; i++) burn.push(kit.api('production', 'checkConnexionRequest', {}));
		const statuses = (await Promise.all(burn)).map((response) => response.status);
		expect(statuses.every((status) => status === 200)).toBe(true);

		const result = await kit.run(createParameters(), [await leaseItem()], {
			platform: 'production',
		});
		expect(result.error?.message).toBe('Daily quota of 1,000 production requests reached');
		expect(result.error?.description).toMatch(/resets at midnight, Paris time \(\d{4}-\d\d-\d\dT/);
		expect(result.error?.httpCode).toBe('429');
		expectNoSecret(result);
	});

	test('API errors never carry the request body: no key, no base64 in the stored error', async () => {
		const result = await kit.run(createParameters(), [await leaseItem()], {
			keys: { apiUser: 'demo-sandbox-user', apiKey: 'demo-production-key' },
		});
		expect(result.error).toBeDefined();
		expect(result.error!.json).not.toContain('JVBERi0');
		expectNoSecret(result);
	});
});

function everythingText(result: Awaited<ReturnType<typeof kit.run>>): string {
	return JSON.stringify([result.items, result.error?.json ?? null, result.logs]);
}
