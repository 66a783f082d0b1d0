/**
 * `npm run bench -- --only quota`: requests per contract of a 500-row idempotent injection
 * (Create with a Reference) on production accounts holding 0, 2,000 and 20,000 contracts; a fresh
 * run, a full re-run, a half-done re-run; each against its floor and against today's per-item way
 * measured in the same run (workers/quota.ts). The headline: contracts a production day holds
 * for the bulk recipe, next to the trigger at its default spacing and 20 white-label signings.
 */
import { runWorker } from './lib/child';
import type { EmulatorClient } from './lib/emulator';
import type { Row } from './lib/report';
import type { Settings } from './benchmarks';
import type { QuotaJob, QuotaMeasure, QuotaResult } from './workers/quota';
import { DAILY_REQUEST_QUOTA } from '../../nodes/ContratPrive/transport/types';
import { DEFAULT_PRODUCTION_INTERVAL_MINUTES } from '../../nodes/ContratPrive/trigger/pacing';

export const QUOTA_ITEMS = 500;
export const QUOTA_ACCOUNTS = [0, 2000, 20_000];
/** The headline's account: a few months of use. */
const HEADLINE_ACCOUNT = 2000;
const SIGNINGS_PER_DAY = 20;
/** Create + Send SMS + Sign + Get (the white-label chain; benchmark "White-label signing"). */
const REQUESTS_PER_SIGNING = 4;

const perContract = (requests: number, items: number) => (requests / items).toFixed(3);
const count = (n: number) => n.toLocaleString('en-US');

export async function benchQuota(sb: EmulatorClient, settings: Settings) {
	const job: QuotaJob = {
		kind: 'quota',
		url: sb.url,
		items: QUOTA_ITEMS,
		accounts: QUOTA_ACCOUNTS,
	};
	const result = await runWorker<QuotaResult>(job);
	settings.log(`quota: ${JSON.stringify(result)}`);
	const rows: Row[] = result.measures.map((measure) => caseRow(measure));

	const fresh = result.measures.find(
		(measure) => measure.account === HEADLINE_ACCOUNT && measure.case === 'fresh',
	)!;
	const pollsPerDay = Math.floor((24 * 60) / DEFAULT_PRODUCTION_INTERVAL_MINUTES);
	const trigger = pollsPerDay * result.quietPoll[HEADLINE_ACCOUNT];
	const signing = SIGNINGS_PER_DAY * REQUESTS_PER_SIGNING;
	const left = DAILY_REQUEST_QUOTA - trigger - signing;
	// Per contract: 1 create; per run: the listing's pages (the node's requests beyond its creates).
	const overhead = fresh.node - fresh.creates;
	const now = Math.max(0, left - overhead);
	const before = Math.floor(left / (fresh.perItem / fresh.items));
	rows.push({
		benchmark: `Quota: a production day (${count(DAILY_REQUEST_QUOTA)} requests), ${count(HEADLINE_ACCOUNT)} contracts held`,
		metric: `bulk contracts a day beside the trigger (${pollsPerDay} polls × ${result.quietPoll[HEADLINE_ACCOUNT]}) and ${SIGNINGS_PER_DAY} white-label signings (× ${REQUESTS_PER_SIGNING})`,
		value: `${count(now)} (before: ${count(before)}; ${(now / before).toFixed(2)} ×)`,
		target: '≥ 1.8 × before',
		ok: now >= 1.8 * before,
	});
	return {
		rows,
		data: { ...result, headline: { pollsPerDay, trigger, signing, left, now, before } },
	};
}

function caseRow(measure: QuotaMeasure): Row {
	const pages = Math.max(1, Math.ceil(measure.totalAtStart / 100));
	const node = measure.node / measure.items;
	const perItem = measure.perItem / measure.items;
	const fewPages = pages <= 0.05 * measure.items;
	const freshTarget = measure.case === 'fresh' && fewPages;
	const ok =
		measure.failed === 0 && measure.node <= measure.perItem && (!freshTarget || node <= 1.05);
	return {
		benchmark: `Quota: ${measure.items}-row injection, ${count(measure.totalAtStart - measure.existing)} contracts held`,
		metric: `${measure.case}: requests per contract`,
		value: `${perContract(measure.node, measure.items)} (floor ${perContract(measure.floor, measure.items)}; per item ${perItem.toFixed(3)})`,
		target: freshTarget ? '≤ 1.05, ≤ per item' : '≤ per item',
		ok,
		note: `${measure.node} requests (per item ${measure.perItem}, floor ${measure.floor}); ${measure.failed} failed`,
	};
}
