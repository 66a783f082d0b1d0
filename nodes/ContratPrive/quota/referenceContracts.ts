/**
 * The contracts a reference already has, found before a create with that reference: from what
 * this process created or found (no request), from the run's shared listing, or by a listing of
 * its own. The create (transport/requests.ts) either returns the newest of them, or sends its
 * request and compares what its read-back finds with them.
 */
import type { RequestOptions } from '../delivery/options';
import type { Contract } from '../transport/types';
import { forgetContract, knownContracts, rememberContract } from './processMemory';
import type { ReferenceMatches } from './referenceListing';

/** The options of a create with a reference, besides those of every request. */
export interface CreateOptions extends RequestOptions {
	/**
	 * With a reference: when a contract with exactly this reference exists, return it (the
	 * newest) instead of creating another one. Default true.
	 */
	skipIfReferenceExists?: boolean;
	/** The run's shared look-up of references (referenceLookup.ts); absent: one per item. */
	lookup?: {
		find(reference: string): Promise<ReferenceMatches | undefined>;
		/** Tells the run's look-up of a contract this item created. */
		created?(reference: string, contractId: string): void;
	};
}

/** The reads a look-up may make, as the create sends them (its options, its retries). */
export interface ReferenceReads {
	/** The IDs of the contracts with the reference, newest first (one contractListRequest). */
	ids(): Promise<string[]>;
	/**
	 * A contract, without its document contents (one contractDetailRequest); undefined when the
	 * API does not know it.
	 */
	details(contractId: string): Promise<Contract | undefined>;
}

/**
 * With `skipIfExists`, the newest contract of the reference, read in full (so that a re-run
 * outputs the same shape as the create did); otherwise, or when there is none, every ID the
 * reference has now.
 */
export async function contractsOfReference(
	account: string,
	reference: string,
	{ skipIfExists, lookup }: { skipIfExists: boolean; lookup: CreateOptions['lookup'] },
	reads: ReferenceReads,
): Promise<{ existing: Contract } | { known: Set<string> }> {
	const existing = async (id: string): Promise<Contract | undefined> => {
		const contract = await reads.details(id);
		if (!contract) {
			// Known to this process but not to the API (an emulator reset): look it up as usual.
			forgetContract(account, reference, id);
			return undefined;
		}
		rememberContract(account, reference, contract.id);
		return contract;
	};

	if (skipIfExists) {
		for (const id of knownContracts(account, reference)) {
			const found = await existing(id);
			if (found) return { existing: found };
		}
	}
	const shared = await lookup?.find(reference);
	const ids = shared && (shared.complete || skipIfExists) ? shared.ids : await reads.ids();
	if (skipIfExists && ids.length > 0) {
		const found = await existing(ids[0]);
		if (found) return { existing: found };
	}
	return { known: new Set([...ids, ...knownContracts(account, reference)]) };
}
