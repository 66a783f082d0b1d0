/**
 * Bad input across every operation, measured: wrong types, empty values, expressions resolving
 * to null, huge values, bad formats (phones, e-mails, IBANs, BICs, dates, amounts, SMS codes,
 * IDs), non-PDF and truncated PDF binaries, and bad timeout/retry options.
 * (Contract › Create's first 48 rows are in contract.validation.test.ts; none is repeated here.)
 *
 * Each row runs the node, through n8n-core's engine, on two items: item 0 valid, item 1 bad.
 * - Without Continue On Fail: a NodeOperationError naming item 1 and the field, and the emulator
 *   received no request at all (every item is checked before the first one is sent).
 * - With Continue On Fail: item 1 becomes an error item with that message, item 0 is processed,
 *   and the emulator received only item 0's requests.
 * The table's size and its rows by operation and kind go to the console and to
 * test-results/bad-input.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INodeParameters, IPairedItemData } from 'n8n-workflow';

import { makePdf, pdfFile } from '../fixtures/pdf';
import type { Item } from './contract.helpers';
import {
	byId,
	createContractViaApi,
	createParameters,
	expectNoSecret,
	leaseItem,
	parisDate,
	useNodeKit,
} from './contract.helpers';
import { VALID_IBAN } from '../fixtures/ibans';
import { ALICE_TYPED, BOB_TYPED } from '../fixtures/people';

const kit = useNodeKit();

type Operation =
	| 'check'
	| 'create'
	| 'get'
	| 'getMany'
	| 'cancel'
	| 'sendSms'
	| 'sendSmsToAll'
	| 'sign';

type Kind =
	| 'wrong type'
	| 'empty'
	| 'null expression'
	| 'huge'
	| 'format'
	| 'out of range'
	| 'non-PDF binary'
	| 'truncated PDF'
	| 'missing binary';

/** Placeholders replaced at run time: the contract and signatory of the test. */
const C = '@CONTRACT';
const S = '@SIGNATORY';

/** An expression that gives `bad` on item 1 and `good` on the others. */
function onItem1(bad: unknown, good: unknown): string {
	// Pretty-printed JSON never contains "}}", which would end the expression early.
	const literal = (value: unknown) =>
		value === undefined ? 'undefined' : JSON.stringify(value, null, 1);
	return `={{ $itemIndex === 1 ? ${literal(bad)} : ${literal(good)} }}`;
}

/** The same with a JavaScript expression (NaN, Infinity...) for item 1. */
const onItem1Raw = (bad: string, good: unknown) =>
	`={{ $itemIndex === 1 ? ${bad} : ${JSON.stringify(good)} }}`;

const BASE: Record<Operation, INodeParameters> = {
	check: { resource: 'connection', operation: 'check' },
	create: createParameters(),
	get: { resource: 'contract', operation: 'get', contractId: byId(C) },
	getMany: { resource: 'contract', operation: 'getMany', returnAll: false, limit: 10 },
	cancel: { resource: 'contract', operation: 'cancel', contractId: byId(C), reason: 'Withdrawn' },
	sendSms: { resource: 'signatory', operation: 'sendSms', contractId: byId(C), signatoryId: S },
	sendSmsToAll: { resource: 'signatory', operation: 'sendSmsToAll', contractId: byId(C) },
	sign: {
		resource: 'signatory',
		operation: 'sign',
		contractId: byId(C),
		signatoryId: S,
		code: '0000',
	},
};

interface Row {
	operation: Operation;
	kind: Kind;
	name: string;
	parameters?: INodeParameters;
	/** Changes item 1 (a valid item to start with). */
	item1?: (item: Item) => Promise<void> | void;
	message: string | RegExp;
	/** Requests item 0 makes (default 1). */
	requests?: number;
}

const rows: Row[] = [];
const add = (
	operation: Operation,
	kind: Kind,
	name: string,
	row: Omit<Row, 'operation' | 'kind' | 'name'>,
) => rows.push({ operation, kind, name, ...row });

// ---------------------------------------------------------------------------------------------
// Timeout and retry options, on every operation

