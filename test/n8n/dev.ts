/**
 * `npm run dev`: a real n8n with this package loaded, against the local emulator.
 *
 *   npm run dev [-- --port 8787] [--n8n-port 5678] [--watch] [--verbose] [--user-folder DIR]
 *
 * (`node --import tsx`, not the tsx launcher: this process is npm's shell's child, and can
 * see it go.)
 *
 * 1. builds the package (`npm run build`);
 * 2. installs n8n into the cache if needed (ensure-n8n.ts; the first time takes minutes),
 *    or uses N8N_BIN;
 * 3. copies the built package (package.json, dist/, README, LICENSE: what `npm pack` ships)
 *    into `<user folder>/.n8n/nodes/node_modules/n8n-nodes-contrat-prive`, where n8n loads
 *    community packages. The user folder persists across runs (default
 *    `~/.cache/n8n-nodes-contrat-prive/dev-user-folder`); it must not sit inside a project
 *    with its own node_modules, or the package would load that project's n8n-workflow;
 * 4. starts the emulator (port 8787, or a free port when 8787 is taken);
 * 5. imports the credential "Contrat-Privé (local sandbox)" (its URL follows the emulator's
 *    port) and the example workflows of test/n8n/workflows/, with their fixed ids: every run
 *    overwrites them;
 * 6. starts `n8n start` (port 5678, or a free port), creates the owner account on a new
 *    database (or logs in), publishes the webhook and trigger examples, prints the URLs.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops n8n (its whole process group: task runners included)
 * and the emulator. With --watch, `tsc --watch` recompiles on change and n8n restarts
 * after each successful compilation (icons are copied at start only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import type { Emulator } from '../emulator';
import { DEMO_ACCOUNTS, SANDBOX_TEST_CARD, startEmulator } from '../emulator';
import { cacheRoot, ensureN8n, type N8nRuntime } from './ensure-n8n';
import {
	ARCHIVE_DIR,
	ensureArchiveDir,
	EXAMPLES,
	loadExamples,
	localCredential,
	MCP_BEARER_CREDENTIAL,
	MCP_DEMO_TOKEN,
} from './examples';
import {
	freePort,
	importCredentials,
	runN8nOk,
	startN8nServer,
	type N8nServer,
	type UserFolder,
} from './n8n-cli';
import { PACKAGE_NAME } from './workflows';
import { setUpPortalForDev } from './portal/portal-dev';

const REPO = path.resolve(__dirname, '..', '..');
const DEFAULT_EMULATOR_PORT = 8787;
const DEFAULT_N8N_PORT = 5678;

/** The owner account of the dev instance (local only). */
export const DEV_OWNER = {
	email: 'dev@example.com',
	firstName: 'Dev',
	lastName: 'Contrat-Privé',
	password: 'ContratPrive-dev-1',
};

/** Examples published at start: webhooks answer at once, the trigger polls. */
const PUBLISHED = [
	EXAMPLES.extranetStart,
	EXAMPLES.extranetSign,
	EXAMPLES.trigger,
	EXAMPLES.portalSign,
	EXAMPLES.portalDocument,
	EXAMPLES.portalSelfService,
	EXAMPLES.mcp,
];

const USAGE = `npm run dev [-- options]

  --port N           emulator port (default ${DEFAULT_EMULATOR_PORT}, or a free port if it is taken)
  --n8n-port N       n8n editor port (default ${DEFAULT_N8N_PORT}, or a free port if it is taken)
  --user-folder DIR  n8n user folder (default ${path.join('$N8N_CACHE_DIR', 'dev-user-folder')})
  --watch            recompile on change (tsc --watch) and restart n8n
  --verbose          print n8n's output (always written to <user folder>/n8n.log)

Environment: N8N_BIN=/path/to/n8n uses that n8n instead of installing one;
N8N_CACHE_DIR (default ~/.cache/n8n-nodes-contrat-prive), N8N_VERSION (default 2.39.0).`;

