/** Reading the parameters every operation shares: IDs and the request options. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RequestOptions } from '../../delivery/options';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from '../../delivery/retry';
import { fieldLabel } from './fields';
import type { Validator } from './validation';
import { expressionHint, show, validatorFor } from './validation';

/** Identifiers are opaque, without spaces, at most this long (the emulator's limit). */
const MAX_ID_LENGTH = 200;

function readId(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const validator = validatorFor(context, itemIndex);
	if (value === undefined || value === null) {
		throw validator.fail(
			field,
			value === null ? 'is empty (null)' : 'is empty',
			expressionHint('an ID'),
		);
	}
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
		throw validator.fail(field, `must be an ID (text), not ${show(value)}`);
	}
	const id = String(value).trim();
	if (!id) throw validator.fail(field, 'is empty');
	if (/\s/.test(id)) throw validator.fail(field, `is not an ID: it contains spaces (${show(id)})`);
	if (id.length > MAX_ID_LENGTH) {
		throw validator.fail(
			field,
			`is too long for an ID: ${id.length} characters, at most ${MAX_ID_LENGTH}`,
		);
	}
	return id;
}

/** The contract ID of an item, from either mode of the resource locator. */
export function getContractId(
	context: IExecuteFunctions,
	itemIndex: number,
	properties: INodeProperties[],
): string {
	const value = context.getNodeParameter('contractId', itemIndex, undefined, {
		extractValue: true,
	}) as unknown;
	return readId(context, itemIndex, fieldLabel(properties, 'contractId'), value);
}

export function getSignatoryId(
	context: IExecuteFunctions,
	itemIndex: number,
	properties: INodeProperties[],
): string {
	const value = context.getNodeParameter('signatoryId', itemIndex, undefined) as unknown;
	return readId(context, itemIndex, fieldLabel(properties, 'signatoryId'), value);
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
	properties: INodeProperties[],
	validator: Validator = validatorFor(context, itemIndex),
): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as unknown;
	if (options === undefined || options === null) return {};
	if (typeof options !== 'object' || Array.isArray(options)) {
		const field = fieldLabel(properties, 'options');
		throw validator.fail(field, `must be a collection of options, not ${show(options)}`);
	}
	return options as IDataObject;
}

export function readWholeNumber(
	validator: Validator,
	field: string,
	value: unknown,
	fallback: number,
	min: number,
	max: number,
): number {
	if (value === undefined || value === '') return fallback;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number)) {
		throw validator.fail(field, `must be a whole number, not ${show(value)}`);
	}
	if (number < min || number > max) {
		throw validator.fail(field, `must be between ${min} and ${max}, not ${number}`);
	}
	return number;
}

/** Timeout and retry policy from an item's options, checked. */
export function readRequestOptions(
	validator: Validator,
	options: IDataObject,
	properties: INodeProperties[],
	defaultTimeout = DEFAULT_TIMEOUT_MS,
): Required<Pick<RequestOptions, 'timeout' | 'retry'>> {
	const option = (name: string) => fieldLabel(properties, 'options', name);
	const timeout = readWholeNumber(
		validator,
		option('requestTimeout'),
		options.requestTimeout,
		defaultTimeout,
		1,
		MAX_TIMEOUT_MS,
	);
	const maxRetries = readWholeNumber(
		validator,
		option('maxRetries'),
		options.maxRetries,
		DEFAULT_RETRY_POLICY.maxRetries,
		0,
		MAX_RETRIES,
	);
	const initialDelay = readWholeNumber(
		validator,
		option('retryDelay'),
		options.retryDelay,
		DEFAULT_RETRY_POLICY.initialDelay,
		0,
		MAX_RETRY_DELAY_MS,
	);
	const maxTotalTime = readWholeNumber(
		validator,
		option('retryTimeLimit'),
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
