/**
 * The production quota: requests per contract of an idempotent injection (Create with a
 * Reference on every item), counted by the emulator's production quota counter, on accounts
 * already holding some contracts, in three cases: a fresh run, a full re-run, a half-done
 * re-run. Each case is measured twice in this process:
 * - `node`: one run of every item, as the node does now (one shared listing when cheaper);
 * - `perItem`: today's way, one look-up per item: each item in a run of its own, with the
 *   process memory emptied first, so that each pays its look-up by reference and its create or
 *   details (what the node did before for every item of a run).
 * The emulator is reset and seeded for each measurement; the process memory is emptied before
 * each `node` run too (a re-run the next day may come from a restarted n8n).
 */
import type { INodeParameters } from 'n8n-workflow';

import { runNode, runPoll } from '../../helpers';
import { makePdf, pdfFile } from '../../fixtures/pdf';
import { PRODUCTION_KEYS } from '../../fixtures/accounts';
import { forgetEverything } from '../../../nodes/ContratPrive/quota/processMemory';
import { createParameters, emulator } from './common';

export type QuotaCase = 'fresh' | 'full re-run' | 'half-done re-run';
export const QUOTA_CASES: QuotaCase[] = ['fresh', 'full re-run', 'half-done re-run'];

export interface QuotaJob {
	kind: 'quota';
	url: string;
	items: number;
	accounts: number[];
}

export interface QuotaMeasure {
	account: number;
	case: QuotaCase;
	items: number;
	creates: number;
	existing: number;
	/** Contracts on the account when the run starts. */
	totalAtStart: number;
	node: number;
	perItem: number;
	floor: number;
	failed: number;
}

export interface QuotaResult {
	measures: QuotaMeasure[];
	/** Requests of a quiet trigger poll on the account of each size (history signed). */
	quietPoll: Record<number, number>;
}

const PRODUCTION = 'production';

export async function quota(job: QuotaJob): Promise<QuotaResult> {
	const sb = emulator(job.url);
	const credentials = {
		platform: 'custom' as const,
		baseUrl: `${job.url}/production/api`,
		...PRODUCTION_KEYS,
	};
	const pdf = pdfFile(await makePdf('Quota bench'), 'contract.pdf');
	const parameters: INodeParameters = {
		...createParameters(1),
		notifySignatories: false,
		notifyOwner: false,
		additionalFields: { reference: '={{ $json.reference }}' },
	};
	/** Requests counted by the production quota (every authenticated API request). */
	const used = async (): Promise<number> =>
		((await sb.control('PUT', '/quota', {})) as { quota: { used: number } }).quota.used;

	const prepare = async (account: number, done: number) => {
		await sb.reset();
		// A limit no run reaches: the counter is the measurement.
		await sb.control('PUT', '/quota', { limit: 100_000_000, used: 0 });
		// History first (signed), then the contracts of the injection already done, newest.
		if (account > 0) await seed(account, 'signed', 'HISTORY');
		if (done > 0) await seed(done, 'pending', 'BULK');
	};
	const seed = async (count: number, status: string, referencePrefix: string) => {
		await sb.control('POST', '/seed', {
			platform: PRODUCTION,
			apiUser: PRODUCTION_KEYS.apiUser,
			count,
			status,
			referencePrefix,
		});
	};

	const measures: QuotaMeasure[] = [];
	const quietPoll: Record<number, number> = {};
	for (const account of job.accounts) {
		for (const which of QUOTA_CASES) {
			const done = which === 'fresh' ? 0 : which === 'full re-run' ? job.items : job.items / 2;
			// The contracts done are seeded as BULK-1 … BULK-done: the first items' references.
			const references = Array.from({ length: job.items }, (_, n) => `BULK-${n + 1}`);
			const items = references.map((reference) => ({
				json: { reference },
				binary: { data: pdf },
			}));
			const row: QuotaMeasure = {
				account,
				case: which,
				items: job.items,
				creates: job.items - done,
				existing: done,
				totalAtStart: account + done,
				node: 0,
				perItem: 0,
				floor: 0,
				failed: 0,
			};

			await prepare(account, done);
			forgetEverything();
			const before = await used();
			const run = await runNode({
				node: { parameters, continueOnFail: true },
				credentials,
				items,
			});
			row.node = (await used()) - before;
			row.failed += run.items.filter((item) => item.json.error).length + (run.error ? 1 : 0);

			await prepare(account, done);
			const perItemBefore = await used();
			for (const item of items) {
				forgetEverything();
				const single = await runNode({
					node: { parameters, continueOnFail: true },
					credentials,
					items: [item],
				});
				row.failed += single.items.filter((out) => out.json.error).length;
			}
			row.perItem = (await used()) - perItemBefore;

			const pages = Math.max(1, Math.ceil(row.totalAtStart / 100));
			row.floor = row.creates + Math.min(job.items, pages) + row.existing;
			measures.push(row);
		}

		// A quiet trigger poll on this account (its history signed: nothing open to follow).
		await prepare(account, 0);
		const staticData = {};
		const poll = async () =>
			await runPoll({
				node: { parameters: { events: ['contractSigned'] } },
				credentials,
				staticData,
				mode: 'trigger',
			});
		await poll();
		await poll();
		const before = await used();
		await poll();
		quietPoll[account] = (await used()) - before;
	}
	return { measures, quietPoll };
}
