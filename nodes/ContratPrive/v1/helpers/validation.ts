import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

/** The error for bad input: it names the item and the field, and is thrown before any API call. */
function invalidInput(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `Item ${itemIndex}: "${field}" ${problem}`, {
		itemIndex,
		description,
	});
}

/**
 * A validator bound to one item: `fail(field, problem)` builds the error naming that item.
 * The checks below throw through it, so every message reads `Item N: "<field>" <problem>`.
 */
export interface Validator {
	fail(field: string, problem: string, description?: string): NodeOperationError;
}

export function validatorFor(context: IExecuteFunctions, itemIndex: number): Validator {
	return {
		fail: (field, problem, description) =>
			invalidInput(context, itemIndex, field, problem, description),
	};
}

/** A short, safe rendering of a value for an error message. */
export function show(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'undefined';
	if (typeof value === 'string') {
		const text = value.length > 60 ? `${value.slice(0, 57)}...` : value;
		return JSON.stringify(text);
	}
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	return String(value);
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value} (${show(value)})`;
}

/** The hint of an empty field: it may be an expression that resolved to nothing. */
export const expressionHint = (what: string) =>
	`If this field is an expression, check that it resolves to ${what} for this item.`;

const NULL_HINT = expressionHint('a value');

interface TextOptions {
	required?: boolean;
	max?: number;
	/** Accept a number and turn it into text (labels, references). */
	numbers?: boolean;
}

/** Trimmed text; '' when optional and absent. */
export function readText(
	validator: Validator,
	field: string,
	value: unknown,
	options: TextOptions = {},
): string {
	const required = options.required ?? true;
	let text: string;
	if (value === undefined || value === null) {
		if (required) {
			throw validator.fail(field, value === null ? 'is empty (null)' : 'is empty', NULL_HINT);
		}
		return '';
	}
	if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'number' && options.numbers && Number.isFinite(value))
		text = String(value);
	else throw validator.fail(field, `must be text, not ${kindOf(value)}`);

	if (!text && required) throw validator.fail(field, 'is empty', NULL_HINT);
	if (options.max !== undefined && text.length > options.max) {
		throw validator.fail(
			field,
			`is too long: ${text.length} characters, at most ${options.max} allowed`,
		);
	}
	return text;
}

export function readBoolean(
	validator: Validator,
	field: string,
	value: unknown,
	fallback: boolean,
): boolean {
	if (value === undefined || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	if (value === 'true') return true;
	if (value === 'false') return false;
	throw validator.fail(field, `must be true or false, not ${kindOf(value)}`);
}

export function readChoice<T extends string>(
	validator: Validator,
	field: string,
	value: unknown,
	choices: readonly T[],
): T {
	const text = typeof value === 'string' ? value.trim() : value;
	const match = choices.find((choice) => typeof text === 'string' && choice === text.toLowerCase());
	if (!match) {
		throw validator.fail(
			field,
			`must be one of ${choices.map((c) => `"${c}"`).join(', ')}, not ${show(value)}`,
		);
	}
	return match;
}

// ---------------------------------------------------------------------------------------------
// E-mail and phone

const EMAIL =
	/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmail(text: string): boolean {
	const local = text.split('@')[0] ?? '';
	return (
		text.length <= 254 &&
		EMAIL.test(text) &&
		local.length <= 64 &&
		!local.startsWith('.') &&
		!local.endsWith('.') &&
		!local.includes('..')
	);
}

export function readEmail(validator: Validator, field: string, value: unknown): string {
	const email = readText(validator, field, value);
	if (!isEmail(email)) throw validator.fail(field, `is not a valid e-mail address: ${show(email)}`);
	return email;
}

const PHONE_FORMATS =
	'Use a mobile number: a French one such as 06 12 34 56 78, +33 6 12 34 56 78 or 0033 6 12 34 56 78, or any other country in international format such as +32 470 12 34 56.';

/**
 * A mobile phone number in E.164 (+33612345678). French numbers may be written the national way
 * (06 12 34 56 78) or with 0033, and must be mobiles (06, 07); other countries must be written
 * with their + or 00 prefix. Spaces, dots, dashes and parentheses are ignored.
 */
export function normaliseMobilePhone(text: string): string | undefined {
	let phone = text.replace(/[\s.\-()]/g, '');
	if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
	else if (/^0\d{9}$/.test(phone)) phone = `+33${phone.slice(1)}`;
	// +33 (0)6 ... is common: the (0) is dropped by the cleaning above, leaving +3306...
	if (/^\+330[67]\d{8}$/.test(phone)) phone = `+33${phone.slice(4)}`;

	if (!/^\+[1-9]\d{6,14}$/.test(phone)) return undefined;
	if (phone.startsWith('+33') && !/^\+33[67]\d{8}$/.test(phone)) return undefined;
	return phone;
}

export function readMobilePhone(validator: Validator, field: string, value: unknown): string {
	const text = readText(validator, field, value);
	const phone = normaliseMobilePhone(text);
	if (!phone)
		throw validator.fail(field, `is not a mobile phone number: ${show(text)}`, PHONE_FORMATS);
	return phone;
}

// ---------------------------------------------------------------------------------------------
// Money and bank account

/** An amount in euros: a number (or numeric text), not negative, at most two decimals. */
export function readAmount(validator: Validator, field: string, value: unknown): number {
	if (value === undefined || value === null || value === '') return 0;
	let amount: number;
	if (typeof value === 'number') amount = value;
	else if (typeof value === 'string' && /^\s*\d+(?:[.,]\d+)?\s*$/.test(value)) {
		amount = Number(value.trim().replace(',', '.'));
	} else throw validator.fail(field, `must be a number of euros, not ${kindOf(value)}`);

	if (!Number.isFinite(amount))
		throw validator.fail(field, `must be a number of euros, not ${show(value)}`);
	if (amount < 0) throw validator.fail(field, `must not be negative: ${amount}`);
	if (amount > 1e9) throw validator.fail(field, `is too large: ${amount}`);
	const cents = Math.round(amount * 100);
	if (Math.abs(cents - amount * 100) > 1e-6) {
		throw validator.fail(
			field,
			`has more than two decimals: ${amount}`,
			'Amounts are in euros and cents.',
		);
	}
	return cents / 100;
}

export const EXAMPLE_IBAN = 'FR7630006000011234567890189';

/** IBAN format and mod-97 check, on an IBAN without spaces, in capitals. */
export function ibanIsValid(iban: string): boolean {
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
	const rearranged = iban.slice(4) + iban.slice(0, 4);
	let remainder = 0;
	for (const character of rearranged) {
		const code = character.charCodeAt(0);
		const digits = code >= 65 ? String(code - 55) : character;
		for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
	}
	return remainder === 1;
}

export function readIban(validator: Validator, field: string, value: unknown): string {
	const iban = readText(validator, field, value).replace(/\s+/g, '').toUpperCase();
	if (!ibanIsValid(iban)) {
		throw validator.fail(
			field,
			`is not a valid IBAN (format or check digits): ${show(iban)}`,
			`Copy the IBAN from a bank statement, e.g. ${EXAMPLE_IBAN}.`,
		);
	}
	return iban;
}

export function readBic(validator: Validator, field: string, value: unknown): string {
	const bic = readText(validator, field, value, { required: false })
		.replace(/\s+/g, '')
		.toUpperCase();
	if (bic && !/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic)) {
		throw validator.fail(
			field,
			`is not a valid BIC: ${show(bic)}`,
			'A BIC has 8 or 11 characters, e.g. BNPAFRPPXXX.',
		);
	}
	return bic;
}

// ---------------------------------------------------------------------------------------------
// Dates

export const PARIS = 'Europe/Paris';

/**
 * A date-time parameter as a Luxon DateTime. Text without an offset (what the n8n date picker
 * gives) is read in `zone`; text with an offset, Date objects, Luxon DateTimes and epoch
 * milliseconds keep their instant.
 */
export function readDateTime(
	validator: Validator,
	field: string,
	value: unknown,
	zone: string,
): DateTime | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let date: DateTime | undefined;
	if (typeof value === 'string') {
		const text = value.trim();
		date = DateTime.fromISO(text, { zone });
		if (!date.isValid) date = DateTime.fromRFC2822(text, { zone });
		if (!date.isValid) date = DateTime.fromSQL(text, { zone });
	} else if (typeof value === 'number') {
		date = DateTime.fromMillis(value, { zone });
	} else if (value instanceof Date) {
		date = DateTime.fromJSDate(value, { zone });
	} else if (DateTime.isDateTime(value)) {
		date = value;
	} else if (
		typeof value === 'object' &&
		typeof (value as { toISO?: unknown }).toISO === 'function'
	) {
		// A Luxon DateTime from another copy of Luxon
		date = DateTime.fromISO(String((value as { toISO: () => string }).toISO()), { zone });
	}
	if (!date?.isValid) throw validator.fail(field, `is not a valid date: ${show(value)}`);
	return date;
}

/** Today's date in Paris, YYYY-MM-DD. */
function parisToday(): string {
	return DateTime.now().setZone(PARIS).toISODate() as string;
}

/** A deadline: a calendar date in Paris, today or later. */
export function readDeadline(validator: Validator, field: string, value: unknown): string {
	const date = readDateTime(validator, field, value, PARIS);
	if (!date) {
		throw validator.fail(field, value === null ? 'is empty (null)' : 'is empty', NULL_HINT);
	}
	const deadline = date.setZone(PARIS).toISODate() as string;
	const today = parisToday();
	if (deadline < today) {
		throw validator.fail(
			field,
			`must be today or later (Paris time): ${deadline} is in the past`,
			`Today is ${today} in Paris. Signing stays possible until the end of the deadline day.`,
		);
	}
	return deadline;
}
