/**
 * Contract › Get: the contract without base64, documents as n8n binaries, audit log on demand.
 */
import { makePdf, pdfFile, pdfPages } from '../fixtures/pdf';
import type { INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import type { Contract, CreatedContract } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import type { Item } from './contract.helpers';
import {
	byId,
	createParameters,
	expectNoBase64InJson,
	expectNoSecret,
	leaseItem,
	leasePdf,
	useNodeKit,
} from './contract.helpers';

const kit = useNodeKit();

function getParameters(
	contractId: NodeParameterValueType,
	options: INodeParameters = {},
): INodeParameters {
	return { resource: 'contract', operation: 'get', contractId, options };
}

/** Creates a contract through the node: lease.pdf + two annexes, two signatories. */
async function createLease(parameters: INodeParameters = {}): Promise<CreatedContract> {
	const item: Item = await leaseItem();
	item.binary!.inventory = pdfFile(await makePdf('Inventory'), 'inventory.pdf');
	item.binary!.rules = pdfFile(await makePdf('House rules'), 'rules.pdf');
	const result = await kit.run(
		createParameters({
			additionalFields: { annexes: 'inventory, rules', reference: 'LEASE-7' },
			...parameters,
		}),
		[item],
	);
	expect(result.error).toBeUndefined();
	return jsonAs<CreatedContract>(result.items[0]);
}

describe('Contract › Get', () => {
	test('the contract, without document contents, audit log or binaries by default', async () => {
		const created = await createLease();
		const result = await kit.run(getParameters(byId(created.id)), [{ json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary).toBeUndefined();
		const contract = jsonAs<Contract>(item);
		expect(contract).toMatchObject({
			id: created.id,
			label: created.label,
			reference: 'LEASE-7',
			status: 'pending',
			mainDocument: { data: { name: 'lease.pdf', size: (await leasePdf()).length } },
		});
		expect(contract.log).toBeUndefined();
		expect(contract.mainDocument.data.content).toBeUndefined();
		expect(contract.annexes.map((annex) => annex.name)).toEqual(['inventory.pdf', 'rules.pdf']);
		for (const annex of contract.annexes) expect(annex.content).toBeUndefined();
		expectNoBase64InJson(result);
		expectNoSecret(result);
		expect(kit.emulator.requestCount({ requestName: 'contractDetailRequest' })).toBe(1);
	});

	test('Include Audit Log adds the history as "log"', async () => {
		const created = await createLease();
		const result = await kit.run(getParameters(byId(created.id), { includeAuditLog: true }), [
			{ json: {} },
		]);
		const contract = jsonAs<Contract>(result.items[0]);
		expect(contract.log?.map((entry) => entry.event)).toEqual(
			expect.arrayContaining(['created', 'submitted', 'email_sent']),
		);
		expectNoBase64InJson(result);
	});

	test('Download Documents on a pending contract: original and annexes, no signed PDF yet', async () => {
		const created = await createLease();
		const result = await kit.run(getParameters(byId(created.id), { downloadDocuments: true }), [
			{ json: {} },
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['annex_0', 'annex_1', 'original']);
		expect(item.binary!.original).toMatchObject({
			fileName: 'lease.pdf',
			mimeType: 'application/pdf',
			fileExtension: 'pdf',
		});
		expect(item.binary!.annex_0).toMatchObject({
			fileName: 'inventory.pdf',
			mimeType: 'application/pdf',
		});
		expect(item.binary!.annex_1).toMatchObject({
			fileName: 'rules.pdf',
			mimeType: 'application/pdf',
		});
		expect(await result.binary(0, 'original')).toEqual(await leasePdf());
		expect(await result.binary(0, 'annex_1')).toEqual(await makePdf('House rules'));
		expectNoBase64InJson(result);
		expectNoSecret(result);
	});

	test('a signed contract: "signed" binary named <name>-signed.pdf with the certificate page and TEST watermark', async () => {
		const created = await createLease({ language: 'fr' });
		await kit.signAll(created.id);

		const result = await kit.run(getParameters(byId(created.id), { downloadDocuments: true }), [
			{ json: {} },
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const contract = jsonAs<Contract>(item);
		expect(contract.status).toBe('signed');
		expect(contract.mainDocument.data.sign).toMatchObject({ name: 'lease-signed.pdf' });
		expect(contract.mainDocument.data.sign!.content).toBeUndefined();
		expect(Object.keys(item.binary ?? {}).sort()).toEqual([
			'annex_0',
			'annex_1',
			'original',
			'signed',
		]);
		expect(item.binary!.signed).toMatchObject({
			fileName: 'lease-signed.pdf',
			mimeType: 'application/pdf',
		});

		const signed = await result.binary(0, 'signed');
		expect(signed.subarray(0, 5).toString('latin1')).toBe('%PDF-');
		expect(signed.length).toBe(contract.mainDocument.data.sign!.size);
		const pages = await pdfPages(signed);
		// The two pages of the lease, then Contrat-Privé's certificate page.
		expect(pages).toHaveLength(3);
		expect(pages[0]).toContain('Lease agreement');
		const certificate = pages[pages.length - 1];
		expect(certificate).toContain('Contrat-Privé');
		expect(certificate).toContain('Certificat de signature électronique');
		expect(certificate).toContain(created.id);
		for (const page of pages) expect(page).toContain('TEST');

		// The original is still the original.
		expect(await result.binary(0, 'original')).toEqual(await leasePdf());
		expectNoBase64InJson(result);
		expectNoSecret(result);
	});

	test('filesystem binary mode (n8n 2.x default): binaries stored behind an id', async () => {
		const created = await createLease();
		await kit.signAll(created.id);
		const result = await kit.run(
			getParameters(byId(created.id), { downloadDocuments: true }),
			[{ json: {} }],
			{ binaryDataMode: 'filesystem' },
		);
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary!;
		expect(binary.signed).toMatchObject({
			fileName: 'lease-signed.pdf',
			mimeType: 'application/pdf',
			id: expect.stringMatching(/^filesystem/),
		});
		expect(await result.binary(0, 'original')).toEqual(await leasePdf());
		const pages = await pdfPages(await result.binary(0, 'signed'));
		expect(pages[pages.length - 1]).toContain('Contrat-Privé');
		expectNoBase64InJson(result);
	});

	test('the contract chosen "From List" mode (an ID from the list) works the same', async () => {
		const created = await createLease();
		const result = await kit.run(
			getParameters({ __rl: true, mode: 'list', value: created.id, cachedResultName: 'Bail' }),
			[{ json: {} }],
		);
		expect(jsonAs<Contract>(result.items[0]).id).toBe(created.id);
	});

	test('the contract ID from an expression, per item', async () => {
		// Both have the reference LEASE-7: the second one must not be taken for the first.
		const noSkip = { options: { skipIfReferenceExists: false } };
		const first = await createLease({ label: 'Bail 1', ...noSkip });
		const second = await createLease({ label: 'Bail 2', ...noSkip });
		const result = await kit.run(getParameters(byId('={{ $json.id }}')), [
			{ json: { id: second.id } },
			{ json: { id: first.id } },
		]);
		expect(result.items.map((item) => [jsonAs<Contract>(item).label, item.pairedItem])).toEqual([
			['Bail 2', { item: 0 }],
			['Bail 1', { item: 1 }],
		]);
	});
});

describe('Contract › Get: errors', () => {
	test('CONTRACT_NOT_FOUND for an unknown ID', async () => {
		const result = await kit.run(getParameters(byId('ctr_does_not_exist')), [{ json: {} }]);
		expect(result.error?.message).toBe('Contract not found');
		expect(result.error?.description).toContain('belongs to another owner account');
		expect(result.error?.httpCode).toBe('404');
		expectNoSecret(result);
	});

	test("CONTRACT_NOT_FOUND for another owner's contract", async () => {
		const other = await kit.api(
			'sandbox',
			'contractCreateRequest',
			{
				contract: { label: 'Other owner', lang: 'fr', deadline: '2099-01-01' },
				mainDocument: { name: 'x.pdf', data: (await leasePdf()).toString('base64') },
				signatories: [
					{ firstName: 'A', lastName: 'B', email: 'a@example.com', phone: '+33612345678' },
				],
				notify: { signatory: false, owner: false },
				action: { submit: true },
			},
			{ apiUser: 'other-sandbox-user', apiKey: 'other-sandbox-key' },
		);
		expect(other.status).toBe(200);
		const result = await kit.run(getParameters(byId(other.body.contract.id)), [{ json: {} }]);
		expect(result.error?.message).toBe('Contract not found');
	});

	test('continueOnFail: a missing contract becomes an error item, the others are output', async () => {
		const created = await createLease();
		const result = await kit.run(
			getParameters(byId('={{ $json.id }}'), { downloadDocuments: true }),
			[{ json: { id: 'ctr_missing' } }, { json: { id: created.id } }],
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[0]).toEqual({
			json: {
				error: 'Contract not found',
				description: expect.any(String),
				errorCode: 'CONTRACT_NOT_FOUND',
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(Object.keys(result.items[1].binary ?? {})).toContain('original');
		expectNoSecret(result);
	});

	test('an empty contract ID fails before any request', async () => {
		const result = await kit.run(getParameters(byId('={{ $json.id }}')), [
			{ json: { id: 'ctr_x' } },
			{ json: { id: '' } },
		]);
		expect(result.error?.message).toBe('Item 1: "Contract" is empty');
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('WRONG_PLATFORM and INVALID_CREDENTIALS keep the key out of every output', async () => {
		const wrong = await kit.run(getParameters(byId('ctr_x')), [{ json: {} }], {
			platform: 'sandbox',
			keys: { apiUser: 'demo-production-user', apiKey: 'demo-production-key' },
		});
		expect(wrong.error?.message).toBe('These keys belong to the other platform');
		expectNoSecret(wrong);

		const invalid = await kit.run(getParameters(byId('ctr_x')), [{ json: {} }], {
			keys: { apiUser: 'demo-sandbox-user', apiKey: 'demo-sandbox-key-wrong' },
		});
		expect(invalid.error?.message).toBe('Contrat-Privé does not know this API key pair');
		expectNoSecret(invalid);
	});
});
