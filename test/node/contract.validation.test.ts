/**
 * Contract › Create: bad input fails before any API call.
 *
 * Each row runs the node on two items. Item 0 is always valid; the bad value is on item 1
 * (through an expression on `$itemIndex`, or through item 1's own binaries), so every row also
 * proves that all items are checked before the first one is sent: the emulator must have
 * received no request at all, and the error must name item 1 and the field as the user sees it.
 */
import type { INodeParameters } from 'n8n-workflow';

import { makePdf, makePdfOfSize, pdfFile } from '../fixtures/pdf';
import type { Item } from './contract.helpers';
import {
	createParameters,
	expectNoSecret,
	leaseItem,
	parisDate,
	useNodeKit,
} from './contract.helpers';
import { VALID_IBAN } from '../fixtures/ibans';
import { ALICE_TYPED, BOB_TYPED } from '../fixtures/people';

const kit = useNodeKit();

/** An expression that gives `bad` on item 1 and `good` on the others. */
function onItem1(bad: unknown, good: unknown): string {
	// Pretty-printed JSON never contains "}}", which would end the expression early.
	const literal = (value: unknown) =>
		value === undefined ? 'undefined' : JSON.stringify(value, null, 1);
	return `={{ $itemIndex === 1 ? ${literal(bad)} : ${literal(good)} }}`;
}

/** Two signatories; `bob` overrides fields of the second one. */
function signatories(bob: Record<string, unknown>): INodeParameters {
	return { signatory: [{ ...ALICE_TYPED }, { ...BOB_TYPED, ...bob }] } as INodeParameters;
}