const option = (name: string, bad: unknown) => ({ options: { [name]: onItem1(bad, undefined) } });
const optionRows: Array<[Operation, Kind, string, string, unknown, string]> = [
	[
		'check',
		'wrong type',
		'Timeout as text',
		'requestTimeout',
		'abc',
		'"Options › Timeout" must be a whole number, not "abc"',
	],
	[
		'check',
		'out of range',
		'Timeout 0',
		'requestTimeout',
		0,
		'"Options › Timeout" must be between 1 and 3600000, not 0',
	],
	[
		'check',
		'out of range',
		'Max Retries 11',
		'maxRetries',
		11,
		'"Options › Max Retries" must be between 0 and 10, not 11',
	],
	[
		'check',
		'null expression',
		'Retry Delay resolving to null',
		'retryDelay',
		null,
		'"Options › Retry Delay" must be a whole number, not null',
	],
	[
		'get',
		'out of range',
		'Timeout negative',
		'requestTimeout',
		-1,
		'"Options › Timeout" must be between 1 and 3600000, not -1',
	],
	[
		'get',
		'format',
		'Max Retries 1.5',
		'maxRetries',
		1.5,
		'"Options › Max Retries" must be a whole number, not 1.5',
	],
	[
		'get',
		'wrong type',
		'Retry Time Limit as text',
		'retryTimeLimit',
		'soon',
		'"Options › Retry Time Limit" must be a whole number, not "soon"',
	],
	[
		'get',
		'wrong type',
		'Retry Delay a boolean',
		'retryDelay',
		false,
		'"Options › Retry Delay" must be a whole number, not false',
	],
	[
		'getMany',
		'huge',
		'Timeout of 10^10 ms',
		'requestTimeout',
		1e10,
		'"Options › Timeout" must be between 1 and 3600000, not 10000000000',
	],
	[
		'getMany',
		'out of range',
		'Max Retries -1',
		'maxRetries',
		-1,
		'"Options › Max Retries" must be between 0 and 10, not -1',
	],
	[
		'getMany',
		'out of range',
		'Retry Delay over a minute',
		'retryDelay',
		60001,
		'"Options › Retry Delay" must be between 0 and 60000, not 60001',
	],
	[
		'getMany',
		'null expression',
		'Retry Time Limit resolving to null',
		'retryTimeLimit',
		null,
		'"Options › Retry Time Limit" must be a whole number, not null',
	],
	[
		'cancel',
		'wrong type',
		'Timeout a boolean',
		'requestTimeout',
		true,
		'"Options › Timeout" must be a whole number, not true',
	],
	[
		'cancel',
		'wrong type',
		'Max Retries as words',
		'maxRetries',
		'three',
		'"Options › Max Retries" must be a whole number, not "three"',
	],
	[
		'cancel',
		'out of range',
		'Retry Delay negative',
		'retryDelay',
		-5,
		'"Options › Retry Delay" must be between 0 and 60000, not -5',
	],
	[
		'cancel',
		'huge',
		'Retry Time Limit over 10 minutes',
		'retryTimeLimit',
		600001,
		'"Options › Retry Time Limit" must be between 0 and 600000, not 600001',
	],
	[
		'sendSms',
		'wrong type',
		'Timeout an object',
		'requestTimeout',
		{ ms: 5 },
		'"Options › Timeout" must be a whole number, not an object',
	],
	[
		'sendSms',
		'null expression',
		'Max Retries resolving to null',
		'maxRetries',
		null,
		'"Options › Max Retries" must be a whole number, not null',
	],
	[
		'sendSms',
		'wrong type',
		'Retry Delay as text',
		'retryDelay',
		'soon',
		'"Options › Retry Delay" must be a whole number, not "soon"',
	],
	[
		'sendSms',
		'format',
		'Timeout 1.5 ms',
		'requestTimeout',
		1.5,
		'"Options › Timeout" must be a whole number, not 1.5',
	],
	[
		'sendSmsToAll',
		'wrong type',
		'Timeout a list',
		'requestTimeout',
		[1000],
		'"Options › Timeout" must be a whole number, not a list',
	],
	[
		'sendSmsToAll',
		'huge',
		'Max Retries 100',
		'maxRetries',
		100,
		'"Options › Max Retries" must be between 0 and 10, not 100',
	],
	[
		'sendSmsToAll',
		'format',
		'Retry Delay 2.5 ms',
		'retryDelay',
		2.5,
		'"Options › Retry Delay" must be a whole number, not 2.5',
	],
	[
		'sendSmsToAll',
		'out of range',
		'Retry Time Limit negative',
		'retryTimeLimit',
		-1,
		'"Options › Retry Time Limit" must be between 0 and 600000, not -1',
	],
	[
		'sign',
		'format',
		'Timeout "NaN"',
		'requestTimeout',
		'NaN',
		'"Options › Timeout" must be a whole number, not "NaN"',
	],
	[
		'sign',
		'wrong type',
		'Max Retries a boolean',
		'maxRetries',
		true,
		'"Options › Max Retries" must be a whole number, not true',
	],
	[
		'sign',
		'wrong type',
		'Retry Delay an object',
		'retryDelay',
		{},
		'"Options › Retry Delay" must be a whole number, not an object',
	],
	[
		'sign',
		'format',
		'Retry Time Limit 1.5',
		'retryTimeLimit',
		1.5,
		'"Options › Retry Time Limit" must be a whole number, not 1.5',
	],
	[
		'create',
		'out of range',
		'Timeout negative',
		'requestTimeout',
		-100,
		'"Options › Timeout" must be between 1 and 3600000, not -100',
	],
	[
		'create',
		'wrong type',
		'Max Retries as text',
		'maxRetries',
		'x',
		'"Options › Max Retries" must be a whole number, not "x"',
	],
	[
		'create',
		'wrong type',
		'Skip If Reference Exists as "maybe"',
		'skipIfReferenceExists',
		'maybe',
		'"Options › Skip If Reference Exists" must be true or false, not a string ("maybe")',
	],
	[
		'create',
		'wrong type',
		'Skip If Reference Exists as 2',
		'skipIfReferenceExists',
		2,
		'"Options › Skip If Reference Exists" must be true or false, not a number (2)',
	],
];
for (const [operation, kind, name, field, bad, message] of optionRows) {
	add(operation, kind, `options: ${name}`, {
		parameters: option(field, bad),
		message: `Item 1: ${message}`,
	});
}

