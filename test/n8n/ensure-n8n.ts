/**
 * Provides a real n8n for the end-to-end tests, installed once into a cache
 * directory outside the repository.
 *
 *   npx tsx test/n8n/ensure-n8n.ts          install if needed, then print the paths
 *   npx tsx test/n8n/ensure-n8n.ts --check  also run `n8n --version` and `n8n export:nodes`
 *
 * n8n 2.x needs Node 24, the repository runs on Node 20: the npm package
 * `node@24` (binary and headers) is installed next to n8n and used to run it.
 * n8n is installed with `--ignore-scripts` (kafka's native build downloads from
 * the internet), then only the two native modules n8n needs are rebuilt against
 * the Node 24 headers: `sqlite3` and `isolated-vm`.
 *
 * Environment:
 *   N8N_CACHE_DIR  cache root (default ~/.cache/n8n-nodes-contrat-prive)
 *   N8N_VERSION    n8n version to install (default 2.39.0)
 *   N8N_BIN        use this n8n instead (an executable); no install is done.
 *                  N8N_NODE_BIN optionally names the node it should run with.
 *
 * Each install step writes a marker file when it completes; a directory
 * without its marker is a half-done install and is removed and redone.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_N8N_VERSION = '2.39.0';
const NODE_RANGE = '24';
const MARKER = '.install-complete.json';

export interface N8nRuntime {
	/** Node binary n8n runs with (Node 24 from the cache, unless N8N_BIN is used). */
	nodeBin: string;
	/** n8n entry point. Run as `nodeBin n8nBin ...` unless `direct` is true. */
	n8nBin: string;
	/** True when n8nBin is a user-provided executable (N8N_BIN) to run directly. */
	direct: boolean;
	/** Base environment: PATH starts with the Node 24 bin directory. */
	env: NodeJS.ProcessEnv;
	/** n8n version as reported by `n8n --version`, or the one installed. */
	version: string;
}

export function cacheRoot(): string {
	return process.env.N8N_CACHE_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-contrat-prive');
}

function log(msg: string): void {
	process.stderr.write(`[ensure-n8n] ${msg}\n`);
}

function readMarker(dir: string): Record<string, string> | undefined {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

function writeMarker(dir: string, data: Record<string, string>): void {
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify({ ...data, completedAt: new Date().toISOString() }, null, 2),
	);
}

/** Runs a command, output to a log file, printing a heartbeat; throws with the log tail on failure. */
function run(
	cmd: string,
	args: string[],
	opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; label: string },
): Promise<void> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const out = fs.openSync(opts.logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, out] });
		const beat = setInterval(() => {
			log(`  ${opts.label}: ${Math.round((Date.now() - started) / 1000)}s...`);
		}, 30_000);
		child.on('error', (err) => {
			clearInterval(beat);
			fs.closeSync(out);
			reject(err);
		});
		child.on('exit', (code, signal) => {
			clearInterval(beat);
			fs.closeSync(out);
			const secs = Math.round((Date.now() - started) / 1000);
			if (code === 0) {
				log(`  ${opts.label}: done in ${secs}s`);
				resolve();
				return;
			}
			const tail = fs.readFileSync(opts.logFile, 'utf8').split('\n').slice(-40).join('\n');
			reject(
				new Error(
					`${opts.label} failed (${signal ?? `exit ${code}`}) after ${secs}s; log ${opts.logFile}:\n${tail}`,
				),
			);
		});
	});
}

/**
 * npm from PATH. Its launcher is `#!/usr/bin/env node`, so with the Node 24
 * directory first in PATH, npm and the native builds it starts run on Node 24.
 */
function npmCommand(): { cmd: string; pre: string[] } {
	return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', pre: [] };
}

/**
 * A private package.json for a cache directory. npm 11 blocks dependency
 * install scripts not listed in `allowScripts` (a warning by default, an error
 * with strict-allow-scripts); `--allow-scripts` is refused in a project.
 */
function writeHolderPackage(
	dir: string,
	name: string,
	allow: string[],
	extra: Record<string, unknown> = {},
): void {
	const allowScripts = Object.fromEntries(allow.map((p) => [p, true]));
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name, private: true, allowScripts, ...extra }, null, 2),
	);
}

