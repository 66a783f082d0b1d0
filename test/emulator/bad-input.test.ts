/**
 * Conformance: bad input gets the documented JSON error naming the offending
 * field, never a 500, never a change of state.
 */
import type { CreateBody } from './testkit';
import { ApiKit, createBody, createContract, stateSnapshot, useApiKit } from './testkit';
import type { WireContract } from './wire-reply';
import { SANDBOX_KEYS } from '../fixtures/accounts';
import { VALID_IBAN } from '../fixtures/ibans';
import { TINY_PDF, TINY_PDF_B64 } from '../fixtures/pdf';
import { ALICE, BOB_SPACED_PHONE } from '../fixtures/people';

const kit = useApiKit();

// A case breaks the body: members of the wrong type are set, and missing ones removed, through
// Reflect (the body's type is that of a valid body).
type Mutate = (b: CreateBody) => void;
const sigs = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ ...ALICE, email: `a${i}@example.com` }));
const pdfOfSize = (n: number) => {
	const b = Buffer.alloc(n, 0x20);
	TINY_PDF.copy(b);
	return b.toString('base64');
};

// [case, mutation of a valid create body, status, code, field]
const CREATE_CASES: [string, Mutate, number, string, string][] = [
	[
		'contract missing',
		(b) => Reflect.deleteProperty(b, 'contract'),
		400,
		'VALIDATION_ERROR',
		'contract',
	],
	[
		'contract not an object',
		(b) => Reflect.set(b, 'contract', 'x'),
		400,
		'VALIDATION_ERROR',
		'contract',
	],
	['label missing', (b) => delete b.contract.label, 400, 'VALIDATION_ERROR', 'contract.label'],
	['label empty', (b) => (b.contract.label = '   '), 400, 'VALIDATION_ERROR', 'contract.label'],
	[
		'label too long',
		(b) => (b.contract.label = 'x'.repeat(256)),
		400,
		'VALIDATION_ERROR',
		'contract.label',
	],
	['label a number', (b) => (b.contract.label = 12), 400, 'VALIDATION_ERROR', 'contract.label'],
	['lang unknown', (b) => (b.contract.lang = 'de'), 400, 'VALIDATION_ERROR', 'contract.lang'],
	['lang missing', (b) => delete b.contract.lang, 400, 'VALIDATION_ERROR', 'contract.lang'],
	[
		'deadline yesterday',
		(b) => (b.contract.deadline = '2026-11-30'),
		400,
		'VALIDATION_ERROR',
		'contract.deadline',
	],
	[
		'deadline not a date',
		(b) => (b.contract.deadline = '2026-02-30'),
		400,
		'VALIDATION_ERROR',
		'contract.deadline',
	],
	[
		'deadline French format',
		(b) => (b.contract.deadline = '31/12/2026'),
		400,
		'VALIDATION_ERROR',
		'contract.deadline',
	],
	[
		'deadline date-time',
		(b) => (b.contract.deadline = '2026-12-31T10:00:00Z'),
		400,
		'VALIDATION_ERROR',
		'contract.deadline',
	],
	[
		'reference a number',
		(b) => (b.contract.reference = 5),
		400,
		'VALIDATION_ERROR',
		'contract.reference',
	],
	[
		'IBAN checksum',
		(b) => (b.contract.bankAccount = { iban: 'FR7630006000011234567890188', holder: 'X' }),
		400,
		'INVALID_BANK_ACCOUNT',
		'contract.bankAccount.iban',
	],
	[
		'IBAN format',
		(b) => (b.contract.bankAccount = { iban: '12345', holder: 'X' }),
		400,
		'INVALID_BANK_ACCOUNT',
		'contract.bankAccount.iban',
	],
	[
		'IBAN missing',
		(b) => (b.contract.bankAccount = { holder: 'X' }),
		400,
		'VALIDATION_ERROR',
		'contract.bankAccount.iban',
	],
	[
		'BIC malformed',
		(b) => (b.contract.bankAccount = { iban: VALID_IBAN, bic: 'XX', holder: 'X' }),
		400,
		'VALIDATION_ERROR',
		'contract.bankAccount.bic',
	],
	[
		'holder missing',
		(b) => (b.contract.bankAccount = { iban: VALID_IBAN }),
		400,
		'VALIDATION_ERROR',
		'contract.bankAccount.holder',
	],
	[
		'deposit without bank account',
		(b) => (b.signatories = [ALICE, { ...BOB_SPACED_PHONE, deposit: 100 }]),
		400,
		'VALIDATION_ERROR',
		'contract.bankAccount',
	],
	[
		'deposit with a bad IBAN',
		(b) => {
			b.signatories = [ALICE, { ...BOB_SPACED_PHONE, deposit: 100 }];
			b.contract.bankAccount = { iban: 'GB00WEST12345698765432', holder: 'X' };
		},
		400,
		'INVALID_BANK_ACCOUNT',
		'contract.bankAccount.iban',
	],
	[
		'mainDocument missing',
		(b) => Reflect.deleteProperty(b, 'mainDocument'),
		400,
		'VALIDATION_ERROR',
		'mainDocument',
	],
	[
		'document name missing',
		(b) => delete b.mainDocument.name,
		400,
		'VALIDATION_ERROR',
		'mainDocument.name',
	],
	[
		'document data missing',
		(b) => delete b.mainDocument.data,
		400,
		'VALIDATION_ERROR',
		'mainDocument.data',
	],
	[
		'document data a number',
		(b) => (b.mainDocument.data = 42),
		400,
		'VALIDATION_ERROR',
		'mainDocument.data',
	],
	[
		'document not base64',
		(b) => (b.mainDocument.data = '%PDF-1.4 raw'),
		400,
		'VALIDATION_ERROR',
		'mainDocument.data',
	],
	[
		'document not a PDF',
		(b) => (b.mainDocument.data = Buffer.from('PK\u0003\u0004 a zip').toString('base64')),
		400,
		'VALIDATION_ERROR',
		'mainDocument.data',
	],
	[
		'document empty',
		(b) => (b.mainDocument.data = ''),
		400,
		'VALIDATION_ERROR',
		'mainDocument.data',
	],
	[
		'document over 20 MB',
		(b) => (b.mainDocument.data = pdfOfSize(20 * 1024 * 1024 + 1)),
		413,
		'PAYLOAD_TOO_LARGE',
		'mainDocument.data',
	],
	[
		'annex over 20 MB',
		(b) => (b.annexes = [{ name: 'a.pdf', data: pdfOfSize(21 * 1024 * 1024) }]),
		413,
		'PAYLOAD_TOO_LARGE',
		'annexes[0].data',
	],
	[
		'annexes not an array',
		(b) => (b.annexes = { name: 'a.pdf' }),
		400,
		'VALIDATION_ERROR',
		'annexes',
	],
	[
		'11 annexes',
		(b) => (b.annexes = Array.from({ length: 11 }, () => ({ name: 'a.pdf', data: TINY_PDF_B64 }))),
		400,
		'VALIDATION_ERROR',
		'annexes',
	],
	[
		'annex not a PDF',
		(b) =>
			(b.annexes = [
				{ name: 'a.pdf', data: TINY_PDF_B64 },
				{ name: 'b.txt', data: Buffer.from('hello').toString('base64') },
			]),
		400,
		'VALIDATION_ERROR',
		'annexes[1].data',
	],
	[
		'signatories missing',
		(b) => Reflect.deleteProperty(b, 'signatories'),
		400,
		'VALIDATION_ERROR',
		'signatories',
	],
	['no signatory', (b) => (b.signatories = []), 400, 'VALIDATION_ERROR', 'signatories'],
	['21 signatories', (b) => (b.signatories = sigs(21)), 400, 'VALIDATION_ERROR', 'signatories'],
	[
		'signatory not an object',
		(b) => Reflect.set(b, 'signatories', [ALICE, 'bob']),
		400,
		'VALIDATION_ERROR',
		'signatories[1]',
	],
	[
		'first name missing',
		(b) => delete b.signatories[0].firstName,
		400,
		'VALIDATION_ERROR',
		'signatories[0].firstName',
	],
	[
		'last name empty',
		(b) => (b.signatories[1].lastName = ''),
		400,
		'VALIDATION_ERROR',
		'signatories[1].lastName',
	],
	...[
		'bob@',
		'bob example.com',
		'bob@example',
		'<bob@example.com>',
		'bob@@example.com',
		'bob..x@example.com',
	].map((email): [string, Mutate, number, string, string] => [
		`e-mail ${email}`,
		(b) => (b.signatories[1].email = email),
		400,
		'VALIDATION_ERROR',
		'signatories[1].email',
	]),
	...['0612345678', '+33 abc', '+0612345678', '+33', '+3361234567890123', '33612345678'].map(
		(phone): [string, Mutate, number, string, string] => [
			`phone ${phone}`,
			(b) => (b.signatories[1].phone = phone),
			400,
			'VALIDATION_ERROR',
			'signatories[1].phone',
		],
	),
	[
		'phone a number',
		(b) => (b.signatories[0].phone = 33612345678),
		400,
		'VALIDATION_ERROR',
		'signatories[0].phone',
	],
	[
		'deposit negative',
		(b) => (b.signatories[1].deposit = -1),
		400,
		'VALIDATION_ERROR',
		'signatories[1].deposit',
	],
	[
		'deposit 3 decimals',
		(b) => (b.signatories[1].deposit = 10.005),
		400,
		'VALIDATION_ERROR',
		'signatories[1].deposit',
	],
	[
		'deposit a string',
		(b) => (b.signatories[1].deposit = '10'),
		400,
		'VALIDATION_ERROR',
		'signatories[1].deposit',
	],
	['notify missing', (b) => Reflect.deleteProperty(b, 'notify'), 400, 'VALIDATION_ERROR', 'notify'],
	[
		'notify.signatory a string',
		(b) => (b.notify.signatory = 'yes'),
		400,
		'VALIDATION_ERROR',
		'notify.signatory',
	],
	['notify.owner missing', (b) => delete b.notify.owner, 400, 'VALIDATION_ERROR', 'notify.owner'],
	[
		'submitMessage a number',
		(b) => (b.notify.submitMessage = 1),
		400,
		'VALIDATION_ERROR',
		'notify.submitMessage',
	],
	['action missing', (b) => Reflect.deleteProperty(b, 'action'), 400, 'VALIDATION_ERROR', 'action'],
	[
		'action.submit a string',
		(b) => (b.action.submit = 'true'),
		400,
		'VALIDATION_ERROR',
		'action.submit',
	],
];

