/**
 * The kit of the emulator's conformance suite: the base kit (test/helpers/emulator-kit.ts) on a
 * fixed clock, with the demo owners' shortcuts, request bodies and a state snapshot.
 */
import type { EmulatorKit, Reply } from '../helpers/emulator-kit';
import { extendKit, useEmulator } from '../helpers/emulator-kit';
import type { Keys } from '../fixtures/accounts';
import type { WireContract } from './wire-reply';
import { OTHER_SANDBOX_KEYS, PRODUCTION_KEYS, SANDBOX_KEYS } from '../fixtures/accounts';
import { ALICE, BOB_SPACED_PHONE } from '../fixtures/people';
import { TINY_PDF_B64 } from '../fixtures/pdf';

export const START = '2026-12-01T10:00:00+01:00';
export const DEADLINE = '2026-12-31';

export interface ApiKit extends EmulatorKit {
	/** An API request with the sandbox demo owner's keys. */
	sandbox(name: string, body?: object): Promise<Reply>;
	/** An API request with the production demo owner's keys. */
	prod(name: string, body?: object): Promise<Reply>;
}

/** The base kit on a virtual clock set to `start` before each test. */
export function useApiKit(start: string = START): ApiKit {
	const kit = useEmulator({ now: start });
	return extendKit(kit, {
		sandbox: async (name: string, body: object = {}) =>
			await kit.api('sandbox', name, body, SANDBOX_KEYS),
		prod: async (name: string, body: object = {}) =>
			await kit.api('production', name, body, PRODUCTION_KEYS),
	});
}

/** Members of a JSON request body, which tests may set to any value (bad input on purpose). */
export type JsonFields = Record<string, unknown>;

/** A contractCreateRequest body (without keys), as tests build and break it. */
export type CreateBody = {
	contract: JsonFields;
	mainDocument: JsonFields;
	annexes?: unknown;
	signatories: JsonFields[];
	notify: JsonFields;
	action: JsonFields;
};

/** A valid contractCreateRequest body (without keys). */
export function createBody(
	over: {
		contract?: JsonFields;
		signatories?: JsonFields[];
		notify?: JsonFields;
		submit?: boolean;
		mainDocument?: JsonFields;
		annexes?: unknown;
	} = {},
): CreateBody {
	return {
		contract: {
			label: 'Bail meublé - Lyon',
			lang: 'fr',
			deadline: DEADLINE,
			reference: 'REF-1',
			...over.contract,
		},
		mainDocument: over.mainDocument ?? { name: 'bail.pdf', data: TINY_PDF_B64 },
		...(over.annexes === undefined ? {} : { annexes: over.annexes }),
		signatories: over.signatories ?? [{ ...ALICE }, { ...BOB_SPACED_PHONE }],
		notify: { signatory: true, owner: true, submitMessage: 'Merci de signer', ...over.notify },
		action: { submit: over.submit ?? true },
	};
}

/** Creates a contract through the API and returns it (fails the test otherwise). */
export async function createContract(
	kit: ApiKit,
	platform: 'sandbox' | 'production' = 'sandbox',
	over: Parameters<typeof createBody>[0] = {},
	keys?: Keys,
): Promise<WireContract> {
	const r = await kit.api(
		platform,
		'contractCreateRequest',
		createBody(over),
		keys ?? (platform === 'sandbox' ? SANDBOX_KEYS : PRODUCTION_KEYS),
	);
	if (r.status !== 200) throw new Error(`create failed: ${r.status} ${r.text}`);
	return r.body.contract;
}

/** Snapshot of the observable state, to assert a rejected request changed nothing. */
export async function stateSnapshot(kit: ApiKit): Promise<string> {
	const parts: unknown[] = [];
	for (const keys of [SANDBOX_KEYS, OTHER_SANDBOX_KEYS]) {
		const r = await kit.api('sandbox', 'contractListRequest', { limit: 100 }, keys);
		for (const c of r.body.contracts) {
			const d = await kit.control('GET', `/contracts/${c.id}`);
			parts.push(d.body);
		}
	}
	const p = await kit.api('production', 'contractListRequest', { limit: 100 }, PRODUCTION_KEYS);
	for (const c of p.body.contracts)
		parts.push((await kit.control('GET', `/contracts/${c.id}`)).body);
	const outbox = await kit.control('GET', '/outbox');
	return JSON.stringify({ parts, outbox: outbox.body });
}
