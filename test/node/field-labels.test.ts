/**
 * Every operation names a field in its errors from its description, one way: every display name
 * of the node's description is renamed here (in memory, restored after), and the messages of bad
 * input, in every operation and in the shared options, name the fields by their new names.
 * (Empty required fields are expressions: the editor would flag a literal empty one.)
 */
import type { INodeParameters } from 'n8n-workflow';

import { versionDescription } from '../../nodes/ContratPrive/v1/actions/versionDescription';
import type { Item } from './contract.helpers';
import { createParameters, leaseItem, useNodeKit } from './contract.helpers';

const kit = useNodeKit();

const MARK = ' (renamed)';

/** Every object of the description that has a display name, at any depth. */
function named(value: unknown, found = new Set<{ displayName: string }>()) {
	if (Array.isArray(value)) {
		for (const entry of value) named(entry, found);
	} else if (value !== null && typeof value === 'object') {
		if (typeof (value as { displayName?: unknown }).displayName === 'string') {
			found.add(value as { displayName: string });
		}
		for (const [key, entry] of Object.entries(value)) {
			if (key === 'options' || key === 'values') named(entry, found);
		}
	}
	return found;
}

const r = (name: string) => `${name}${MARK}`;
const CONTRACT = 'ctr_renamed_test';
const SIGNATORY = 'sig_renamed_test';
const contractId = { __rl: true, mode: 'id', value: CONTRACT };

const cases: Array<{
	name: string;
	parameters: INodeParameters;
	items?: () => Promise<Item[]>;
	field: string;
}> = [
	{
		name: 'Connection › Check: a shared option',
		parameters: { resource: 'connection', operation: 'check', options: { requestTimeout: 'abc' } },
		field: `${r('Options')} › ${r('Timeout')}`,
	},
	{
		name: 'Contract › Create: a field',
		parameters: createParameters({ label: '={{ "" }}' }),
		items: async () => [await leaseItem()],
		field: r('Label'),
	},
	{
		name: 'Contract › Create: a signatory field',
		parameters: createParameters({
			signatories: {
				signatory: [{ firstName: 'A', lastName: 'B', email: 'a@example.com', phone: '12' }],
			},
		}),
		items: async () => [await leaseItem()],
		field: `${r('Signatories')} › ${r('Signatory')} 1 › ${r('Mobile Phone')}`,
	},
	{
		name: 'Contract › Create: the batching option',
		parameters: createParameters({ options: { batching: { batch: { parallelRequests: 0 } } } }),
		items: async () => [await leaseItem()],
		field: `${r('Options')} › ${r('Batching')} › ${r('Parallel Requests')}`,
	},
	{
		name: 'Contract › Get: the contract',
		parameters: {
			resource: 'contract',
			operation: 'get',
			contractId: { __rl: true, mode: 'id', value: '={{ "" }}' },
		},
		field: r('Contract'),
	},
	{
		name: 'Contract › Get: its own option',
		parameters: {
			resource: 'contract',
			operation: 'get',
			contractId,
			options: { includeAuditLog: 'maybe' },
		},
		field: `${r('Options')} › ${r('Include Audit Log')}`,
	},
	{
		name: 'Contract › Get Many: the limit',
		parameters: { resource: 'contract', operation: 'getMany', returnAll: false, limit: 0 },
		field: r('Limit'),
	},
	{
		name: 'Contract › Get Many: two filters in one message',
		parameters: {
			resource: 'contract',
			operation: 'getMany',
			returnAll: true,
			filters: { createdFrom: '2026-05-02', createdTo: '2026-05-01' },
		},
		field: `${r('Filters')} › ${r('Created After')}`,
	},
	{
		name: 'Contract › Cancel: the reason',
		parameters: { resource: 'contract', operation: 'cancel', contractId, reason: { not: 'text' } },
		field: r('Reason'),
	},
	{
		name: 'Signatory › Send SMS Code: the signatory',
		parameters: {
			resource: 'signatory',
			operation: 'sendSms',
			contractId,
			signatoryId: '={{ "" }}',
		},
		field: r('Signatory Name or ID'),
	},
	{
		name: 'Signatory › Send SMS Code to All: the batch interval',
		parameters: {
			resource: 'signatory',
			operation: 'sendSmsToAll',
			contractId,
			options: { batching: { batch: { batchInterval: -1 } } },
		},
		field: `${r('Options')} › ${r('Batching')} › ${r('Batch Interval (Ms)')}`,
	},
	{
		name: 'Signatory › Sign: the SMS code',
		parameters: {
			resource: 'signatory',
			operation: 'sign',
			contractId,
			signatoryId: SIGNATORY,
			code: 'abc',
		},
		field: r('SMS Code'),
	},
];

describe('a field renamed in the description is renamed in every error', () => {
	const renamed = [...named(versionDescription.properties)];
	const original = renamed.map((entry) => entry.displayName);
	beforeAll(() => {
		for (const entry of renamed) entry.displayName += MARK;
	});
	afterAll(() => {
		renamed.forEach((entry, index) => (entry.displayName = original[index]));
	});

	test.each(cases)('$name', async ({ parameters, items, field }) => {
		const result = await kit.run(parameters, items ? await items() : [{ json: {} }]);
		expect(result.error?.message).toContain(`"${field}"`);
		expect(kit.emulator.requests).toHaveLength(0);
	});
});
