/**
 * One look-up of references for a whole run: instead of one contractListRequest per item (by
 * its reference), the account's contracts are listed once, newest first, 100 a page, and every
 * item of the run reads its reference from that listing.
 *
 * Contracts created while the pages are read (by anyone) come first in the listing and push the
 * older ones to higher offsets: a page may then repeat contracts of the page before, never skip
 * one, as long as reading goes on until the latest `total` is covered. A `total` that shrinks
 * breaks that reasoning: the listing stops there and counts as partial.
 */
import type { ContractList, ContractSummary } from '../transport/types';
import { MAX_LIST_PAGE_SIZE } from '../transport/types';

export type ListPage = (offset: number) => Promise<ContractList>;

/** What the run knows of a reference. */
export interface ReferenceMatches {
	/** Contracts with this reference, newest first. */
	ids: string[];
	/** True when these are all of them; false: `ids[0]` is the newest, older ones may be missing. */
	complete: boolean;
}

/** The pages of a listing read so far (a prefix of it, newest first). */
export class ListingIndex {
	private readonly byReference = new Map<string, string[]>();

	private seen = new Set<string>();

	/** The `total` of the first page. */
	firstTotal?: number;

	/** The `total` of the last page read. */
	latestTotal?: number;

	/** How many pages were read. */
	pages = 0;

	/** True once every contract of the account at the first page is covered. */
	complete = false;

	/** Why reading stopped early, if it did. */
	stoppedBecause?: unknown;

	/** The next offset to read. */
	get nextOffset(): number {
		return this.pages * MAX_LIST_PAGE_SIZE;
	}

	/** Adds a page; false when its `total` makes the listing untrustworthy (it shrank). */
	add(page: ContractList): boolean {
		const total = Number(page.total);
		if (!Number.isInteger(total) || total < 0) return false;
		if (this.latestTotal !== undefined && total < this.latestTotal) return false;
		this.firstTotal ??= total;
		this.latestTotal = total;
		this.pages += 1;
		for (const contract of page.contracts ?? []) {
			if (this.seen.has(contract.id)) continue;
			this.seen.add(contract.id);
			if (!contract.reference) continue;
			const ids = this.byReference.get(contract.reference);
			if (ids) ids.push(contract.id);
			else this.byReference.set(contract.reference, [contract.id]);
		}
		if (this.nextOffset >= total) this.complete = true;
		return true;
	}

	/** Pages still to read for a complete listing, as far as the last `total` tells. */
	get pagesLeft(): number {
		if (this.complete || this.latestTotal === undefined) return 0;
		return Math.ceil(this.latestTotal / MAX_LIST_PAGE_SIZE) - this.pages;
	}

	/**
	 * What the pages read tell of a reference: all its contracts once the listing is complete;
	 * the newest when a partial listing shows one (its first pages are the newest contracts);
	 * undefined when only a look-up of its own can tell.
	 */
	find(reference: string): ReferenceMatches | undefined {
		const ids = this.byReference.get(reference) ?? [];
		if (this.complete) return { ids: [...ids], complete: true };
		return ids.length ? { ids: [...ids], complete: false } : undefined;
	}

	/**
	 * Adds the contracts of a new read of the listing's head (its first page) that this index
	 * has not seen: created since it was read. Returns them, newest first.
	 */
	addNewest(contracts: ContractSummary[]): ContractSummary[] {
		const unseen = contracts.filter((contract) => !this.seen.has(contract.id));
		for (const contract of [...unseen].reverse()) this.addCreated(contract.reference, contract.id);
		return unseen;
	}

	/** A contract created after the listing was read (by this run, or seen at the head). */
	addCreated(reference: string | null, id: string): void {
		if (this.seen.has(id)) return;
		this.seen.add(id);
		if (!reference) return;
		this.byReference.set(reference, [id, ...(this.byReference.get(reference) ?? [])]);
	}

	/** How many of `references` the pages read so far leave to look up. */
	unresolved(references: Iterable<string>): number {
		let count = 0;
		for (const reference of references) if (!this.find(reference)) count += 1;
		return count;
	}
}

/**
 * Reads pages until the listing is complete, or `maxPages` in all; a page that fails (after the
 * request's own retries) or shrinks the total stops reading, and what was read stays valid.
 */
export async function readListing(
	index: ListingIndex,
	listPage: ListPage,
	maxPages: number,
): Promise<void> {
	while (!index.complete && index.pages < maxPages) {
		let page: ContractList;
		try {
			page = await listPage(index.nextOffset);
		} catch (error) {
			index.stoppedBecause = error;
			return;
		}
		if (!index.add(page)) {
			index.stoppedBecause = new Error('the listing total went down between two pages');
			return;
		}
	}
}
