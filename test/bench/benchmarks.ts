/**
 * The five benchmarks, seen from the parent process: each prepares the emulator, runs its
 * measurements in fresh child processes (workers/), and turns them into table rows.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { runWorker } from './lib/child';
import type { EmulatorClient } from './lib/emulator';
import { ROOT } from './lib/emulator';
import { baselineDir } from './lib/baseline';
import { toMB } from './lib/memory';
import { makePdf, signablePdfOfSize } from '../fixtures/pdf';
import type { Row } from './lib/report';
import { median, range, round } from './lib/report';
import type { LatencySettings } from './latency';
import type { BulkJob, BulkResult } from './workers/bulk';
import type { LargeJob, LargeResult } from './workers/large';
import type { ScenarioCount, ScenarioJob } from './workers/scenarios';
import type { TriggerJob, TriggerResult } from './workers/trigger';
import { createBody } from './workers/common';

export interface Settings {
	rounds: number;
	bulkRounds: number;
	bulkCount: number;
	bulkSize: number;
	largeSize: number;
	coldLoadRuns: number;
	latency: LatencySettings;
	log(message: string): void;
}

const KB = 1024;

/** A, B, A, B... then B, A, B, A... so that neither always runs first. */
function alternate<T>(variants: T[], roundIndex: number): T[] {
	return roundIndex % 2 ? [...variants].reverse() : variants;
}

/** A B C, then B C A, then C A B...: each variant runs first, second and last in turn. */
export function rotate<T>(variants: T[], roundIndex: number): T[] {
	const shift = roundIndex % variants.length;
	return [...variants.slice(shift), ...variants.slice(0, shift)];
}

// ---------------------------------------------------------------------------------------------
// 1. Bulk create

export async function benchBulk(sb: EmulatorClient, settings: Settings) {
	const rows: Row[] = [];
	const data: Record<string, unknown> = {};
	type Variant = BulkJob['variant'];
	const variants: Variant[] = ['node', 'floor', 'raw'];
	for (const binaryMode of ['filesystem', 'default'] as const) {
		const runs: Array<Record<Variant, BulkResult>> = [];
		for (let index = 0; index < settings.bulkRounds; index++) {
			const results: Partial<Record<Variant, BulkResult>> = {};
			for (const variant of rotate(variants, index)) {
				await sb.reset();
				const job: BulkJob = {
					kind: 'bulk',
					variant,
					url: sb.url,
					count: settings.bulkCount,
					size: settings.bulkSize,
					binaryMode,
				};
				const result = await runWorker<BulkResult>(job);
				results[variant] = result;
				settings.log(
					`bulk ${binaryMode} ${variant} round ${index + 1}: ${round(result.wallMs / 1000)} s, ${round(result.cpuMs / settings.bulkCount)} ms CPU per item, peak ${toMB(result.peakRss)} MB, ${result.requests} requests`,
				);
			}
			runs.push(results as Record<Variant, BulkResult>);
		}
		const paired = (a: Variant, b: Variant, measure: (result: BulkResult) => number) =>
			runs.map((run) => measure(run[a]) / measure(run[b]));
		const wall = paired('node', 'raw', (result) => result.wallMs);
		const peak = paired('node', 'raw', (result) => result.peakRss);
		const floorWall = paired('floor', 'raw', (result) => result.wallMs);
		const nodeOverFloor = paired('node', 'floor', (result) => result.wallMs);
		const cpuPerItem = (variant: Variant) =>
			round(median(runs.map((run) => run[variant].cpuMs / settings.bulkCount)));
		const peakMB = (variant: Variant) => toMB(median(runs.map((run) => run[variant].peakRss)));
		const increaseMB = (variant: Variant) =>
			toMB(median(runs.map((run) => run[variant].peakIncrease)));
		const requests = runs.map((run) => run.node.requests);
		const contracts = runs.map((run) => run.node.contracts);
		const label = `Bulk create ${settings.bulkCount} × ${settings.bulkSize / KB} KB, ${binaryMode === 'default' ? 'in-memory' : 'filesystem'} binaries`;
		rows.push(
			{
				benchmark: label,
				metric: 'requests made by the node',
				value: requests.every((count) => count === requests[0])
					? `${requests[0]}`
					: requests.join(', '),
				target: `= ${settings.bulkCount}`,
				ok:
					requests.every((count) => count === settings.bulkCount) &&
					contracts.every((count) => count === settings.bulkCount),
			},
			{
				benchmark: label,
				metric: 'wall time, node / raw axios',
				value: `${round(median(wall))} (rounds ${range(wall)})`,
				target: '≤ 1.10',
				ok: median(wall) <= 1.1,
			},
			{
				benchmark: label,
				metric: 'wall time, minimal n8n node / raw axios; node / minimal n8n node',
				value: `${round(median(floorWall))}; ${round(median(nodeOverFloor))}`,
				target: '',
				ok: null,
			},
			{
				benchmark: label,
				metric: 'client CPU per item, node / minimal n8n node / raw axios',
				value: `${cpuPerItem('node')} / ${cpuPerItem('floor')} / ${cpuPerItem('raw')} ms`,
				target: '',
				ok: null,
			},
			{
				benchmark: label,
				metric: 'peak RSS, node / raw axios',
				value: `${round(median(peak))} (${peakMB('node')} / ${peakMB('raw')} MB; over baseline +${increaseMB('node')} / +${increaseMB('raw')} MB)`,
				target: '≤ 1.5',
				ok: median(peak) <= 1.5,
			},
		);
		data[binaryMode] = { runs, wallRatio: wall, peakRatio: peak, floorWallRatio: floorWall };
	}
	return { rows, data };
}

