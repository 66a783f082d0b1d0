/**
 * 6. At real-world latency: the emulator's network model on (test/emulator/network.ts), bulk
 * create one at a time vs with parallel requests vs raw axios at the same concurrency, memory
 * with large documents in flight, a concurrency limit answering 429, the trigger and the
 * white-label chain. Every time is divided by its physical floor, computed from the time the
 * emulator took to answer the very requests of the run.
 */
import type { Account, Settings } from './benchmarks';
import { rotate, seedAccount } from './benchmarks';
import { runWorker } from './lib/child';
import type { EmulatorClient } from './lib/emulator';
import { baselineDir } from './lib/baseline';
import { toMB } from './lib/memory';
import type { Row } from './lib/report';
import { median, range, round } from './lib/report';
import type { BulkJob, BulkResult } from './workers/bulk';
import type { ScenarioCount, ScenarioJob } from './workers/scenarios';
import type { TriggerJob, TriggerResult } from './workers/trigger';
import { DEFAULT_NETWORK } from '../emulator/network';

export interface LatencySettings {
	latenciesMs: number[];
	count: number;
	size: number;
	parallel: number;
	/** Large documents in flight at once, and their size. */
	largeCount: number;
	largeSize: number;
	/** The emulator's concurrency limit for the 429 run. */
	concurrencyLimit: number;
}

const KB = 1024;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The least time any client needs for requests the server took `serverMs` to answer, with
 * `concurrency` in flight: their total spread over the slots, and never under the longest.
 */
export function physicalFloorMs(serverMs: number[], concurrency: number): number {
	return Math.max(Math.max(...serverMs), sum(serverMs) / concurrency);
}

interface Variant {
	name: string;
	variant: 'node' | 'today' | 'raw';
	parallel: number;
	rawReadsFiles?: boolean;
}

interface Measured extends BulkResult {
	floorMs: number;
	peakInFlight: number;
}

async function bulkRun(
	sb: EmulatorClient,
	settings: Settings,
	variant: Variant,
	count: number,
	size: number,
): Promise<Measured> {
	await sb.reset();
	const job: BulkJob = {
		kind: 'bulk',
		variant: variant.variant,
		url: sb.url,
		count,
		size,
		binaryMode: 'filesystem',
		parallel: variant.parallel,
		rawReadsFiles: variant.rawReadsFiles,
		...(variant.variant === 'today' ? { baselineDir: baselineDir() } : {}),
	};
	const result = await runWorker<BulkResult>(job, { timeoutMs: 900_000 });
	const peakInFlight = await sb.peakInFlight();
	const floorMs = physicalFloorMs(result.createServerMs, variant.parallel);
	settings.log(
		`latency ${variant.name} × ${count}: ${round(result.wallMs / 1000)} s, floor ${round(floorMs / 1000)} s, ${result.requests} requests (${result.refused} × 429), peak ${peakInFlight} in flight, +${toMB(result.peakIncrease)} MB`,
	);
	return { ...result, floorMs, peakInFlight };
}

