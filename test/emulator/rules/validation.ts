/**
 * A small typed validator: each helper checks one value and throws a
 * VALIDATION_ERROR naming the offending field (dotted path, e.g.
 * `signatories[1].email`) so that the first problem found is reported.
 */
import { ApiError, validationError } from '../errors';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: unknown };

const has = (o: JsonObject, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Reads a property only if it is an own property (never from the prototype). */
export function prop(o: JsonObject, k: string): unknown {
	return has(o, k) ? o[k] : undefined;
}

export const join = (base: string, key: string | number): string =>
	typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

export function isObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function reqObject(v: unknown, field: string): JsonObject {
	if (v === undefined || v === null) throw validationError(field, `${field} is required`);
	if (!isObject(v)) throw validationError(field, `${field} must be an object`);
	return v;
}

export function optObject(v: unknown, field: string): JsonObject | undefined {
	if (v === undefined || v === null) return undefined;
	return reqObject(v, field);
}

interface StringOpts {
	min?: number;
	max?: number;
	trim?: boolean;
}

export function reqString(v: unknown, field: string, opts: StringOpts = {}): string {
	if (v === undefined || v === null) throw validationError(field, `${field} is required`);
	if (typeof v !== 'string') throw validationError(field, `${field} must be a string`);
	const s = opts.trim === false ? v : v.trim();
	const min = opts.min ?? 1;
	if (s.length < min) {
		throw validationError(
			field,
			min === 1 ? `${field} must not be empty` : `${field} is too short`,
		);
	}
	if (opts.max !== undefined && s.length > opts.max) {
		throw validationError(field, `${field} must be at most ${opts.max} characters`);
	}
	return s;
}

export function optString(v: unknown, field: string, opts: StringOpts = {}): string | undefined {
	if (v === undefined || v === null) return undefined;
	return reqString(v, field, opts);
}

export function reqBool(v: unknown, field: string): boolean {
	if (v === undefined || v === null) throw validationError(field, `${field} is required`);
	if (typeof v !== 'boolean') throw validationError(field, `${field} must be true or false`);
	return v;
}

export function reqArray(v: unknown, field: string, min: number, max: number): unknown[] {
	if (v === undefined || v === null) throw validationError(field, `${field} is required`);
	if (!Array.isArray(v)) throw validationError(field, `${field} must be an array`);
	if (v.length < min) throw validationError(field, `${field} needs at least ${min} item(s)`);
	if (v.length > max) throw validationError(field, `${field} accepts at most ${max} items`);
	return v;
}

export function optInt(v: unknown, field: string, min: number, max: number, dflt: number): number {
	if (v === undefined || v === null) return dflt;
	if (typeof v !== 'number' || !Number.isInteger(v)) {
		throw validationError(field, `${field} must be an integer`);
	}
	if (v < min || v > max)
		throw validationError(field, `${field} must be between ${min} and ${max}`);
	return v;
}

// ---------------------------------------------------------------- formats

const EMAIL_RE =
	/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function reqEmail(v: unknown, field: string): string {
	const s = reqString(v, field, { max: 254 });
	const local = s.split('@')[0] ?? '';
	if (
		!EMAIL_RE.test(s) ||
		local.length > 64 ||
		local.startsWith('.') ||
		local.endsWith('.') ||
		local.includes('..')
	) {
		throw validationError(field, `${field} is not a valid e-mail address`);
	}
	return s;
}

/** E.164 after removing spaces, dots, dashes and parentheses. */
export function normalisePhone(s: string): string {
	return s.replace(/[\s.\-()]/g, '');
}

export function reqPhone(v: unknown, field: string): string {
	const s = normalisePhone(reqString(v, field, { max: 40 }));
	if (!/^\+[1-9]\d{6,14}$/.test(s)) {
		throw validationError(field, `${field} must be an E.164 phone number such as +33612345678`);
	}
	return s;
}

/** An amount in euros, >= 0, with at most two decimals. */
export function optAmount(v: unknown, field: string): number {
	if (v === undefined || v === null) return 0;
	if (typeof v !== 'number' || !Number.isFinite(v))
		throw validationError(field, `${field} must be a number`);
	if (v < 0) throw validationError(field, `${field} must not be negative`);
	if (v > 1e9) throw validationError(field, `${field} is too large`);
	const cents = Math.round(v * 100);
	if (Math.abs(cents - v * 100) > 1e-6) {
		throw validationError(field, `${field} accepts at most two decimals`);
	}
	return cents / 100;
}

export const EXAMPLE_IBAN = 'FR7630006000011234567890189';

/** IBAN format and mod-97 check. */
export function ibanIsValid(iban: string): boolean {
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
	const rearranged = iban.slice(4) + iban.slice(0, 4);
	let rem = 0;
	for (const ch of rearranged) {
		const code = ch.charCodeAt(0);
		const digits = code >= 65 ? String(code - 55) : ch;
		for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
	}
	return rem === 1;
}

export function reqIban(v: unknown, field: string): string {
	const raw = reqString(v, field, { max: 64 });
	const iban = raw.replace(/\s+/g, '').toUpperCase();
	if (!ibanIsValid(iban)) {
		throw new ApiError(
			400,
			'INVALID_BANK_ACCOUNT',
			`${field} is not a valid IBAN (format or checksum); example of a valid IBAN: ${EXAMPLE_IBAN}`,
			{ field, example: EXAMPLE_IBAN },
		);
	}
	return iban;
}

export function optBic(v: unknown, field: string): string | null {
	const s = optString(v, field, { max: 20 });
	if (s === undefined) return null;
	const bic = s.replace(/\s+/g, '').toUpperCase();
	if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic)) {
		throw validationError(field, `${field} is not a valid BIC (8 or 11 characters)`);
	}
	return bic;
}