// ---------------------------------------------------------------------------------------------
// 2. Trigger at scale

export interface Account {
	total: number;
	active: number;
}

export async function seedAccount(sb: EmulatorClient, account: Account): Promise<string[]> {
	await sb.reset();
	const day = 86_400_000;
	const now = Date.now();
	const finished = account.total - account.active;
	const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();
	const signed = Math.round(finished / 2);
	const cancelled = Math.round(finished / 4);
	await sb.seed({ count: signed, status: 'signed', createdFrom: at(120) });
	await sb.seed({ count: cancelled, status: 'cancelled', createdFrom: at(60) });
	await sb.seed({ count: finished - signed - cancelled, status: 'expired', createdFrom: at(40) });
	const pending = await sb.seed({
		count: account.active / 2,
		status: 'pending',
		createdFrom: at(10),
	});
	await sb.seed({ count: account.active / 2, status: 'draft', createdFrom: at(5) });
	return pending;
}

export async function benchTrigger(sb: EmulatorClient, settings: Settings) {
	const small: Account = { total: 1000, active: 200 };
	const big: Account = { total: 10000, active: 200 };
	const bigger: Account = { total: 10000, active: 400 };
	const plan: Account[] = [];
	for (let index = 0; index < settings.rounds; index++)
		plan.push(...alternate([small, big], index));
	plan.push(bigger);

	const results = new Map<Account, TriggerResult[]>();
	for (const account of plan) {
		const pending = await seedAccount(sb, account);
		const job: TriggerJob = {
			kind: 'trigger',
			url: sb.url,
			quietPolls: 10,
			pendingIds: [pending[10], pending[20]],
		};
		const result = await runWorker<TriggerResult>(job);
		settings.log(
			`trigger ${account.total}/${account.active}: quiet ${result.quiet.map((poll) => poll.requests).join(',')} requests, ${round(median(result.quiet.map((poll) => poll.cpuMs)))} ms CPU`,
		);
		results.set(account, [...(results.get(account) ?? []), result]);
	}

	const quietCpu = (account: Account) =>
		median(results.get(account)!.flatMap((result) => result.quiet.map((poll) => poll.cpuMs)));
	const at200 = [...results.get(small)!, ...results.get(big)!];
	const quiet200 = at200.flatMap((result) => result.quiet.map((poll) => poll.requests));
	const extra = at200.flatMap((result) => {
		const base = median(result.quiet.map((poll) => poll.requests));
		return Object.values(result.changes).map((poll) => poll.requests - base);
	});
	const label = 'Trigger, 200 open';
	const cpuSmall = quietCpu(small);
	const cpuBig = quietCpu(big);
	const cpuBigger = quietCpu(bigger);
	const bigResult = results.get(big)!.at(-1)!;
	const rows: Row[] = [
		{
			benchmark: label,
			metric: 'requests per no-change poll (1k and 10k contracts)',
			value: `${Math.max(...quiet200)}`,
			target: '≤ 3',
			ok: Math.max(...quiet200) <= 3,
		},
		{
			benchmark: label,
			metric: 'extra requests per change (signed, cancelled, created)',
			value: `${Math.max(...extra)} (${Object.entries(bigResult.changes)
				.map(
					([name, poll]) =>
						`${name.replace('1 contract ', '')} +${poll.requests - median(bigResult.quiet.map((quiet) => quiet.requests))}`,
				)
				.join(', ')})`,
			target: '≤ 1',
			ok: Math.max(...extra) <= 1,
		},
		{
			benchmark: label,
			metric: 'node CPU per quiet poll, 10k / 1k contracts',
			value: `${round(cpuBig / cpuSmall)} (${round(cpuBig, 1)} / ${round(cpuSmall, 1)} ms)`,
			target: '≈ 1 (follows open contracts)',
			ok: cpuBig / cpuSmall <= 1.25,
		},
		{
			benchmark: 'Trigger, 10k contracts',
			metric: 'node CPU per quiet poll, 400 / 200 open',
			value: `${round(cpuBigger / cpuBig)} (${round(cpuBigger, 1)} / ${round(cpuBig, 1)} ms; ${median(results.get(bigger)![0].quiet.map((poll) => poll.requests))} requests)`,
			target: '',
			ok: null,
		},
		{
			benchmark: label,
			metric: 'static data (JSON bytes), 10k contracts',
			value: `${bigResult.staticDataBytes} B (${bigResult.trackedContracts} tracked, ${round(bigResult.staticDataBytes / Math.max(1, bigResult.trackedContracts))} B each)`,
			target: '∝ open contracts',
			ok: bigResult.trackedContracts <= big.active + 1,
		},
	];
	return {
		rows,
		data: Object.fromEntries(
			[...results].map(([account, runs]) => [`${account.total}/${account.active}`, runs]),
		),
	};
}

