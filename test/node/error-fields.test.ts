/**
 * "On Error: Continue": the item of a failed request carries `errorCode` and the API's details
 * (attempts left, payment link, deposit, quota reset, status) beside `{ error, description }`,
 * so that a workflow can route on the code and a page can show the details in words (the
 * signing portal of recipe 4 does both).
 */
import type { INodeParameters } from 'n8n-workflow';

import { byId, createContractViaApi, expectNoSecret, useNodeKit } from './contract.helpers';
import { VALID_IBAN } from '../fixtures/ibans';

const kit = useNodeKit();

const sign = (contractId: string, signatoryId: string, code: string): INodeParameters => ({
	resource: 'signatory',
	operation: 'sign',
	contractId: byId(contractId),
	signatoryId,
	code,
});
const sendSms = (contractId: string, signatoryId: string): INodeParameters => ({
	resource: 'signatory',
	operation: 'sendSms',
	contractId: byId(contractId),
	signatoryId,
});

const DENISE = {
	firstName: 'Denise',
	lastName: 'Roux',
	email: 'denise@example.com',
	phone: '+33711223344',
};

describe('error fields on "continue" items', () => {
	test('an unpaid deposit: errorCode, paymentUrl and deposit', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', {
			signatories: [{ ...DENISE, deposit: 150 }],
			bankAccount: { iban: VALID_IBAN, holder: 'SCI Les Tilleuls' },
		});
		const [denise] = contract.signatories;
		const result = await kit.run(sign(contract.id, denise.id, '0000'), [{ json: {} }], {
			continueOnFail: true,
		});
		expect(result.items.map((item) => item.json)).toEqual([
			{
				error: 'The signatory must pay the deposit on contrat-prive.com before signing',
				description: expect.stringContaining('Deposits cannot be paid through the API'),
				errorCode: 'DEPOSIT_PAYMENT_REQUIRED',
				paymentUrl: `${kit.emulator.url}/sandbox/sign/${contract.id}/${denise.id}`,
				deposit: 150,
			},
		]);
		expectNoSecret(result);
	});

	test('the sixth SMS in production: SMS_LIMIT_REACHED', async () => {
		const contract = await createContractViaApi(kit, 'production', {
			signatories: [{ ...DENISE, deposit: 0 }],
		});
		const [denise] = contract.signatories;
		const result = await kit.run(
			sendSms(contract.id, denise.id),
			Array.from({ length: 6 }, () => ({ json: {} })),
			{ platform: 'production', continueOnFail: true },
		);
		expect(result.items.map((item) => item.json.remainingSms ?? item.json.errorCode)).toEqual([
			4,
			3,
			2,
			1,
			0,
			'SMS_LIMIT_REACHED',
		]);
		expect(result.items[5].json.error).toBe('SMS limit reached for this signatory');
	});

	test('a signed signatory: INVALID_STATE with the status', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', {
			signatories: [{ ...DENISE, deposit: 0 }],
		});
		await kit.signAll(contract.id);
		const result = await kit.run(sendSms(contract.id, contract.signatories[0].id), [{ json: {} }], {
			continueOnFail: true,
		});
		expect(result.items[0].json).toMatchObject({ errorCode: 'INVALID_STATE', status: 'signed' });
	});

	test('the daily quota: DAILY_QUOTA_EXCEEDED with resetAt', async () => {
		const burn = [];
		for (let i = 0; i < 1000; i++) burn.push(kit.api('production', 'checkConnexionRequest', {}));
		await Promise.all(burn);
		const result = await kit.run({ resource: 'connection', operation: 'check' }, [{ json: {} }], {
			platform: 'production',
			continueOnFail: true,
		});
		expect(result.items[0].json).toEqual({
			error: 'Daily quota of 1,000 production requests reached',
			description: expect.any(String),
			errorCode: 'DAILY_QUOTA_EXCEEDED',
			resetAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
	});

	test('bad input has no errorCode: it never reached the API', async () => {
		const result = await kit.run(sign('ctr_x', 'sig_x', '12'), [{ json: {} }], {
			continueOnFail: true,
		});
		expect(result.items[0].json).toEqual({
			error: 'Item 0: "SMS Code" must be 4 to 8 digits',
			description: expect.any(String),
		});
	});
});
