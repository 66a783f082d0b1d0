/** The parameters of Contract › Create, as the editor shows them. */
import type { INodeProperties } from 'n8n-workflow';

import { DOCUMENT_LIMIT_TEXT } from '../../../transport';
import { CREATE_TIMEOUT_MS } from '../../../delivery/retry';
import { MAX_SIGNATORIES } from '../../helpers/signatories';
import { EXAMPLE_IBAN } from '../../helpers/validation';
import { batchingOption, optionsCollection } from '../common.descriptions';

export const MAX_ANNEXES = 10;

export const properties: INodeProperties[] = [
	{
		displayName: 'Label',
		name: 'label',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Lease agreement - 12 rue de la Paix',
		description: 'Title of the contract, shown to the signatories (at most 255 characters)',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		options: [
			{ name: 'English', value: 'en' },
			{ name: 'French', value: 'fr' },
		],
		default: 'fr',
		description: 'Language of the e-mails and signing pages',
	},
	{
		displayName: 'Deadline',
		name: 'deadline',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			'Last day to sign, today or later. Only the date counts, in Paris time: signing is possible until the end of that day, then the contract expires.',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the PDF to sign',
		description: `The PDF to sign (at most ${DOCUMENT_LIMIT_TEXT}), from the input item`,
	},
	{
		displayName: 'Signatories Input',
		name: 'signatoriesInput',
		type: 'options',
		options: [
			{
				name: 'Define Below',
				value: 'fields',
				description: 'Enter each signatory in the fields below',
			},
			{
				name: 'Using JSON',
				value: 'json',
				description: 'Give a list of signatories, e.g. mapped from the rows of a previous node',
			},
		],
		default: 'fields',
		description: 'How to give the signatories (1 to 20)',
	},
	{
		displayName: 'Signatories',
		name: 'signatories',
		type: 'fixedCollection',
		typeOptions: {
			multipleValues: true,
			sortable: true,
			minRequiredFields: 1,
			maxAllowedFields: MAX_SIGNATORIES,
		},
		placeholder: 'Add Signatory',
		default: {},
		displayOptions: { show: { signatoriesInput: ['fields'] } },
		description: 'The people who sign, 1 to 20',
		options: [
			{
				displayName: 'Signatory',
				name: 'signatory',
				values: [
					{
						displayName: 'Deposit (EUR)',
						name: 'deposit',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 0,
						description:
							'Amount the signatory pays on contrat-prive.com before signing, 0 for none. Needs a bank account.',
					},
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. camille.martin@example.com',
						description: 'Where Contrat-Privé sends the signing link',
					},
					{
						displayName: 'First Name',
						name: 'firstName',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. Camille',
					},
					{
						displayName: 'Last Name',
						name: 'lastName',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. Martin',
					},
					{
						displayName: 'Mobile Phone',
						name: 'phone',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. 06 12 34 56 78',
						description:
							'Receives the SMS code. French mobile (06, 07; +33 or 0033 accepted) or any number in international format.',
					},
				],
			},
		],
	},
	{
		displayName: 'Signatories (JSON)',
		name: 'signatoriesJson',
		type: 'json',
		default:
			'[\n  {\n    "firstName": "",\n    "lastName": "",\n    "email": "",\n    "phone": "",\n    "deposit": 0\n  }\n]',
		required: true,
		displayOptions: { show: { signatoriesInput: ['json'] } },
		hint: "A list of objects with firstName, lastName, email, phone and optionally deposit (EUR), e.g. {{ $json.signatories }} or {{ $('CRM').all().map(row => row.json) }}",
		description:
			'The signatories as a JSON list of objects. Other keys of each object are ignored.',
	},
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		options: [
			{
				name: 'Send for Signature',
				value: 'send',
				description: 'Send the contract to the signatories now',
				action: 'Send the contract for signature',
			},
			{
				name: 'Save as Draft',
				value: 'draft',
				description:
					'Keep the contract as a draft: you validate it on contrat-prive.com before it goes out',
				action: 'Save the contract as a draft',
			},
		],
		default: 'send',
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'e.g. Hello, please find your lease agreement to sign.',
		description: 'Message added to the e-mail the signatories receive',
		displayOptions: { show: { action: ['send'] } },
	},
	{
		displayName: 'Notify Signatories',
		name: 'notifySignatories',
		type: 'boolean',
		default: true,
		description: 'Whether Contrat-Privé e-mails the signing link to the signatories',
	},
	{
		displayName: 'Notify Owner',
		name: 'notifyOwner',
		type: 'boolean',
		default: true,
		description: 'Whether Contrat-Privé e-mails you (the owner account) about the contract',
	},
	{
		displayName: 'Bank Account',
		name: 'bankAccount',
		type: 'collection',
		placeholder: 'Add Bank Account Field',
		default: {},
		description: 'Account that receives the deposits. Required when a signatory pays a deposit.',
		options: [
			{
				displayName: 'IBAN',
				name: 'iban',
				type: 'string',
				default: '',
				placeholder: `e.g. ${EXAMPLE_IBAN}`,
				description: `International bank account number, e.g. ${EXAMPLE_IBAN}. Spaces are ignored.`,
			},
			{
				displayName: 'BIC',
				name: 'bic',
				type: 'string',
				default: '',
				placeholder: 'e.g. BNPAFRPPXXX',
				description: 'Bank identifier code, 8 or 11 characters',
			},
			{
				displayName: 'Account Holder',
				name: 'holder',
				type: 'string',
				default: '',
				placeholder: 'e.g. SCI Les Tilleuls',
				description: 'Name of the account holder',
			},
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Annexes',
				name: 'annexes',
				type: 'string',
				default: '',
				placeholder: 'e.g. annex1, annex2',
				description: `Names of input binary fields holding PDF annexes (at most ${MAX_ANNEXES}, ${DOCUMENT_LIMIT_TEXT} each), separated by commas`,
			},
			{
				displayName: 'Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. DEAL-2024-0042',
				description:
					'Your own reference for the contract, e.g. a CRM deal ID; with it, the node never creates the contract twice',
			},
		],
	},
	optionsCollection(
		[
			batchingOption,
			{
				displayName: 'Skip If Reference Exists',
				name: 'skipIfReferenceExists',
				type: 'boolean',
				default: true,
				description:
					'Whether to output the contract that already has this Reference, marked "alreadyExisted": true, instead of creating a second one',
			},
		],
		CREATE_TIMEOUT_MS,
	),
];