interface Options {
	port?: number;
	n8nPort?: number;
	userFolder: string;
	watch: boolean;
	verbose: boolean;
}

function say(msg: string): void {
	console.log(`[dev] ${msg}`);
}

function fail(msg: string): never {
	console.error(`[dev] ${msg}`);
	process.exit(1);
}

function parseArgs(argv: string[]): Options {
	const opts: Options = {
		userFolder: path.join(cacheRoot(), 'dev-user-folder'),
		watch: false,
		verbose: false,
	};
	const port = (name: string, value: string | undefined): number => {
		const n = Number(value);
		if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name}: not a port: ${value}`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--port':
				opts.port = port(flag, value());
				break;
			case '--n8n-port':
				opts.n8nPort = port(flag, value());
				break;
			case '--user-folder':
				opts.userFolder = path.resolve(value() ?? '');
				break;
			case '--watch':
				opts.watch = true;
				break;
			case '--verbose':
				opts.verbose = true;
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				return process.exit(0);
			default:
				fail(`unknown option ${argv[i]}\n\n${USAGE}`);
		}
	}
	return opts;
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** The given port (it must be free), else the default one, else any free port. */
async function choosePort(what: string, given: number | undefined, fallback: number) {
	if (given !== undefined) {
		if (!(await portIsFree(given))) fail(`${what} port ${given} is in use`);
		return given;
	}
	if (await portIsFree(fallback)) return fallback;
	say(`port ${fallback} is in use: ${what} takes a free port`);
	return 0;
}

function build(): void {
	say('building the package (npm run build)');
	const res = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
	if (res.status !== 0) fail(`build failed:\n${res.stdout}\n${res.stderr}`);
}

/** A node_modules/n8n-workflow above `dir` would shadow n8n's own copy for the package. */
function checkUserFolder(dir: string): void {
	for (let d = path.dirname(dir); ; d = path.dirname(d)) {
		if (fs.existsSync(path.join(d, 'node_modules', 'n8n-workflow'))) {
			fail(
				`the user folder ${dir} is inside ${d}, which has node_modules/n8n-workflow: ` +
					"the package would load that copy instead of n8n's. Choose a folder elsewhere.",
			);
		}
		if (path.dirname(d) === d) return;
	}
}

function devFolder(dir: string): UserFolder {
	checkUserFolder(dir);
	const nodesDir = path.join(dir, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) {
		fs.writeFileSync(pkgJson, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	}
	return {
		dir,
		nodesDir,
		remove: () => fs.rmSync(dir, { recursive: true, force: true }),
	};
}

/**
 * What `npm pack` + `npm install` would put there, without the tarball: the package has no
 * runtime dependencies, and n8n provides n8n-workflow (a peer dependency).
 */
function installPackage(folder: UserFolder): void {
	const target = path.join(folder.nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	for (const entry of ['package.json', 'README.md', 'LICENSE', 'dist']) {
		const from = path.join(REPO, entry);
		if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
	}
	fs.rmSync(path.join(target, 'dist', 'tsconfig.tsbuildinfo'), { force: true });
}

async function importExamples(rt: N8nRuntime, folder: UserFolder, sb: Emulator): Promise<void> {
	say('importing the credential and the example workflows');
	await importCredentials(rt, folder, [localCredential(sb.url), MCP_BEARER_CREDENTIAL]);
	const file = path.join(folder.dir, 'examples-import.json');
	fs.writeFileSync(
		file,
		JSON.stringify(
			loadExamples(sb.url).map((w) => ({ active: false, ...w })),
			null,
			2,
		),
	);
	try {
		await runN8nOk(rt, folder, ['import:workflow', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** Creates the owner on a new database, else logs in; false when the password differs. */
async function ownerSession(server: N8nServer): Promise<boolean> {
	const setup = await server.rest('POST', '/owner/setup', DEV_OWNER);
	if (setup.status === 200) {
		say(`owner account created: ${DEV_OWNER.email}`);
		return true;
	}
	const login = await server.rest('POST', '/login', {
		emailOrLdapLoginId: DEV_OWNER.email,
		password: DEV_OWNER.password,
	});
	return login.status === 200;
}

function banner(rt: N8nRuntime, server: N8nServer, sb: Emulator, opts: Options, ok: boolean) {
	const a = DEMO_ACCOUNTS;
	const editor = `${server.url}/`;
	const lines = [
		'',
		`Contrat-Privé dev environment ready: n8n ${rt.version} with ${PACKAGE_NAME} from ${REPO}`,
		'',
		`  n8n editor      ${editor}`,
		ok
			? `  log in          ${DEV_OWNER.email} / ${DEV_OWNER.password}`
			: `  log in          the owner of this user folder has another password than ${DEV_OWNER.password}; remove ${opts.userFolder} to start over`,
		`  workflows       ${editor}home/workflows (the ${Object.keys(EXAMPLES).length} examples, overwritten at each start)`,
		`  webhooks        POST ${server.url}/webhook/${EXAMPLES.extranetStart.webhookPath}`,
		`                  POST ${server.url}/webhook/${EXAMPLES.extranetSign.webhookPath}`,
		`  credential      "Contrat-Privé (local sandbox)" = ${sb.baseUrls.sandbox}`,
		'  AI assistant    select your own chat model credential in its OpenAI Chat Model node',
		`  MCP server      ${server.url}/mcp/${EXAMPLES.mcp.mcpPath} (Authorization: Bearer ${MCP_DEMO_TOKEN})`,
		'',
		`  emulator        ${sb.url}/ (dashboard: contracts, outbox, signing pages)`,
		`  sandbox API     ${sb.baseUrls.sandbox}`,
		`                  apiUser=${a.sandbox.apiUser} apiKey=${a.sandbox.apiKey}`,
		`  production API  ${sb.baseUrls.production}`,
		`                  apiUser=${a.production.apiUser} apiKey=${a.production.apiKey}`,
		`  control API     ${sb.url}/_control (outbox, clock, validate, pay, sign, faults, network, quota, seed, reset)`,
		`  sample PDF      ${sb.url}/_samples/contract.pdf`,
		'',
		`  user folder     ${opts.userFolder}`,
		`  n8n log         ${path.join(opts.userFolder, 'n8n.log')}`,
		`  signed PDFs     ${ARCHIVE_DIR} (archive example)`,
		'',
		`Sandbox SMS code 0000, test card ${SANDBOX_TEST_CARD}.` +
			(opts.watch ? ' Watching for changes.' : '') +
			' Ctrl-C stops n8n and the emulator.',
		'',
	];
	console.log(lines.join('\n'));
}

async function main(): Promise<void> {
	const opts = parseArgs(process.argv.slice(2));
	const t0 = Date.now();
	build();
	if (!process.env.N8N_BIN) {
		say(`n8n: ${cacheRoot()} (the first run installs it: several minutes, 3 GB)`);
	}
	const rt = await ensureN8n();
	say(`n8n ${rt.version}`);

	const folder = devFolder(opts.userFolder);
	installPackage(folder);
	const archiveDir = ensureArchiveDir();

	const emulatorPort = await choosePort('the emulator', opts.port, DEFAULT_EMULATOR_PORT);
	const n8nPort = (await choosePort('n8n', opts.n8nPort, DEFAULT_N8N_PORT)) || (await freePort());

	const sb = await startEmulator({ port: emulatorPort });
	say(`emulator on ${sb.url}`);
	let server: N8nServer | undefined;
	// Filled once the portal's mail sink runs; shutdown may come before.
	const portal: { mail?: { close(): Promise<void> } } = {};
	let tsc: ChildProcess | undefined;
	let stopping = false;
	const log = fs.createWriteStream(path.join(folder.dir, 'n8n.log'), { flags: 'a' });

	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the emulator');
		tsc?.kill('SIGTERM');
		if (server) {
			await server.stop();
			if (server.pid !== undefined) spawned.delete(server.pid);
		}
		await sb.close();
		await portal.mail?.close();
		log.end();
		process.exit(code);
	};
	// Whatever ends this process, even during a (re)start, no n8n process group outlives it.
	const spawned = new Set<number>();
	process.on('exit', () => {
		for (const pid of spawned) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
	});
	// `npm run dev` stopped by a signal to npm alone (SIGTERM from a process manager): npm
	// signals its shell, which dies without passing it on. This process is then re-parented.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) {
			say('the parent process is gone');
			void shutdown(143);
		}
	}, 1000).unref();
	let signals = 0;
	for (const sig of ['SIGINT', 'SIGTERM'] as const) {
		process.on(sig, () => {
			signals += 1;
			if (signals > 1) {
				// A second Ctrl-C: do not wait for a graceful stop.
				say('forced stop');
				process.exit(130);
			}
			void shutdown(0);
		});
	}

	await importExamples(rt, folder, sb);
	portal.mail = await setUpPortalForDev(rt, folder, sb, n8nPort, say);

	const env: NodeJS.ProcessEnv = {
		N8N_RESTRICT_FILE_ACCESS_TO: archiveDir,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${n8nPort}/`,
		WEBHOOK_URL: `http://127.0.0.1:${n8nPort}/`,
	};
	const start = async (): Promise<N8nServer> => {
		log.write(`\n--- n8n start ${new Date().toISOString()}\n`);
		const s = await startN8nServer(rt, folder, {
			env,
			port: n8nPort,
			detached: true,
			onSpawn: (pid) => {
				if (pid !== undefined) spawned.add(pid);
			},
			maxOutput: 20_000,
			timeoutMs: 120_000,
			onOutput: (chunk) => {
				log.write(chunk);
				if (opts.verbose) process.stdout.write(chunk);
			},
			onUnexpectedExit: (code, signal) => {
				if (stopping) return;
				console.error(s.output().split('\n').slice(-30).join('\n'));
				say(`n8n exited (${signal ?? `code ${code}`}); log: ${path.join(folder.dir, 'n8n.log')}`);
				void shutdown(1);
			},
		});
		return s;
	};
	say(`starting n8n on port ${n8nPort}`);
	server = await start();
	const loggedIn = await ownerSession(server);
	if (loggedIn) {
		for (const { id } of PUBLISHED) await server.activateWorkflow(id);
	} else {
		say('could not log in: the example webhooks and trigger are not published');
	}
	say(`ready in ${Math.round((Date.now() - t0) / 1000)}s`);
	banner(rt, server, sb, opts, loggedIn);

	if (opts.watch) {
		tsc = watchAndRestart(async () => {
			if (stopping || !server) return;
			say('compiled: restarting n8n');
			const previous = server;
			server = undefined;
			await previous.stop();
			if (previous.pid !== undefined) spawned.delete(previous.pid);
			installPackage(folder);
			server = await start();
			say(`n8n restarted: ${server.url}/`);
		});
	}
}

/** `tsc --watch`: after each successful compilation but the first, `onBuilt`, one at a time. */
function watchAndRestart(onBuilt: () => Promise<void>): ChildProcess {
	const tscBin = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
	const child = spawn(
		process.execPath,
		[tscBin, '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'],
		{ cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	let first = true;
	let running = Promise.resolve();
	let buffer = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		buffer += chunk.toString();
		const lines = buffer.split('\n');
		buffer = lines.pop() ?? '';
		for (const line of lines) {
			if (line.trim()) console.log(`[tsc] ${line}`);
			const m = /Found (\d+) errors?\. Watching for file changes/.exec(line);
			if (!m) continue;
			if (first) {
				first = false;
				continue;
			}
			if (m[1] !== '0') continue;
			running = running.then(onBuilt).catch((err) => {
				say(`restart failed: ${err instanceof Error ? err.message : err}`);
			});
		}
	});
	return child;
}

main().catch((err) => {
	console.error(err instanceof Error ? (err.stack ?? err.message) : err);
	process.exit(1);
});
