import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listContracts, MAX_LIST_PAGE_SIZE } from '../transport';

/** Contracts, newest first; the filter matches label, reference or ID within each fetched page. */
export async function searchContracts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken ?? 0) || 0;
	const page = await listContracts.call(this, {}, { offset, limit: MAX_LIST_PAGE_SIZE });
	const needle = filter?.trim().toLowerCase();
	const contracts = needle
		? page.contracts.filter((contract) =>
				[contract.label, contract.reference ?? '', contract.id].some((text) =>
					text.toLowerCase().includes(needle),
				),
			)
		: page.contracts;

	const nextOffset = page.offset + page.contracts.length;
	return {
		results: contracts.map((contract) => ({
			name: `${contract.label}${contract.reference ? ` (${contract.reference})` : ''} · ${contract.status}`,
			value: contract.id,
		})),
		paginationToken: nextOffset < page.total ? String(nextOffset) : undefined,
	};
}