// [case, request, body, status, code, field]
const OTHER_CASES: [string, string, Record<string, unknown>, number, string, string | undefined][] =
	[
		[
			'list: filter not an object',
			'contractListRequest',
			{ filter: [] },
			400,
			'VALIDATION_ERROR',
			'filter',
		],
		[
			'list: status not an array',
			'contractListRequest',
			{ filter: { status: 'pending' } },
			400,
			'VALIDATION_ERROR',
			'filter.status',
		],
		[
			'list: unknown status',
			'contractListRequest',
			{ filter: { status: ['pending', 'done'] } },
			400,
			'VALIDATION_ERROR',
			'filter.status[1]',
		],
		[
			'list: createdFrom',
			'contractListRequest',
			{ filter: { createdFrom: 'last week' } },
			400,
			'VALIDATION_ERROR',
			'filter.createdFrom',
		],
		[
			'list: createdTo',
			'contractListRequest',
			{ filter: { createdTo: 20261201 } },
			400,
			'VALIDATION_ERROR',
			'filter.createdTo',
		],
		[
			'list: reference',
			'contractListRequest',
			{ filter: { reference: 7 } },
			400,
			'VALIDATION_ERROR',
			'filter.reference',
		],
		[
			'list: offset negative',
			'contractListRequest',
			{ offset: -1 },
			400,
			'VALIDATION_ERROR',
			'offset',
		],
		[
			'list: offset decimal',
			'contractListRequest',
			{ offset: 1.5 },
			400,
			'VALIDATION_ERROR',
			'offset',
		],
		['list: limit 0', 'contractListRequest', { limit: 0 }, 400, 'VALIDATION_ERROR', 'limit'],
		['list: limit 101', 'contractListRequest', { limit: 101 }, 400, 'VALIDATION_ERROR', 'limit'],
		[
			'list: limit a string',
			'contractListRequest',
			{ limit: '10' },
			400,
			'VALIDATION_ERROR',
			'limit',
		],
		[
			'detail: contractId missing',
			'contractDetailRequest',
			{},
			400,
			'VALIDATION_ERROR',
			'contractId',
		],
		[
			'detail: contractId a number',
			'contractDetailRequest',
			{ contractId: 1 },
			400,
			'VALIDATION_ERROR',
			'contractId',
		],
		[
			'cancel: contractId empty',
			'contractCancelRequest',
			{ contractId: '' },
			400,
			'VALIDATION_ERROR',
			'contractId',
		],
		[
			'sms: signatoryId missing',
			'signatorySendSmsRequest',
			{ contractId: '@C' },
			400,
			'VALIDATION_ERROR',
			'signatoryId',
		],
		[
			'sms all: contractId object',
			'signatorySendAllSmsRequest',
			{ contractId: {} },
			400,
			'VALIDATION_ERROR',
			'contractId',
		],
		[
			'sign: code missing',
			'signatorySignRequest',
			{ contractId: '@C', signatoryId: '@S' },
			400,
			'VALIDATION_ERROR',
			'code',
		],
		[
			'sign: unknown signatory',
			'signatorySignRequest',
			{ contractId: '@C', signatoryId: 'x', code: '0000' },
			404,
			'SIGNATORY_NOT_FOUND',
			'signatoryId',
		],
		[
			'cancel: reason a number',
			'contractCancelRequest',
			{ contractId: '@C', reason: 5 },
			400,
			'VALIDATION_ERROR',
			'reason',
		],
		['unknown request', 'contractUpdateRequest', {}, 404, 'UNKNOWN_REQUEST', undefined],
	];