/** Luhn checksum of a card number (digits only). */
export function luhnIsValid(digits: string): boolean {
	if (!/^\d{12,19}$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/**
 * Strict base64 decoding (standard alphabet, optional padding, line breaks
 * tolerated). Returns null when the text is not base64. Linear, no regex
 * backtracking, so it is safe on 30 MB strings.
 */
export function decodeBase64(text: string): Buffer | null {
	const s = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
	if (/[^A-Za-z0-9+/=]/.test(s)) return null;
	const firstPad = s.indexOf('=');
	if (firstPad !== -1) {
		if (s.length % 4 !== 0 || firstPad < s.length - 2) return null;
		if (s.slice(firstPad) !== '='.repeat(s.length - firstPad)) return null;
	} else if (s.length % 4 === 1) {
		return null;
	}
	return Buffer.from(s, 'base64');
}

/** Decoded size of a base64 text, computed without decoding it. */
export function base64DecodedSize(text: string): number {
	let n = text.length;
	if (/\s/.test(text)) n = text.replace(/\s+/g, '').length;
	let pad = 0;
	if (text.endsWith('==')) pad = 2;
	else if (text.endsWith('=')) pad = 1;
	return Math.floor((n * 3) / 4) - pad;
}

// ---------------------------------------------------------------- documents

/** How far from the end an `%%EOF` may be followed by other bytes (as PDF readers allow). */
const PDF_EOF_WINDOW = 1024;

/**
 * A complete PDF ends with an `%%EOF` marker: in its last 1,024 bytes, or followed only by
 * whitespace. A file cut off during a download or an upload has none (the node applies the
 * same rule before sending).
 */
export function pdfIsComplete(bytes: Buffer): boolean {
	const marker = bytes.lastIndexOf('%%EOF', undefined, 'latin1');
	if (marker < 5) return false;
	const end = marker + 5;
	if (bytes.length - end <= PDF_EOF_WINDOW) return true;
	for (let i = end; i < bytes.length; i++) {
		const b = bytes[i];
		if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x00) {
			return false;
		}
	}
	return true;
}
