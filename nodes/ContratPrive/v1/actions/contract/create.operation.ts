import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PdfBinary } from '../../helpers/binary';
import { checkPdfBinary, readPdfBinary, splitPropertyNames } from '../../helpers/binary';
import {
	checkFor,
	EXAMPLE_IBAN,
	readBoolean,
	readChoice,
	readDeadline,
	readText,
} from '../../helpers/validation';
import type { NewContract } from '../../../transport';
import {
	CREATE_TIMEOUT_MS,
	createContractAtMostOnce,
	withoutDocumentContents,
} from '../../../transport';
import { displayNamesOf, fieldLabel, getOptions } from '../../helpers/parameters';
import { readBankAccount } from '../../helpers/bankAccount';
import type { SignatoryLabels } from '../../helpers/signatories';
import {
	MAX_SIGNATORIES,
	readFieldSignatories,
	readJsonSignatories,
} from '../../helpers/signatories';
import { optionsCollection } from '../common.descriptions';
import type { ItemRequest } from '../operation';

const MAX_ANNEXES = 10;

const properties: INodeProperties[] = [
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
		description: 'The PDF to sign (at most 20 MB), from the input item',
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
				description:
					'Names of input binary fields holding PDF annexes (at most 10, 20 MB each), separated by commas',
			},
			{
				displayName: 'Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. DEAL-2024-0042',
				description:
					'Your own reference for the contract, e.g. a CRM deal ID. With a reference, the node never creates the same contract twice: see Options › Skip If Reference Exists.',
			},
		],
	},
	optionsCollection(
		[
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

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['create'] } },
	properties,
);

/** What `prepare` checked: a NewContract whose documents are still binary property names. */
export interface Input extends Omit<NewContract, 'document' | 'annexes'> {
	document: PdfBinary;
	annexes: PdfBinary[];
	skipIfReferenceExists: boolean;
}

/** Field labels in validation errors, from the display names above. */
const label = (...path: string[]) => fieldLabel(properties, ...path);
const FIELDS = {
	label: label('label'),
	language: label('language'),
	deadline: label('deadline'),
	binary: label('binaryPropertyName'),
	annexes: label('additionalFields', 'annexes'),
	reference: label('additionalFields', 'reference'),
	signatoriesInput: label('signatoriesInput'),
	signatoriesJson: label('signatoriesJson'),
	iban: label('bankAccount', 'iban'),
	bic: label('bankAccount', 'bic'),
	holder: label('bankAccount', 'holder'),
	action: label('action'),
	message: label('message'),
	notifySignatories: label('notifySignatories'),
	notifyOwner: label('notifyOwner'),
	skipIfReferenceExists: label('options', 'skipIfReferenceExists'),
};
const [SIGNATORIES, SIGNATORY] = displayNamesOf(properties, ['signatories', 'signatory']);
const SIGNATORY_LABELS: SignatoryLabels = {
	list: SIGNATORIES,
	entry: SIGNATORY,
	fields: {
		firstName: displayNamesOf(properties, ['signatories', 'signatory', 'firstName'])[2],
		lastName: displayNamesOf(properties, ['signatories', 'signatory', 'lastName'])[2],
		email: displayNamesOf(properties, ['signatories', 'signatory', 'email'])[2],
		phone: displayNamesOf(properties, ['signatories', 'signatory', 'phone'])[2],
		deposit: displayNamesOf(properties, ['signatories', 'signatory', 'deposit'])[2],
	},
};

/** Creating a contract uploads whole documents: a longer default timeout. */
export const defaultTimeout = CREATE_TIMEOUT_MS;

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const check = checkFor(this, itemIndex);
	const parameter = (name: string, fallback?: unknown): unknown =>
		this.getNodeParameter(name, itemIndex, fallback as never);

	const label = readText(check, FIELDS.label, parameter('label'), { max: 255, numbers: true });
	const language = readChoice(check, FIELDS.language, parameter('language', 'fr'), [
		'fr',
		'en',
	] as const);
	const deadline = readDeadline(check, FIELDS.deadline, parameter('deadline'));

	const additionalFields = (parameter('additionalFields', {}) ?? {}) as IDataObject;
	const reference = readText(check, FIELDS.reference, additionalFields.reference, {
		required: false,
		max: 255,
		numbers: true,
	});

	// Documents
	const binaryPropertyName = readText(
		check,
		FIELDS.binary,
		parameter('binaryPropertyName', 'data'),
	);
	const document = await checkPdfBinary(this, check, itemIndex, FIELDS.binary, binaryPropertyName);

	const annexNames = splitPropertyNames(additionalFields.annexes);
	if (!annexNames) {
		throw check.fail(FIELDS.annexes, 'must be binary field names separated by commas');
	}
	if (annexNames.length > MAX_ANNEXES) {
		throw check.fail(
			FIELDS.annexes,
			`lists ${annexNames.length} annexes, at most ${MAX_ANNEXES} allowed`,
		);
	}
	const annexes: PdfBinary[] = [];
	for (const [position, name] of annexNames.entries()) {
		if (annexNames.indexOf(name) !== position) {
			throw check.fail(FIELDS.annexes, `lists "${name}" twice`);
		}
		annexes.push(await checkPdfBinary(this, check, itemIndex, FIELDS.annexes, name));
	}

	// Signatories
	const signatoriesInput = readChoice(
		check,
		FIELDS.signatoriesInput,
		parameter('signatoriesInput', 'fields'),
		['fields', 'json'] as const,
	);
	const signatories =
		signatoriesInput === 'json'
			? readJsonSignatories(check, FIELDS.signatoriesJson, parameter('signatoriesJson', '[]'))
			: readFieldSignatories(check, SIGNATORY_LABELS, parameter('signatories.signatory', []));

	const bankAccount = readBankAccount(
		check,
		{ iban: FIELDS.iban, bic: FIELDS.bic, holder: FIELDS.holder },
		parameter('bankAccount', {}),
		signatories,
	);

	// Sending
	const action = readChoice(check, FIELDS.action, parameter('action', 'send'), [
		'send',
		'draft',
	] as const);
	const submit = action === 'send';
	const message = submit
		? readText(check, FIELDS.message, parameter('message', ''), { required: false, max: 5000 })
		: '';
	const notifySignatories = readBoolean(
		check,
		FIELDS.notifySignatories,
		parameter('notifySignatories', true),
		true,
	);
	const notifyOwner = readBoolean(check, FIELDS.notifyOwner, parameter('notifyOwner', true), true);

	const skipIfReferenceExists = readBoolean(
		check,
		FIELDS.skipIfReferenceExists,
		getOptions(this, itemIndex, check).skipIfReferenceExists,
		true,
	);

	return {
		label,
		language,
		deadline,
		...(reference ? { reference } : {}),
		...(bankAccount ? { bankAccount } : {}),
		document,
		annexes,
		signatories,
		notifySignatories,
		notifyOwner,
		...(message ? { message } : {}),
		submit,
		skipIfReferenceExists,
	};
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	// The PDFs are read only now, one item at a time, so that no item's documents stay in memory.
	const { itemIndex } = request;
	const document = await readPdfBinary(this, itemIndex, input.document);
	const annexes = [];
	for (const annex of input.annexes) annexes.push(await readPdfBinary(this, itemIndex, annex));

	const { skipIfReferenceExists, ...contract } = input;
	const result = await createContractAtMostOnce.call(
		this,
		{ ...contract, document, annexes },
		{ ...request, skipIfReferenceExists },
	);
	const json = withoutDocumentContents(result.contract) as unknown as IDataObject;
	return [{ json: { ...json, alreadyExisted: result.alreadyExisted } }];
}
