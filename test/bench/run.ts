/**
 * `npm run bench [-- --only bulk,trigger,large,scenarios,latency,quota,cold] [--rounds N] [--quick]
 *   [--no-build] [--profile]`
 *
 * Measures the node against raw HTTP and the API-call floor, side by side in one run, on the
 * local emulator (its own process). Every figure is a ratio or a count taken in the same run:
 * the machines are small and noisy. Prints one table and writes it, with the machine and
 * versions, to test-results/bench.json (and the table as test-results/bench.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Settings } from './benchmarks';
import { benchBulk, benchColdLoad, benchLarge, benchScenarios, benchTrigger } from './benchmarks';
import { benchLatency } from './latency';
import { benchQuota } from './quota';
import { PROFILE_DIR, enableProfiling } from './lib/child';
import { ROOT, startEmulatorProcess } from './lib/emulator';
import type { Row } from './lib/report';
import { formatTable, machineInfo, markdownTable } from './lib/report';

const BENCHMARKS = ['bulk', 'trigger', 'large', 'scenarios', 'latency', 'quota', 'cold'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

function option(name: string): string | undefined {
	const argv = process.argv.slice(2);
	const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
	if (index === -1) return undefined;
	const arg = argv[index];
	return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}
const flag = (name: string) => process.argv.slice(2).includes(`--${name}`);

async function main(): Promise<void> {
	const quick = flag('quick');
	const only = (option('only')?.split(',') ?? [...BENCHMARKS]) as BenchmarkName[];
	for (const name of only) {
		if (!BENCHMARKS.includes(name))
			throw new Error(`unknown benchmark "${name}" (${BENCHMARKS.join(', ')})`);
	}
	const started = Date.now();
	const settings: Settings = {
		rounds: Number(option('rounds') ?? (quick ? 1 : 3)),
		bulkRounds: Number(option('rounds') ?? (quick ? 1 : 5)),
		bulkCount: 500,
		bulkSize: 100 * 1024,
		// Just under the 20 MB limit, so that the signed PDF (+ a page) is about 20 MB.
		largeSize: 20 * 1024 * 1024 - 32 * 1024,
		coldLoadRuns: quick ? 5 : 15,
		latency: {
			latenciesMs: [150, 50],
			count: 200,
			size: 100 * 1024,
			parallel: 8,
			largeCount: 8,
			largeSize: 20 * 1024 * 1024,
			concurrencyLimit: 4,
		},
		log: (message) =>
			process.stderr.write(
				`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
			),
	};

	if (flag('profile')) {
		enableProfiling();
		settings.log(
			`CPU profiles in ${PROFILE_DIR}; summarise one with tsx test/bench/profile.ts FILE`,
		);
	}
	const machine = machineInfo();
	const rows: Row[] = [];
	const data: Record<string, unknown> = {};

	if (only.some((name) => name !== 'cold')) {
		const emulator = await startEmulatorProcess();
		settings.log(`emulator ${emulator.client.url} (pid ${emulator.pid})`);
		try {
			type Bench = (
				sb: typeof emulator.client,
				settings: Settings,
			) => Promise<{ rows: Row[]; data: unknown }>;
			const steps: Array<[BenchmarkName, Bench]> = [
				['bulk', benchBulk],
				['trigger', benchTrigger],
				['large', benchLarge],
				['scenarios', benchScenarios],
				['latency', benchLatency],
				['quota', benchQuota],
			];
			for (const [name, bench] of steps) {
				if (!only.includes(name)) continue;
				const result = await bench(emulator.client, settings);
				rows.push(...result.rows);
				data[name] = result.data;
			}
		} finally {
			await emulator.close();
		}
	}
	if (only.includes('cold')) {
		const result = await benchColdLoad(settings, !flag('no-build'));
		rows.push(...result.rows);
		data.cold = result.data;
	}

	const table = formatTable(rows);
	const durationSeconds = Math.round((Date.now() - started) / 1000);
	const report = {
		machine: {
			...machine,
			loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
		},
		settings: { ...settings, log: undefined, only },
		durationSeconds,
		table: rows,
		data,
	};
	const dir = path.join(ROOT, 'test-results');
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
	writeFileSync(
		path.join(dir, 'bench.md'),
		`${markdownTable(rows)}\n\n${machine.cpu}, ${machine.memoryGB} GB, Node.js ${machine.node}, n8n-core ${machine.versions['n8n-core']}, commit ${machine.commit}; ${durationSeconds} s.\n`,
	);
	process.stdout.write(`\n${table}\n\n`);
	process.stdout.write(
		`${machine.cpu}, Node.js ${machine.node}, n8n-core ${machine.versions['n8n-core']}; ${durationSeconds} s. Written to test-results/bench.json and bench.md.\n`,
	);
	const missed = rows.filter((row) => row.ok === false);
	if (missed.length) process.stdout.write(`${missed.length} target(s) missed.\n`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
