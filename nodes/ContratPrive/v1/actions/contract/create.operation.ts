import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PdfBinary } from '../../helpers/binary';
import { checkPdfBinary, pdfToSend, splitPropertyNames } from '../../helpers/binary';
import {
	checkFor,
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
import { readFieldSignatories, readJsonSignatories } from '../../helpers/signatories';
import { MAX_ANNEXES, properties } from './create.description';
import type { ItemRequest } from '../operation';

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

/** Items with the same reference are sent one after the other, so that none is created twice. */
export const serialKey = (input: Input): string | undefined => input.reference;

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	// The PDFs are read only while the request is written, a chunk at a time: never held whole.
	const { itemIndex } = request;
	const document = pdfToSend(this, itemIndex, input.document);
	const annexes = input.annexes.map((annex) => pdfToSend(this, itemIndex, annex));

	const { skipIfReferenceExists, ...contract } = input;
	const result = await createContractAtMostOnce.call(
		this,
		{ ...contract, document, annexes },
		{ ...request, skipIfReferenceExists },
	);
	const json = withoutDocumentContents(result.contract) as unknown as IDataObject;
	return [{ json: { ...json, alreadyExisted: result.alreadyExisted } }];
}
