/**
 * n8n's verification scanner (@n8n/scan-community-package) and the rule plugin it applies
 * (eslint-plugin-n8n-nodes-base), installed once into a cache directory outside the repository.
 *
 * Neither can be a devDependency: the plugin's preinstall (`npx only-allow pnpm`) makes `npm ci`
 * fail. So test/scan/scanner/package.json pins both, its package-lock.json pins everything below
 * them, and they are installed with `npm ci --ignore-scripts` into
 * ~/.cache/n8n-nodes-contrat-prive/scanner-<version> (N8N_CACHE_DIR moves the root). A marker file
 * records the lock file's hash: an install without it, or made from another lock, is redone.
 * The install goes to a temporary sibling directory first and is renamed into place, so two
 * processes that start at the same time cannot wipe each other's install.
 *
 *   node test/scan/scanner-tools.mjs   install if needed, print the directory
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pinned = path.join(here, 'scanner');
const MARKER = '.install-complete.json';

export const SCANNER_VERSION = readJson(path.join(pinned, 'package.json')).dependencies[
	'@n8n/scan-community-package'
];

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function lockHash() {
	return createHash('sha256')
		.update(fs.readFileSync(path.join(pinned, 'package-lock.json')))
		.digest('hex');
}

function cacheRoot() {
	return process.env.N8N_CACHE_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-contrat-prive');
}

function isComplete(dir, hash) {
	try {
		return readJson(path.join(dir, MARKER)).lockHash === hash;
	} catch {
		return false;
	}
}

/** npm without the npm_* variables of an outer `npm run` (prefix, nodedir...). */
function npmEnv() {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/** Installs the pinned scanner tools if needed; returns the directory that holds node_modules. */
export function ensureScannerTools() {
	const dir = path.join(cacheRoot(), `scanner-${SCANNER_VERSION}`);
	const hash = lockHash();
	if (isComplete(dir, hash)) return dir;

	fs.mkdirSync(cacheRoot(), { recursive: true });
	const staging = fs.mkdtempSync(`${dir}.installing-`);
	const logFile = path.join(staging, 'install.log');
	process.stderr.write(
		`[scanner-tools] installing @n8n/scan-community-package@${SCANNER_VERSION} into ${dir} (log ${logFile})\n`,
	);
	for (const file of ['package.json', 'package-lock.json']) {
		fs.copyFileSync(path.join(pinned, file), path.join(staging, file));
	}
	const res = spawnSync(
		process.platform === 'win32' ? 'npm.cmd' : 'npm',
		['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
		{ cwd: staging, env: npmEnv(), encoding: 'utf8' },
	);
	fs.writeFileSync(logFile, `${res.stdout ?? ''}${res.stderr ?? ''}`);
	if (res.status !== 0) {
		throw new Error(
			`npm ci --ignore-scripts failed in ${staging} (${res.error ?? `exit ${res.status}`}):\n${res.stderr}`,
		);
	}
	fs.writeFileSync(
		path.join(staging, MARKER),
		JSON.stringify({ lockHash: hash, completedAt: new Date().toISOString() }, null, 2),
	);

	if (!isComplete(dir, hash)) fs.rmSync(dir, { recursive: true, force: true });
	try {
		fs.renameSync(staging, dir);
	} catch (error) {
		// Another process renamed its own complete install into place first: keep that one.
		fs.rmSync(staging, { recursive: true, force: true });
		if (!isComplete(dir, hash)) throw error;
	}
	process.stderr.write(`[scanner-tools] ready\n`);
	return dir;
}

/**
 * eslint-plugin-n8n-nodes-base takes NODE_ENV=test (set by jest, for one) for its own test run and
 * then checks every file as if it were named Test.node.ts: drop it before the plugin loads.
 */
function leavePluginTestMode() {
	if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
}

/** `require` that resolves from the scanner tools' node_modules. */
export function scannerToolsRequire() {
	leavePluginTestMode();
	return createRequire(path.join(ensureScannerTools(), 'package.json'));
}

/** The scanner module itself (scanner/scanner.mjs: analyzePackage, SOURCE_FILE_PATTERNS...). */
export async function importScanner() {
	leavePluginTestMode();
	const dir = ensureScannerTools();
	const entry = path.join(
		dir,
		'node_modules',
		'@n8n',
		'scan-community-package',
		'scanner',
		'scanner.mjs',
	);
	return import(pathToFileURL(entry).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	console.log(ensureScannerTools());
}
