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
 *
 * The listing is the state of the account when the run started. Another n8n process (a second
 * queue-mode worker) may create the run's references meanwhile: before its creates, the run
 * reads the listing's head again (the 100 newest contracts), after 20 creates, then 40, 80… (a
 * handful of requests for 500). When the head shows a contract of one of the run's references
 * that neither this run nor this process created, or more new contracts than one page holds,
 * every item left looks its reference up just before its create, as the per-item way does.
 */
import { knownContracts, knownListingTotal, rememberListingTotal } from './processMemory';
import type { ListPage, ReferenceMatches } from './referenceListing';
import { ListingIndex, readListing } from './referenceListing';
import { MAX_LIST_PAGE_SIZE } from '../transport/types';

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

/** Creates decided on the listing before its head is read again; doubled after each quiet read. */
const FIRST_HEAD_READ = 20;
const MAX_HEAD_READ_INTERVAL = 320;

export class RunLookup {
	private planned?: Promise<ListingIndex | undefined>;

	private readonly references: Set<string>;

	constructor(private readonly settings: RunLookupSettings) {
		this.references = new Set(settings.references);
	}

	/** Creates decided on the listing since its head was last read, and the next read's due. */
	private sinceHead = 0;

	private headEvery = FIRST_HEAD_READ;

	private readingHead?: Promise<void>;

	/** References this run decided to create on the listing's word. */
	private readonly attempted = new Set<string>();

	/** True once another process was seen creating this run's references. */
	private contended = false;

	/**
	 * What the run's listing tells of a reference; undefined when the item must look it up
	 * itself. Every item of the run shares one listing, read when the first one asks.
	 */
	async find(reference: string): Promise<ReferenceMatches | undefined> {
		this.planned ??= this.plan();
		const index = await this.planned;
		const found = index?.find(reference);
		// Found, or unknown: nothing to add. Absent: this item is about to create it.
		if (!index || !found || found.ids.length > 0) return found;
		if (this.readingHead) {
			await this.readingHead;
		} else if (!this.contended && ++this.sinceHead >= this.headEvery) {
			this.readingHead = this.readHead(index).finally(() => (this.readingHead = undefined));
			await this.readingHead;
		}
		if (this.contended) return undefined;
		this.attempted.add(reference);
		return index.find(reference);
	}

	/** A contract this run created: the listing's head will show it, and it is no stranger. */
	created(reference: string, contractId: string): void {
		void this.planned?.then((index) => index?.addCreated(reference, contractId));
	}

	private async readHead(index: ListingIndex): Promise<void> {
		const { account, listPage, debug } = this.settings;
		let strangers: string[];
		try {
			const head = await listPage(0);
			const unseen = index.addNewest(head.contracts ?? []);
			// Another process's contracts of references this run has still to create. (One this
			// run is creating may show before its reply: not a stranger, and too late anyway.)
			strangers = unseen
				.filter(
					({ id, reference }) =>
						reference !== null &&
						this.references.has(reference) &&
						!this.attempted.has(reference) &&
						!knownContracts(account, reference).includes(id),
				)
				.map(({ reference }) => reference as string);
			if (unseen.length >= MAX_LIST_PAGE_SIZE)
				strangers.push('(more than one page of new contracts)');
		} catch {
			strangers = ['(the listing could not be read again)'];
		}
		if (strangers.length) {
			this.contended = true;
			debug?.(
				`Contrat-Privé: references of this run created elsewhere meanwhile (${strangers.slice(0, 3).join(', ')}): each item left looks its reference up before its create`,
			);
			return;
		}
		this.sinceHead = 0;
		this.headEvery = Math.min(this.headEvery * 2, MAX_HEAD_READ_INTERVAL);
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
		this.settings.debug?.(`Contrat-Privé: references looked up ${way} (${why})`);
		return index;
	}
}