// ---------------------------------------------------------------------------------------------
// 3. Large documents

export async function benchLarge(sb: EmulatorClient, settings: Settings) {
	const rows: Row[] = [];
	const data: Record<string, unknown> = {};
	type Variant = {
		name: string;
		variant: LargeJob['variant'];
		binaryMode: 'filesystem' | 'default';
	};
	const NODE = 'node (filesystem)';
	const TODAY = "today's node (filesystem)";
	const variants: Variant[] = [
		{ name: NODE, variant: 'node', binaryMode: 'filesystem' },
		{ name: 'node (default)', variant: 'node', binaryMode: 'default' },
		{ name: TODAY, variant: 'today', binaryMode: 'filesystem' },
		{ name: "today's node (default)", variant: 'today', binaryMode: 'default' },
		{ name: 'raw axios', variant: 'raw', binaryMode: 'filesystem' },
	];
	const baseline = baselineDir();
	// 20 MB: one document (get: the original and the signed PDF); 100 MB: the main document and
	// 4 annexes of 20 MB each (get: those 5, not signed).
	const cases = [
		{ op: 'create', annexes: 0, variants },
		{ op: 'get', annexes: 0, variants },
		{ op: 'create', annexes: 4, variants: variants.filter((v) => v.binaryMode === 'filesystem') },
		{ op: 'get', annexes: 4, variants: variants.filter((v) => v.binaryMode === 'filesystem') },
	] as const;

	for (const { op, annexes, variants: caseVariants } of cases) {
		let ids: { contractId?: string; warmUpContractId?: string } = {};
		if (op === 'get') {
			await sb.reset();
			const big = await signablePdfOfSize(settings.largeSize);
			const body = createBody('large.pdf', big.toString('base64'), 1) as Record<string, unknown>;
			if (annexes) {
				const annex = { name: 'annex.pdf', data: big.toString('base64') };
				body.annexes = Array.from({ length: annexes }, () => annex);
			}
			const contract = (await sb.api('contractCreateRequest', body)).contract;
			if (!annexes) await sb.signAll(contract.id);
			const small = (
				await sb.api(
					'contractCreateRequest',
					createBody('small.pdf', (await makePdf('Small')).toString('base64'), 1),
				)
			).contract;
			await sb.signAll(small.id);
			ids = { contractId: contract.id, warmUpContractId: small.id };
		}
		const runs: Record<string, LargeResult[]> = {};
		const rounds = annexes ? Math.min(settings.rounds, 2) : settings.rounds;
		for (let index = 0; index < rounds; index++) {
			for (const variant of rotate([...caseVariants], index)) {
				if (op === 'create') await sb.reset();
				const job: LargeJob = {
					kind: 'large',
					variant: variant.variant,
					op,
					url: sb.url,
					binaryMode: variant.binaryMode,
					size: settings.largeSize,
					annexes,
					baselineDir: baseline,
					...ids,
				};
				const result = await runWorker<LargeResult>(job);
				settings.log(
					`large ${op}${annexes ? ' 100 MB' : ''} ${variant.name} round ${index + 1}: ${round(result.wallMs)} ms, +${toMB(result.peakIncrease)} MB for ${toMB(result.documentBytes)} MB of PDF`,
				);
				(runs[variant.name] ??= []).push(result);
			}
		}
		const raw = runs['raw axios'];
		const rawTime = median(raw.map((result) => result.wallMs));
		const documentMB = toMB(median(raw.map((result) => result.documentBytes)));
		const label = annexes
			? `Large: ${op === 'create' ? 'create' : 'get + documents'}, ${documentMB} MB (main + ${annexes} annexes)`
			: op === 'create'
				? `Large: create, ${documentMB} MB PDF`
				: `Large: get + documents, ${documentMB} MB (original + signed)`;
		for (const variant of caseVariants) {
			const results = runs[variant.name];
			const perByte = median(results.map((result) => result.peakIncrease / result.documentBytes));
			const isNode = variant.variant === 'node';
			rows.push({
				benchmark: label,
				metric: `${variant.name}: peak RSS increase ÷ PDF bytes`,
				value: `${round(perByte)} (+${toMB(median(results.map((result) => result.peakIncrease)))} MB)`,
				target: variant.name === NODE ? '≤ 0.5' : '',
				ok: variant.name === NODE ? perByte <= 0.5 : null,
			});
			if (isNode) {
				const today = runs[variant.name.replace('node', "today's node")];
				const times = results.map((result, index) => result.wallMs / today[index].wallMs);
				const rawTimes = results.map((result, index) => result.wallMs / raw[index].wallMs);
				rows.push({
					benchmark: label,
					metric: `${variant.name}: time / today's node; / raw axios`,
					value: `${round(median(times))} (${Math.round(median(results.map((result) => result.wallMs)))} / ${Math.round(median(today.map((result) => result.wallMs)))} ms); ${round(median(rawTimes))} (raw ${Math.round(rawTime)} ms)`,
					target: '≤ 1.1',
					ok: median(times) <= 1.1,
				});
			}
		}
		const requests = Object.values(runs)
			.flat()
			.map((result) => result.requests);
		if (requests.some((count) => count !== 1)) {
			throw new Error(`large ${op}: expected 1 request per operation, got ${requests.join(', ')}`);
		}
		data[`${op}${annexes ? '-100MB' : ''}`] = runs;
	}
	return { rows, data };
}

