/**
 * Contract › Cancel: only a contract out for signature and not signed by everyone.
 */
import type { INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import type { Contract, CreatedContract } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import {
	byId,
	createParameters,
	expectNoBase64InJson,
	expectNoSecret,
	leaseItem,
	useNodeKit,
} from './contract.helpers';

const kit = useNodeKit();

function cancelParameters(contractId: NodeParameterValueType, reason?: string): INodeParameters {
	return {
		resource: 'contract',
		operation: 'cancel',
		contractId,
		...(reason === undefined ? {} : { reason }),
	};
}

async function create(action: 'send' | 'draft' = 'send'): Promise<CreatedContract> {
	const result = await kit.run(createParameters({ action }), [await leaseItem()]);
	expect(result.error).toBeUndefined();
	return jsonAs<CreatedContract>(result.items[0]);
}

describe('Contract › Cancel', () => {
	test('cancels a pending contract, with the reason in its history', async () => {
		const created = await create();
		const result = await kit.run(cancelParameters(byId(created.id), 'Offer withdrawn'), [
			{ json: {} },
		]);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const contract = jsonAs<Contract>(result.items[0]);
		expect(contract).toMatchObject({
			id: created.id,
			status: 'cancelled',
			cancelledAt: expect.any(String),
		});
		expectNoBase64InJson(result);
		expectNoSecret(result);

		const view = await kit.control('GET', `/contracts/${created.id}`);
		const cancelled = view.body.contract.log.find((entry) => entry.event === 'cancelled');
		expect(JSON.stringify(cancelled)).toContain('Offer withdrawn');
	});

	test('cancels without a reason', async () => {
		const created = await create();
		const result = await kit.run(cancelParameters(byId(created.id)), [{ json: {} }]);
		expect(jsonAs<Contract>(result.items[0]).status).toBe('cancelled');
	});

	test('several contracts from the items, in order', async () => {
		const first = await create();
		const second = await create();
		const result = await kit.run(
			cancelParameters(byId('={{ $json.contractId }}'), '={{ $json.why }}'),
			[
				{ json: { contractId: first.id, why: 'duplicate' } },
				{ json: { contractId: second.id, why: 'client left' } },
			],
		);
		expect(
			result.items.map((item) => [
				jsonAs<Contract>(item).id,
				jsonAs<Contract>(item).status,
				item.pairedItem,
			]),
		).toEqual([
			[first.id, 'cancelled', { item: 0 }],
			[second.id, 'cancelled', { item: 1 }],
		]);
	});
});

describe('Contract › Cancel: errors', () => {
	test('INVALID_STATE on a draft', async () => {
		const draft = await create('draft');
		const result = await kit.run(cancelParameters(byId(draft.id)), [{ json: {} }]);
		expect(result.error?.message).toMatch(/^Not possible in the contract's current state: /);
		expect(result.error?.httpCode).toBe('409');
		expectNoSecret(result);
	});

	test('INVALID_STATE on a signed contract', async () => {
		const created = await create();
		await kit.signAll(created.id);
		const result = await kit.run(cancelParameters(byId(created.id)), [{ json: {} }]);
		expect(result.error?.message).toMatch(/^Not possible in the contract's current state: /);
		expect(result.error?.httpCode).toBe('409');
	});

	test('INVALID_STATE when cancelled twice', async () => {
		const created = await create();
		expect(
			(await kit.run(cancelParameters(byId(created.id)), [{ json: {} }])).error,
		).toBeUndefined();
		const again = await kit.run(cancelParameters(byId(created.id)), [{ json: {} }]);
		expect(again.error?.httpCode).toBe('409');
	});

	test('CONTRACT_NOT_FOUND', async () => {
		const result = await kit.run(cancelParameters(byId('ctr_nope')), [{ json: {} }]);
		expect(result.error?.message).toBe('Contract not found');
		expect(result.error?.httpCode).toBe('404');
	});

	test('continueOnFail: a draft and a pending contract, the draft gives an error item', async () => {
		const draft = await create('draft');
		const pending = await create();
		const result = await kit.run(
			cancelParameters(byId('={{ $json.id }}')),
			[{ json: { id: draft.id } }, { json: { id: pending.id } }],
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[0]).toEqual({
			json: {
				error: expect.stringMatching(/^Not possible in the contract's current state/),
				description: expect.any(String),
				errorCode: 'INVALID_STATE',
				status: 'draft',
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1]).toMatchObject({
			json: { id: pending.id, status: 'cancelled' },
			pairedItem: { item: 1 },
		});
		expectNoSecret(result);
	});

	test('WRONG_PLATFORM: production keys on the sandbox', async () => {
		const result = await kit.run(cancelParameters(byId('ctr_x')), [{ json: {} }], {
			keys: { apiUser: 'demo-production-user', apiKey: 'demo-production-key' },
		});
		expect(result.error?.message).toBe('These keys belong to the other platform');
		expect(result.error?.description).toContain('production keys');
		expectNoSecret(result);
	});

	test('an empty contract ID (from an expression) fails before any request', async () => {
		const result = await kit.run(cancelParameters(byId('={{ $json.id }}')), [
			{ json: { id: 'ctr_x' } },
			{ json: { id: '   ' } },
		]);
		expect(result.error?.message).toBe('Item 1: "Contract" is empty');
		expect(kit.emulator.requestCount()).toBe(0);
	});
});