// ---------------------------------------------------------------------------------------------
// IDs: the contract (resource locator) and the signatory

const HUGE_ID = 'c'.repeat(201);
const idRows: Array<[Operation[], Kind, string, unknown, string]> = [
	[['get', 'sendSmsToAll'], 'empty', 'empty', '', 'is empty'],
	[['cancel', 'sign'], 'empty', 'only spaces', '   ', 'is empty'],
	[
		['get', 'cancel', 'sendSms', 'sendSmsToAll', 'sign'],
		'null expression',
		'resolving to null',
		null,
		'is empty (null)',
	],
	[
		['get', 'sendSms'],
		'wrong type',
		'an object',
		{ id: 'ctr_1' },
		'must be an ID (text), not an object',
	],
	[
		['cancel', 'sendSmsToAll'],
		'wrong type',
		'a list',
		['ctr_1'],
		'must be an ID (text), not a list',
	],
	[['sign', 'get'], 'wrong type', 'a boolean', true, 'must be an ID (text), not true'],
	[
		['get', 'sendSms'],
		'format',
		'with a space inside',
		'ctr 123',
		'is not an ID: it contains spaces ("ctr 123")',
	],
	[
		['cancel', 'sign'],
		'format',
		'with a tab inside',
		'ctr\t123',
		'is not an ID: it contains spaces ("ctr\\t123")',
	],
	[
		['get', 'cancel', 'sendSmsToAll'],
		'huge',
		'201 characters',
		HUGE_ID,
		'is too long for an ID: 201 characters, at most 200',
	],
	[
		['sendSms', 'sign'],
		'huge',
		'100,000 characters',
		'c'.repeat(100_000),
		'is too long for an ID: 100000 characters, at most 200',
	],
];
for (const [operations, kind, name, bad, problem] of idRows) {
	for (const operation of operations) {
		add(operation, kind, `Contract ID ${name}`, {
			parameters: { contractId: byId(onItem1(bad, C)) },
			message: `Item 1: "Contract" ${problem}`,
		});
	}
}
const signatoryRows: Array<[Operation[], Kind, string, unknown, string]> = [
	[['sendSms', 'sign'], 'empty', 'empty', '', 'is empty'],
	[['sendSms', 'sign'], 'null expression', 'resolving to null', null, 'is empty (null)'],
	[['sendSms'], 'wrong type', 'an object', {}, 'must be an ID (text), not an object'],
	[['sign'], 'wrong type', 'a list', [S], 'must be an ID (text), not a list'],
	[
		['sendSms', 'sign'],
		'format',
		'with spaces',
		'sig 1',
		'is not an ID: it contains spaces ("sig 1")',
	],
	[
		['sign'],
		'huge',
		'201 characters',
		's'.repeat(201),
		'is too long for an ID: 201 characters, at most 200',
	],
];
for (const [operations, kind, name, bad, problem] of signatoryRows) {
	for (const operation of operations) {
		add(operation, kind, `Signatory ID ${name}`, {
			parameters: { signatoryId: onItem1(bad, S) },
			message: `Item 1: "Signatory Name or ID" ${problem}`,
		});
	}
}

// ---------------------------------------------------------------------------------------------
// Sign: the SMS code (the message never shows the code)

const codeRows: Array<[Kind, string, unknown, string]> = [
	['empty', 'empty', '', 'is empty'],
	['empty', 'only spaces', '   ', 'is empty'],
	['null expression', 'resolving to null', null, 'is empty (null)'],
	['format', 'letters', 'abcd', 'must be 4 to 8 digits'],
	['format', 'three digits', '123', 'must be 4 to 8 digits'],
	['format', 'nine digits', '123456789', 'must be 4 to 8 digits'],
	['format', 'a letter among digits', '12a4', 'must be 4 to 8 digits'],
	['format', 'full-width digits', '１２３４', 'must be 4 to 8 digits'],
	['format', 'a negative number', -1234, 'must be digits, not a number'],
	['format', 'a decimal number', 1234.5, 'must be digits, not a number'],
	['wrong type', 'a boolean', true, 'must be digits, not a boolean'],
	['wrong type', 'an object', { code: '1234' }, 'must be digits, not an object or a list'],
	['huge', '10,000 digits', '1'.repeat(10_000), 'must be 4 to 8 digits'],
];
for (const [kind, name, bad, problem] of codeRows) {
	add('sign', kind, `SMS code ${name}`, {
		parameters: { code: onItem1(bad, '0000') },
		message: `Item 1: "SMS Code" ${problem}`,
	});
}

