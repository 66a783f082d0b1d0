import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { DateTime } from 'luxon';

import type { Validator } from '../../helpers/validation';
import {
	validatorFor,
	PARIS,
	readBoolean,
	readDateTime,
	readText,
	show,
} from '../../helpers/validation';
import type { ContractFilter, ContractStatus } from '../../../transport';
import { CONTRACT_STATUSES, listContracts, MAX_LIST_PAGE_SIZE } from '../../../transport';
import { fieldLabel } from '../../helpers/fields';
import { optionsCollection } from '../common.descriptions';
import type { ItemRequest } from '../operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Created After',
				name: 'createdFrom',
				type: 'dateTime',
				default: '',
				description: 'Only contracts created at or after this time',
			},
			{
				displayName: 'Created Before',
				name: 'createdTo',
				type: 'dateTime',
				default: '',
				description: 'Only contracts created at or before this time',
			},
			{
				displayName: 'Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. DEAL-2024-0042',
				description:
					'Only contracts with exactly this reference, e.g. to check whether a contract was already sent for a CRM deal',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Cancelled', value: 'cancelled' },
					{
						name: 'Draft',
						value: 'draft',
						description: 'Waiting for you to validate it on the website',
					},
					{
						name: 'Expired',
						value: 'expired',
						description: 'Deadline passed before everyone signed',
					},
					{ name: 'Pending', value: 'pending', description: 'Sent, waiting for signatures' },
					{ name: 'Signed', value: 'signed', description: 'Signed by everyone' },
				],
				default: [],
				description: 'Only contracts in one of these statuses',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['getMany'] } },
	properties,
);

interface Input {
	filter: ContractFilter;
	/** undefined: all */
	limit?: number;
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const validator = validatorFor(this, itemIndex);
	const field = (...path: string[]) => fieldLabel(description, ...path);
	const returnAll = readBoolean(
		validator,
		field('returnAll'),
		this.getNodeParameter('returnAll', itemIndex, false),
		false,
	);

	let limit: number | undefined;
	if (!returnAll) {
		const raw = this.getNodeParameter('limit', itemIndex, 50) as unknown;
		const value = typeof raw === 'string' && raw.trim() ? Number(raw) : raw;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
			throw validator.fail(
				field('limit'),
				`must be a whole number of at least 1, not ${show(raw)}`,
			);
		}
		limit = value;
	}

	const filters = (this.getNodeParameter('filters', itemIndex, {}) ?? {}) as IDataObject;
	const filter: ContractFilter = {};

	const statuses = readStatuses(validator, field('filters', 'statuses'), filters.statuses);
	if (statuses.length) filter.statuses = statuses;

	const reference = readText(validator, field('filters', 'reference'), filters.reference, {
		required: false,
		max: 255,
		numbers: true,
	});
	if (reference) filter.reference = reference;

	const timezone = this.getTimezone();
	const [fromField, toField] = [field('filters', 'createdFrom'), field('filters', 'createdTo')];
	const from = readBound(validator, fromField, filters.createdFrom, timezone, 'start');
	const to = readBound(validator, toField, filters.createdTo, timezone, 'end');
	if (from && to && from.instant > to.instant) {
		throw validator.fail(toField, `(${to.wire}) is earlier than "${fromField}" (${from.wire})`);
	}
	if (from) filter.createdFrom = from.wire;
	if (to) filter.createdTo = to.wire;

	return { filter, limit };
}

function readStatuses(validator: Validator, field: string, value: unknown): ContractStatus[] {
	if (value === undefined || value === null || value === '') return [];
	const list = typeof value === 'string' ? value.split(',') : value;
	if (!Array.isArray(list))
		throw validator.fail(field, `must be a list of statuses, not ${show(value)}`);
	return list.map((status) => {
		const text = typeof status === 'string' ? status.trim().toLowerCase() : status;
		if (!CONTRACT_STATUSES.includes(text as ContractStatus)) {
			throw validator.fail(
				field,
				`contains ${show(status)}, which is not one of ${CONTRACT_STATUSES.join(', ')}`,
			);
		}
		return text as ContractStatus;
	});
}

/**
 * A bound of the creation-time filter: a bare date (YYYY-MM-DD) is sent as is (Contrat-Privé reads
 * it as the start or end of that day in Paris); a date-time is sent in UTC.
 */
function readBound(
	validator: Validator,
	field: string,
	value: unknown,
	timezone: string,
	side: 'start' | 'end',
): { wire: string; instant: number } | undefined {
	if (typeof value === 'string' && BARE_DATE.test(value.trim())) {
		const date = readDateTime(validator, field, value, PARIS) as DateTime;
		const instant = side === 'start' ? date.startOf('day') : date.endOf('day');
		return { wire: value.trim(), instant: instant.toMillis() };
	}
	const date = readDateTime(validator, field, value, timezone);
	if (!date) return undefined;
	return { wire: date.toUTC().toISO() as string, instant: date.toMillis() };
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[] = [];
	// Contracts come newest first: one created while paging shifts the pages by one, so a
	// contract may show up twice; it is output once.
	const seen = new Set<string>();
	let offset = 0;
	for (;;) {
		const wanted = input.limit === undefined ? MAX_LIST_PAGE_SIZE : input.limit - results.length;
		const page = await listContracts.call(
			this,
			input.filter,
			{ offset, limit: Math.min(MAX_LIST_PAGE_SIZE, wanted) },
			request,
		);
		for (const contract of page.contracts) {
			if (seen.has(contract.id)) continue;
			seen.add(contract.id);
			results.push({ json: contract as unknown as IDataObject });
		}
		offset += page.contracts.length;
		const done =
			page.contracts.length === 0 ||
			offset >= page.total ||
			(input.limit !== undefined && results.length >= input.limit);
		if (done) break;
	}
	return results;
}