// ---------------------------------------------------------------------------------------------
// 4. Requests per documented scenario

export async function benchScenarios(sb: EmulatorClient, settings: Settings) {
	await sb.reset();
	const job: ScenarioJob = { kind: 'scenarios', url: sb.url, contracts: 200, signed: 120 };
	const scenarios = await runWorker<ScenarioCount[]>(job);
	const rows: Row[] = [];
	for (const scenario of scenarios) {
		for (const step of scenario.steps) {
			rows.push({
				benchmark: scenario.name,
				metric: `API requests: ${step.what}`,
				value: `${step.requests}`,
				target: `floor ${step.floor}`,
				ok: step.requests <= step.floor,
			});
		}
	}
	settings.log(`scenarios: ${JSON.stringify(scenarios)}`);
	return { rows, data: scenarios };
}

// ---------------------------------------------------------------------------------------------
// 5. Cold load

const DIST = path.join(ROOT, 'dist');
const MODULES = [
	['nodes/ContratPrive/ContratPrive.node.js', 'ContratPrive'],
	['nodes/ContratPriveTrigger/ContratPriveTrigger.node.js', 'ContratPriveTrigger'],
	['credentials/ContratPriveApi.credentials.js', 'ContratPriveApi'],
].map(([file, name]) => [path.join(DIST, file), name]);

