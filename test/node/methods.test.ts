/**
 * The editor's dynamic parameters, run as n8n's server runs them: the contract list of the
 * resource locator (listSearch `searchContracts`) and the signatories of the chosen contract
 * (loadOptions `getSignatories`).
 */
import type { INodeParameters } from 'n8n-workflow';

import { runListSearch, runLoadOptions } from '../helpers/load-options';
import { byId, createContractViaApi, useNodeKit } from './contract.helpers';
import { SANDBOX_KEYS } from '../fixtures/accounts';

const kit = useNodeKit();

const seed = (count: number, options: { label?: string; createdFrom?: string } = {}) =>
	kit.emulator.seed({ platform: 'sandbox', apiUser: SANDBOX_KEYS.apiUser, count, ...options }).ids;

describe('listSearch searchContracts', () => {
	test('no filter: newest first, 100 a page, a pagination token across 150 contracts', async () => {
		const ids = seed(150, { createdFrom: '2026-01-05T09:00:00Z' });
		const newestFirst = [...ids].reverse();

		const first = await runListSearch('searchContracts', undefined, kit.credentials());
		expect(first.results).toHaveLength(100);
		expect(first.results.map((result) => result.value)).toEqual(newestFirst.slice(0, 100));
		expect(first.results[0]).toEqual({
			name: 'Seeded contract #150 (SEED-150) · pending',
			value: ids[149],
		});
		expect(first.paginationToken).toBe('100');

		const second = await runListSearch('searchContracts', undefined, kit.credentials(), {
			paginationToken: first.paginationToken as string,
		});
		expect(second.results.map((result) => result.value)).toEqual(newestFirst.slice(100));
		expect(second.paginationToken).toBeUndefined();
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(2);
	});

	test('a filter on label, reference, ID or signatory name, in any case', async () => {
		const lease = await createContractViaApi(kit, 'sandbox', {
			label: 'Bail commercial - Nantes',
			reference: 'CRM-4711',
		});
		const other = await createContractViaApi(kit, 'sandbox', {
			label: 'Mandat de vente',
			signatories: [
				{ firstName: 'Zoé', lastName: 'Lambert', email: 'zoe@example.com', phone: '+33611111111' },
			],
		});
		for (const filter of ['NANTES', 'crm-4711', lease.id, ' Commercial ']) {
			const found = await runListSearch('searchContracts', filter, kit.credentials());
			expect(found.results).toEqual([
				{ name: 'Bail commercial - Nantes (CRM-4711) · pending', value: lease.id },
			]);
			expect(found.paginationToken).toBeUndefined();
		}
		const bySignatory = await runListSearch('searchContracts', 'lambert', kit.credentials());
		expect(bySignatory.results.map((result) => result.value)).toEqual([other.id]);
	});

	test('a filter matching only old contracts, past the first page, still finds them in one search', async () => {
		const old = await createContractViaApi(kit, 'sandbox', { label: 'Bail Durand-Lefèvre' });
		// 250 newer contracts.
		seed(250, { createdFrom: new Date(Date.now() + 60_000).toISOString() });
		const found = await runListSearch('searchContracts', 'lefèvre', kit.credentials());
		// The editor shows "No results" for an empty page: it cannot scroll to load more.
		expect(found.results.map((result) => result.value)).toEqual([old.id]);
		expect(found.paginationToken).toBeUndefined();
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(3);
	});

	test('a filter matching many: pages are read until the list is long enough to scroll, then a token', async () => {
		// Newest first: 30 leases, 300 others, 30 older leases.
		seed(30, { label: 'Lease', createdFrom: '2026-01-05T09:00:00Z' });
		seed(300, { label: 'Other', createdFrom: '2026-01-06T09:00:00Z' });
		seed(30, { label: 'Lease', createdFrom: '2026-01-07T09:00:00Z' });
		const first = await runListSearch('searchContracts', 'lease', kit.credentials());
		expect(first.results.length).toBeGreaterThanOrEqual(20);
		expect(first.results.every((result) => String(result.name).startsWith('Lease #'))).toBe(true);
		expect(first.paginationToken).toBe('100');
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(1);

		kit.emulator.resetRequestLog();
		const second = await runListSearch('searchContracts', 'lease', kit.credentials(), {
			paginationToken: first.paginationToken as string,
		});
		// The 300 "Other" contracts are read in 3 more pages, then the 30 older leases.
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect(kit.emulator.requestCount({ requestName: 'contractListRequest' })).toBe(3);
		const all = [...first.results, ...second.results].map((result) => result.value);
		expect(new Set(all).size).toBe(60);
	});

	test('a filter matching nothing: a bounded number of requests, then a token to go on', async () => {
		seed(1200);
		const found = await runListSearch('searchContracts', 'no such contract', kit.credentials());
		expect(found.results).toEqual([]);
		const requests = kit.emulator.requestCount({ requestName: 'contractListRequest' });
		expect(requests).toBe(5);
		expect(found.paginationToken).toBe('500');
	});

	test('no contracts: an empty list, no token', async () => {
		expect(await runListSearch('searchContracts', undefined, kit.credentials())).toEqual({
			results: [],
		});
	});

	test('wrong keys: the error the editor shows, without the key', async () => {
		const attempt = runListSearch(
			'searchContracts',
			undefined,
			kit.credentials('sandbox', { apiUser: SANDBOX_KEYS.apiUser, apiKey: 'wrong-key-123' }),
		);
		await expect(attempt).rejects.toMatchObject({
			message: 'Contrat-Privé does not know this API key pair',
			httpCode: '401',
		});
		const error = await attempt.catch((caught) => caught);
		expect(JSON.stringify(error)).not.toContain('wrong-key-123');
	});
});

