/**
 * n8n's verification scan, run locally: the pinned @n8n/scan-community-package's own
 * `analyzePackage` over the two legs it scans before listing a package (after its provenance
 * check, which needs a published version):
 *   - source:  package.json and {nodes,credentials}/**\/*.{js,ts,json} (its SOURCE_FILE_PATTERNS)
 *   - tarball: **\/*.js and package.json of the unpacked `npm pack` tarball
 * Prints the findings and exits 1 on any error, or when a leg finds nothing to scan.
 *
 *   node test/scan/scan.mjs                  both legs on this repository (npm pack builds first)
 *   --root DIR                             scan (and pack) another directory
 *   --tarball X.tgz                        scan this tarball instead of packing
 *   --only source|tarball                  run one leg
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { importScanner, SCANNER_VERSION, scannerToolsRequire } from './scanner-tools.mjs';

const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

const { values: args } = parseArgs({
	options: {
		root: {
			type: 'string',
			default: path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
		},
		tarball: { type: 'string' },
		only: { type: 'string' },
	},
});

const scanner = await importScanner();
const toolsRequire = scannerToolsRequire();
// The scanner makes a temporary directory when it loads: remove it when the process exits.
toolsRequire('tmp').setGracefulCleanup();
const glob = toolsRequire('fast-glob');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function run(cmd, cmdArgs, cwd) {
	const res = spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8' });
	if (res.status !== 0) {
		throw new Error(`${cmd} ${cmdArgs.join(' ')} failed in ${cwd}:\n${res.stderr || res.error}`);
	}
	return res.stdout;
}

/** Builds and packs the repository as `npm publish` does (its prepack builds), then unpacks it. */
function packAndUnpack(root) {
	let tarball = args.tarball && path.resolve(args.tarball);
	if (!tarball) {
		const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
		if (build.status !== 0) throw new Error(`npm run build failed in ${root}`);
		const [report] = JSON.parse(
			run(
				'npm',
				['pack', '--json', '--ignore-scripts', '--loglevel=warn', '--pack-destination', work],
				root,
			),
		);
		tarball = path.join(work, report.filename);
	}
	const dir = path.join(work, 'package');
	fs.mkdirSync(dir);
	run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], work);
	return dir;
}

/** Runs analyzePackage over one leg; returns the number of errors (at least 1 when it failed). */
async function scanLeg(label, dir, patterns) {
	// The files analyzePackage lints, found the way it finds them: a leg that matches nothing
	// "passes" in the scanner, here it is an error.
	const files = glob.sync(patterns, {
		cwd: dir,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	if (!files.includes('package.json') || files.length < 2) {
		console.log(`${label}: nothing to scan in ${dir} (${files.length} files: ${files.join(', ')})`);
		return 1;
	}
	const result = await scanner.analyzePackage(dir, patterns);
	if (result.passed) {
		console.log(`${label}: ${files.length} files, 0 errors`);
		return 0;
	}
	const summary = /\((\d+) errors?, (\d+) warnings?\)/.exec(result.details ?? '');
	const errors = summary ? Number(summary[1]) : 1;
	console.log(`${label}: ${files.length} files, ${errors} errors (${result.message})`);
	if (result.details) console.log(result.details);
	return errors;
}

const root = path.resolve(args.root);
let errors = 0;
try {
	if (args.only !== 'tarball') {
		errors += await scanLeg(`source (${root})`, root, scanner.SOURCE_FILE_PATTERNS);
	}
	if (args.only !== 'source') {
		errors += await scanLeg('tarball (npm pack)', packAndUnpack(root), TARBALL_PATTERNS);
	}
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
}
console.log(
	`@n8n/scan-community-package@${SCANNER_VERSION}: ${errors === 0 ? 'passed, 0 errors' : `failed, ${errors} errors`}`,
);
process.exit(errors === 0 ? 0 : 1);
