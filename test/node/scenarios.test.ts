/**
 * The two scenarios Contrat-Privé documents for its API, each as a whole n8n workflow run
 * through n8n-core's engine against the emulator:
 *
 * a. bulk injection from an information system: CRM rows with their PDF → contracts sent,
 *    e-mailed by Contrat-Privé, signed on the website, then collected with their signed PDF;
 * b. white-label signing in an extranet: a contract created without any e-mail, an SMS code,
 *    the code typed by the signatory in the extranet, the signature, the signed PDF.
 */
import { createHash } from 'node:crypto';
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { makePdf, PDF_BASE64_PREFIX, pdfFile, pdfPages } from '../fixtures/pdf';
import type { Contract, CreatedContract, Signed, SmsSent } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import type { HarnessNode } from '../helpers/run-workflow';
import { runWorkflow } from '../helpers/run-workflow';
import { DEMO_ACCOUNTS } from '../emulator';
import { byId, expectNoSecret, useNodeKit } from './contract.helpers';
import type { Platform } from '../fixtures/accounts';

const kit = useNodeKit();

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------------------------------------
// a. Bulk injection from an information system

interface CrmPerson {
	first: string;
	last: string;
	mail: string;
	mobile: string;
}

interface CrmRow {
	dealId: string;
	property: string;
	people: CrmPerson[];
}

const CRM_ROWS: CrmRow[] = [
	{
		dealId: 'DEAL-1001',
		property: '12 rue de la Paix, Lyon',
		people: [
			{
				first: 'Camille',
				last: 'Bernard',
				mail: 'camille.bernard@example.com',
				mobile: '06 11 22 33 44',
			},
			{
				first: 'Louis',
				last: 'Bernard',
				mail: 'louis.bernard@example.com',
				mobile: '+33 7 11 22 33 44',
			},
		],
	},
	{
		dealId: 'DEAL-1002',
		property: '3 quai Saint-Antoine, Lyon',
		people: [
			{
				first: 'Inès',
				last: 'Moreau',
				mail: 'ines.moreau@example.com',
				mobile: '0033 6 55 44 33 22',
			},
		],
	},
	{
		dealId: 'DEAL-1003',
		property: '8 place Bellecour, Lyon',
		people: [
			{
				first: 'Hugo',
				last: 'Garnier',
				mail: 'hugo.garnier@example.com',
				mobile: '06.98.76.54.32',
			},
		],
	},
];

const CUSTOM_MESSAGE = 'Bonjour, voici votre bail à signer. Agence Dupont, 04 78 00 00 00.';

/** The lease of a CRM row, as the information system generated it. */
async function leaseOf(row: CrmRow): Promise<Buffer> {
	return await makePdf(
		`Bail - ${row.property}`,
		`Locataires : ${row.people.map((p) => p.last).join(', ')}`,
	);
}

async function crmItems() {
	return await Promise.all(
		CRM_ROWS.map(async (row) => ({
			json: { ...row },
			binary: { contract: pdfFile(await leaseOf(row), `${row.dealId}.pdf`) },
		})),
	);
}

/** Contract › Create as a user maps it from the CRM rows. */
function createFromCrm(action: 'send' | 'draft'): HarnessNode {
	return {
		name: 'Create',
		type: 'contratPrive',
		parameters: {
			resource: 'contract',
			operation: 'create',
			label: "={{ 'Bail - ' + $json.property }}",
			language: 'fr',
			deadline: '={{ $now.plus({ days: 30 }).toISODate() }}',
			binaryPropertyName: 'contract',
			signatoriesInput: 'json',
			signatoriesJson:
				'={{ $json.people.map((person) => ({ firstName: person.first, lastName: person.last, email: person.mail, phone: person.mobile })) }}',
			action,
			message: CUSTOM_MESSAGE,
			notifySignatories: true,
			notifyOwner: true,
			additionalFields: { reference: '={{ $json.dealId }}' },
		},
	};
}

const signingLink = (platform: Platform, contractId: string, signatoryId: string) =>
	`${kit.emulator.url}/${platform}/sign/${contractId}/${signatoryId}`;

/** The second workflow: signed contracts, each with its documents. */
async function collectSigned() {
	return await runWorkflow(
		[
			{
				name: 'Signed Contracts',
				type: 'contratPrive',
				parameters: {
					resource: 'contract',
					operation: 'getMany',
					returnAll: true,
					filters: { statuses: ['signed'] },
				},
			},
			{
				name: 'Download',
				type: 'contratPrive',
				parameters: {
					resource: 'contract',
					operation: 'get',
					contractId: byId('={{ $json.id }}'),
					options: { downloadDocuments: true },
				},
			},
		],
		[
			['Input', 'Signed Contracts'],
			['Signed Contracts', 'Download'],
		],
		{ credentials: kit.credentials('sandbox') },
	);
}

