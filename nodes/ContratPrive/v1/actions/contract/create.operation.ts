import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { PdfBinary } from '../../helpers/binary';
import { validatePdfBinary, pdfToSend, splitPropertyNames } from '../../helpers/binary';
import {
	validatorFor,
	readBoolean,
	readChoice,
	readDeadline,
	readText,
} from '../../helpers/validation';
import type { NewContract } from '../../../transport';
import type { RequestOptions } from '../../../delivery/options';
import {
	createContractAtMostOnce,
	listContracts,
	MAX_LIST_PAGE_SIZE,
	withoutDocumentContents,
} from '../../../transport';
import { accountOf, knownContracts } from '../../../quota/processMemory';
import { CREATE_TIMEOUT_MS } from '../../../delivery/retry';
import { RunLookup } from '../../../quota/referenceLookup';
import { displayNamesOf, fieldLabel } from '../../helpers/fields';
import { getOptions } from '../../helpers/parameters';
import { readBankAccount } from '../../helpers/bankAccount';
import type { SignatoryLabels } from '../../helpers/signatories';
import { readFieldSignatories, readJsonSignatories } from '../../helpers/signatories';
import { MAX_ANNEXES, properties } from './create.description';
import type { ItemRequest, RunShared } from '../operation';

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

/** The names of the fields in errors, read from the description when an item is checked. */
const fieldsOf = (properties: INodeProperties[]) => {
	const label = (...path: string[]) => fieldLabel(properties, ...path);
	const signatory = (name: string) =>
		displayNamesOf(properties, ['signatories', 'signatory', name])[2];
	const [list, entry] = displayNamesOf(properties, ['signatories', 'signatory']);
	const signatories: SignatoryLabels = {
		list,
		entry,
		fields: {
			firstName: signatory('firstName'),
			lastName: signatory('lastName'),
			email: signatory('email'),
			phone: signatory('phone'),
			deposit: signatory('deposit'),
		},
	};
	return {
		signatories,
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
};

/** Creating a contract uploads whole documents: a longer default timeout. */
export const defaultTimeout = CREATE_TIMEOUT_MS;

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const validator = validatorFor(this, itemIndex);
	const FIELDS = fieldsOf(description);
	const parameter = (name: string, fallback?: unknown): unknown =>
		this.getNodeParameter(name, itemIndex, fallback as never);

	const label = readText(validator, FIELDS.label, parameter('label'), { max: 255, numbers: true });
	const language = readChoice(validator, FIELDS.language, parameter('language', 'fr'), [
		'fr',
		'en',
	] as const);
	const deadline = readDeadline(validator, FIELDS.deadline, parameter('deadline'));

	const additionalFields = (parameter('additionalFields', {}) ?? {}) as IDataObject;
	const reference = readText(validator, FIELDS.reference, additionalFields.reference, {
		required: false,
		max: 255,
		numbers: true,
	});

	// Documents
	const binaryPropertyName = readText(
		validator,
		FIELDS.binary,
		parameter('binaryPropertyName', 'data'),
	);
	const document = await validatePdfBinary(
		this,
		validator,
		itemIndex,
		FIELDS.binary,
		binaryPropertyName,
	);

	const annexNames = splitPropertyNames(additionalFields.annexes);
	if (!annexNames) {
		throw validator.fail(FIELDS.annexes, 'must be binary field names separated by commas');
	}
	if (annexNames.length > MAX_ANNEXES) {
		throw validator.fail(
			FIELDS.annexes,
			`lists ${annexNames.length} annexes, at most ${MAX_ANNEXES} allowed`,
		);
	}
	const annexes: PdfBinary[] = [];
	for (const [position, name] of annexNames.entries()) {
		if (annexNames.indexOf(name) !== position) {
			throw validator.fail(FIELDS.annexes, `lists "${name}" twice`);
		}
		annexes.push(await validatePdfBinary(this, validator, itemIndex, FIELDS.annexes, name));
	}

	// Signatories
	const signatoriesInput = readChoice(
		validator,
		FIELDS.signatoriesInput,
		parameter('signatoriesInput', 'fields'),
		['fields', 'json'] as const,
	);
	const signatories =
		signatoriesInput === 'json'
			? readJsonSignatories(validator, FIELDS.signatoriesJson, parameter('signatoriesJson', '[]'))
			: readFieldSignatories(validator, FIELDS.signatories, parameter('signatories.signatory', []));

	const bankAccount = readBankAccount(
		validator,
		{ iban: FIELDS.iban, bic: FIELDS.bic, holder: FIELDS.holder },
		parameter('bankAccount', {}),
		signatories,
	);

	// Sending
	const action = readChoice(validator, FIELDS.action, parameter('action', 'send'), [
		'send',
		'draft',
	] as const);
	const submit = action === 'send';
	const message = submit
		? readText(validator, FIELDS.message, parameter('message', ''), { required: false, max: 5000 })
		: '';
	const notifySignatories = readBoolean(
		validator,
		FIELDS.notifySignatories,
		parameter('notifySignatories', true),
		true,
	);
	const notifyOwner = readBoolean(
		validator,
		FIELDS.notifyOwner,
		parameter('notifyOwner', true),
		true,
	);

	const skipIfReferenceExists = readBoolean(
		validator,
		FIELDS.skipIfReferenceExists,
		getOptions(this, itemIndex, description, validator).skipIfReferenceExists,
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

/**
 * The run's look-up of references: one listing shared by every item when that costs fewer
 * requests than one look-up per item (see quota/referenceLookup.ts). References this
 * process already created or found need no look-up when the existing contract is returned.
 */
export async function shareRun(
	this: IExecuteFunctions,
	inputs: Input[],
	request: RequestOptions,
): Promise<RunShared> {
	const account = await accountOf(this);
	if (!account) return {};
	const references = inputs
		.filter(
			(input) =>
				input.reference &&
				!(input.skipIfReferenceExists && knownContracts(account, input.reference).length),
		)
		.map((input) => input.reference as string);
	const lookup = new RunLookup({
		account,
		references,
		listPage: async (offset) =>
			await listContracts.call(this, {}, { offset, limit: MAX_LIST_PAGE_SIZE }, request),
		debug: (message) => this.logger.debug(message),
	});
	return { lookup };
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
