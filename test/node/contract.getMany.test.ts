/**
 * Contract › Get Many: pagination by offset (pages of at most 100) and filters.
 */
import type { IDataObject, INodeParameters, IPairedItemData } from 'n8n-workflow';

import type { SeedOptions } from '../emulator';
import type { ContractSummary } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import { createParameters, expectNoSecret, leaseItem, useNodeKit } from './contract.helpers';
import { SANDBOX_KEYS } from '../fixtures/accounts';

const kit = useNodeKit();

function getManyParameters(parameters: INodeParameters = {}): INodeParameters {
	return { resource: 'contract', operation: 'getMany', ...parameters };
}

function seed(count: number, options: Pick<SeedOptions, 'status' | 'createdFrom' | 'label'> = {}) {
	return kit.emulator.seed({
		platform: 'sandbox',
		apiUser: SANDBOX_KEYS.apiUser,
		count,
		...options,
	}).ids;
}

const ids = (result: { items: Array<{ json: IDataObject }> }) =>
	result.items.map((item) => jsonAs<ContractSummary>(item).id);

describe('Contract › Get Many', () => {
	test('Return All reads every page: 250 contracts in 3 requests, newest first, each once', async () => {
		const seeded = seed(250, { createdFrom: '2026-01-10T10:00:00Z' });
		const result = await kit.run(getManyParameters({ returnAll: true }), [{ json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(250);
		expect(ids(result)).toEqual([...seeded].reverse());
		expect(new Set(ids(result)).size).toBe(250);
		expect(result.items.every((item) => (item.pairedItem as IPairedItemData).item === 0)).toBe(
			true,
		);
		expect(result.items[0].json).toMatchObject({
			id: seeded[249],
			status: 'pending',
			signatories: [expect.objectContaining({ id: expect.any(String), status: 'pending' })],
		});
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(3);
		expectNoSecret(result);
	});

	test('the limit defaults to 50, in one request', async () => {
		seed(120);
		const result = await kit.run(getManyParameters(), [{ json: {} }]);
		expect(result.items).toHaveLength(50);
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(1);
	});

	test('a limit above a page: 150 contracts in two requests (100 + 50)', async () => {
		const seeded = seed(220, { createdFrom: '2026-01-10T10:00:00Z' });
		const result = await kit.run(getManyParameters({ returnAll: false, limit: 150 }), [
			{ json: {} },
		]);
		expect(ids(result)).toEqual([...seeded].reverse().slice(0, 150));
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(2);
	});

	test('a limit above the total stops at the total', async () => {
		seed(7);
		const result = await kit.run(getManyParameters({ limit: 500 }), [{ json: {} }]);
		expect(result.items).toHaveLength(7);
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(1);
	});

	test('no contract at all: no item, no error', async () => {
		const result = await kit.run(getManyParameters({ returnAll: true }), [{ json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	test('filter by statuses', async () => {
		seed(5, { status: 'signed' });
		seed(7, { status: 'cancelled' });
		seed(120, { status: 'pending' });
		seed(3, { status: 'draft' });
		const result = await kit.run(
			getManyParameters({ returnAll: true, filters: { statuses: ['signed', 'cancelled'] } }),
			[{ json: {} }],
		);
		expect(result.items).toHaveLength(12);
		const statuses = result.items.map((item) => jsonAs<ContractSummary>(item).status);
		expect(statuses.filter((status) => status === 'signed')).toHaveLength(5);
		expect(statuses.filter((status) => status === 'cancelled')).toHaveLength(7);

		const pending = await kit.run(
			getManyParameters({ returnAll: true, filters: { statuses: ['pending'] } }),
			[{ json: {} }],
		);
		expect(pending.items).toHaveLength(120);
	});

	test('filter by creation time (inclusive bounds, with offsets)', async () => {
		const seeded = seed(10, { createdFrom: '2026-01-10T10:00:00Z' });
		const result = await kit.run(
			getManyParameters({
				returnAll: true,
				filters: { createdFrom: '2026-01-10T11:00:03+01:00', createdTo: '2026-01-10T10:00:06Z' },
			}),
			[{ json: {} }],
		);
		expect(ids(result)).toEqual([seeded[6], seeded[5], seeded[4], seeded[3]]);
	});

	test('filter by calendar days (a bare date is a whole day in Paris)', async () => {
		// 22:30 UTC on 10 Jan is 23:30 in Paris; 23:30 UTC is already 11 Jan in Paris.
		const tenth = seed(1, { createdFrom: '2026-01-10T22:30:00Z' });
		const eleventh = seed(2, { createdFrom: '2026-01-10T23:30:00Z' });
		seed(1, { createdFrom: '2026-01-12T12:00:00Z' });
		const result = await kit.run(
			getManyParameters({
				returnAll: true,
				filters: { createdFrom: '2026-01-11', createdTo: '2026-01-11' },
			}),
			[{ json: {} }],
		);
		expect(ids(result).sort()).toEqual([...eleventh].sort());
		expect(ids(result)).not.toContain(tenth[0]);
	});

	test('filter by exact reference', async () => {
		for (const reference of ['DEAL-1', 'DEAL-2', 'DEAL-1']) {
			const created = await kit.run(
				createParameters({
					additionalFields: { reference },
					options: { skipIfReferenceExists: false },
				}),
				[await leaseItem()],
			);
			expect(created.error).toBeUndefined();
		}
		const result = await kit.run(
			getManyParameters({ returnAll: true, filters: { reference: 'DEAL-1' } }),
			[{ json: {} }],
		);
		expect(result.items.map((item) => jsonAs<ContractSummary>(item).reference)).toEqual([
			'DEAL-1',
			'DEAL-1',
		]);
	});

	test('one list per input item, each paired with its item', async () => {
		seed(3, { status: 'signed' });
		seed(2, { status: 'cancelled' });
		const result = await kit.run(
			getManyParameters({ returnAll: true, filters: { statuses: '={{ [$json.status] }}' } }),
			[{ json: { status: 'signed' } }, { json: { status: 'cancelled' } }],
		);
		expect(
			result.items.map((item) => [
				jsonAs<ContractSummary>(item).status,
				(item.pairedItem as IPairedItemData).item,
			]),
		).toEqual([
			['signed', 0],
			['signed', 0],
			['signed', 0],
			['cancelled', 1],
			['cancelled', 1],
		]);
	});
});

describe('Contract › Get Many: errors', () => {
	test('"Created Before" earlier than "Created After" fails before any request', async () => {
		const result = await kit.run(
			getManyParameters({
				filters: { createdFrom: '2026-02-01T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' },
			}),
			[{ json: {} }],
		);
		expect(result.error?.message).toBe(
			'Item 0: "Filters › Created Before" (2026-01-01T00:00:00.000Z) is earlier than "Filters › Created After" (2026-02-01T00:00:00.000Z)',
		);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('an unknown status from an expression fails before any request', async () => {
		const result = await kit.run(
			getManyParameters({ filters: { statuses: '={{ [$json.status] }}' } }),
			[{ json: { status: 'signed' } }, { json: { status: 'archived' } }],
		);
		expect(result.error?.message).toBe(
			'Item 1: "Filters › Statuses" contains "archived", which is not one of draft, pending, signed, cancelled, expired',
		);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('a limit of 0 fails before any request', async () => {
		const result = await kit.run(getManyParameters({ limit: 0 }), [{ json: {} }]);
		expect(result.error?.message).toBe(
			'Item 0: "Limit" must be a whole number of at least 1, not 0',
		);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('an invalid date fails before any request', async () => {
		const result = await kit.run(getManyParameters({ filters: { createdFrom: 'yesterday' } }), [
			{ json: {} },
		]);
		expect(result.error?.message).toBe(
			'Item 0: "Filters › Created After" is not a valid date: "yesterday"',
		);
		expect(kit.emulator.requestCount()).toBe(0);
	});

	test('INVALID_CREDENTIALS, with continueOnFail', async () => {
		const result = await kit.run(getManyParameters(), [{ json: {} }], {
			continueOnFail: true,
			keys: { apiUser: 'nobody', apiKey: 'demo-sandbox-key' },
		});
		expect(result.items).toEqual([
			{
				json: {
					error: 'Contrat-Privé does not know this API key pair',
					description: expect.any(String),
					errorCode: 'INVALID_CREDENTIALS',
				},
				pairedItem: { item: 0 },
			},
		]);
		expectNoSecret(result);
	});
});
