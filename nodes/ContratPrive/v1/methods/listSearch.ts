import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { ContractSummary } from '../../transport';
import { listContracts, MAX_LIST_PAGE_SIZE } from '../../transport';

/**
 * With a filter, pages are read until this many contracts match. The editor's list only asks
 * for the next page when the user scrolls to its end: a search answering with no result (or
 * too few to scroll) and a pagination token would show "No results" and stop there.
 */
const MIN_FILTERED_RESULTS = 20;

/** At most this many pages (requests) per search; production has a daily quota (DAILY_REQUEST_QUOTA). */
const MAX_PAGES_PER_SEARCH = 5;

function matches(contract: ContractSummary, needle: string): boolean {
	const texts = [
		contract.label,
		contract.reference ?? '',
		contract.id,
		...(contract.signatories ?? []).map(
			(signatory) => `${signatory.firstName} ${signatory.lastName}`,
		),
	];
	return texts.some((text) => text.toLowerCase().includes(needle));
}

/**
 * Contracts, newest first, 100 a page. The filter (any case) matches the label, the reference,
 * the ID or a signatory's name; the API cannot filter on those, so pages are read and filtered
 * here, several per search when few contracts match.
 */
export async function searchContracts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const start = Number(paginationToken ?? 0);
	let offset = Number.isSafeInteger(start) && start > 0 ? start : 0;
	const needle = filter?.trim().toLowerCase() ?? '';
	const found: ContractSummary[] = [];

	for (let pages = 1; ; pages++) {
		const page = await listContracts.call(this, {}, { offset, limit: MAX_LIST_PAGE_SIZE });
		found.push(
			...(needle ? page.contracts.filter((contract) => matches(contract, needle)) : page.contracts),
		);
		offset = page.offset + page.contracts.length;

		const more = page.contracts.length > 0 && offset < page.total;
		const enough = !needle || found.length >= MIN_FILTERED_RESULTS || pages >= MAX_PAGES_PER_SEARCH;
		if (!more || enough) {
			return {
				results: found.map((contract) => ({
					name: `${contract.label}${contract.reference ? ` (${contract.reference})` : ''} · ${contract.status}`,
					value: contract.id,
				})),
				...(more ? { paginationToken: String(offset) } : {}),
			};
		}
	}
}
