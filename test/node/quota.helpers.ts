/**
 * Shared set-up of the production quota tests: Contract › Create with a Reference per item on
 * the emulator's production platform, request counts from the emulator's request log, and a
 * fresh process memory (what an n8n process remembers of references) before each test.
 */
import type { INodeParameters } from 'n8n-workflow';

import { forgetEverything } from '../../nodes/ContratPrive/quota/processMemory';
import type { Item, NodeKit } from './contract.helpers';
import { createParameters, leaseItem } from './contract.helpers';
import { PRODUCTION_KEYS } from '../fixtures/accounts';

export const PLATFORM = 'production';

/** Before each test: an empty emulator on real time, and an n8n process that knows nothing. */
export function freshProcess(kit: NodeKit): void {
	beforeEach(() => {
		kit.emulator.reset();
		kit.emulator.clock.set(new Date());
		forgetEverything();
	});
}

/** One item per reference, all sharing one PDF. */
export async function referenceItems(references: string[]): Promise<Item[]> {
	const template = await leaseItem();
	return references.map((reference) => ({ json: { reference }, binary: template.binary }));
}

/** Create with `{{ $json.reference }}`, with these options, on production; items never stop the run. */
export async function createRun(
	kit: NodeKit,
	items: Item[],
	options: INodeParameters = {},
	overrides: INodeParameters = {},
) {
	return await kit.run(
		createParameters({
			additionalFields: { reference: '={{ $json.reference }}' },
			notifySignatories: false,
			notifyOwner: false,
			options,
			...overrides,
		}),
		items,
		{ platform: PLATFORM, continueOnFail: true },
	);
}

/** Seeds `count` production contracts, references SEED-1 (oldest) … SEED-count (newest). */
export function seedAccount(kit: NodeKit, count: number): string[] {
	return kit.emulator.seed({ platform: PLATFORM, apiUser: PRODUCTION_KEYS.apiUser, count }).ids;
}

export function counter(kit: NodeKit) {
	return (requestName?: string) =>
		kit.emulator.requestCount(requestName ? { requestName, platform: PLATFORM } : {});
}

/** Every production contract, by reference, newest first (API requests: call after counting). */
export async function contractsByReference(kit: NodeKit): Promise<Map<string, string[]>> {
	const byReference = new Map<string, string[]>();
	let offset = 0;
	for (;;) {
		const page = await kit.api(PLATFORM, 'contractListRequest', { offset, limit: 100 });
		const contracts = page.body.contracts as Array<{ id: string; reference: string | null }>;
		for (const contract of contracts) {
			const key = contract.reference ?? '';
			byReference.set(key, [...(byReference.get(key) ?? []), contract.id]);
		}
		offset += 100;
		if (offset >= page.body.total) return byReference;
	}
}