describe('Scenario a: bulk injection from an information system', () => {
	test('CRM rows → contracts sent with the custom message → signed on the website → collected with the signed PDF', async () => {
		// Run 1: the CRM export goes out for signature.
		const sent = await runWorkflow([createFromCrm('send')], [['Input', 'Create']], {
			items: await crmItems(),
			credentials: kit.credentials('sandbox'),
		});
		expect(sent.status).toBe('success');
		const contracts = sent.output('Create').map((item) => jsonAs<CreatedContract>(item));
		expect(
			contracts.map((contract) => [contract.reference, contract.label, contract.status]),
		).toEqual([
			['DEAL-1001', 'Bail - 12 rue de la Paix, Lyon', 'pending'],
			['DEAL-1002', 'Bail - 3 quai Saint-Antoine, Lyon', 'pending'],
			['DEAL-1003', 'Bail - 8 place Bellecour, Lyon', 'pending'],
		]);
		expect(sent.output('Create').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(contracts[0].signatories.map((s) => [s.firstName, s.phone])).toEqual([
			['Camille', '+33611223344'],
			['Louis', '+33711223344'],
		]);
		expectNoSecret(sent);

		// Contrat-Privé e-mailed every signatory (message and link) and the owner.
		const { emails } = (await kit.control('GET', '/outbox')).body;
		for (const contract of contracts) {
			const forContract = emails.filter((email) => email.contractId === contract.id);
			for (const signatory of contract.signatories) {
				const email = forContract.find((candidate) => candidate.to === signatory.email);
				expect(email).toBeDefined();
				expect(email?.subject).toBe(`Contrat à signer : ${contract.label}`);
				expect(email?.body).toContain(`Bonjour ${signatory.firstName} ${signatory.lastName}`);
				expect(email?.body).toContain(CUSTOM_MESSAGE);
				expect(email?.body).toContain(signingLink('sandbox', contract.id, signatory.id));
			}
			expect(forContract.map((email) => email.to)).toContain(DEMO_ACCOUNTS.sandbox.email);
			expect(forContract).toHaveLength(contract.signatories.length + 1);
		}

		// The signatories follow their links and sign on the website.
		for (const contract of contracts) await kit.signAll(contract.id);

		// Run 2: the information system collects what was signed.
		const collected = await collectSigned();
		expect(collected.status).toBe('success');
		expect(
			collected
				.output('Signed Contracts')
				.map((item) => jsonAs<CreatedContract>(item).reference)
				.sort(),
		).toEqual(['DEAL-1001', 'DEAL-1002', 'DEAL-1003']);
		const downloads = collected.output('Download');
		expect(downloads).toHaveLength(3);
		for (const [index, item] of downloads.entries()) {
			const contract = jsonAs<CreatedContract>(item);
			const row = CRM_ROWS.find((candidate) => candidate.dealId === contract.reference)!;
			expect(contract.status).toBe('signed');
			expect(item.binary?.signed).toMatchObject({
				fileName: `${row.dealId}-signed.pdf`,
				mimeType: 'application/pdf',
			});
			const original = await leaseOf(row);
			expect(await collected.binary('Download', index, 'original')).toEqual(original);

			const pages = await pdfPages(await collected.binary('Download', index, 'signed'));
			// The lease's two pages, then Contrat-Privé's certificate page.
			expect(pages).toHaveLength(3);
			expect(pages[0]).toContain(`Bail - ${row.property}`);
			const certificate = pages[2];
			expect(certificate).toContain('Contrat-Privé');
			expect(certificate).toContain('Certificat de signature électronique');
			expect(certificate).toContain(contract.id);
			expect(certificate).toContain(`Référence: ${row.dealId}`);
			for (const person of row.people)
				expect(certificate).toContain(`${person.first} ${person.last}`);
			expect(certificate).toContain(`SHA-256: ${sha256(original)}`);
			// Sandbox: every page says it is a test.
			for (const page of pages) expect(page).toContain('TEST');
		}
		expectNoSecret(collected);
		for (const item of downloads)
			expect(JSON.stringify(item.json)).not.toContain(PDF_BASE64_PREFIX);
	});

	test('variant: saved as drafts, nothing sent; validated on the website, they go out (pending) and the e-mails leave then', async () => {
		const drafted = await runWorkflow([createFromCrm('draft')], [['Input', 'Create']], {
			items: await crmItems(),
			credentials: kit.credentials('sandbox'),
		});
		expect(drafted.status).toBe('success');
		const contracts = drafted.output('Create').map((item) => jsonAs<CreatedContract>(item));
		expect(contracts.map((contract) => contract.status)).toEqual(['draft', 'draft', 'draft']);
		expect(kit.emulator.outbox().emails).toHaveLength(0);

		// The owner reviews and validates the first two on the website.
		for (const contract of contracts.slice(0, 2)) {
			const validated = await kit.control('POST', `/contracts/${contract.id}/validate`);
			expect(validated.status).toBe(200);
			expect(validated.body.contract.status).toBe('pending');
		}

		const listed = await runWorkflow(
			[
				{
					name: 'Pending',
					type: 'contratPrive',
					parameters: {
						resource: 'contract',
						operation: 'getMany',
						returnAll: true,
						filters: { statuses: ['pending'] },
					},
				},
			],
			[['Input', 'Pending']],
			{ credentials: kit.credentials('sandbox') },
		);
		expect(
			listed
				.output('Pending')
				.map((item) => jsonAs<CreatedContract>(item).id)
				.sort(),
		).toEqual(
			contracts
				.slice(0, 2)
				.map((contract) => contract.id)
				.sort(),
		);

		const { emails } = (await kit.control('GET', '/outbox')).body;
		for (const contract of contracts.slice(0, 2)) {
			for (const signatory of contract.signatories) {
				const email = emails.find((candidate) => candidate.to === signatory.email);
				expect(email?.body).toContain(signingLink('sandbox', contract.id, signatory.id));
				// The message is a submit-mode option: a draft is sent without it.
				expect(email?.body).not.toContain(CUSTOM_MESSAGE);
			}
		}
		// The third is still a draft: nobody was e-mailed about it.
		expect(emails.some((email) => email.contractId === contracts[2].id)).toBe(false);
		expectNoSecret(drafted);
	});
});

// ---------------------------------------------------------------------------------------------
// b. White-label signing in an extranet

const EXTRANET_FORM_TYPE = 'test.extranetSigningForm';

/**
 * Stands for the extranet page where the signatory types the code they received: reads the
 * SMS the emulator "sent" to them (production), or types the sandbox's 0000.
 */
function extranetForm(platform: Platform): INodeType {
	return {
		description: {
			displayName: 'Extranet Signing Form',
			name: EXTRANET_FORM_TYPE,
			group: ['transform'],
			version: 1,
			description: 'The code the signatory typed',
			defaults: { name: 'Signatory Types Code' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const output: INodeExecutionData[] = [];
			for (const [index, item] of this.getInputData().entries()) {
				const { contractId, signatoryId } = item.json as {
					contractId: string;
					signatoryId: string;
				};
				const code =
					platform === 'sandbox' ? '0000' : await kit.lastSmsCode(contractId, signatoryId);
				output.push({ json: { typedCode: code }, pairedItem: { item: index } });
			}
			return [output];
		},
	};
}

/** One extranet customer per input item, signing their own contract. */
const CUSTOMERS = [
	{
		customerId: 'C-881',
		firstName: 'Léa',
		lastName: 'Fontaine',
		email: 'lea.fontaine@example.com',
		mobile: '06 45 67 89 01',
	},
	{
		customerId: 'C-882',
		firstName: 'Marc',
		lastName: 'Blanc',
		email: 'marc.blanc@example.com',
		mobile: '07 45 67 89 02',
	},
];

async function whiteLabelRun(platform: Platform) {
	const items = await Promise.all(
		CUSTOMERS.map(async (customer) => ({
			json: { ...customer },
			binary: {
				data: pdfFile(
					await makePdf(`Contrat d'abonnement - ${customer.customerId}`),
					`${customer.customerId}.pdf`,
				),
			},
		})),
	);
	return await runWorkflow(
		[
			{
				name: 'Create',
				type: 'contratPrive',
				parameters: {
					resource: 'contract',
					operation: 'create',
					label: "={{ 'Abonnement ' + $json.customerId }}",
					language: 'fr',
					deadline: '={{ $now.plus({ days: 7 }).toISODate() }}',
					binaryPropertyName: 'data',
					signatoriesInput: 'fields',
					signatories: {
						signatory: [
							{
								firstName: '={{ $json.firstName }}',
								lastName: '={{ $json.lastName }}',
								email: '={{ $json.email }}',
								phone: '={{ $json.mobile }}',
								deposit: 0,
							},
						],
					},
					action: 'send',
					// Stealth mode: Contrat-Privé e-mails nobody, the extranet handles it all.
					notifySignatories: false,
					notifyOwner: false,
					additionalFields: { reference: '={{ $json.customerId }}' },
				},
			},
			{
				name: 'Send Code',
				type: 'contratPrive',
				parameters: {
					resource: 'signatory',
					operation: 'sendSms',
					contractId: byId('={{ $json.id }}'),
					signatoryId: '={{ $json.signatories[0].id }}',
				},
			},
			{ name: 'Signatory Types Code', type: EXTRANET_FORM_TYPE },
			{
				name: 'Sign',
				type: 'contratPrive',
				parameters: {
					resource: 'signatory',
					operation: 'sign',
					contractId: byId("={{ $('Create').item.json.id }}"),
					signatoryId: "={{ $('Create').item.json.signatories[0].id }}",
					code: '={{ $json.typedCode }}',
				},
			},
			{
				name: 'Signed Contract',
				type: 'contratPrive',
				parameters: {
					resource: 'contract',
					operation: 'get',
					contractId: byId("={{ $('Sign').item.json.contractId }}"),
					options: { downloadDocuments: true },
				},
			},
		],
		[
			['Input', 'Create'],
			['Create', 'Send Code'],
			['Send Code', 'Signatory Types Code'],
			['Signatory Types Code', 'Sign'],
			['Sign', 'Signed Contract'],
		],
		{
			items,
			credentials: kit.credentials(platform),
			nodeTypes: { [EXTRANET_FORM_TYPE]: extranetForm(platform) },
		},
	);
}

describe('Scenario b: white-label signing in an extranet', () => {
	test.each(['sandbox', 'production'] as const)(
		'%s: stealth create → SMS code → sign with the typed code → signed PDF, in one chained workflow',
		async (platform) => {
			const run = await whiteLabelRun(platform);
			expect(run.error).toBeUndefined();
			expect(run.status).toBe('success');

			const created = run.output('Create').map((item) => jsonAs<CreatedContract>(item));
			expect(created.map((contract) => [contract.reference, contract.status])).toEqual([
				['C-881', 'pending'],
				['C-882', 'pending'],
			]);

			// Stealth mode: no e-mail at all, to signatories or owner.
			expect(kit.emulator.outbox().emails).toEqual([]);

			// The SMS: none really sent on the sandbox; a 6-digit code per signatory in production.
			const sent = run.output('Send Code').map((item) => jsonAs<SmsSent>(item));
			const { sms } = (await kit.control('GET', '/outbox')).body;
			if (platform === 'sandbox') {
				expect(sent.map((result) => result.remainingSms)).toEqual([null, null]);
				expect(sms).toEqual([]);
			} else {
				expect(sent.map((result) => result.remainingSms)).toEqual([4, 4]);
				expect(sms.map((message) => [message.contractId, message.phone])).toEqual([
					[created[0].id, '+33645678901'],
					[created[1].id, '+33745678902'],
				]);
				for (const message of sms) expect(message.code).toMatch(/^\d{6}$/);
			}

			// Each customer signed their own contract (the pairing followed each item).
			expect(run.output('Sign').map((item) => jsonAs<Signed>(item))).toEqual(
				created.map((contract) => ({
					contractId: contract.id,
					signatory: {
						id: contract.signatories[0].id,
						status: 'signed',
						signedAt: expect.any(String),
					},
					contract: { id: contract.id, status: 'signed' },
				})),
			);

			const signed = run.output('Signed Contract');
			expect(
				signed.map((item) => [jsonAs<Contract>(item).id, jsonAs<Contract>(item).status]),
			).toEqual(created.map((contract) => [contract.id, 'signed']));
			for (const [index, customer] of CUSTOMERS.entries()) {
				expect(signed[index].binary?.signed?.fileName).toBe(`${customer.customerId}-signed.pdf`);
				const pages = await pdfPages(await run.binary('Signed Contract', index, 'signed'));
				expect(pages).toHaveLength(2);
				expect(pages[0]).toContain(`Contrat d'abonnement - ${customer.customerId}`);
				const certificate = pages[1];
				expect(certificate).toContain('Contrat-Privé');
				expect(certificate).toContain(`${customer.firstName} ${customer.lastName}`);
				expect(certificate).toContain(`Plateforme: ${platform}`);
				expect(certificate).toContain(
					`SHA-256: ${sha256(await makePdf(`Contrat d'abonnement - ${customer.customerId}`))}`,
				);
				// The TEST watermark is the sandbox's only.
				for (const page of pages) {
					if (platform === 'sandbox') expect(page).toContain('TEST');
					else expect(page).not.toContain('TEST');
				}
			}

			// One request per node and item: nothing was sent twice (an SMS or a signing attempt
			// sent again would cost the signatory one of their 5).
			for (const requestName of [
				'contractCreateRequest',
				'signatorySendSmsRequest',
				'signatorySignRequest',
				'contractDetailRequest',
			]) {
				expect(kit.emulator.requestCount({ platform, requestName, status: 200 })).toBe(2);
			}
			expectNoSecret(run);
			for (const item of signed) expect(JSON.stringify(item.json)).not.toContain(PDF_BASE64_PREFIX);
		},
	);
});