export async function benchLatency(sb: EmulatorClient, settings: Settings) {
	const latency = settings.latency;
	const rows: Row[] = [];
	const data: Record<string, unknown> = {};
	const { parallel, count, size } = latency;
	const variants: Variant[] = [
		{ name: 'node, 1 at a time', variant: 'node', parallel: 1 },
		{ name: `node, ${parallel} in flight`, variant: 'node', parallel },
		{ name: `raw axios, ${parallel} in flight`, variant: 'raw', parallel },
	];
	const [sequential, node, raw] = variants;
	const targeted = Math.max(...latency.latenciesMs);

	try {
		for (const latencyMs of latency.latenciesMs) {
			await sb.setNetwork({ ...DEFAULT_NETWORK, latencyMs });
			const runs: Array<Record<string, Measured>> = [];
			for (let index = 0; index < settings.rounds; index++) {
				const results: Record<string, Measured> = {};
				for (const variant of rotate(variants, index)) {
					results[variant.name] = await bulkRun(sb, settings, variant, count, size);
				}
				runs.push(results);
			}
			const ratio = (measure: (run: Record<string, Measured>) => number) => {
				const values = runs.map(measure);
				return {
					median: median(values),
					text: `${round(median(values))} (rounds ${range(values)})`,
				};
			};
			const overFloor = (variant: Variant) =>
				ratio((run) => run[variant.name].wallMs / run[variant.name].floorMs);
			const speedUp = ratio((run) => run[sequential.name].wallMs / run[node.name].wallMs);
			const nodeOverRaw = ratio((run) => run[node.name].wallMs / run[raw.name].wallMs);
			const nodeFloor = overFloor(node);
			const isTargeted = latencyMs === targeted;
			const all = runs.flatMap((run) => Object.values(run));
			const label = `At ${latencyMs} ms: bulk create ${count} × ${size / KB} KB`;
			const seconds = (variant: Variant, what: 'wallMs' | 'floorMs') =>
				round(median(runs.map((run) => run[variant.name][what])) / 1000, 1);
			rows.push(
				{
					benchmark: label,
					metric: `contracts and create requests per run; most in flight at once (node ${parallel} / raw ${parallel})`,
					value: `${all[0].contracts}, ${all[0].requests}; ${Math.max(...runs.map((run) => run[node.name].peakInFlight))} / ${Math.max(...runs.map((run) => run[raw.name].peakInFlight))}`,
					target: `= ${count}; ${parallel}`,
					ok:
						all.every((run) => run.contracts === count && run.requests === count) &&
						runs.every(
							(run) =>
								run[node.name].peakInFlight === parallel && run[raw.name].peakInFlight === parallel,
						),
				},
				{
					benchmark: label,
					metric: `wall time ÷ physical floor, ${node.name} (${seconds(node, 'wallMs')} / ${seconds(node, 'floorMs')} s)`,
					value: nodeFloor.text,
					target: isTargeted ? '≤ 1.3' : '',
					ok: isTargeted ? nodeFloor.median <= 1.3 : null,
				},
				{
					benchmark: label,
					metric: `speed-up, ${node.name} vs 1 at a time (${seconds(sequential, 'wallMs')} s)`,
					value: speedUp.text,
					target: isTargeted ? '≥ 5' : '',
					ok: isTargeted ? speedUp.median >= 5 : null,
				},
				{
					benchmark: label,
					metric: `wall time, node / raw axios, both ${parallel} in flight`,
					value: nodeOverRaw.text,
					target: '≤ 1.15',
					ok: nodeOverRaw.median <= 1.15,
				},
				{
					benchmark: label,
					metric: 'wall time ÷ physical floor, node 1 at a time; raw axios',
					value: `${round(overFloor(sequential).median)}; ${round(overFloor(raw).median)}`,
					target: '',
					ok: null,
				},
			);
			data[`bulk-${latencyMs}`] = runs;
		}

		// Large documents in flight at once, at the targeted latency (8 × 20 MB by default).
		await sb.setNetwork({ ...DEFAULT_NETWORK, latencyMs: targeted });
		const memoryRuns: Record<string, Measured[]> = {};
		const memoryVariants: Variant[] = [
			{ name: 'node', variant: 'node', parallel: latency.largeCount },
			{ name: "today's node", variant: 'today', parallel: latency.largeCount },
			{ name: 'raw axios', variant: 'raw', parallel: latency.largeCount },
			{
				name: 'raw axios, files',
				variant: 'raw',
				parallel: latency.largeCount,
				rawReadsFiles: true,
			},
		];
		for (let index = 0; index < settings.rounds; index++) {
			for (const variant of rotate(memoryVariants, index)) {
				const result = await bulkRun(sb, settings, variant, latency.largeCount, latency.largeSize);
				(memoryRuns[variant.name] ??= []).push(result);
			}
		}
		const inFlightBytes = latency.largeCount * latency.largeSize;
		const perByte = (name: string) =>
			median(memoryRuns[name].map((run) => run.peakIncrease / inFlightBytes));
		const memoryLabel = `At ${targeted} ms: ${latency.largeCount} creates of ${toMB(latency.largeSize)} MB in flight`;
		const wall = (name: string) => median(memoryRuns[name].map((run) => run.wallMs));
		const timeRatio = median(
			memoryRuns.node.map((run, index) => run.wallMs / memoryRuns["today's node"][index].wallMs),
		);
		rows.push(
			{
				benchmark: memoryLabel,
				metric: 'node: peak RSS increase ÷ bytes in flight',
				value: `${round(perByte('node'))} (+${toMB(median(memoryRuns.node.map((run) => run.peakIncrease)))} MB for ${toMB(inFlightBytes)} MB; ${Math.min(...memoryRuns.node.map((run) => run.peakInFlight))} in flight)`,
				target: '≤ 0.5',
				ok:
					perByte('node') <= 0.5 &&
					memoryRuns.node.every((run) => run.peakInFlight === latency.largeCount),
			},
			{
				benchmark: memoryLabel,
				metric: "today's node (before streaming): peak RSS increase ÷ bytes in flight",
				value: `${round(perByte("today's node"))} (+${toMB(median(memoryRuns["today's node"].map((run) => run.peakIncrease)))} MB)`,
				target: '',
				ok: null,
			},
			{
				benchmark: memoryLabel,
				metric: "wall time, node / today's node",
				value: `${round(timeRatio)} (${round(wall('node') / 1000, 1)} / ${round(wall("today's node") / 1000, 1)} s)`,
				target: '≤ 1.1',
				ok: timeRatio <= 1.1,
			},
			{
				benchmark: memoryLabel,
				metric:
					'raw axios: peak RSS increase ÷ bytes in flight, PDFs in memory before; read from files in the phase, as the node does',
				value: `${round(perByte('raw axios'))}; ${round(perByte('raw axios, files'))}`,
				target: '',
				ok: null,
			},
		);
		data.memory = memoryRuns;

		// A concurrency limit below the node's parallel requests: 429s, waits, no failure.
		await sb.setNetwork({
			...DEFAULT_NETWORK,
			latencyMs: targeted,
			concurrencyLimit: latency.concurrencyLimit,
		});
		const limited = await bulkRun(
			sb,
			settings,
			{
				name: `node, ${parallel} in flight, limit ${latency.concurrencyLimit}`,
				variant: 'node',
				parallel,
			},
			count,
			size,
		);
		const limitFloor = physicalFloorMs(limited.createServerMs, latency.concurrencyLimit);
		rows.push({
			benchmark: `At ${targeted} ms, emulator limit ${latency.concurrencyLimit} in flight, node ${parallel}`,
			metric: `failed items; contracts for ${count} items; 429 answers (wall ÷ floor at ${latency.concurrencyLimit})`,
			value: `0; ${limited.contracts} (${limited.createServerMs.length} creates carried out); ${limited.refused} (${round(limited.wallMs / limitFloor)})`,
			target: `0; ${count}`,
			ok: limited.contracts === count && limited.createServerMs.length === count,
		});
		data.limited = { ...limited, limitFloor };

		// The trigger and the white-label chain: one request after the other, so the floor is the
		// sum of their server times.
		for (const latencyMs of latency.latenciesMs) {
			await sb.setNetwork({ ...DEFAULT_NETWORK, latencyMs });
			const account: Account = { total: 1000, active: 200 };
			const pending = await seedAccount(sb, account);
			const triggerJob: TriggerJob = {
				kind: 'trigger',
				url: sb.url,
				quietPolls: 3,
				pendingIds: [pending[10], pending[20]],
			};
			const polls = await runWorker<TriggerResult>(triggerJob, { timeoutMs: 600_000 });
			const quiet = polls.quiet.map((poll) => poll.wallMs / sum(poll.serverMs));
			const signed = polls.changes['1 contract signed'];
			await sb.reset();
			const scenarioJob: ScenarioJob = {
				kind: 'scenarios',
				url: sb.url,
				contracts: 0,
				signed: 0,
				whiteLabelOnly: true,
			};
			const [whiteLabel] = await runWorker<ScenarioCount[]>(scenarioJob);
			settings.log(
				`latency ${latencyMs} ms: quiet poll ${round(median(polls.quiet.map((poll) => poll.wallMs)))} ms, white label ${round(whiteLabel.wallMs)} ms / ${round(whiteLabel.serverMs)} ms`,
			);
			rows.push(
				{
					benchmark: `At ${latencyMs} ms: trigger, ${account.total} contracts, ${account.active} open`,
					metric: `wall time ÷ floor, quiet poll (${polls.quiet[0].requests} requests); poll with a signature (${signed.requests})`,
					value: `${round(median(quiet))}; ${round(signed.wallMs / sum(signed.serverMs))}`,
					target: '',
					ok: null,
				},
				{
					benchmark: `At ${latencyMs} ms: white-label chain`,
					metric: `wall time ÷ floor, create → send SMS → sign → get with PDFs (${whiteLabel.steps[0].requests} requests, ${round(whiteLabel.wallMs)} ms)`,
					value: `${round(whiteLabel.wallMs / whiteLabel.serverMs)}`,
					target: '',
					ok: null,
				},
			);
			data[`trigger-${latencyMs}`] = polls;
			data[`whiteLabel-${latencyMs}`] = whiteLabel;
		}
	} finally {
		await sb.setNetwork(null);
	}
	return { rows, data };
}
