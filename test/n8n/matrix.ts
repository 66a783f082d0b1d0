/**
 * Runs the real-n8n end-to-end suite on every n8n version of the compatibility
 * matrix, one after the other, and writes test-results/n8n-matrix.json.
 *
 *   npm run test:n8n:matrix                      every version of MATRIX
 *   npm run test:n8n:matrix -- 1.123.81 2.41.1   only these versions
 *   npm run test:n8n:matrix -- 1.123.81 icons     scenario words as for test:n8n
 *
 * Each version is installed once into the cache (ensure-n8n.ts; about 2.7 GB
 * and a few minutes each), then e2e.ts runs with N8N_VERSION set and writes its
 * own results file, test-results/n8n-e2e-<version>.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_N8N_VERSION, ensureN8n } from './ensure-n8n';

/** The versions the README states as tested: the last 1.x, the default, the newest 2.x that installs. */
export const MATRIX = ['1.123.81', DEFAULT_N8N_VERSION, '2.41.1'];

const REPO = path.resolve(__dirname, '..', '..');
const RESULTS_DIR = path.join(REPO, 'test-results');

interface VersionResult {
	n8n: string;
	node?: string;
	/** Seconds spent installing (0 when the cache already had it). */
	installSeconds: number;
	/** Seconds of the end-to-end run. */
	seconds: number;
	passed: number;
	failed: number;
	resultsFile?: string;
	error?: string;
}

function runE2e(version: string, words: string[], resultsFile: string): Promise<number | null> {
	const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
	return new Promise((resolve) => {
		const child = spawn(tsx, [path.join(__dirname, 'e2e.ts'), ...words], {
			cwd: REPO,
			env: { ...process.env, N8N_VERSION: version, E2E_RESULTS: resultsFile },
			stdio: 'inherit',
		});
		child.on('exit', (code) => resolve(code));
	});
}

async function runVersion(version: string, words: string[]): Promise<VersionResult> {
	const result: VersionResult = {
		n8n: version,
		installSeconds: 0,
		seconds: 0,
		passed: 0,
		failed: 0,
	};
	const i0 = Date.now();
	try {
		const rt = await ensureN8n({ version });
		result.node = spawnSync(rt.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
	} catch (err) {
		result.installSeconds = Math.round((Date.now() - i0) / 1000);
		result.failed = 1;
		result.error = `install failed: ${err instanceof Error ? err.message : String(err)}`;
		return result;
	}
	result.installSeconds = Math.round((Date.now() - i0) / 1000);

	const resultsFile = path.join(RESULTS_DIR, `n8n-e2e-${version}.json`);
	fs.rmSync(resultsFile, { force: true });
	const t0 = Date.now();
	const code = await runE2e(version, words, resultsFile);
	result.seconds = Math.round((Date.now() - t0) / 1000);
	result.resultsFile = path.relative(REPO, resultsFile);
	try {
		const summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
			passed: number;
			failed: number;
		};
		result.passed = summary.passed;
		result.failed = summary.failed;
	} catch {
		result.failed = Math.max(result.failed, 1);
		result.error = `the end-to-end run wrote no results (exit ${code})`;
	}
	return result;
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const asked = args.filter((a) => /^\d+\.\d+\.\d+$/.test(a));
	const words = args.filter((a) => !/^\d+\.\d+\.\d+$/.test(a));
	const versions = asked.length > 0 ? asked : MATRIX;
	const t0 = Date.now();
	const results: VersionResult[] = [];
	for (const version of versions) {
		console.log(`[matrix] n8n ${version}`);
		const result = await runVersion(version, words);
		results.push(result);
		console.log(
			`[matrix] n8n ${version}: ${result.passed} passed, ${result.failed} failed, ` +
				`${result.seconds}s (install ${result.installSeconds}s)${result.error ? `: ${result.error}` : ''}`,
		);
	}
	const summary = {
		passed: results.reduce((n, r) => n + r.passed, 0),
		failed: results.reduce((n, r) => n + r.failed, 0),
		seconds: Math.round((Date.now() - t0) / 1000),
		versions: results,
	};
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	fs.writeFileSync(
		path.join(RESULTS_DIR, 'n8n-matrix.json'),
		JSON.stringify(summary, null, 2) + '\n',
	);
	console.log('[matrix] version   node      passed failed  seconds  install');
	for (const r of results) {
		console.log(
			`[matrix] ${r.n8n.padEnd(9)} ${(r.node ?? '-').padEnd(9)} ${String(r.passed).padStart(6)} ` +
				`${String(r.failed).padStart(6)} ${String(r.seconds).padStart(8)} ${String(r.installSeconds).padStart(8)}`,
		);
	}
	if (summary.failed > 0) process.exit(1);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