describe('loadOptions getSignatories', () => {
	const currentParameters = (contractId: unknown): INodeParameters => ({
		resource: 'signatory',
		operation: 'sign',
		contractId: contractId as INodeParameters[string],
		signatoryId: '',
		code: '',
	});

	test('the signatories of the contract chosen in the list (resource locator in list mode)', async () => {
		const contract = await createContractViaApi(kit, 'sandbox');
		const [alice, bob] = contract.signatories;
		expect(
			(await kit.control('POST', `/contracts/${contract.id}/signatories/${bob.id}/sign`)).status,
		).toBe(200);

		const options = await runLoadOptions(
			'getSignatories',
			currentParameters({
				__rl: true,
				mode: 'list',
				value: contract.id,
				cachedResultName: 'Bail meublé - Lyon · pending',
			}),
			kit.credentials(),
		);
		expect(options).toEqual([
			{ name: 'Alice Martin (pending)', value: alice.id, description: 'alice@example.com' },
			{ name: 'Bob Durand (signed)', value: bob.id, description: 'bob@example.com' },
		]);
		expect(kit.emulator.requestCount({ requestName: 'contractDetailRequest', status: 200 })).toBe(
			1,
		);
	});

	test('the same with the contract given by ID', async () => {
		const contract = await createContractViaApi(kit, 'production');
		const options = await runLoadOptions(
			'getSignatories',
			currentParameters(byId(` ${contract.id} `)),
			kit.credentials('production'),
		);
		expect(options.map((option) => option.value)).toEqual(
			contract.signatories.map((signatory) => signatory.id),
		);
	});

	test('no contract chosen yet: no options and no request', async () => {
		for (const contractId of [{ __rl: true, mode: 'list', value: '' }, undefined]) {
			const parameters = currentParameters(contractId);
			if (contractId === undefined) delete parameters.contractId;
			expect(await runLoadOptions('getSignatories', parameters, kit.credentials())).toEqual([]);
		}
		expect(kit.emulator.requests).toEqual([]);
	});

	test('a contract given by an expression (unknown until the workflow runs): no options and no request', async () => {
		const options = await runLoadOptions(
			'getSignatories',
			currentParameters(byId("={{ $('Create').item.json.id }}")),
			kit.credentials(),
		);
		expect(options).toEqual([]);
		expect(kit.emulator.requests).toEqual([]);
	});

	test('an unknown contract: "Contract not found"', async () => {
		await expect(
			runLoadOptions('getSignatories', currentParameters(byId('ctr_nope')), kit.credentials()),
		).rejects.toMatchObject({ message: 'Contract not found', httpCode: '404' });
	});
});
