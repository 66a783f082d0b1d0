/**
 * How a run finds out which of its references already have a contract, at the lower request
 * count of two ways:
 * - per item: one contractListRequest filtered by the item's reference (1 request per item);
 * - shared: the account's whole listing, ceil(total / 100) pages, read once for the run.
 *
 * The listing's size is not known before its first page. So, with at least two references to
 * look up, the first page is read (unless this process already saw a listing of the account
 * too long to pay off); its `total` tells how many pages remain. The rest is read when fewer
 * pages remain than references the first page left unresolved; otherwise those look themselves
 * up, and the first page still answers the ones it shows. At worst this costs one request more
 * than the per-item way; see the README's Production quota section.
 */
import { knownListingTotal, rememberListingTotal } from './processMemory';
import type { ListPage, ReferenceMatches } from './referenceListing';
import { ListingIndex, readListing } from './referenceListing';
import { MAX_LIST_PAGE_SIZE } from './types';

export type LookupWay = 'per-item' | 'first-page' | 'shared';

export interface RunLookupSettings {
	/** The account (processMemory.accountKey). */
	account: string;
	/** The references the run's items would each look up; repeats count once. */
	references: Iterable<string>;
	listPage: ListPage;
	debug?: (message: string) => void;
}

export const pagesFor = (total: number) => Math.ceil(total / MAX_LIST_PAGE_SIZE);

export class RunLookup {
	private planned?: Promise<ListingIndex | undefined>;

	private readonly references: Set<string>;

	/** The way chosen, once the first item asked. */
	way?: LookupWay;

	constructor(private readonly settings: RunLookupSettings) {
		this.references = new Set(settings.references);
	}

	/**
	 * What the run's listing tells of a reference; undefined when the item must look it up
	 * itself. Every item of the run shares one listing, read when the first one asks.
	 */
	async find(reference: string): Promise<ReferenceMatches | undefined> {
		this.planned ??= this.plan();
		return (await this.planned)?.find(reference);
	}

	/** How many listing pages the run read (0 when it looks up per item). */
	async pagesRead(): Promise<number> {
		return (await this.planned)?.pages ?? 0;
	}

	private async plan(): Promise<ListingIndex | undefined> {
		const { account, listPage } = this.settings;
		const wanted = this.references.size;
		const knownTotal = knownListingTotal(account);
		if (wanted < 2 || (knownTotal !== undefined && pagesFor(knownTotal) >= wanted)) {
			const size = knownTotal === undefined ? 'size unknown' : `${knownTotal} contracts`;
			return this.chose('per-item', undefined, `${wanted} reference(s), ${size}`);
		}

		const index = new ListingIndex();
		await readListing(index, listPage, 1);
		if (index.firstTotal !== undefined) rememberListingTotal(account, index.firstTotal);
		const left = index.pagesLeft;
		const unresolved = index.unresolved(this.references);
		if (index.pages === 0) {
			return this.chose('per-item', undefined, 'the first page failed');
		}
		if (index.complete || left >= unresolved) {
			return this.chose(
				index.complete ? 'shared' : 'first-page',
				index,
				`${wanted} references, ${index.firstTotal} contracts, ${left} more page(s) for ${unresolved} unresolved`,
			);
		}
		// Contracts created meanwhile may add pages: at most twice as many as planned, plus two.
		await readListing(index, listPage, index.pages + 2 * left + 2);
		if (index.latestTotal !== undefined) rememberListingTotal(account, index.latestTotal);
		return this.chose(
			'shared',
			index,
			`${wanted} references, ${index.pages} pages${index.complete ? '' : ' (stopped early)'}`,
		);
	}

	private chose(
		way: LookupWay,
		index: ListingIndex | undefined,
		why: string,
	): ListingIndex | undefined {
		this.way = way;
		this.settings.debug?.(`Contrat-Privé: references looked up ${way} (${why})`);
		return index;
	}
}