/**
 * What an n8n version needs in its install folder's package.json. n8n 1.x
 * depends on xlsx from the SheetJS CDN (https://cdn.sheetjs.com/...), which is
 * not the npm registry: the override takes the last xlsx published on npm.
 */
function holderExtras(version: string): Record<string, unknown> {
	if (Number(version.split('.')[0]) < 2) return { overrides: { xlsx: '0.18.5' } };
	return {};
}

function resetDir(dir: string): void {
	if (fs.existsSync(dir)) {
		log(`removing incomplete install ${dir}`);
		fs.rmSync(dir, { recursive: true, force: true });
	}
	fs.mkdirSync(dir, { recursive: true });
}

interface NodeInstall {
	nodeBin: string;
	nodeDir: string;
	headersDir: string;
	version: string;
}

function nodeInstallPaths(dir: string): Omit<NodeInstall, 'version'> {
	const pkg = path.join(dir, 'node_modules', 'node');
	return {
		nodeBin: path.join(pkg, 'bin', 'node'),
		nodeDir: path.join(pkg, 'bin'),
		// The `node` package's preinstall fetches node-<platform>-<arch>, which carries include/node.
		headersDir: path.join(pkg, 'node_modules', `node-${process.platform}-${process.arch}`),
	};
}

async function ensureNode24(root: string): Promise<NodeInstall> {
	const dir = path.join(root, `node-${NODE_RANGE}`);
	const paths = nodeInstallPaths(dir);
	const marker = readMarker(dir);
	if (marker && fs.existsSync(paths.nodeBin)) return { ...paths, version: marker.version };

	log(`installing node@${NODE_RANGE} into ${dir}`);
	resetDir(dir);
	writeHolderPackage(dir, 'n8n-cache-node', ['node']);
	const npm = npmCommand();
	const logFile = path.join(dir, 'install.log');
	// The preinstall script of `node` installs node-<platform>-<arch> (binary and headers).
	await run(npm.cmd, [...npm.pre, 'install', `node@${NODE_RANGE}`, '--no-audit', '--no-fund'], {
		cwd: dir,
		env: cleanEnv(),
		logFile,
		label: `npm install node@${NODE_RANGE}`,
	});
	const res = spawnSync(paths.nodeBin, ['--version'], { encoding: 'utf8' });
	const version = (res.stdout || '').trim();
	if (res.status !== 0 || !version.startsWith(`v${NODE_RANGE}.`)) {
		throw new Error(`node@${NODE_RANGE} install is broken: ${res.stderr || res.error}`);
	}
	if (!fs.existsSync(path.join(paths.headersDir, 'include', 'node', 'node_api.h'))) {
		throw new Error(`node@${NODE_RANGE} headers not found in ${paths.headersDir}`);
	}
	writeMarker(dir, { version });
	log(`node ${version} ready`);
	return { ...paths, version };
}