// ---------------------------------------------------------------------------------------------
// Cancel: the reason

add('cancel', 'huge', 'Reason over 1,000 characters', {
	parameters: { reason: onItem1('r'.repeat(1001), 'ok') },
	message: 'Item 1: "Reason" is too long: 1001 characters, at most 1000 allowed',
});
add('cancel', 'wrong type', 'Reason an object', {
	parameters: { reason: onItem1({ text: 'no' }, 'ok') },
	message: 'Item 1: "Reason" must be text, not an object',
});
add('cancel', 'wrong type', 'Reason a boolean', {
	parameters: { reason: onItem1(false, 'ok') },
	message: 'Item 1: "Reason" must be text, not a boolean (false)',
});
add('cancel', 'wrong type', 'Reason a list', {
	parameters: { reason: onItem1(['a', 'b'], 'ok') },
	message: 'Item 1: "Reason" must be text, not a list',
});

// ---------------------------------------------------------------------------------------------
// Get Many: limit, return all, filters

const filters = (field: string, bad: unknown, good: unknown = undefined) => ({
	filters: { [field]: onItem1(bad, good) },
});
const getManyRows: Array<[Kind, string, INodeParameters, string]> = [
	[
		'out of range',
		'Limit 0',
		{ limit: onItem1(0, 10) },
		'"Limit" must be a whole number of at least 1, not 0',
	],
	[
		'out of range',
		'Limit negative',
		{ limit: onItem1(-5, 10) },
		'"Limit" must be a whole number of at least 1, not -5',
	],
	[
		'format',
		'Limit 2.5',
		{ limit: onItem1(2.5, 10) },
		'"Limit" must be a whole number of at least 1, not 2.5',
	],
	[
		'wrong type',
		'Limit as words',
		{ limit: onItem1('ten', 10) },
		'"Limit" must be a whole number of at least 1, not "ten"',
	],
	[
		'null expression',
		'Limit resolving to null',
		{ limit: onItem1(null, 10) },
		'"Limit" must be a whole number of at least 1, not null',
	],
	[
		'wrong type',
		'Limit a boolean',
		{ limit: onItem1(true, 10) },
		'"Limit" must be a whole number of at least 1, not true',
	],
	[
		'wrong type',
		'Return All as "maybe"',
		{ returnAll: onItem1('maybe', false) },
		'"Return All" must be true or false, not a string ("maybe")',
	],
	[
		'wrong type',
		'Return All as 1',
		{ returnAll: onItem1(1, false) },
		'"Return All" must be true or false, not a number (1)',
	],
	[
		'format',
		'Statuses with an unknown status',
		filters('statuses', ['pending', 'archived'], []),
		'"Filters › Statuses" contains "archived", which is not one of draft, pending, signed, cancelled, expired',
	],
	[
		'wrong type',
		'Statuses with a number',
		filters('statuses', [7], []),
		'"Filters › Statuses" contains 7, which is not one of draft, pending, signed, cancelled, expired',
	],
	[
		'wrong type',
		'Statuses an object',
		filters('statuses', { pending: true }, []),
		'"Filters › Statuses" must be a list of statuses, not an object',
	],
	[
		'null expression',
		'Statuses with a null inside',
		filters('statuses', [null], []),
		'"Filters › Statuses" contains null, which is not one of draft, pending, signed, cancelled, expired',
	],
	[
		'format',
		'Created After not a date',
		filters('createdFrom', 'last monday'),
		'"Filters › Created After" is not a valid date: "last monday"',
	],
	[
		'wrong type',
		'Created After a boolean',
		filters('createdFrom', true),
		'"Filters › Created After" is not a valid date: true',
	],
	[
		'wrong type',
		'Created Before an object',
		filters('createdTo', { day: 1 }),
		'"Filters › Created Before" is not a valid date: an object',
	],
	[
		'format',
		'Created Before an impossible date',
		filters('createdTo', '2026-02-30'),
		'"Filters › Created Before" is not a valid date: "2026-02-30"',
	],
	[
		'out of range',
		'Created Before earlier than Created After',
		{ filters: { createdFrom: '2020-01-01', createdTo: onItem1('2019-12-31', '2099-12-31') } },
		'"Filters › Created Before" (2019-12-31) is earlier than "Filters › Created After" (2020-01-01)',
	],
	[
		'huge',
		'Reference over 255 characters',
		filters('reference', 'R'.repeat(256), ''),
		'"Filters › Reference" is too long: 256 characters, at most 255 allowed',
	],
	[
		'wrong type',
		'Reference an object',
		filters('reference', { id: 1 }, ''),
		'"Filters › Reference" must be text, not an object',
	],
	[
		'wrong type',
		'Reference a boolean',
		filters('reference', true, ''),
		'"Filters › Reference" must be text, not a boolean (true)',
	],
];
for (const [kind, name, parameters, message] of getManyRows) {
	add('getMany', kind, name, { parameters, message: `Item 1: ${message}` });
}

