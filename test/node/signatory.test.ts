/**
 * Signatory › Send SMS Code, Send SMS Code to All, Sign: white-label signing through the node,
 * on both platforms of the emulator (sandbox: code 0000, no SMS; production: real codes in the
 * control outbox, 5 SMS and 5 wrong codes at most).
 */
import type { INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import type { WireContract } from '../emulator/wire-reply';
import type { Signed, SmsSent } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import { runWorkflow } from '../helpers/run-workflow';
import { SANDBOX_TEST_CARD } from '../emulator';
import {
	byId,
	createContractViaApi,
	expectNoSecret,
	parisDate,
	useNodeKit,
} from './contract.helpers';
import { VALID_IBAN } from '../fixtures/ibans';

const kit = useNodeKit();

function sendSmsParameters(
	contractId: NodeParameterValueType,
	signatoryId: string,
): INodeParameters {
	return { resource: 'signatory', operation: 'sendSms', contractId, signatoryId };
}

function sendSmsToAllParameters(contractId: NodeParameterValueType): INodeParameters {
	return { resource: 'signatory', operation: 'sendSmsToAll', contractId };
}

function signParameters(
	contractId: NodeParameterValueType,
	signatoryId: string,
	code: NodeParameterValueType,
): INodeParameters {
	return { resource: 'signatory', operation: 'sign', contractId, signatoryId, code };
}

const CHLOE = {
	firstName: 'Chloé',
	lastName: 'Petit',
	email: 'chloe@example.com',
	phone: '+33611223344',
};

/** The SMS of the control outbox (over HTTP, as the website's back office would see them). */
async function outboxSms(): Promise<
	Array<{
		platform: string;
		contractId: string;
		signatoryId: string;
		phone: string;
		code: string;
		body: string;
	}>
> {
	const outbox = await kit.control('GET', '/outbox');
	expect(outbox.status).toBe(200);
	return outbox.body.sms;
}

async function contractView(contractId: string): Promise<WireContract> {
	const view = await kit.control('GET', `/contracts/${contractId}`);
	expect(view.status).toBe(200);
	return view.body.contract;
}

describe('Signatory › Send SMS Code', () => {
	test('sandbox: "sent", no SMS leaves the emulator, remainingSms is null', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const [alice] = contract.signatories;
		const result = await kit.run(sendSmsParameters(byId(contract.id), alice.id), [{ json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: { contractId: contract.id, signatoryId: alice.id, sent: true, remainingSms: null },
				pairedItem: { item: 0 },
			},
		]);
		expect(await outboxSms()).toEqual([]);
		const view = await contractView(contract.id);
		expect(view.signatories[0].smsSent).toBe(1);
		expect(view.log.filter((entry) => entry.event === 'sms_sent')).toEqual([
			expect.objectContaining({ detail: expect.stringContaining('the code is 0000') }),
		]);
		expectNoSecret(result);
	});

	test('production: each SMS reaches the outbox with a 6-digit code, remainingSms counts down to 0', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const [alice, bob] = contract.signatories;
		// Five input items, five SMS to Alice: one node run.
		const result = await kit.run(
			sendSmsParameters(byId(contract.id), alice.id),
			Array.from({ length: 5 }, (_, n) => ({ json: { n } })),
			{ platform: 'production' },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => jsonAs<SmsSent>(item).remainingSms)).toEqual([4, 3, 2, 1, 0]);
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		const sms = await outboxSms();
		expect(sms).toHaveLength(5);
		for (const message of sms) {
			expect(message).toMatchObject({
				platform: 'production',
				contractId: contract.id,
				signatoryId: alice.id,
				phone: '+33612345678',
			});
			expect(message.code).toMatch(/^\d{6}$/);
			expect(message.body).toContain(message.code);
		}
		// Bob got nothing.
		expect(sms.some((message) => message.signatoryId === bob.id)).toBe(false);
		expectNoSecret(result);
	});

	test('production: the 6th SMS is refused with SMS_LIMIT_REACHED and a clear message; nothing is sent', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const [alice] = contract.signatories;
		for (let i = 0; i < 5; i++) {
			const sent = await kit.api('production', 'signatorySendSmsRequest', {
				contractId: contract.id,
				signatoryId: alice.id,
			});
			expect(sent.status).toBe(200);
		}
		const result = await kit.run(sendSmsParameters(byId(contract.id), alice.id), [{ json: {} }], {
			platform: 'production',
		});
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'SMS limit reached for this signatory',
			httpCode: '429',
		});
		expect(result.error?.description).toContain('at most 5 SMS codes per signatory and contract');
		expect(await outboxSms()).toHaveLength(5);
		expect(kit.emulator.requestCount({ requestName: 'signatorySendSmsRequest', status: 429 })).toBe(
			1,
		);
		expectNoSecret(result);
	});

	test('a signatory who already signed: INVALID_STATE; an unknown signatory: SIGNATORY_NOT_FOUND', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const [alice] = contract.signatories;
		expect(
			(await kit.control('POST', `/contracts/${contract.id}/signatories/${alice.id}/sign`)).status,
		).toBe(200);

		const signed = await kit.run(sendSmsParameters(byId(contract.id), alice.id), [{ json: {} }]);
		expect(signed.error?.message).toBe(
			"Not possible in the contract's current state: This signatory has already signed",
		);
		expect(signed.error?.httpCode).toBe('409');

		const unknown = await kit.run(sendSmsParameters(byId(contract.id), 'sig_nobody'), [
			{ json: {} },
		]);
		expect(unknown.error?.message).toBe('Signatory not found on this contract');
		expect(unknown.error?.httpCode).toBe('404');
	});
});

