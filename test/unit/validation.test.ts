/**
 * Fast unit tests of the pure input helpers (no emulator, no n8n engine): e-mail, mobile phone
 * normalisation, IBAN and BIC, and the labels validation errors take from the descriptions.
 */
import type { INodeProperties } from 'n8n-workflow';

import { displayNamesOf, fieldLabel } from '../../nodes/ContratPrive/v1/helpers/fields';
import {
	EXAMPLE_IBAN,
	ibanIsValid,
	isEmail,
	normaliseMobilePhone,
} from '../../nodes/ContratPrive/v1/helpers/validation';

describe('isEmail', () => {
	test.each(['anna.martin@example.com', 'a+tag@sub.example.fr', "o'neil@example.co.uk"])(
		'accepts %s',
		(email) => expect(isEmail(email)).toBe(true),
	);
	test.each([
		'anna',
		'anna@',
		'@example.com',
		'anna@example',
		'anna..martin@example.com',
		'.anna@example.com',
		'anna.@example.com',
		'anna martin@example.com',
		`${'a'.repeat(65)}@example.com`,
		`anna@${'a'.repeat(250)}.com`,
	])('refuses %s', (email) => expect(isEmail(email)).toBe(false));
});

describe('normaliseMobilePhone', () => {
	test.each([
		['06 12 34 56 78', '+33612345678'],
		['07.12.34.56.78', '+33712345678'],
		['+33 6 12 34 56 78', '+33612345678'],
		['0033 6 12 34 56 78', '+33612345678'],
		['+33 (0)6 12 34 56 78', '+33612345678'],
		['+32 470 12 34 56', '+32470123456'],
		['0044 7911 123456', '+447911123456'],
	])('%s becomes %s', (input, expected) => expect(normaliseMobilePhone(input)).toBe(expected));

	test.each([
		['a French landline', '01 23 45 67 89'],
		['a French number too short', '06 12 34 56'],
		['a foreign number without its prefix', '470 12 34 56'],
		['letters', '06 12 AB 56 78'],
		['empty', ''],
	])('refuses %s', (_case, input) => expect(normaliseMobilePhone(input)).toBeUndefined());
});

describe('ibanIsValid', () => {
	test.each([EXAMPLE_IBAN, 'GB82WEST12345698765432', 'DE89370400440532013000'])(
		'accepts %s',
		(iban) => expect(ibanIsValid(iban)).toBe(true),
	);
	test.each([
		['a wrong check digit', 'FR7630006000011234567890188'],
		['two digits swapped', 'FR7630006000011234567890198'],
		['lower case (callers upper-case first)', EXAMPLE_IBAN.toLowerCase()],
		['spaces (callers remove them first)', 'FR76 3000 6000 0112 3456 7890 189'],
		['too short', 'FR76300060'],
	])('refuses %s', (_case, iban) => expect(ibanIsValid(iban)).toBe(false));
});

describe('fieldLabel: validation errors name fields as the editor shows them', () => {
	const properties: INodeProperties[] = [
		{ displayName: 'Label', name: 'label', type: 'string', default: '' },
		{
			displayName: 'Bank Account',
			name: 'bankAccount',
			type: 'collection',
			default: {},
			options: [{ displayName: 'IBAN', name: 'iban', type: 'string', default: '' }],
		},
		{
			displayName: 'Signatories',
			name: 'signatories',
			type: 'fixedCollection',
			default: {},
			options: [
				{
					displayName: 'Signatory',
					name: 'signatory',
					values: [{ displayName: 'Mobile Phone', name: 'phone', type: 'string', default: '' }],
				},
			],
		},
	];

	test('top level, collection option, fixed collection values', () => {
		expect(fieldLabel(properties, 'label')).toBe('Label');
		expect(fieldLabel(properties, 'bankAccount', 'iban')).toBe('Bank Account › IBAN');
		expect(displayNamesOf(properties, ['signatories', 'signatory', 'phone'])).toEqual([
			'Signatories',
			'Signatory',
			'Mobile Phone',
		]);
	});

	test('a name that is not in the descriptions is a programming error, found at load time', () => {
		expect(() => fieldLabel(properties, 'bankAccount', 'bic')).toThrow('No parameter "bic"');
	});
});