// ---------------------------------------------------------------------------------------------
// Create: kinds the first 48 rows do not cover

const truncate = async (item: Item, property = 'data') => {
	const pdf = await makePdf('Lease agreement', 'Page two');
	item.binary![property] = pdfFile(pdf.subarray(0, Math.floor(pdf.length / 2)), 'cut.pdf');
};
const notComplete = (property: string, field: string) =>
	`Item 1: "${field}" names the binary property "${property}" ("cut.pdf"), which is not a complete PDF: it has no %%EOF end marker`;

add('create', 'truncated PDF', 'PDF cut in half (no %%EOF)', {
	item1: (item) => truncate(item),
	message: notComplete('data', 'Input Binary Field'),
});
add('create', 'truncated PDF', 'only the %PDF- header', {
	item1: (item) => {
		item.binary!.data = pdfFile(Buffer.from('%PDF-'), 'cut.pdf');
	},
	message: notComplete('data', 'Input Binary Field'),
});
add('create', 'truncated PDF', 'an %%EOF followed by 2 KB of a cut-off update', {
	item1: async (item) => {
		const pdf = await makePdf('Lease agreement');
		const update = Buffer.from(`1 0 obj\n<< /Type /Catalog ${'/X 1 '.repeat(500)}`);
		item.binary!.data = pdfFile(Buffer.concat([pdf, update]), 'cut.pdf');
	},
	message: notComplete('data', 'Input Binary Field'),
});
add('create', 'truncated PDF', 'an annex cut in half', {
	parameters: { additionalFields: { annexes: onItem1('annex1', '') } },
	item1: async (item) => {
		item.binary!.annex1 = pdfFile(await makePdf('Annex'), 'annex.pdf');
		await truncate(item, 'annex1');
	},
	message: notComplete('annex1', 'Additional Fields › Annexes'),
});
add('create', 'non-PDF binary', 'a ZIP (an Office document) named .pdf', {
	item1: (item) => {
		item.binary!.data = pdfFile(Buffer.from('PK\u0003\u0004 word/document.xml'), 'lease.pdf');
	},
	message:
		'Item 1: "Input Binary Field" names the binary property "data" ("lease.pdf", application/pdf), which is not a PDF',
});
add('create', 'non-PDF binary', 'a PDF with bytes before its header', {
	item1: async (item) => {
		item.binary!.data = pdfFile(
			Buffer.concat([Buffer.from('\uFEFF'), await makePdf('x')]),
			'bom.pdf',
		);
	},
	message:
		'Item 1: "Input Binary Field" names the binary property "data" ("bom.pdf", application/pdf), which is not a PDF',
});
add('create', 'missing binary', 'annex named by an expression resolving to a missing property', {
	parameters: { additionalFields: { annexes: onItem1('scan', '') } },
	message:
		'Item 1: "Additional Fields › Annexes" names the binary property "scan", which this item does not have',
});
add('create', 'wrong type', 'Input Binary Field an object', {
	parameters: { binaryPropertyName: onItem1({ name: 'data' }, 'data') },
	message: 'Item 1: "Input Binary Field" must be text, not an object',
});
add('create', 'wrong type', 'Input Binary Field a number', {
	parameters: { binaryPropertyName: onItem1(5, 'data') },
	message: 'Item 1: "Input Binary Field" must be text, not a number (5)',
});
add('create', 'wrong type', 'Annexes a number', {
	parameters: { additionalFields: { annexes: onItem1(5, '') } },
	message: 'Item 1: "Additional Fields › Annexes" must be binary field names separated by commas',
});
add('create', 'wrong type', 'Annexes a list with a number', {
	parameters: { additionalFields: { annexes: onItem1([1], '') } },
	message: 'Item 1: "Additional Fields › Annexes" must be binary field names separated by commas',
});
add('create', 'wrong type', 'Label an object', {
	parameters: { label: onItem1({ fr: 'Bail' }, 'Bail') },
	message: 'Item 1: "Label" must be text, not an object',
});
add('create', 'wrong type', 'Label a boolean', {
	parameters: { label: onItem1(true, 'Bail') },
	message: 'Item 1: "Label" must be text, not a boolean (true)',
});
add('create', 'huge', 'Label of 100,000 characters', {
	parameters: { label: onItem1('L'.repeat(100_000), 'Bail') },
	message: 'Item 1: "Label" is too long: 100000 characters, at most 255 allowed',
});
add('create', 'null expression', 'Language resolving to null', {
	parameters: { language: onItem1(null, 'fr') },
	message: 'Item 1: "Language" must be one of "fr", "en", not null',
});
add('create', 'wrong type', 'Language a number', {
	parameters: { language: onItem1(33, 'fr') },
	message: 'Item 1: "Language" must be one of "fr", "en", not 33',
});
add('create', 'format', 'Deadline 30 February', {
	parameters: { deadline: onItem1('2027-02-30', parisDate(10)) },
	message: 'Item 1: "Deadline" is not a valid date: "2027-02-30"',
});
add('create', 'out of range', 'Deadline as epoch 0 (1970)', {
	parameters: { deadline: onItem1(0, parisDate(10)) },
	message: /^Item 1: "Deadline" must be today or later \(Paris time\): 1970-01-01 is in the past$/,
});
add('create', 'wrong type', 'Deadline a boolean', {
	parameters: { deadline: onItem1(true, parisDate(10)) },
	message: 'Item 1: "Deadline" is not a valid date: true',
});
add('create', 'wrong type', 'Deadline an object', {
	parameters: { deadline: onItem1({ days: 10 }, parisDate(10)) },
	message: 'Item 1: "Deadline" is not a valid date: an object',
});
add('create', 'huge', 'Message over 5,000 characters', {
	parameters: { message: onItem1('m'.repeat(5001), 'Bonjour') },
	message: 'Item 1: "Message" is too long: 5001 characters, at most 5000 allowed',
});
add('create', 'wrong type', 'Message an object', {
	parameters: { message: onItem1({ text: 'Bonjour' }, 'Bonjour') },
	message: 'Item 1: "Message" must be text, not an object',
});
add('create', 'huge', 'Reference of 10,000 characters', {
	parameters: { additionalFields: { reference: onItem1('R'.repeat(10_000), '') } },
	message:
		'Item 1: "Additional Fields › Reference" is too long: 10000 characters, at most 255 allowed',
});
add('create', 'wrong type', 'Reference an object', {
	parameters: { additionalFields: { reference: onItem1({ crm: 42 }, '') } },
	message: 'Item 1: "Additional Fields › Reference" must be text, not an object',
});

