/**
 * The words of the portal's pages (recipe 4): the Code nodes of the examples, run on the items
 * the Contrat-Privé node gives (its `errorCode` and details with "On Error: Continue"). The e2e
 * shows the pages in Chromium; here every refusal is checked, also those the e2e cannot reach
 * without spending the emulator's shared daily quota.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { EXAMPLES_DIR } from '../examples';

/** An item's `json`, as the Code nodes read and write it. */
type Item = IDataObject;
type Lookup = Record<string, Item>;

/** A Code node's JavaScript, with `$json` and `$('Node').first().json` given. */
function codeNode(file: string, name: string): (json: Item, nodes?: Lookup) => Item {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
	const node = workflow.nodes.find((n: { name: string }) => n.name === name);
	if (!node) throw new Error(`${file} has no node ${name}`);
	const run = new Function('$json', '$', node.parameters.jsCode as string);
	return (json, nodes = {}) => {
		const $ = (nodeName: string) => ({
			first: () => {
				if (!(nodeName in nodes)) throw new Error(`${name} reads ${nodeName}`);
				return { json: nodes[nodeName] };
			},
		});
		const out = run(json, $) as Array<{ json: Item }>;
		expect(out).toHaveLength(1);
		return out[0].json;
	};
}

const contractWords = codeNode('portal-sign.json', 'Contract Page Words');
const codeWords = codeNode('portal-sign.json', 'Code Page Words');
const signWords = codeNode('portal-sign.json', 'Sign Result Words');

const LINK = { 'Check Link': { payload: { c: 'ctr_1', s: 'sig_1', o: 'Agence <Horizon>' } } };
const OPENED = { ...LINK, 'Open Link': { t: 'aaa.bbb.ccc' } };
const contract = (changes: Item = {}, signatory: Item = {}) => ({
	id: 'ctr_1',
	label: 'Bail <b>Lyon</b>',
	status: 'pending',
	deadline: '2026-12-16',
	signatories: [
		{
			id: 'sig_1',
			firstName: 'Alice',
			lastName: 'Martin',
			phone: '+33612345678',
			status: 'pending',
			...signatory,
		},
	],
	...changes,
});

describe('portal pages: the contract', () => {
	test('label, owner, signatory, deadline, masked phone; text is escaped', () => {
		const page = contractWords(contract(), OPENED);
		expect(page.page).toBe('contract');
		expect(page.maskedPhone).toBe('+33 6 •• •• •• 78');
		expect(page.description).toContain('Bail &lt;b&gt;Lyon&lt;/b&gt;');
		expect(page.description).toContain('Agence &lt;Horizon&gt;');
		expect(page.description).toContain('Alice Martin');
		expect(page.description).toContain('16 December 2026');
		expect(page.description).toContain('?t=aaa.bbb.ccc');
	});

	test.each([
		[{ status: 'cancelled' }, {}, 'This contract was cancelled'],
		[{ status: 'expired' }, {}, 'This contract has expired'],
		[{ status: 'signed' }, {}, 'Already signed'],
		[{ status: 'draft' }, {}, 'This contract is not ready yet'],
		[{}, { status: 'signed' }, 'Already signed'],
		[{}, { status: 'locked' }, 'Signing is locked'],
		[{}, { id: 'sig_other' }, 'This link is not valid'],
	])('%j %j: %s', (changes, signatory, title) => {
		expect(contractWords(contract(changes, signatory), OPENED)).toMatchObject({
			page: 'refused',
			title,
		});
	});

	test.each([
		['DAILY_QUOTA_EXCEEDED', 'Signing is paused for today'],
		['CONTRACT_NOT_FOUND', 'This link is not valid'],
		['TIMEOUT', 'Signing is not available right now'],
	])('the Get fails with %s: %s', (errorCode, title) => {
		expect(contractWords({ error: 'x', errorCode }, OPENED)).toMatchObject({ title });
	});
});

