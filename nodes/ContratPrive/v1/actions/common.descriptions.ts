import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from '../../delivery/retry';
import {
	MAX_RETRIES,
	MAX_RETRY_DELAY_MS,
	MAX_RETRY_TIME_MS,
	MAX_TIMEOUT_MS,
} from '../helpers/parameters';
import {
	DEFAULT_PARALLEL_REQUESTS,
	MAX_BATCH_INTERVAL_MS,
	MAX_PARALLEL_REQUESTS,
} from '../helpers/batching';
import { reserveOption } from '../helpers/reserve';

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

// ---------------------------------------------------------------------------------------------
// Timeout and retries: the same options in every operation's "Options" collection

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
				'How many times a request is tried again after a temporary failure; a change is never made twice (see the README)',
		},
		{
			displayName: 'Retry Delay',
			name: 'retryDelay',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRY_DELAY_MS, numberPrecision: 0 },
			default: DEFAULT_RETRY_DELAY_MS,
			description: `Milliseconds before the first retry; the wait doubles at each retry, up to ${
				DEFAULT_RETRY_POLICY.maxDelay / 1000
			} seconds`,
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
		// The reserve goes with Batching: the operations that may send many requests in a run.
		options: [
			...own,
			...(own.includes(batchingOption) ? [reserveOption] : []),
			...requestOptionFields(defaultTimeout),
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** "Batching", as in n8n's HTTP Request node: how many items are sent at the same time. */
export const batchingOption: INodeProperties = {
	displayName: 'Batching',
	name: 'batching',
	placeholder: 'Add Batching',
	type: 'fixedCollection',
	typeOptions: { multipleValues: false },
	default: { batch: {} },
	options: [
		{
			displayName: 'Batching',
			name: 'batch',
			values: [
				{
					displayName: 'Parallel Requests',
					name: 'parallelRequests',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_REQUESTS, numberPrecision: 0 },
					default: DEFAULT_PARALLEL_REQUESTS,
					description:
						'How many requests may be in flight at the same time; items with the same contract or reference still go one after the other',
				},
				{
					displayName: 'Batch Interval (Ms)',
					name: 'batchInterval',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_BATCH_INTERVAL_MS, numberPrecision: 0 },
					default: 0,
					description:
						'If set, items are sent in batches of Parallel Requests with this wait in between; if 0, a new request starts as soon as one ends',
				},
			],
		},
	],
};