describe('bad input changes nothing', () => {
	let existing: WireContract;
	let before: string;

	async function expectUnchanged(k: ApiKit) {
		expect(await stateSnapshot(k)).toBe(before);
		expect(k.emulator.internalErrors).toEqual([]);
	}

	beforeEach(async () => {
		existing = await createContract(kit, 'sandbox');
		before = await stateSnapshot(kit);
	});

	it.each(CREATE_CASES)('create, %s', async (_name, mutate, status, code, field) => {
		const body = createBody({ signatories: [{ ...ALICE }, { ...BOB_SPACED_PHONE }] });
		mutate(body);
		const r = await kit.sandbox('contractCreateRequest', body);
		expect(r.status).toBe(status);
		expect(r.body.error).toMatchObject({ code, field, message: expect.any(String) });
		if (code === 'INVALID_BANK_ACCOUNT') expect(r.body.error.message).toContain(VALID_IBAN);
		if (code === 'PAYLOAD_TOO_LARGE') expect(r.body.error.limit).toBe(20 * 1024 * 1024);
		await expectUnchanged(kit);
	});

	it.each(OTHER_CASES)('%s', async (_name, request, body, status, code, field) => {
		const resolved = JSON.parse(
			JSON.stringify(body)
				.replace('"@C"', JSON.stringify(existing.id))
				.replace('"@S"', JSON.stringify(existing.signatories[0].id)),
		);
		const r = await kit.sandbox(request, resolved);
		expect(r.status).toBe(status);
		expect(r.body.error.code).toBe(code);
		expect(r.body.error.field).toBe(field);
		await expectUnchanged(kit);
	});

	it.each([
		['malformed JSON', '{"apiUser": "demo-sandbox-user",'],
		['a JSON array', '[1, 2]'],
		['JSON null', 'null'],
		['a JSON string', '"hello"'],
		['an empty body', ''],
	])('body: %s', async (_name, text) => {
		const r = await kit.api('sandbox', 'contractCreateRequest', text);
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'body' });
		await expectUnchanged(kit);
	});

	it('a body that is not sent as JSON is parsed all the same', async () => {
		const r = await kit.raw('/sandbox/api/checkConnexionRequest', {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: JSON.stringify(SANDBOX_KEYS),
		});
		expect(r.status).toBe(200);
		const noType = await kit.raw('/sandbox/api/checkConnexionRequest', {
			method: 'POST',
			body: new Blob([JSON.stringify(SANDBOX_KEYS)]),
		});
		expect(noType.status).toBe(200);
	});

	it('a body over the server limit (150 MB) gets 413 PAYLOAD_TOO_LARGE JSON', async () => {
		const huge = Buffer.alloc(151 * 1024 * 1024, 0x20);
		let r;
		try {
			r = await kit.raw('/sandbox/api/contractCreateRequest', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: huge,
			});
		} catch (e) {
			throw new Error(`no response: ${String(e)}`);
		}
		expect(r.status).toBe(413);
		expect(r.body.error).toMatchObject({
			code: 'PAYLOAD_TOO_LARGE',
			field: 'body',
			limit: 150 * 1024 * 1024,
		});
		await expectUnchanged(kit);
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest', status: 413 })).toBe(
			1,
		);
	});

	it('a request at the limit of sizes goes through (20 MB document + annexes)', async () => {
		const doc = pdfOfSize(20 * 1024 * 1024);
		const r = await kit.sandbox(
			'contractCreateRequest',
			createBody({
				mainDocument: { name: 'big.pdf', data: doc },
				annexes: [
					{ name: 'a1.pdf', data: doc },
					{ name: 'a2.pdf', data: doc },
				],
			}),
		);
		expect(r.status).toBe(200);
		expect(r.body.contract.annexes.map((a) => a.size)).toEqual([
			20 * 1024 * 1024,
			20 * 1024 * 1024,
		]);
	});
});