/** What n8n does for a community package: require each module, instantiate its class. */
const loadPackage = MODULES.map(
	([file, name]) => `new (require(${JSON.stringify(file)}).${name})();`,
).join('');
const timed = (before: string, code: string) =>
	`${before}const t=process.hrtime.bigint();${code}process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
const COLD_SCRIPTS = {
	workflow: timed('', "require('n8n-workflow');"),
	package: timed('', loadPackage),
	packageAfterWorkflow: timed("require('n8n-workflow');", loadPackage),
};

export async function benchColdLoad(settings: Settings, build: boolean) {
	if (build) {
		settings.log('npm run build');
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
	}
	const times: Record<keyof typeof COLD_SCRIPTS, number[]> = {
		workflow: [],
		package: [],
		packageAfterWorkflow: [],
	};
	const names = Object.keys(COLD_SCRIPTS) as Array<keyof typeof COLD_SCRIPTS>;
	for (let index = 0; index < settings.coldLoadRuns; index++) {
		for (const name of index % 2 ? [...names].reverse() : names) {
			const output = execFileSync(process.execPath, ['-e', COLD_SCRIPTS[name]], {
				cwd: ROOT,
				encoding: 'utf8',
			});
			times[name].push(Number(output));
		}
	}
	const workflow = median(times.workflow);
	const pkg = median(times.package);
	const after = median(times.packageAfterWorkflow);
	settings.log(
		`cold load: n8n-workflow ${round(workflow)} ms, package ${round(pkg)} ms, after ${round(after)} ms`,
	);
	const label = 'Cold load (dist/)';
	const rows: Row[] = [
		{
			benchmark: label,
			metric: 'require + instantiate node, trigger, credential / require n8n-workflow',
			value: `${round(pkg / workflow)} (${round(pkg, 1)} / ${round(workflow, 1)} ms)`,
			target: '',
			ok: null,
		},
		{
			benchmark: label,
			metric: 'same with n8n-workflow already loaded (as in n8n) / require n8n-workflow',
			value: `${round(after / workflow)} (${round(after, 1)} ms)`,
			target: '',
			ok: null,
		},
	];
	return { rows, data: times };
}