describe('portal pages: the code', () => {
	const nodes = { 'Contract Page Words': { maskedPhone: '+33 6 •• •• •• 78' } };

	test('sent: where to', () => {
		const page = codeWords({ sent: true, remainingSms: 4 }, nodes);
		expect(page).toMatchObject({ page: 'code', title: 'Type your code' });
		expect(page.description).toContain('+33 6 •• •• •• 78');
	});

	test('5 SMS already sent: the last code', () => {
		const page = codeWords({ error: 'x', errorCode: 'SMS_LIMIT_REACHED' }, nodes);
		expect(page).toMatchObject({ page: 'code', title: 'Type your last code' });
	});

	test.each([
		[{ errorCode: 'SIGNATORY_LOCKED' }, 'Signing is locked'],
		[{ errorCode: 'INVALID_STATE', status: 'signed' }, 'Already signed'],
		[{ errorCode: 'INVALID_STATE', status: 'expired' }, 'This contract has expired'],
		[{ errorCode: 'DAILY_QUOTA_EXCEEDED' }, 'Signing is paused for today'],
	])('%j: %s', (fields, title) => {
		expect(codeWords({ error: 'x', ...fields }, nodes)).toMatchObject({ page: 'refused', title });
	});
});

describe('portal pages: the signature', () => {
	test('signed: the download link carries the same token', () => {
		expect(
			signWords({ contractId: 'ctr_1', signatory: { status: 'signed' } }, OPENED),
		).toMatchObject({
			page: 'signed',
			downloadUrl: expect.stringMatching(/\/portal\/document\?t=aaa\.bbb\.ccc&copy=signed$/),
		});
	});

	test.each([
		[3, 'You have 3 attempts left.'],
		[1, 'You have 1 attempt left.'],
		[null, 'Check the SMS and type the code again.'],
	])('wrong code, %j left: asks again', (remainingAttempts, words) => {
		const page = signWords({ error: 'x', errorCode: 'INVALID_SMS_CODE', remainingAttempts });
		expect(page).toMatchObject({ page: 'retry', title: 'This code is not right' });
		expect(page.description).toContain(words);
	});

	test('the fifth wrong code: locked', () => {
		expect(
			signWords({ error: 'x', errorCode: 'INVALID_SMS_CODE', remainingAttempts: 0 }),
		).toMatchObject({ page: 'refused', title: 'Signing is locked' });
	});

	test('a code that is not 4 to 8 digits (refused by the node, no request): asks again', () => {
		expect(
			signWords({ error: 'Item 0: "SMS Code" must be 4 to 8 digits', description: 'x' }),
		).toMatchObject({ page: 'retry' });
	});

	test('an unpaid deposit: the amount and the payment link', () => {
		const page = signWords({
			error: 'x',
			errorCode: 'DEPOSIT_PAYMENT_REQUIRED',
			paymentUrl: 'https://www.contrat-prive.com/pay?a=1&b=2',
			deposit: 150,
		});
		expect(page).toMatchObject({ page: 'deposit', title: 'Pay your deposit first' });
		expect(page.description).toContain('150.00 €');
		expect(page.description).toContain('href="https://www.contrat-prive.com/pay?a=1&amp;b=2"');
	});

	test.each([
		[{ errorCode: 'SIGNATORY_LOCKED' }, 'Signing is locked'],
		[{ errorCode: 'INVALID_STATE', status: 'cancelled' }, 'This contract was cancelled'],
		[{ errorCode: 'DAILY_QUOTA_EXCEEDED' }, 'Signing is paused for today'],
		[{ errorCode: 'INTERNAL_ERROR' }, 'Signing is not available right now'],
	])('%j: %s', (fields, title) => {
		expect(signWords({ error: 'x', ...fields })).toMatchObject({ page: 'refused', title });
	});
});

describe('portal pages: self-service', () => {
	const created = codeNode('portal-self-service.json', 'Contract Page Words');

	test('created: on to the code', () => {
		expect(created(contract())).toMatchObject({
			page: 'contract',
			contractId: 'ctr_1',
			signatoryId: 'sig_1',
			maskedPhone: '+33 6 •• •• •• 78',
		});
	});

	test('a detail refused by the node: which one, in words', () => {
		const page = created({ error: 'Item 0: "phone" is not a mobile phone number: "01 23"' });
		expect(page).toMatchObject({ page: 'refused', title: 'Please check your details' });
		expect(page.message).toContain('Your mobile phone number is not one we can send a code to');
	});
});