const bob = (field: string, bad: unknown, good: unknown) => ({
	signatories: { signatory: [{ ...ALICE_TYPED }, { ...BOB_TYPED, [field]: onItem1(bad, good) }] },
});
const bobField = (label: string) => `Item 1: "Signatories › Signatory 2 › ${label}"`;
const emailRows: Array<[Kind, string, string]> = [
	['huge', 'local part of 65 characters', `${'b'.repeat(65)}@example.com`],
	['format', 'two dots in a row', 'bob..durand@example.com'],
	['format', 'domain ending with a dot', 'bob@example.'],
	['format', 'no domain dot', 'bob@localhost'],
	['format', 'accented letters', 'bób@exämple.com'],
	['format', 'two @', 'bob@@example.com'],
];
for (const [kind, name, bad] of emailRows) {
	add('create', kind, `e-mail: ${name}`, {
		parameters: bob('email', bad, BOB_TYPED.email),
		message: `${bobField('Email')} is not a valid e-mail address: ${JSON.stringify(bad.length > 60 ? `${bad.slice(0, 57)}...` : bad)}`,
	});
}
const phoneRows: Array<[Kind, string, unknown, string]> = [
	['huge', '16 digits', '+1234567890123456', 'is not a mobile phone number: "+1234567890123456"'],
	['format', 'a plus sign only', '+', 'is not a mobile phone number: "+"'],
	[
		'format',
		'French landline through 0033',
		'0033 1 23 45 67 89',
		'is not a mobile phone number: "0033 1 23 45 67 89"',
	],
	['empty', 'empty', '', 'is empty'],
	['null expression', 'resolving to null', null, 'is empty (null)'],
	['format', 'two plus signs', '++33612345678', 'is not a mobile phone number: "++33612345678"'],
];
for (const [kind, name, bad, problem] of phoneRows) {
	add('create', kind, `phone: ${name}`, {
		parameters: bob('phone', bad, BOB_TYPED.phone),
		message: `${bobField('Mobile Phone')} ${problem}`,
	});
}
const withBank = { bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls' } };
const depositRows: Array<[Kind, string, string, string]> = [
	['wrong type', 'text', JSON.stringify('abc'), 'must be a number of euros, not a string ("abc")'],
	['format', 'NaN', 'NaN', 'must be a number of euros, not NaN'],
	['huge', 'Infinity', 'Infinity', 'must be a number of euros, not Infinity'],
	['huge', '10 billion', '1e10', 'is too large: 10000000000'],
	[
		'format',
		'"10,005" (three decimals)',
		JSON.stringify('10,005'),
		'has more than two decimals: 10.005',
	],
	['out of range', 'minus one cent', '-0.01', 'must not be negative: -0.01'],
	['wrong type', 'a list', '[10]', 'must be a number of euros, not a list'],
];
for (const [kind, name, bad, problem] of depositRows) {
	add('create', kind, `deposit: ${name}`, {
		parameters: {
			...withBank,
			signatories: {
				signatory: [{ ...ALICE_TYPED }, { ...BOB_TYPED, deposit: onItem1Raw(bad, 0) }],
			},
		},
		message: `${bobField('Deposit (EUR)')} ${problem}`,
	});
}
const bank = (field: string, bad: unknown, good: unknown) => ({
	signatories: { signatory: [{ ...ALICE_TYPED, deposit: 100 }, { ...BOB_TYPED }] },
	bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls', [field]: onItem1(bad, good) },
});
add('create', 'format', 'IBAN with letters for check digits', {
	parameters: bank('iban', 'FRXX30006000011234567890189', VALID_IBAN),
	message:
		'Item 1: "Bank Account › IBAN" is not a valid IBAN (format or check digits): "FRXX30006000011234567890189"',
});
add('create', 'format', 'IBAN: a country code only', {
	parameters: bank('iban', 'FR', VALID_IBAN),
	message: 'Item 1: "Bank Account › IBAN" is not a valid IBAN (format or check digits): "FR"',
});
add('create', 'huge', 'IBAN of 40 characters', {
	parameters: bank('iban', `FR76${'1'.repeat(36)}`, VALID_IBAN),
	message: `Item 1: "Bank Account › IBAN" is not a valid IBAN (format or check digits): "FR76${'1'.repeat(36)}"`,
});
add('create', 'null expression', 'IBAN resolving to null with a deposit', {
	parameters: bank('iban', null, VALID_IBAN),
	message: 'Item 1: "Bank Account › IBAN" is required because signatory 1 pays a deposit',
});
add('create', 'huge', 'account holder of 141 characters', {
	parameters: bank('holder', 'H'.repeat(141), 'SCI'),
	message:
		'Item 1: "Bank Account › Account Holder" is too long: 141 characters, at most 140 allowed',
});
add('create', 'wrong type', 'account holder an object', {
	parameters: bank('holder', { name: 'SCI' }, 'SCI'),
	message: 'Item 1: "Bank Account › Account Holder" must be text, not an object',
});
add('create', 'format', 'BIC of 9 characters', {
	parameters: bank('bic', 'BNPAFRPPX', 'BNPAFRPP'),
	message: 'Item 1: "Bank Account › BIC" is not a valid BIC: "BNPAFRPPX"',
});
add('create', 'format', 'BIC with digits for the country', {
	parameters: bank('bic', 'BNPA12PP', 'BNPAFRPP'),
	message: 'Item 1: "Bank Account › BIC" is not a valid BIC: "BNPA12PP"',
});
add('create', 'format', 'Signatories Input "csv"', {
	parameters: { signatoriesInput: onItem1('csv', 'fields') },
	message: 'Item 1: "Signatories Input" must be one of "fields", "json", not "csv"',
});
add('create', 'empty', 'Signatories (JSON): an object without fields', {
	parameters: { signatoriesInput: 'json', signatoriesJson: onItem1({}, [{ ...ALICE_TYPED }]) },
	message: 'Item 1: "Signatories (JSON) › Signatory 1 › firstName" is empty',
});
add('create', 'null expression', 'Signatories (JSON): the text "null"', {
	parameters: { signatoriesInput: 'json', signatoriesJson: onItem1('null', [{ ...ALICE_TYPED }]) },
	message: 'Item 1: "Signatories (JSON)" is empty (null)',
});
add('create', 'empty', 'Signatories (JSON): only spaces', {
	parameters: { signatoriesInput: 'json', signatoriesJson: onItem1('   ', [{ ...ALICE_TYPED }]) },
	message: 'Item 1: "Signatories (JSON)" is empty: give a list of signatories',
});
add('create', 'wrong type', 'Signatories (fields): an e-mail resolving to a list', {
	parameters: bob('email', ['bob@example.com'], BOB_TYPED.email),
	message: `${bobField('Email')} must be text, not a list`,
});
add('create', 'wrong type', 'Notify Signatories as "yes"', {
	parameters: { notifySignatories: onItem1('yes', true) },
	message: 'Item 1: "Notify Signatories" must be true or false, not a string ("yes")',
});
add('create', 'null expression', 'Action resolving to null', {
	parameters: { action: onItem1(null, 'send') },
	message: 'Item 1: "Action" must be one of "send", "draft", not null',
});

// ---------------------------------------------------------------------------------------------

interface Measured {
	operation: Operation;
	kind: Kind;
	name: string;
	requests: number;
	continueOnFailRequests: number;
}
const measured: Measured[] = [];

function resolve(
	parameters: INodeParameters,
	contractId: string,
	signatoryId: string,
): INodeParameters {
	return JSON.parse(
		JSON.stringify(parameters).split(C).join(contractId).split(S).join(signatoryId),
	) as INodeParameters;
}

function merge(base: INodeParameters, overrides: INodeParameters = {}): INodeParameters {
	const merged: INodeParameters = { ...base };
	for (const [key, value] of Object.entries(overrides)) {
		const current = merged[key];
		merged[key] =
			value &&
			typeof value === 'object' &&
			!Array.isArray(value) &&
			!('__rl' in value) &&
			current &&
			typeof current === 'object' &&
			!Array.isArray(current) &&
			key !== 'signatories'
				? { ...(current as object), ...(value as object) }
				: value;
	}
	return merged;
}

describe('bad input on every operation: refused before any API call', () => {
	test('the table: at least 100 rows, every operation', () => {
		expect(rows.length).toBeGreaterThanOrEqual(100);
		expect(new Set(rows.map((row) => row.operation)).size).toBe(8);
		const names = rows.map((row) => `${row.operation} ${row.name}`);
		expect(new Set(names).size).toBe(names.length);
	});

	test.each(rows.map((row) => [`${row.operation}: ${row.name}`, row] as const))(
		'%s',
		async (_name, row) => {
			const contract = await createContractViaApi(kit);
			const parameters = resolve(
				merge(BASE[row.operation], row.parameters),
				contract.id,
				contract.signatories[0].id,
			);
			const items = async (): Promise<Item[]> => {
				const make = async () => (row.operation === 'create' ? await leaseItem() : { json: {} });
				const item0 = await make();
				const item1 = await make();
				await row.item1?.(item1);
				return [item0, item1];
			};

			// Without Continue On Fail: the error names item 1 and the field; nothing was sent.
			kit.emulator.resetRequestLog();
			const stopped = await kit.run(parameters, await items());
			expect(stopped.error?.name).toBe('NodeOperationError');
			if (typeof row.message === 'string') expect(stopped.error?.message).toBe(row.message);
			else expect(stopped.error?.message).toMatch(row.message);
			const itemIndex = Number(/^Item (\d+):/.exec(stopped.error!.message)?.[1]);
			expect(stopped.error?.context?.itemIndex).toBe(itemIndex);
			expect(stopped.items).toEqual([]);
			const requests = kit.emulator.requestCount();
			expect(requests).toBe(0);
			expectNoSecret(stopped);

			// With Continue On Fail: an error item for the bad item, the other item processed, and
			// only its requests sent.
			kit.emulator.resetRequestLog();
			const continued = await kit.run(parameters, await items(), { continueOnFail: true });
			expect(continued.error).toBeUndefined();
			expect(continued.items).toHaveLength(2);
			const bad = continued.items.find(
				(item) => (item.pairedItem as IPairedItemData).item === itemIndex,
			)!;
			const good = continued.items.find(
				(item) => (item.pairedItem as IPairedItemData).item !== itemIndex,
			)!;
			expect(bad.json.error).toBe(stopped.error?.message);
			expect(good.json.error).toBeUndefined();
			expect(kit.emulator.requestCount()).toBe(row.requests ?? 1);
			expect(kit.emulator.requests.every((request) => request.status === 200)).toBe(true);
			expectNoSecret(continued);

			measured.push({
				operation: row.operation,
				kind: row.kind,
				name: row.name,
				requests,
				continueOnFailRequests: kit.emulator.requestCount(),
			});
		},
	);
});

afterAll(async () => {
	if (measured.length === 0) return;
	const operations = [...new Set(rows.map((row) => row.operation))];
	const kinds = [...new Set(rows.map((row) => row.kind))];
	const table = operations.map((operation) => {
		const line: Record<string, number | string> = { operation };
		for (const kind of kinds) {
			line[kind] = measured.filter(
				(row) => row.operation === operation && row.kind === kind,
			).length;
		}
		line.total = measured.filter((row) => row.operation === operation).length;
		return line;
	});
	const directory = join(__dirname, '..', '..', 'test-results');
	await mkdir(directory, { recursive: true });
	await writeFile(
		join(directory, 'bad-input.json'),
		JSON.stringify(
			{
				rows: measured.length,
				requestsForBadItems: measured.reduce((total, row) => total + row.requests, 0),
				byOperation: table,
				measured,
			},
			null,
			2,
		),
	);
	console.log(
		`Bad input: ${measured.length} rows over ${operations.length} operations; every one a NodeOperationError naming item and field, 0 API requests for bad items (${measured.reduce((total, row) => total + row.continueOnFailRequests, 0)} requests, all for the good items, with Continue On Fail)`,
	);
	console.table(table);
});