/**
 * process.env without the npm_* variables `npm run` sets (npm_config_nodedir,
 * npm_config_local_prefix, npm_config_loglevel...): nested npm calls must read
 * their settings from .npmrc and from what is set here, not from the outer run.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^npm_/i.test(k)) env[k] = v;
	}
	return env;
}

function runtimeEnv(node: NodeInstall): NodeJS.ProcessEnv {
	return {
		...cleanEnv(),
		PATH: `${node.nodeDir}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: node.headersDir,
	};
}

async function ensureN8nInstall(root: string, node: NodeInstall, version: string): Promise<string> {
	const dir = path.join(root, `n8n-${version}`);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = readMarker(dir);
	if (marker && marker.node === node.version && fs.existsSync(n8nBin)) return n8nBin;

	const env = runtimeEnv(node);
	const npm = npmCommand();
	const logFile = path.join(root, `n8n-${version}.install.log`);
	fs.writeFileSync(logFile, '');
	log(`installing n8n@${version} into ${dir} (about 7 minutes, 2.7 GB; log ${logFile})`);
	resetDir(dir);
	writeHolderPackage(dir, 'n8n-cache', ['sqlite3', 'isolated-vm'], holderExtras(version));
	await run(
		npm.cmd,
		[...npm.pre, 'install', `n8n@${version}`, '--ignore-scripts', '--no-audit', '--no-fund'],
		{ cwd: dir, env, logFile, label: `npm install n8n@${version}` },
	);
	log('rebuilding native modules sqlite3 and isolated-vm for Node 24');
	// `npm rebuild <names>` runs only those packages' install scripts (sqlite3
	// compiles, ~1 min; isolated-vm finds its prebuild), against npm_config_nodedir.
	await run(npm.cmd, [...npm.pre, 'rebuild', 'sqlite3', 'isolated-vm'], {
		cwd: dir,
		env,
		logFile,
		label: 'npm rebuild sqlite3 isolated-vm',
	});
	// isolated-vm runs expressions in n8n 2.x; n8n 1.x does not have it.
	const probe = spawnSync(
		node.nodeBin,
		[
			'-e',
			"const s=require('sqlite3');new s.Database(':memory:').close();" +
				"let ivm;try{ivm=require('isolated-vm')}catch(e){if(e.code!=='MODULE_NOT_FOUND')throw e}" +
				"if(ivm){const i=new ivm.Isolate({memoryLimit:8});" +
				"if(i.compileScriptSync('6*7').runSync(i.createContextSync())!==42)process.exit(3)}",
		],
		{ cwd: path.join(dir, 'node_modules', 'n8n'), env, encoding: 'utf8' },
	);
	if (probe.status !== 0) {
		throw new Error(
			`sqlite3 / isolated-vm do not load under Node ${node.version}:\n${probe.stderr}`,
		);
	}
	writeMarker(dir, { n8n: version, node: node.version });
	log(`n8n ${version} ready`);
	return n8nBin;
}

/** Installs (once) and returns how to run n8n. */
export async function ensureN8n(
	opts: { version?: string; root?: string } = {},
): Promise<N8nRuntime> {
	if (process.env.N8N_BIN) {
		const n8nBin = process.env.N8N_BIN;
		const nodeBin = process.env.N8N_NODE_BIN || 'node';
		const res = spawnSync(n8nBin, ['--version'], { encoding: 'utf8' });
		if (res.status !== 0)
			throw new Error(`N8N_BIN=${n8nBin} --version failed: ${res.stderr || res.error}`);
		return { nodeBin, n8nBin, direct: true, env: cleanEnv(), version: res.stdout.trim() };
	}
	const version = opts.version || process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
	const root = opts.root || cacheRoot();
	fs.mkdirSync(root, { recursive: true });
	const node = await ensureNode24(root);
	const n8nBin = await ensureN8nInstall(root, node, version);
	return { nodeBin: node.nodeBin, n8nBin, direct: false, env: runtimeEnv(node), version };
}

/** Command and arguments to spawn for `n8n ...args`. */
export function n8nCommand(rt: N8nRuntime, args: string[]): { cmd: string; args: string[] } {
	return rt.direct ? { cmd: rt.n8nBin, args } : { cmd: rt.nodeBin, args: [rt.n8nBin, ...args] };
}

async function main(): Promise<void> {
	const t0 = Date.now();
	const rt = await ensureN8n();
	log(`ready in ${Math.round((Date.now() - t0) / 1000)}s`);
	console.log(
		JSON.stringify({ nodeBin: rt.nodeBin, n8nBin: rt.n8nBin, direct: rt.direct }, null, 2),
	);
	if (process.argv.includes('--check')) {
		const { createUserFolder, runN8n, exportNodes } = await import('./n8n-cli');
		const folder = createUserFolder();
		const v = await runN8n(rt, folder, ['--version']);
		log(`n8n --version: ${v.stdout.trim()}`);
		try {
			const nodes = await exportNodes(rt, folder);
			log(`n8n export:nodes: ${nodes.length} node types`);
		} catch (err) {
			// export:nodes came after n8n 1.101.
			if (!/command export:nodes not found/.test(String(err))) throw err;
			log('n8n export:nodes: not in this n8n version');
		}
		folder.remove();
	}
}

if (require.main === module) {
	main().catch((err) => {
		console.error(err instanceof Error ? err.message : err);
		process.exit(1);
	});
}
