/** The signatories of Contract › Create, from the fields or from JSON, checked. */
import type { IDataObject } from 'n8n-workflow';

import type { NewSignatory } from '../../transport';
import type { Validator } from './validation';
import {
	expressionHint,
	readAmount,
	readEmail,
	readMobilePhone,
	readText,
	show,
} from './validation';

export const MAX_SIGNATORIES = 20;

/** The labels that name signatory fields in validation errors. */
export interface SignatoryLabels {
	/** The list, e.g. "Signatories". */
	list: string;
	/** One entry of the list, e.g. "Signatory" (then "Signatory 2"). */
	entry: string;
	fields: Record<keyof NewSignatory, string>;
}

const JSON_FIELDS: Record<keyof NewSignatory, string> = {
	firstName: 'firstName',
	lastName: 'lastName',
	email: 'email',
	phone: 'phone',
	deposit: 'deposit',
};

export function readFieldSignatories(
	validator: Validator,
	labels: SignatoryLabels,
	value: unknown,
): NewSignatory[] {
	const rows = value === undefined || value === null ? [] : value;
	if (!Array.isArray(rows)) throw validator.fail(labels.list, 'must be a list of signatories');
	if (rows.length === 0) {
		throw validator.fail(labels.list, 'is empty: add at least one signatory');
	}
	checkCount(validator, labels.list, rows.length);
	return rows.map((row, index) =>
		readSignatory(
			validator,
			`${labels.list} › ${labels.entry} ${index + 1}`,
			row as IDataObject,
			labels.fields,
		),
	);
}

export function readJsonSignatories(
	validator: Validator,
	label: string,
	value: unknown,
): NewSignatory[] {
	let list = value;
	if (typeof value === 'string') {
		if (!value.trim()) throw validator.fail(label, 'is empty: give a list of signatories');
		try {
			list = JSON.parse(value);
		} catch (error) {
			throw validator.fail(label, `is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (list === null || list === undefined) {
		throw validator.fail(label, `is empty (${show(list)})`, expressionHint('a list'));
	}
	// A single object is taken as a list of one
	if (typeof list === 'object' && !Array.isArray(list)) list = [list];
	if (!Array.isArray(list)) {
		throw validator.fail(label, `must be a list of objects, not ${show(list)}`);
	}
	if (list.length === 0)
		throw validator.fail(label, 'is an empty list: give at least one signatory');
	checkCount(validator, label, list.length);
	return list.map((row: unknown, index: number) => {
		const field = `${label} › Signatory ${index + 1}`;
		if (row === null || typeof row !== 'object' || Array.isArray(row)) {
			throw validator.fail(
				field,
				`must be an object with firstName, lastName, email and phone, not ${show(row)}`,
			);
		}
		return readSignatory(validator, field, row as IDataObject, JSON_FIELDS);
	});
}

function checkCount(validator: Validator, field: string, count: number) {
	if (count > MAX_SIGNATORIES) {
		throw validator.fail(field, `has ${count} signatories, at most ${MAX_SIGNATORIES} allowed`);
	}
}

function readSignatory(
	validator: Validator,
	field: string,
	row: IDataObject,
	names: Record<keyof NewSignatory, string>,
): NewSignatory {
	const signatory: NewSignatory = {
		firstName: readText(validator, `${field} › ${names.firstName}`, row.firstName, { max: 100 }),
		lastName: readText(validator, `${field} › ${names.lastName}`, row.lastName, { max: 100 }),
		email: readEmail(validator, `${field} › ${names.email}`, row.email),
		phone: readMobilePhone(validator, `${field} › ${names.phone}`, row.phone),
	};
	const deposit = readAmount(validator, `${field} › ${names.deposit}`, row.deposit);
	if (deposit > 0) signatory.deposit = deposit;
	return signatory;
}
