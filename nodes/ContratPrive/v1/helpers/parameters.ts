/** Reading the parameters every operation shares: IDs and the request options. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyCollection,
} from 'n8n-workflow';

import type { RequestOptions } from '../../transport';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from '../../transport';
import type { Check } from './validation';
import { checkFor, show } from './validation';

/** Identifiers are opaque, without spaces, at most this long (the emulator's limit). */
export const MAX_ID_LENGTH = 200;

function readId(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const check = checkFor(context, itemIndex);
	if (value === undefined || value === null) {
		throw check.fail(
			field,
			value === null ? 'is empty (null)' : 'is empty',
			'If this field is an expression, check that it resolves to an ID for this item.',
		);
	}
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
		throw check.fail(field, `must be an ID (text), not ${show(value)}`);
	}
	const id = String(value).trim();
	if (!id) throw check.fail(field, 'is empty');
	if (/\s/.test(id)) throw check.fail(field, `is not an ID: it contains spaces (${show(id)})`);
	if (id.length > MAX_ID_LENGTH) {
		throw check.fail(
			field,
			`is too long for an ID: ${id.length} characters, at most ${MAX_ID_LENGTH}`,
		);
	}
	return id;
}

/** The contract ID of an item, from either mode of the resource locator. */
export function getContractId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('contractId', itemIndex, undefined, {
		extractValue: true,
	}) as unknown;
	return readId(context, itemIndex, 'Contract', value);
}

export function getSignatoryId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('signatoryId', itemIndex, undefined) as unknown;
	return readId(context, itemIndex, 'Signatory', value);
}

/** Limits of the timeout and retry options (the descriptions show them too). */
export const MAX_TIMEOUT_MS = 60 * 60 * 1000;
export const MAX_RETRIES = 10;
export const MAX_RETRY_DELAY_MS = 60 * 1000;
export const MAX_RETRY_TIME_MS = 10 * 60 * 1000;
/** The item's "Options" collection (an object; {} when not set). */
export function getOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	check: Check = checkFor(context, itemIndex),
): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as unknown;
	if (options === undefined || options === null) return {};
	if (typeof options !== 'object' || Array.isArray(options)) {
		throw check.fail('Options', `must be a collection of options, not ${show(options)}`);
	}
	return options as IDataObject;
}

export function readWholeNumber(
	check: Check,
	field: string,
	value: unknown,
	fallback: number,
	min: number,
	max: number,
): number {
	if (value === undefined || value === '') return fallback;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number)) {
		throw check.fail(field, `must be a whole number, not ${show(value)}`);
	}
	if (number < min || number > max) {
		throw check.fail(field, `must be between ${min} and ${max}, not ${number}`);
	}
	return number;
}

/** Timeout and retry policy from an item's options, checked. */
export function readRequestOptions(
	check: Check,
	options: IDataObject,
	defaultTimeout = DEFAULT_TIMEOUT_MS,
): Required<Pick<RequestOptions, 'timeout' | 'retry'>> {
	const timeout = readWholeNumber(
		check,
		'Options › Timeout',
		options.requestTimeout,
		defaultTimeout,
		1,
		MAX_TIMEOUT_MS,
	);
	const maxRetries = readWholeNumber(
		check,
		'Options › Max Retries',
		options.maxRetries,
		DEFAULT_RETRY_POLICY.maxRetries,
		0,
		MAX_RETRIES,
	);
	const initialDelay = readWholeNumber(
		check,
		'Options › Retry Delay',
		options.retryDelay,
		DEFAULT_RETRY_POLICY.initialDelay,
		0,
		MAX_RETRY_DELAY_MS,
	);
	const maxTotalTime = readWholeNumber(
		check,
		'Options › Retry Time Limit',
		options.retryTimeLimit,
		DEFAULT_RETRY_POLICY.maxTotalTime,
		0,
		MAX_RETRY_TIME_MS,
	);
	return {
		timeout,
		retry: {
			maxRetries,
			initialDelay,
			maxDelay: Math.max(DEFAULT_RETRY_POLICY.maxDelay, initialDelay),
			maxTotalTime,
		},
	};
}

/**
 * The display names along a path of parameter names, e.g. ['bankAccount', 'iban'] gives
 * ['Bank Account', 'IBAN']: validation errors name fields as the editor shows them.
 */
export function displayNamesOf(properties: INodeProperties[], path: string[]): string[] {
	const names: string[] = [];
	let level: Array<INodeProperties | INodePropertyCollection> = properties;
	for (const name of path) {
		const found = level.find((property) => property.name === name);
		if (!found) throw new Error(`No parameter "${name}" in ${path.join('.')}`);
		names.push(found.displayName);
		const children: unknown[] =
			'values' in found ? found.values : 'options' in found ? (found.options ?? []) : [];
		level = children.filter(
			(child): child is INodeProperties | INodePropertyCollection =>
				typeof child === 'object' && child !== null && 'displayName' in child,
		);
	}
	return names;
}

/** The label of a field in validation errors: its display names joined by " › ". */
export function fieldLabel(properties: INodeProperties[], ...path: string[]): string {
	return displayNamesOf(properties, path).join(' › ');
}
