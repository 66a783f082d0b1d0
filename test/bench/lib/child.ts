/**
 * Runs one measurement in a fresh Node.js process (a fresh heap, so peaks compare), through the
 * same loader as the tests (tsx), with --expose-gc. The worker prints its result as one line
 * `@@BENCH@@ {json}` on stdout.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT } from './emulator';

/** Where `--profile` puts CPU profiles (NAME.cpuprofile, and NAME.phase.json: the phase's bounds). */
export const PROFILE_DIR = path.join(ROOT, 'test-results', 'bench-profiles');

let profiling = false;
let profiles = 0;
/** From now on every worker runs with --cpu-prof (see test/bench/profile.ts). */
export function enableProfiling(): void {
	profiling = true;
	mkdirSync(PROFILE_DIR, { recursive: true });
}

export const RESULT_MARK = '@@BENCH@@ ';

export interface WorkerOptions {
	/** Extra Node.js flags, e.g. --cpu-prof. */
	nodeArgs?: string[];
	timeoutMs?: number;
}

export async function runWorker<T>(job: object, options: WorkerOptions = {}): Promise<T> {
	const name = profiling
		? `${++profiles}-${Object.values(job)
				.filter((value) => typeof value === 'string' && !value.startsWith('http'))
				.join('-')}`
		: undefined;
	// One directory per worker: the loader's thread (tsx) writes a profile too.
	const profileDir = name ? path.join(PROFILE_DIR, name) : undefined;
	const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
	const args = [
		'--expose-gc',
		'--max-old-space-size=4096',
		...profileArgs,
		...(options.nodeArgs ?? []),
		'--import',
		'tsx',
		'test/bench/worker.ts',
		JSON.stringify(job),
	];
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, NODE_ENV: 'production', ...(name ? { BENCH_TRACE: '1' } : {}) },
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
		if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
	});
	const timeoutMs = options.timeoutMs ?? 300_000;
	const code = await new Promise<number | null>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`worker timed out after ${timeoutMs} ms: ${JSON.stringify(job)}`));
		}, timeoutMs);
		child.once('exit', (exitCode) => {
			clearTimeout(timer);
			resolve(exitCode);
		});
	});
	const line = stdout.split('\n').find((text) => text.startsWith(RESULT_MARK));
	if (code !== 0 || !line) {
		throw new Error(
			`worker failed (exit ${code}) for ${JSON.stringify(job)}\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`,
		);
	}
	if (name && profileDir) {
		// CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: the main thread is thread 0.
		const main = readdirSync(profileDir).find((file) => /^CPU\.\d+\.\d+\.\d+\.0\./.test(file));
		if (main) renameSync(path.join(profileDir, main), path.join(PROFILE_DIR, `${name}.cpuprofile`));
		rmSync(profileDir, { recursive: true, force: true });
		const bounds = Object.fromEntries(
			[...stderr.matchAll(/^BENCH_PHASE (start|end) (\d+)$/gm)].map((match) => [
				match[1],
				Number(match[2]),
			]),
		);
		writeFileSync(path.join(PROFILE_DIR, `${name}.phase.json`), JSON.stringify(bounds));
	}
	return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}