const JSON_ROWS = [
	{ firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com', phone: '06 12 34 56 78' },
];

function jsonSignatories(bad: unknown): INodeParameters {
	return { signatoriesInput: 'json', signatoriesJson: onItem1(bad, JSON_ROWS), signatories: {} };
}

interface Row {
	name: string;
	parameters?: INodeParameters;
	/** Changes item 1 (a valid item to start with). */
	item1?: (item: Item) => Promise<void> | void;
	message: string | RegExp;
	/** Default 1 */
	itemIndex?: number;
}

const ANNEX_SPACE = { additionalFields: { annexes: 'annex1' } };
const yesterday = parisDate(-1);

const rows: Row[] = [
	// Label, language, deadline
	{
		name: 'empty label',
		parameters: { label: onItem1('', 'Bail') },
		message: 'Item 1: "Label" is empty',
	},
	{
		name: 'label expression resolving to null',
		parameters: { label: onItem1(null, 'Bail') },
		message: 'Item 1: "Label" is empty (null)',
	},
	{
		name: 'label over 255 characters',
		parameters: { label: onItem1('x'.repeat(256), 'Bail') },
		message: 'Item 1: "Label" is too long: 256 characters, at most 255 allowed',
	},
	{
		name: 'unknown language',
		parameters: { language: onItem1('de', 'fr') },
		message: 'Item 1: "Language" must be one of "fr", "en", not "de"',
	},
	{
		name: 'deadline yesterday (Paris)',
		parameters: { deadline: onItem1(`${yesterday}T00:00:00`, parisDate(10)) },
		message: `Item 1: "Deadline" must be today or later (Paris time): ${yesterday} is in the past`,
	},
	{
		name: 'deadline empty',
		parameters: { deadline: onItem1('', parisDate(10)) },
		message: 'Item 1: "Deadline" is empty',
	},
	{
		name: 'deadline expression resolving to null',
		parameters: { deadline: onItem1(null, parisDate(10)) },
		message: 'Item 1: "Deadline" is empty (null)',
	},
	{
		name: 'deadline that is not a date',
		parameters: { deadline: onItem1('next tuesday', parisDate(10)) },
		message: 'Item 1: "Deadline" is not a valid date: "next tuesday"',
	},

	// Documents
	{
		name: 'no binary data on the item',
		item1: (item) => {
			delete item.binary;
		},
		message:
			'Item 1: "Input Binary Field" names the binary property "data", which this item does not have',
	},
	{
		name: 'binary property name that the item does not have',
		parameters: { binaryPropertyName: onItem1('contract', 'data') },
		message:
			'Item 1: "Input Binary Field" names the binary property "contract", which this item does not have',
	},
	{
		name: 'binary property name resolving to null',
		parameters: { binaryPropertyName: onItem1(null, 'data') },
		message: 'Item 1: "Input Binary Field" is empty (null)',
	},
	{
		name: 'binary that is not a PDF (a PNG)',
		item1: (item) => {
			item.binary!.data = {
				data: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
				fileName: 'photo.png',
				mimeType: 'image/png',
			};
		},
		message:
			'Item 1: "Input Binary Field" names the binary property "data" ("photo.png", image/png), which is not a PDF',
	},
	{
		name: 'PDF labelled file that is really text',
		item1: (item) => {
			item.binary!.data = pdfFile(Buffer.from('Lease agreement, plain text'), 'lease.pdf');
		},
		message:
			'Item 1: "Input Binary Field" names the binary property "data" ("lease.pdf", application/pdf), which is not a PDF',
	},
	{
		name: 'empty file',
		item1: (item) => {
			item.binary!.data = pdfFile(Buffer.alloc(0), 'empty.pdf');
		},
		message:
			/^Item 1: "Input Binary Field" names the binary property "data" \("empty.pdf"\), which is empty$/,
	},
	{
		name: 'PDF over 20 MB',
		item1: async (item) => {
			item.binary!.data = pdfFile(await makePdfOfSize(20 * 1024 * 1024 + 1), 'huge.pdf');
		},
		message:
			'Item 1: "Input Binary Field" names the binary property "data" ("huge.pdf"), which is too large: 20.0 MB, at most 20 MB allowed',
	},
	{
		name: 'annex missing on the item',
		parameters: ANNEX_SPACE,
		item1: (item) => {
			delete item.binary!.annex1;
		},
		message:
			'Item 1: "Additional Fields › Annexes" names the binary property "annex1", which this item does not have',
	},
	{
		name: 'annex that is not a PDF',
		parameters: ANNEX_SPACE,
		item1: (item) => {
			item.binary!.annex1 = {
				data: Buffer.from('notes'),
				fileName: 'notes.txt',
				mimeType: 'text/plain',
			};
		},
		message:
			'Item 1: "Additional Fields › Annexes" names the binary property "annex1" ("notes.txt", text/plain), which is not a PDF',
	},
	{
		name: 'more than 10 annexes',
		parameters: {
			additionalFields: {
				annexes: onItem1(Array.from({ length: 11 }, () => 'annex1').join(','), 'annex1'),
			},
		},
		message: 'Item 1: "Additional Fields › Annexes" lists 11 annexes, at most 10 allowed',
	},
	{
		name: 'the same annex twice',
		parameters: { additionalFields: { annexes: onItem1('annex1, annex1', 'annex1') } },
		message: 'Item 1: "Additional Fields › Annexes" lists "annex1" twice',
	},

	// Signatories (fields)
	{
		name: 'first name resolving to null',
		parameters: { signatories: signatories({ firstName: onItem1(null, 'Bob') }) },
		message: 'Item 1: "Signatories › Signatory 2 › First Name" is empty (null)',
	},
	{
		name: 'last name empty',
		parameters: { signatories: signatories({ lastName: onItem1('  ', 'Durand') }) },
		message: 'Item 1: "Signatories › Signatory 2 › Last Name" is empty',
	},
	{
		name: 'invalid e-mail',
		parameters: { signatories: signatories({ email: onItem1('bob@', 'bob@example.com') }) },
		message: 'Item 1: "Signatories › Signatory 2 › Email" is not a valid e-mail address: "bob@"',
	},
	{
		name: 'e-mail with a space',
		parameters: {
			signatories: signatories({ email: onItem1('bob durand@example.com', 'bob@example.com') }),
		},
		message:
			'Item 1: "Signatories › Signatory 2 › Email" is not a valid e-mail address: "bob durand@example.com"',
	},
	{
		name: 'phone that is too short',
		parameters: { signatories: signatories({ phone: onItem1('05 12', BOB_TYPED.phone) }) },
		message:
			'Item 1: "Signatories › Signatory 2 › Mobile Phone" is not a mobile phone number: "05 12"',
	},
	{
		name: 'French landline (national format)',
		parameters: { signatories: signatories({ phone: onItem1('01 23 45 67 89', BOB_TYPED.phone) }) },
		message:
			'Item 1: "Signatories › Signatory 2 › Mobile Phone" is not a mobile phone number: "01 23 45 67 89"',
	},
	{
		name: 'French landline (international format)',
		parameters: {
			signatories: signatories({ phone: onItem1('+33 5 12 34 56 78', BOB_TYPED.phone) }),
		},
		message:
			'Item 1: "Signatories › Signatory 2 › Mobile Phone" is not a mobile phone number: "+33 5 12 34 56 78"',
	},
	{
		name: 'phone without its leading 0 or country code',
		parameters: { signatories: signatories({ phone: onItem1('612345678', BOB_TYPED.phone) }) },
		message:
			'Item 1: "Signatories › Signatory 2 › Mobile Phone" is not a mobile phone number: "612345678"',
	},
	{
		name: 'phone with letters',
		parameters: { signatories: signatories({ phone: onItem1('06 CALL ME', BOB_TYPED.phone) }) },
		message:
			'Item 1: "Signatories › Signatory 2 › Mobile Phone" is not a mobile phone number: "06 CALL ME"',
	},
	{
		name: 'negative deposit',
		parameters: { signatories: signatories({ deposit: onItem1(-5, 0) }) },
		message: 'Item 1: "Signatories › Signatory 2 › Deposit (EUR)" must not be negative: -5',
	},
	{
		name: 'deposit with more than 2 decimals',
		parameters: {
			signatories: signatories({ deposit: onItem1(10.005, 10) }),
			bankAccount: { iban: VALID_IBAN, holder: 'SCI' },
		},
		message:
			'Item 1: "Signatories › Signatory 2 › Deposit (EUR)" has more than two decimals: 10.005',
	},

	// Bank account
	{
		name: 'deposit without a bank account',
		parameters: { signatories: signatories({ deposit: onItem1(150, 0) }) },
		message: 'Item 1: "Bank Account › IBAN" is required because signatory 2 pays a deposit',
	},
	{
		name: 'deposit with an IBAN but no holder',
		parameters: {
			signatories: signatories({ deposit: 150 }),
			bankAccount: { iban: VALID_IBAN, holder: onItem1('', 'SCI Les Tilleuls') },
		},
		message:
			'Item 1: "Bank Account › Account Holder" is required because signatory 2 pays a deposit',
	},
	{
		name: 'IBAN failing mod-97',
		parameters: {
			signatories: signatories({ deposit: 150 }),
			bankAccount: { iban: onItem1('FR7630006000011234567890188', VALID_IBAN), holder: 'SCI' },
		},
		message:
			'Item 1: "Bank Account › IBAN" is not a valid IBAN (format or check digits): "FR7630006000011234567890188"',
	},
	{
		name: 'IBAN too short',
		parameters: {
			signatories: signatories({ deposit: 150 }),
			bankAccount: { iban: onItem1('FR76 3000', VALID_IBAN), holder: 'SCI' },
		},
		message:
			'Item 1: "Bank Account › IBAN" is not a valid IBAN (format or check digits): "FR763000"',
	},
	{
		name: 'invalid BIC',
		parameters: {
			signatories: signatories({ deposit: 150 }),
			bankAccount: { iban: VALID_IBAN, bic: onItem1('BNP', 'BNPAFRPP'), holder: 'SCI' },
		},
		message: 'Item 1: "Bank Account › BIC" is not a valid BIC: "BNP"',
	},

	// Signatories (JSON)
	{
		name: 'JSON text that does not parse',
		parameters: jsonSignatories('[{"firstName": "Alice",'),
		message: /^Item 1: "Signatories \(JSON\)" is not valid JSON: /,
	},
	{
		name: 'JSON that is a number',
		parameters: jsonSignatories(42),
		message: 'Item 1: "Signatories (JSON)" must be a list of objects, not 42',
	},
	{
		name: 'JSON expression resolving to null',
		parameters: jsonSignatories(null),
		message: 'Item 1: "Signatories (JSON)" is empty (null)',
	},
	{
		name: 'JSON empty list',
		parameters: jsonSignatories([]),
		message: 'Item 1: "Signatories (JSON)" is an empty list: give at least one signatory',
	},
	{
		name: 'JSON list of strings',
		parameters: jsonSignatories(['Alice Martin']),
		message:
			'Item 1: "Signatories (JSON) › Signatory 1" must be an object with firstName, lastName, email and phone, not "Alice Martin"',
	},
	{
		name: 'JSON row without e-mail',
		parameters: jsonSignatories([{ ...JSON_ROWS[0], email: undefined }]),
		message: 'Item 1: "Signatories (JSON) › Signatory 1 › email" is empty',
	},
	{
		name: 'JSON row with a numeric phone',
		parameters: jsonSignatories([JSON_ROWS[0], { ...JSON_ROWS[0], phone: 612345678 }]),
		message:
			'Item 1: "Signatories (JSON) › Signatory 2 › phone" must be text, not a number (612345678)',
	},
	{
		name: 'JSON row with a boolean deposit',
		parameters: jsonSignatories([{ ...JSON_ROWS[0], deposit: true }]),
		message:
			'Item 1: "Signatories (JSON) › Signatory 1 › deposit" must be a number of euros, not a boolean (true)',
	},
	{
		name: 'JSON row with a first name that is an object',
		parameters: jsonSignatories([{ ...JSON_ROWS[0], firstName: { given: 'Alice' } }]),
		message: 'Item 1: "Signatories (JSON) › Signatory 1 › firstName" must be text, not an object',
	},
	{
		name: 'JSON with 21 signatories',
		parameters: jsonSignatories(Array.from({ length: 21 }, () => JSON_ROWS[0])),
		message: 'Item 1: "Signatories (JSON)" has 21 signatories, at most 20 allowed',
	},

	// Sending
	{
		name: 'unknown action',
		parameters: { action: onItem1('publish', 'send') },
		message: 'Item 1: "Action" must be one of "send", "draft", not "publish"',
	},
	{
		name: 'notify flag that is not a boolean',
		parameters: { notifyOwner: onItem1('maybe', true) },
		message: 'Item 1: "Notify Owner" must be true or false, not a string ("maybe")',
	},
];

describe('Contract › Create: bad input is refused before any API call', () => {
	beforeAll(() => {
		expect(rows.length).toBeGreaterThanOrEqual(25);
	});

	test('no signatory at all (fields): n8n does not run the workflow (at least one is required)', async () => {
		kit.emulator.resetRequestLog();
		await expect(
			kit.run(createParameters({ signatories: {} }), [await leaseItem()]),
		).rejects.toThrow('The workflow has issues and cannot be executed');
		expect(kit.emulator.requests).toEqual([]);
	});

	test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
		const annex = await makePdf('Annex');
		const makeItem = async () => {
			const item = await leaseItem();
			item.binary!.annex1 = pdfFile(annex, 'annex.pdf');
			return item;
		};
		const item0 = await makeItem();
		const item1 = await makeItem();
		await row.item1?.(item1);

		kit.emulator.resetRequestLog();
		const result = await kit.run(createParameters(row.parameters), [item0, item1]);

		expect(result.error).toBeDefined();
		if (typeof row.message === 'string') expect(result.error!.message).toBe(row.message);
		else expect(result.error!.message).toMatch(row.message);
		expect(result.error!.name).toBe('NodeOperationError');
		expect(result.error!.context?.itemIndex).toBe(row.itemIndex ?? 1);
		expect(result.items).toEqual([]);
		expect(kit.emulator.requestCount()).toBe(0);
		expect(kit.emulator.requests).toHaveLength(0);
		expectNoSecret(result);
	});

	test('the same inputs are valid on item 0: the good side of every row is accepted', async () => {
		// One run with item 0's values only, so that the table's rows fail for their bad value alone.
		const result = await kit.run(
			createParameters({
				signatories: signatories({ deposit: 10 }),
				bankAccount: { iban: VALID_IBAN, bic: 'BNPAFRPP', holder: 'SCI' },
				additionalFields: { annexes: 'annex1' },
			}),
			[
				await (async () => {
					const item = await leaseItem();
					item.binary!.annex1 = pdfFile(await makePdf('Annex'), 'annex.pdf');
					return item;
				})(),
			],
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
	});
});
