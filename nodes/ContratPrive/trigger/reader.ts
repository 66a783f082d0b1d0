/**
 * The reads of one poll, as the trigger's model (`changes.ts`) sees contracts. When the signed
 * document is asked for, it goes from the details' reply into n8n's binary data as it arrives
 * (never held whole, never in item JSON or static data), and is kept for this poll only, so a
 * PDF costs no second request. Otherwise document contents are read and dropped.
 */
import type { IBinaryData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type {
	Contract,
	ContractFilter,
	ContractSummary,
	Signatory,
	SignatorySummary,
} from '../transport';
import { MAX_LIST_PAGE_SIZE, getContractDocuments, listContracts } from '../transport';
import type { ObservedContract, ObservedSignatory } from './changes';

/** Safety stop for a list that never ends (a misbehaving server). */
const MAX_PAGES = 1000;

const SUBMISSION_LOG_EVENTS = new Set(['submitted', 'validated']);

/** The one projection of a signatory: its summary, and `signedAt` (null when not signed) if asked. */
export function observedSignatory(
	signatory: SignatorySummary & Partial<Pick<Signatory, 'signedAt'>>,
	withSignedAt: boolean,
): ObservedSignatory {
	const { id, firstName, lastName, status } = signatory;
	return withSignedAt
		? { id, firstName, lastName, status, signedAt: signatory.signedAt ?? null }
		: { id, firstName, lastName, status };
}

function fromSummary(summary: ContractSummary): ObservedContract {
	return {
		id: summary.id,
		label: summary.label,
		reference: summary.reference ?? null,
		status: summary.status,
		createdAt: summary.createdAt,
		updatedAt: summary.updatedAt,
		deadline: summary.deadline,
		signatories: (summary.signatories ?? []).map((signatory) =>
			observedSignatory(signatory, false),
		),
	};
}

function fromDetails(contract: Contract): ObservedContract {
	return {
		...fromSummary(contract),
		signatories: (contract.signatories ?? []).map((signatory) =>
			observedSignatory(signatory, true),
		),
		detailed: true,
		submitted:
			(contract.submittedAt ?? null) !== null ||
			(contract.log ?? []).some((entry) => SUBMISSION_LOG_EVENTS.has(entry.event)),
	};
}

export class Reader {
	private readonly signedDocuments = new Map<string, IBinaryData | undefined>();

	constructor(
		private readonly context: IPollFunctions,
		private readonly timeout: number,
		private readonly keepSignedDocuments = false,
	) {}

	/**
	 * Every contract matching `filter`, newest first. Pages are chained on createdAt (the next
	 * page asks for createdTo = the last createdAt read, skipping the ones already read at that
	 * instant), so contracts that change status or appear during the walk shift nothing.
	 */
	async listAll(filter: ContractFilter): Promise<ObservedContract[]> {
		const found = new Map<string, ObservedContract>();
		let createdTo = filter.createdTo;
		let offset = 0;
		for (let page = 0; page < MAX_PAGES; page++) {
			const list = await listContracts.call(
				this.context,
				{ ...filter, createdTo },
				{ offset, limit: MAX_LIST_PAGE_SIZE },
				{ timeout: this.timeout },
			);
			const contracts = list.contracts ?? [];
			for (const summary of contracts) found.set(summary.id, fromSummary(summary));
			if (contracts.length < MAX_LIST_PAGE_SIZE || offset + contracts.length >= list.total) break;

			const last = contracts[contracts.length - 1].createdAt;
			const atLast = contracts.filter((summary) => summary.createdAt === last).length;
			if (createdTo === last) {
				offset += contracts.length;
			} else {
				createdTo = last;
				offset = atLast;
			}
		}
		return [...found.values()];
	}

	/** One page of the newest contracts with these statuses, for the editor's sample. */
	async page(filter: ContractFilter, page: number): Promise<ObservedContract[]> {
		const list = await listContracts.call(
			this.context,
			filter,
			{ offset: page * MAX_LIST_PAGE_SIZE, limit: MAX_LIST_PAGE_SIZE },
			{ timeout: this.timeout },
		);
		return (list.contracts ?? []).map(fromSummary);
	}

	/** The newest contracts, enough to know the newest createdAt and every id at it. */
	async newestContracts(): Promise<ObservedContract[]> {
		const list = await listContracts.call(
			this.context,
			{},
			{ offset: 0, limit: 10 },
			{ timeout: this.timeout },
		);
		const contracts = (list.contracts ?? []).map(fromSummary);
		if (contracts.length === 0) return [];
		const newest = contracts[0].createdAt;
		const atNewest = contracts.filter((contract) => contract.createdAt === newest);
		if (atNewest.length < contracts.length || contracts.length >= list.total) return atNewest;
		return await this.listAll({ createdFrom: newest });
	}

	/** Details of a contract; null when Contrat-Privé no longer knows it. */
	async details(contractId: string): Promise<ObservedContract | null> {
		const details = await getContractDocuments
			.call(this.context, contractId, this.keepSignedDocuments ? ['signed'] : [], {
				timeout: this.timeout,
			})
			.catch((error: unknown) => {
				if (error instanceof NodeApiError && error.httpCode === '404') return null;
				return Promise.reject(error);
			});
		if (!details) {
			this.context.logger.warn(
				`Contrat-Privé Trigger: contract ${contractId} no longer exists; it is no longer followed`,
			);
			return null;
		}
		this.signedDocuments.set(contractId, details.documents.signed);
		return fromDetails(details.contract);
	}

	async signedDocument(contractId: string): Promise<IBinaryData | undefined> {
		if (!this.signedDocuments.has(contractId)) await this.details(contractId);
		return this.signedDocuments.get(contractId);
	}
}