describe('Signatory › Send SMS Code to All', () => {
	test('production: sent to whoever can receive one; signed, locked and SMS-limit signatories are skipped with their reason', async () => {
		const dan = {
			...CHLOE,
			firstName: 'Dan',
			lastName: 'Roux',
			email: 'dan@example.com',
			phone: '+33655667788',
		};
		const contract = await createContractViaApi(kit, 'production', {
			signatories: [
				{
					firstName: 'Alice',
					lastName: 'Martin',
					email: 'alice@example.com',
					phone: '+33612345678',
				},
				{ firstName: 'Bob', lastName: 'Durand', email: 'bob@example.com', phone: '+33798765432' },
				CHLOE,
				dan,
			],
		});
		const [alice, bob, chloe, danId] = contract.signatories.map((s) => s.id);
		// Alice signs on the website; Bob gives 5 wrong codes; Dan already got 5 SMS.
		expect(
			(await kit.control('POST', `/contracts/${contract.id}/signatories/${alice}/sign`)).status,
		).toBe(200);
		for (let i = 0; i < 5; i++) {
			const wrong = await kit.api('production', 'signatorySignRequest', {
				contractId: contract.id,
				signatoryId: bob,
				code: '999999',
			});
			expect(wrong.body.error.code).toBe('INVALID_SMS_CODE');
			await kit.api('production', 'signatorySendSmsRequest', {
				contractId: contract.id,
				signatoryId: danId,
			});
		}
		const before = (await outboxSms()).length;

		const result = await kit.run(sendSmsToAllParameters(byId(contract.id)), [{ json: {} }], {
			platform: 'production',
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					contractId: contract.id,
					sent: [chloe],
					skipped: [
						{ signatoryId: alice, reason: 'SIGNED' },
						{ signatoryId: bob, reason: 'LOCKED' },
						{ signatoryId: danId, reason: 'SMS_LIMIT_REACHED' },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
		const sms = (await outboxSms()).slice(before);
		expect(sms.map((message) => [message.signatoryId, message.phone])).toEqual([
			[chloe, '+33611223344'],
		]);
		expect(sms[0].code).toMatch(/^\d{6}$/);
		expectNoSecret(result);
	});

	test('sandbox: everyone "sent", and still no SMS in the outbox', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const result = await kit.run(sendSmsToAllParameters(byId(contract.id)), [{ json: {} }]);
		expect(result.items[0].json).toEqual({
			contractId: contract.id,
			sent: contract.signatories.map((s) => s.id),
			skipped: [],
		});
		expect(await outboxSms()).toEqual([]);
	});

	test('a contract that is not out for signature (draft): INVALID_STATE', async () => {
		const draft = await createContractViaApi(kit, 'sandbox', { submit: false });
		const result = await kit.run(sendSmsToAllParameters(byId(draft.id)), [{ json: {} }]);
		expect(result.error?.message).toBe(
			"Not possible in the contract's current state: The contract is draft; this needs a pending contract",
		);
	});
});

describe('Signatory › Sign', () => {
	test('sandbox: code 0000 signs; the last signatory completes the contract', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const [alice, bob] = contract.signatories;
		const result = await kit.run(
			signParameters(byId(contract.id), '={{ $json.signatoryId }}', '0000'),
			[{ json: { signatoryId: alice.id } }, { json: { signatoryId: bob.id } }],
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					contractId: contract.id,
					signatory: { id: alice.id, status: 'signed', signedAt: expect.any(String) },
					contract: { id: contract.id, status: 'pending' },
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					contractId: contract.id,
					signatory: { id: bob.id, status: 'signed', signedAt: expect.any(String) },
					contract: { id: contract.id, status: 'signed' },
				},
				pairedItem: { item: 1 },
			},
		]);
		const view = await contractView(contract.id);
		expect(view.status).toBe('signed');
		expect(view.mainDocument.data.sign).toMatchObject({ name: 'lease-signed.pdf' });
		expectNoSecret(result);
	});

	test('sandbox: the code may be typed with spaces; as a number, 0000 became 0 and is refused before any request', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const [alice, bob] = contract.signatories;
		const spaced = await kit.run(signParameters(byId(contract.id), alice.id, ' 00 00 '), [
			{ json: {} },
		]);
		expect(jsonAs<Signed>(spaced.items[0]).signatory.status).toBe('signed');

		kit.emulator.resetRequestLog();
		const numeric = await kit.run(signParameters(byId(contract.id), bob.id, '={{ $json.code }}'), [
			{ json: { code: 0 } },
		]);
		expect(numeric.error?.message).toBe('Item 0: "SMS Code" must be 4 to 8 digits');
		expect(kit.emulator.requests).toEqual([]);
	});

	test('production: the code from the SMS (read in the control outbox) signs', async () => {
		const contract = await createContractViaApi(kit, 'production', {
			signatories: [{ ...CHLOE }],
		});
		const [chloe] = contract.signatories;
		const sent = await kit.run(sendSmsParameters(byId(contract.id), chloe.id), [{ json: {} }], {
			platform: 'production',
		});
		expect(jsonAs<SmsSent>(sent.items[0]).remainingSms).toBe(4);
		const code = await kit.lastSmsCode(contract.id, chloe.id);
		expect(code).toMatch(/^\d{6}$/);

		const result = await kit.run(
			signParameters(byId(contract.id), chloe.id, code),
			[{ json: {} }],
			{
				platform: 'production',
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			signatory: { id: chloe.id, status: 'signed' },
			contract: { id: contract.id, status: 'signed' },
		});
		// The code is never echoed in the output or kept in the run (it is a one-time secret).
		expect(JSON.stringify(result.items)).not.toContain(code);
		expectNoSecret(result);
	});

	test('production: a wrong code is INVALID_SMS_CODE with the attempts left; after 5, SIGNATORY_LOCKED even with the right code', async () => {
		const contract = await createContractViaApi(kit, 'production', { signatories: [{ ...CHLOE }] });
		const [chloe] = contract.signatories;
		await kit.api('production', 'signatorySendSmsRequest', {
			contractId: contract.id,
			signatoryId: chloe.id,
		});
		const code = await kit.lastSmsCode(contract.id, chloe.id);
		const wrong = code === '111111' ? '222222' : '111111';

		const first = await kit.run(
			signParameters(byId(contract.id), chloe.id, wrong),
			[{ json: {} }],
			{
				platform: 'production',
			},
		);
		expect(first.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Wrong SMS code',
			description: '4 attempt(s) left before the signatory is locked.',
			httpCode: '422',
		});

		// Four more wrong codes, then the right one: one run, continueOnFail, one item each.
		const result = await kit.run(
			signParameters(byId(contract.id), chloe.id, '={{ $json.code }}'),
			[wrong, wrong, wrong, wrong, code].map((typed) => ({ json: { code: typed } })),
			{ platform: 'production', continueOnFail: true },
		);
		// errorCode and remainingAttempts: what a Switch and a page of the workflow read.
		const wrongCode = (remainingAttempts: number, description: unknown) => ({
			error: 'Wrong SMS code',
			description,
			errorCode: 'INVALID_SMS_CODE',
			remainingAttempts,
		});
		expect(result.items.map((item) => item.json)).toEqual([
			wrongCode(3, '3 attempt(s) left before the signatory is locked.'),
			wrongCode(2, '2 attempt(s) left before the signatory is locked.'),
			wrongCode(1, '1 attempt(s) left before the signatory is locked.'),
			wrongCode(0, expect.stringMatching(/^No attempt left: the signatory is now locked/)),
			{
				error: 'This signatory is locked after 5 wrong SMS codes',
				description: expect.stringContaining('at most 5 failed signature attempts'),
				errorCode: 'SIGNATORY_LOCKED',
			},
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		const view = await contractView(contract.id);
		expect(view.signatories[0]).toMatchObject({ status: 'locked', failedAttempts: 5 });
		expect(JSON.stringify(result.items)).not.toContain(code);
		expectNoSecret(result);
	});

	test('sandbox: a wrong code says the sandbox code is 0000', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const result = await kit.run(
			signParameters(byId(contract.id), contract.signatories[0].id, '1234'),
			[{ json: {} }],
		);
		expect(result.error?.message).toBe('Wrong SMS code');
		expect(result.error?.description).toContain('0000');
	});

	test('an unpaid deposit: DEPOSIT_PAYMENT_REQUIRED with the payment link; paid with the test card, signing works', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', {
			signatories: [{ ...CHLOE, deposit: 250 }],
			bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls' },
		});
		const [chloe] = contract.signatories;
		const parameters = signParameters(byId(contract.id), chloe.id, '0000');

		const unpaid = await kit.run(parameters, [{ json: {} }]);
		expect(unpaid.error).toMatchObject({
			message: 'The signatory must pay the deposit on contrat-prive.com before signing',
			httpCode: '422',
		});
		const paymentUrl = `${kit.emulator.url}/sandbox/sign/${contract.id}/${chloe.id}`;
		expect(unpaid.error?.description).toContain(paymentUrl);
		expect(unpaid.error?.description).toContain('Deposits cannot be paid through the API');
		// The link is the signatory's page on the website.
		const page = await fetch(paymentUrl);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('250.00 EUR');

		const paid = await kit.control(
			'POST',
			`/contracts/${contract.id}/signatories/${chloe.id}/pay`,
			{
				card: SANDBOX_TEST_CARD,
				expiry: '12/39',
				cvc: '123',
			},
		);
		expect(paid.status).toBe(200);

		const signed = await kit.run(parameters, [{ json: {} }]);
		expect(signed.error).toBeUndefined();
		expect(signed.items[0].json).toMatchObject({
			signatory: { id: chloe.id, status: 'signed' },
			contract: { status: 'signed' },
		});
		expectNoSecret(unpaid);
	});

	test('a draft: INVALID_STATE', async () => {
		const draft = await createContractViaApi(kit, 'sandbox', { submit: false });
		const result = await kit.run(signParameters(byId(draft.id), draft.signatories[0].id, '0000'), [
			{ json: {} },
		]);
		expect(result.error).toMatchObject({
			message:
				"Not possible in the contract's current state: The contract is draft; this needs a pending contract",
			httpCode: '409',
		});
	});

	test('a contract whose deadline passed (emulator clock advanced): expired, INVALID_STATE', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', { deadline: parisDate(0) });
		kit.emulator.clock.advance('P2D');
		const result = await kit.run(
			signParameters(byId(contract.id), contract.signatories[0].id, '0000'),
			[{ json: {} }],
		);
		expect(result.error).toMatchObject({
			message:
				"Not possible in the contract's current state: The contract is expired; this needs a pending contract",
			httpCode: '409',
		});
		expect((await contractView(contract.id)).status).toBe('expired');
	});

	test.each([
		['letters', '12a4', 'must be 4 to 8 digits'],
		['too short', '123', 'must be 4 to 8 digits'],
		['too long', '123456789', 'must be 4 to 8 digits'],
		['an expression giving an empty text', '={{ "" }}', 'is empty'],
		['an expression giving nothing', '={{ $json.missing }}', 'is empty'],
	])('a bad code (%s) fails before any request', async (_case, code, problem) => {
		const contract = await createContractViaApi(kit, 'sandbox');
		kit.emulator.resetRequestLog();
		const result = await kit.run(
			signParameters(byId(contract.id), contract.signatories[0].id, code),
			[{ json: {} }],
		);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(`Item 0: "SMS Code" ${problem}`);
		expect(result.error?.description).toBeTruthy();
		expect(kit.emulator.requests).toEqual([]);
	});

	test('an empty code typed in the field: n8n does not run the workflow (the field is required)', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		kit.emulator.resetRequestLog();
		await expect(
			kit.run(signParameters(byId(contract.id), contract.signatories[0].id, ''), [{ json: {} }]),
		).rejects.toThrow('The workflow has issues and cannot be executed');
		expect(kit.emulator.requests).toEqual([]);
	});

	test('a bad code in a later item stops the node before the first item is sent', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		kit.emulator.resetRequestLog();
		const result = await kit.run(
			signParameters(byId(contract.id), '={{ $json.sid }}', '={{ $json.code }}'),
			[
				{ json: { sid: contract.signatories[0].id, code: '0000' } },
				{ json: { sid: contract.signatories[1].id, code: '00O0' } },
			],
		);
		expect(result.error?.message).toBe('Item 1: "SMS Code" must be 4 to 8 digits');
		expect(kit.emulator.requests).toEqual([]);
		expect((await contractView(contract.id)).signatories.map((s) => s.status)).toEqual([
			'pending',
			'pending',
		]);
	});

	test('continueOnFail: error items keep their pairing, good items are signed', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const [alice, bob] = contract.signatories;
		kit.emulator.resetRequestLog();
		const result = await kit.run(
			signParameters(byId(contract.id), '={{ $json.sid }}', '={{ $json.code }}'),
			[
				{ json: { sid: alice.id, code: '0000' } },
				{ json: { sid: bob.id, code: '1111' } },
				{ json: { sid: bob.id, code: '12a4' } },
				{ json: { sid: 'sig_unknown', code: '0000' } },
			],
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({
					signatory: expect.objectContaining({ id: alice.id, status: 'signed' }),
				}),
				pairedItem: { item: 0 },
			},
			{
				// remainingAttempts is null on the sandbox, which never locks.
				json: {
					error: 'Wrong SMS code',
					description: expect.any(String),
					errorCode: 'INVALID_SMS_CODE',
					remainingAttempts: null,
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					error: 'Item 2: "SMS Code" must be 4 to 8 digits',
					description: expect.any(String),
				},
				pairedItem: { item: 2 },
			},
			{
				json: {
					error: 'Signatory not found on this contract',
					description: expect.any(String),
					errorCode: 'SIGNATORY_NOT_FOUND',
				},
				pairedItem: { item: 3 },
			},
		]);
		// The item with a bad code was never sent.
		expect(kit.emulator.requestCount({ requestName: 'signatorySignRequest' })).toBe(3);
		expectNoSecret(result);
	});

	test('contract and signatory IDs by expression from a previous node', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const bob = contract.signatories[1];
		const run = await runWorkflow(
			[
				{
					name: 'Find Contract',
					type: 'contratPrive',
					parameters: { resource: 'contract', operation: 'get', contractId: byId(contract.id) },
				},
				{
					name: 'Sign for Bob',
					type: 'contratPrive',
					parameters: signParameters(
						byId('={{ $json.id }}'),
						'={{ $json.signatories.find((s) => s.lastName === "Durand").id }}',
						'={{ $("Input").item.json.typedCode }}',
					),
				},
			],
			[
				['Input', 'Find Contract'],
				['Find Contract', 'Sign for Bob'],
			],
			{ items: [{ json: { typedCode: '0000' } }], credentials: kit.credentials('sandbox') },
		);
		expect(run.status).toBe('success');
		expect(run.output('Sign for Bob')).toEqual([
			{
				json: {
					contractId: contract.id,
					signatory: { id: bob.id, status: 'signed', signedAt: expect.any(String) },
					contract: { id: contract.id, status: 'pending' },
				},
				pairedItem: { item: 0 },
			},
		]);
		expectNoSecret(run);
	});
});
