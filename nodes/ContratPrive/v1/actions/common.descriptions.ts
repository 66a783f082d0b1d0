import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Check } from '../helpers/validation';
import { checkFor, show } from '../helpers/validation';
import type { RequestOptions } from '../../transport';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from '../../transport';

export const contractLocator: INodeProperties = {
	displayName: 'Contract',
	name: 'contractId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The contract to work on',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: {
				searchListMethod: 'searchContracts',
				searchable: true,
				searchFilterRequired: false,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. ctr_8f2b1c9a0d3e4f56',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\S+$',
						errorMessage: 'A contract ID has no spaces',
					},
				},
			],
		},
	],
};

export const signatorySelector: INodeProperties = {
	displayName: 'Signatory Name or ID',
	name: 'signatoryId',
	type: 'options',
	typeOptions: {
		loadOptionsMethod: 'getSignatories',
		loadOptionsDependsOn: ['contractId.value'],
	},
	default: '',
	required: true,
	description:
		'The signatory, among those of the chosen contract. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

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

// ---------------------------------------------------------------------------------------------
// Timeout and retries: the same options in every operation's "Options" collection

const MAX_TIMEOUT_MS = 60 * 60 * 1000;
const MAX_RETRIES = 10;
const MAX_RETRY_DELAY_MS = 60 * 1000;
const MAX_RETRY_TIME_MS = 10 * 60 * 1000;
// Plain names for the defaults: n8n's lint takes `default: POLICY.field` for a missing default.
const {
	maxRetries: DEFAULT_MAX_RETRIES,
	initialDelay: DEFAULT_RETRY_DELAY_MS,
	maxTotalTime: DEFAULT_RETRY_TIME_MS,
} = DEFAULT_RETRY_POLICY;

function requestOptionFields(defaultTimeout: number): INodeProperties[] {
	return [
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRIES, numberPrecision: 0 },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How many times a request is tried again after a failure that may be temporary (server error, timeout, dropped connection, unreadable reply). Reading is always safe to retry. A request that changes something (create, cancel, SMS, sign) is only sent again when it provably did not reach Contrat-Privé, or after a check shows it was not carried out: the node never sends a contract twice, burns an SMS or a signing attempt. Errors such as a wrong parameter, a locked signatory, the SMS limit or the daily quota are never retried.',
		},
		{
			displayName: 'Retry Delay',
			name: 'retryDelay',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRY_DELAY_MS, numberPrecision: 0 },
			default: DEFAULT_RETRY_DELAY_MS,
			description: `Milliseconds to wait before the first retry. The wait doubles at each retry, up to ${
				DEFAULT_RETRY_POLICY.maxDelay / 1000
			} seconds, with some randomness so that many workflows do not retry at the same time.`,
		},
		{
			displayName: 'Retry Time Limit',
			name: 'retryTimeLimit',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRY_TIME_MS, numberPrecision: 0 },
			default: DEFAULT_RETRY_TIME_MS,
			description:
				'Milliseconds after the first attempt of a request past which no retry is started',
		},
		{
			displayName: 'Timeout',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_MS, numberPrecision: 0 },
			default: defaultTimeout,
			description:
				'Milliseconds Contrat-Privé may stay silent (nothing sent or received) before a request is given up',
		},
	];
}

/**
 * The "Options" collection of an operation: its own options and the shared timeout and retry
 * options, sorted by name. One definition for every operation.
 */
export function optionsCollection(
	own: INodeProperties[] = [],
	defaultTimeout = DEFAULT_TIMEOUT_MS,
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...own, ...requestOptionFields(defaultTimeout)].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

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

function readWholeNumber(
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
