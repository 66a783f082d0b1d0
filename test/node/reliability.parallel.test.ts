/**
 * Faults while several writes are in flight (Options › Batching, 4 parallel requests): every
 * fault kind of the emulator, before it processed the request and after it did, injected into 3
 * of the concurrent requests. What one-at-a-time sending guarantees must hold: every item in
 * its place, no contract created twice, no SMS sent twice, no contract cancelled twice, and a
 * write whose outcome cannot be read back reported and never sent again.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Item } from './contract.helpers';
import {
	byId,
	createContractViaApi,
	createParameters,
	FAILURE_KINDS,
	FAST_RETRIES,
	leaseItem,
	useNodeKit,
} from './contract.helpers';

const kit = useNodeKit();

const PLATFORM = 'production';
const OPTIONS = { ...FAST_RETRIES, batching: { batch: { parallelRequests: 4, batchInterval: 0 } } };
type When = 'before' | 'after';
const CELLS: Array<[string, When]> = FAILURE_KINDS.flatMap((kind) =>
	(['before', 'after'] as const).map((when): [string, When] => [kind, when]),
);
const FAULTS = 3;

beforeEach(() => {
	kit.emulator.reset();
	kit.emulator.clock.set(new Date());
});

async function injectFaults(kind: string, when: When, requestName: string): Promise<void> {
	const added = await kit.control('POST', '/faults', {
		kind,
		count: FAULTS,
		requestName,
		after: when === 'after',
	});
	expect(added.status).toBe(200);
}

async function pendingContracts(
	count: number,
): Promise<Array<{ id: string; signatoryId: string }>> {
	const contracts = [];
	for (let n = 0; n < count; n++) {
		const contract = await createContractViaApi(kit, PLATFORM, { label: `Bail ${n}` });
		contracts.push({
			id: contract.id as string,
			signatoryId: contract.signatories[0].id as string,
		});
	}
	kit.emulator.resetRequestLog();
	return contracts;
}

async function run(parameters: INodeParameters, items: Item[]) {
	const result = await kit.run({ ...parameters, options: OPTIONS }, items, {
		platform: PLATFORM,
		continueOnFail: true,
	});
	await kit.control('DELETE', '/faults');
	expect(result.error).toBeUndefined();
	// Every item in its place, paired with its input, whatever finished first.
	expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	return result;
}

const requests = (requestName: string) => kit.emulator.requestCount({ requestName });

describe('faults with 4 parallel requests: Create with a Reference, 8 items', () => {
	test.each(CELLS)('%s %s processing: one contract per reference', async (kind, when) => {
		await injectFaults(kind, when, 'contractCreateRequest');
		const references = Array.from({ length: 8 }, (_, n) => `PAR-${n}`);
		const items = await Promise.all(references.map((reference) => leaseItem({ reference })));
		const result = await run(
			createParameters({ additionalFields: { reference: '={{ $json.reference }}' } }),
			items,
		);
		// The lookup by reference finds what a faulty create did, or shows it was not done.
		expect(result.items.map((item) => [item.json.error, item.json.reference])).toEqual(
			references.map((reference) => [undefined, reference]),
		);
		const list = await kit.api(PLATFORM, 'contractListRequest', { limit: 100 });
		const stored = (list.body.contracts as Array<{ reference: string }>).map((c) => c.reference);
		expect(stored.sort()).toEqual(references);
		expect(requests('contractCreateRequest')).toBe(8 + (when === 'before' ? FAULTS : 0));
	});
});

describe('faults with 4 parallel requests: Send SMS Code, 6 contracts', () => {
	test.each(CELLS)('%s %s processing: never a second SMS', async (kind, when) => {
		const contracts = await pendingContracts(6);
		await injectFaults(kind, when, 'signatorySendSmsRequest');
		const result = await run(
			{
				resource: 'signatory',
				operation: 'sendSms',
				contractId: byId('={{ $json.id }}'),
				signatoryId: '={{ $json.signatoryId }}',
			},
			contracts.map((contract) => ({ json: contract })),
		);
		const failed = result.items.filter((item) => item.json.error);
		expect(failed).toHaveLength(FAULTS);
		for (const item of failed) {
			expect(item.json.error).toBe('Contrat-Privé did not confirm that the SMS code was sent');
		}
		const sms = kit.emulator.outbox().sms;
		expect(sms).toHaveLength(when === 'after' ? 6 : 6 - FAULTS);
		expect(new Set(sms.map((message) => message.signatoryId)).size).toBe(sms.length);
		expect(requests('signatorySendSmsRequest')).toBe(6);
	});
});

describe('faults with 4 parallel requests: Cancel, 6 contracts', () => {
	test.each(CELLS)('%s %s processing: each contract cancelled once', async (kind, when) => {
		const contracts = await pendingContracts(6);
		await injectFaults(kind, when, 'contractCancelRequest');
		const result = await run(
			{
				resource: 'contract',
				operation: 'cancel',
				contractId: byId('={{ $json.id }}'),
				reason: 'Offer withdrawn',
			},
			contracts.map((contract) => ({ json: contract })),
		);
		expect(result.items.map((item) => [item.json.error, item.json.status])).toEqual(
			contracts.map(() => [undefined, 'cancelled']),
		);
		for (const contract of contracts) {
			const view = await kit.control('GET', `/contracts/${contract.id}`);
			const log = view.body.contract.log as Array<{ event: string }>;
			expect(log.filter((entry) => entry.event === 'cancelled')).toHaveLength(1);
		}
		expect(requests('contractCancelRequest')).toBe(6 + (when === 'before' ? FAULTS : 0));
	});
});
