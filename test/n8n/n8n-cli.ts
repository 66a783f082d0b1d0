/**
 * Helpers to drive a real n8n (from ensure-n8n.ts) headless: a throw-away user
 * folder, community package install, credential and workflow import,
 * `n8n execute`, and `n8n start` with an owner and a logged-in REST session.
 *
 * Facts these helpers rely on (n8n 2.39):
 * - `$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-*` (and `@scope/n8n-nodes-*`)
 *   are loaded as community packages by every command, no database entry needed.
 * - `import:credentials` takes an array of `{ id, name, type, data }` with
 *   `data` a plain object: it is encrypted on import with N8N_ENCRYPTION_KEY
 *   (no flag; `--decrypted` exists only on export:credentials).
 * - `execute --id X --rawOutput` writes the run (IRun) as pretty JSON through
 *   the logger at level info, to stdout, between other log lines. It exits 1 if
 *   the run failed, after printing the run too. N8N_LOG_LEVEL below `info`
 *   suppresses the JSON itself.
 * - Every command starts a task broker, on 5679 by default: each process gets
 *   its own free N8N_RUNNERS_BROKER_PORT so runs can overlap.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import type {
	IBinaryKeyData,
	IDataObject,
	INodeTypeDescription,
	IRun,
	IRunExecutionData,
} from 'n8n-workflow';

import { n8nCommand, type N8nRuntime } from './ensure-n8n';

export const TEST_ENCRYPTION_KEY = 'n8n-nodes-contrat-prive-e2e-key-0001';

export interface UserFolder {
	/** N8N_USER_FOLDER (n8n keeps its state in `<dir>/.n8n`). */
	dir: string;
	/** `<dir>/.n8n/nodes`, where community packages are installed. */
	nodesDir: string;
	remove(): void;
}

export function createUserFolder(prefix = 'n8n-e2e-'): UserFolder {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const nodesDir = path.join(dir, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	return {
		dir,
		nodesDir,
		remove: () => fs.rmSync(dir, { recursive: true, force: true }),
	};
}

export function binaryDataDir(folder: UserFolder): string {
	return path.join(folder.dir, '.n8n', 'binaryData');
}

/** Environment for any n8n command on that user folder. */
export function n8nEnv(
	rt: N8nRuntime,
	folder: UserFolder,
	extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
	return {
		...rt.env,
		N8N_USER_FOLDER: folder.dir,
		DB_TYPE: 'sqlite',
		N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_LOG_LEVEL: 'info',
		// filesystem is n8n 2.x's default binary mode; the path is pinned for readBinary().
		N8N_BINARY_DATA_STORAGE_PATH: binaryDataDir(folder),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		...extra,
	};
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

export interface RunResult {
	code: number | null;
	/** Signal that ended the process, if any. */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export async function runN8n(
	rt: N8nRuntime,
	folder: UserFolder,
	args: string[],
	opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
	const brokerPort = await freePort();
	const env = n8nEnv(rt, folder, { N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...opts.env });
	const { cmd, args: argv } = n8nCommand(rt, args);
	const timeoutMs = opts.timeoutMs ?? 120_000;
	return await new Promise((resolve, reject) => {
		const child = spawn(cmd, argv, {
			cwd: opts.cwd ?? folder.dir,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(
				new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`),
			);
		}, timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

/** Runs n8n and throws with its output unless it exits 0. */
export async function runN8nOk(
	rt: N8nRuntime,
	folder: UserFolder,
	args: string[],
	opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
	const res = await runN8n(rt, folder, args, opts);
	if (res.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} exited ${res.code}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`,
		);
	}
	return res;
}

/** `npm pack` a package directory; returns the tarball path. `prepack` scripts run. */
export function npmPack(pkgDir: string, destDir: string): string {
	fs.mkdirSync(destDir, { recursive: true });
	const res = spawnSync('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: pkgDir,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (res.status !== 0)
		throw new Error(`npm pack failed in ${pkgDir}:\n${res.stdout}\n${res.stderr}`);
	// prepack output (e.g. tsc, gulp) can precede the JSON on stdout.
	const start = res.stdout.indexOf('[\n');
	const info = JSON.parse(res.stdout.slice(start >= 0 ? start : 0)) as Array<{ filename: string }>;
	return path.join(destDir, info[0].filename);
}

/**
 * Installs a packed community package into `<userFolder>/.n8n/nodes`, the way
 * n8n's Community Nodes screen does: production dependencies only, peer
 * dependencies (n8n-workflow) come from n8n itself, no install scripts.
 */
export function installCommunityPackage(rt: N8nRuntime, folder: UserFolder, tarball: string): void {
	const pkgJson = path.join(folder.nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) {
		fs.writeFileSync(pkgJson, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	}
	const res = spawnSync(
		'npm',
		[
			'install',
			tarball,
			'--omit=dev',
			'--omit=peer',
			'--ignore-scripts',
			'--no-package-lock',
			'--no-audit',
			'--no-fund',
		],
		{ cwd: folder.nodesDir, env: rt.env, encoding: 'utf8' },
	);
	if (res.status !== 0)
		throw new Error(`npm install ${tarball} failed:\n${res.stdout}\n${res.stderr}`);
}

/** A node type as `export:nodes` and GET /types/nodes.json give it. */
export type ExportedNodeType = INodeTypeDescription;

export async function exportNodes(rt: N8nRuntime, folder: UserFolder): Promise<ExportedNodeType[]> {
	const out = path.join(folder.dir, `nodes-${Date.now()}.json`);
	await runN8nOk(rt, folder, ['export:nodes', `--output=${out}`]);
	const nodes = JSON.parse(fs.readFileSync(out, 'utf8')) as ExportedNodeType[];
	fs.rmSync(out, { force: true });
	return nodes;
}

export interface CredentialImport {
	/** Up to 21 characters, e.g. 'cpCred000000001'. */
	id: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
}

export async function importCredentials(
	rt: N8nRuntime,
	folder: UserFolder,
	credentials: CredentialImport[],
): Promise<void> {
	const file = path.join(folder.dir, `credentials-${Date.now()}.json`);
	fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
	try {
		await runN8nOk(rt, folder, ['import:credentials', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** A node of a workflow file (n8n fills in what it leaves out, like `id` and `position`). */
export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface WorkflowJson {
	/** Up to 21 characters; `execute --id` uses it. */
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

export async function importWorkflow(
	rt: N8nRuntime,
	folder: UserFolder,
	workflow: WorkflowJson,
): Promise<void> {
	const file = path.join(folder.dir, `workflow-${workflow.id}.json`);
	fs.writeFileSync(file, JSON.stringify({ active: false, settings: {}, ...workflow }, null, 2));
	try {
		await runN8nOk(rt, folder, ['import:workflow', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Arguments of the command that marks a workflow active, so that the next `n8n start`
 * runs its trigger: `publish:workflow` since n8n 2, `update:workflow --active=true` before.
 */
export function publishWorkflowArgs(n8nVersion: string, id: string): string[] {
	return Number(n8nVersion.split('.')[0]) < 2
		? ['update:workflow', `--id=${id}`, '--active=true']
		: ['publish:workflow', `--id=${id}`];
}

/** The run JSON printed by `execute --rawOutput`: a `{` line at column 0 up to its `}` line. */
export function parseRawOutput(stdout: string): IRun | undefined {
	const lines = stdout.split('\n');
	for (let i = lines.length - 1; i >= 0; i--) {
		if (lines[i] !== '{') continue;
		for (let j = i + 1; j < lines.length; j++) {
			if (lines[j] !== '}') continue;
			try {
				const parsed = JSON.parse(lines.slice(i, j + 1).join('\n'));
				if (parsed && typeof parsed === 'object' && 'data' in parsed) return parsed;
			} catch {
				// not this one
			}
		}
	}
	return undefined;
}

export interface ExecuteResult extends RunResult {
	/** True when the run status is success and n8n exited 0 (or crashed on exit, see below). */
	ok: boolean;
	/**
	 * n8n 2.39 on Node 24 sometimes dies of SIGSEGV after the run is printed and stored
	 * (an isolated-vm expression isolate still allocating while Node tears down at exit;
	 * 1 run in 10 idle, more under load; never with N8N_EXPRESSION_ENGINE=legacy). Then
	 * `code` is set from the run: 0 for success, 1 otherwise, and this flag is true.
	 */
	crashedOnExit: boolean;
	/** The run (IRun as JSON: its dates are strings): data.resultData.runData, status... */
	run: IRun | undefined;
	/** data.resultData.error when the run failed. */
	error: StoredError | undefined;
}

export async function executeWorkflow(
	rt: N8nRuntime,
	folder: UserFolder,
	id: string,
	opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ExecuteResult> {
	const res = await runN8n(rt, folder, ['execute', `--id=${id}`, '--rawOutput'], opts);
	const run = parseRawOutput(res.stdout);
	const error = run?.data?.resultData?.error as StoredError | undefined;
	const crashedOnExit =
		res.code === null && res.signal === 'SIGSEGV' && !!run?.stoppedAt && !!run?.status;
	const code = crashedOnExit ? (run!.status === 'success' && !error ? 0 : 1) : res.code;
	return { ...res, code, run, error, crashedOnExit, ok: code === 0 && !!run && !error };
}

/**
 * `json` of every item a node output (run `runIndex`, output `output`), as `T`: the type the
 * node wrote into it (test/helpers/outputs.ts).
 */
export function nodeOutput<T = IDataObject>(
	run: IRun | undefined,
	nodeName: string,
	output = 0,
	runIndex = 0,
): T[] {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[runIndex];
	if (!task) throw new Error(`node "${nodeName}" did not run`);
	const items = task.data?.main?.[output] ?? [];
	return items.map((i) => i.json as T);
}

/** Binary data of every item a node output (metadata; content is `data` in base64 when kept in memory). */
export function nodeBinaryOutput(
	run: IRun | undefined,
	nodeName: string,
	output = 0,
	runIndex = 0,
): Array<IBinaryKeyData | undefined> {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[runIndex];
	if (!task) throw new Error(`node "${nodeName}" did not run`);
	return (task.data?.main?.[output] ?? []).map((i) => i.binary);
}

/** Content of a binary output: inline base64, or the file of n8n's filesystem mode. */
export function readBinary(folder: UserFolder, binary: { data: string; id?: string }): Buffer {
	if (binary.id?.startsWith('filesystem-v2:')) {
		return fs.readFileSync(
			path.join(binaryDataDir(folder), binary.id.slice('filesystem-v2:'.length)),
		);
	}
	if (binary.id) throw new Error(`cannot read binary data stored as ${binary.id}`);
	return Buffer.from(binary.data, 'base64');
}

/** An error as the run JSON holds it: the fields n8n's errors serialise. */
export interface StoredError {
	name?: string;
	message: string;
	description?: string | null;
	httpCode?: string | null;
	context?: IDataObject;
	/** The node that failed (an execution's error). */
	node?: { name: string };
	[field: string]: unknown;
}

/** The error a node raised (runData[node][runIndex].error). */
export function nodeError(
	run: IRun | undefined,
	nodeName: string,
	runIndex = 0,
): StoredError | undefined {
	return run?.data?.resultData?.runData?.[nodeName]?.[runIndex]?.error as StoredError | undefined;
}

/** A reply of n8n's REST API: the payload is in `data`. */
export interface RestData<T> {
	data: T;
}

/** n8n's run data as JSON: its error is a plain object. */
export type RunDataJson = Omit<IRunExecutionData, 'resultData'> & {
	resultData: Omit<IRunExecutionData['resultData'], 'error'> & { error?: StoredError };
};

/** The payload of a REST reply: in `data`, or the body itself (a reply n8n does not wrap). */
export function restPayload<T>(body: RestData<T> | T): T {
	return (body as Partial<RestData<T>>).data ?? (body as T);
}

/** An execution as GET /rest/executions/:id gives it, its run data unflattened. */
export interface ExecutionJson {
	id: string;
	status: string;
	mode: string;
	data: RunDataJson;
}

// ---------------------------------------------------------------- n8n start

const BROWSER_ID = 'n8n-nodes-contrat-prive-e2e';

export const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2e',
	lastName: 'Owner',
	password: 'E2e-password-1',
};

export interface N8nServer {
	url: string;
	port: number;
	/** Process id of `n8n start` (its process group id too when started detached). */
	pid: number | undefined;
	/** Output of the server so far. */
	output(): string;
	/** REST call with the owner's session cookie (after setupOwnerAndLogin). */
	rest<T = unknown>(
		method: string,
		route: string,
		body?: unknown,
	): Promise<{ status: number; body: T }>;
	/** Credential type names the server knows (GET /types/credentials.json). */
	credentialTypes(): Promise<string[]>;
	/** Node type descriptions the server knows (GET /types/nodes.json), as export:nodes gives them. */
	nodeTypes(): Promise<ExportedNodeType[]>;
	/** POST /rest/owner/setup on a fresh instance, then POST /rest/login: keeps the cookie. */
	setupOwnerAndLogin(): Promise<void>;
	/** Publishes (activates) a workflow in the running server: webhooks and triggers start. */
	activateWorkflow(id: string): Promise<void>;
	/** Finished executions of a workflow, newest first (GET /rest/executions). */
	executions(workflowId: string): Promise<Array<{ id: string; status: string; mode: string }>>;
	/** One execution with its run data (GET /rest/executions/:id, data unflattened). */
	execution(id: string): Promise<ExecutionJson>;
	/** POST /rest/credentials/test as the editor's "Test" button does. */
	testCredential(credential: {
		id?: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: 'OK' | 'Error'; message: string }>;
	stop(): Promise<void>;
}

export interface StartN8nOptions {
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
	/** N8N_PORT (default: a free port). */
	port?: number;
	/**
	 * Own process group: `stop()` signals the whole group (n8n and its task
	 * runners), and a Ctrl-C in the terminal reaches only the parent, which
	 * must then call `stop()`. Default false.
	 */
	detached?: boolean;
	/** Called with the process id as soon as n8n is spawned (before it is ready). */
	onSpawn?: (pid: number | undefined) => void;
	/** Also receives every chunk of n8n's output. */
	onOutput?: (chunk: string) => void;
	/** Keep at most this many characters of output for `output()` (default: all). */
	maxOutput?: number;
	/** Called when n8n exits without `stop()` having been called (after it was ready). */
	onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** `n8n start` bound to 127.0.0.1; resolves once /healthz/readiness and /rest/settings are ok. */
export async function startN8nServer(
	rt: N8nRuntime,
	folder: UserFolder,
	opts: StartN8nOptions = {},
): Promise<N8nServer> {
	const port = opts.port ?? (await freePort());
	const brokerPort = await freePort();
	const env = n8nEnv(rt, folder, {
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		...opts.env,
	});
	const { cmd, args } = n8nCommand(rt, ['start']);
	const child = spawn(cmd, args, {
		cwd: folder.dir,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: opts.detached ?? false,
	});
	opts.onSpawn?.(child.pid);
	let output = '';
	const onData = (c: Buffer) => {
		const text = c.toString();
		output += text;
		if (opts.maxOutput !== undefined && output.length > opts.maxOutput) {
			output = output.slice(-opts.maxOutput);
		}
		opts.onOutput?.(text);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	let exited = false;
	let stopping = false;
	let ready = false;
	const exitPromise = new Promise<void>((resolve) =>
		child.on('exit', (code, signal) => {
			exited = true;
			if (ready && !stopping) opts.onUnexpectedExit?.(code, signal);
			resolve();
		}),
	);
	/** Signals n8n, or its whole process group when detached (task runners included). */
	const signal = (sig: NodeJS.Signals) => {
		try {
			if (opts.detached && child.pid !== undefined) process.kill(-child.pid, sig);
			else child.kill(sig);
		} catch {
			// already gone
		}
	};
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
	for (;;) {
		if (exited) throw new Error(`n8n start exited early:\n${output}`);
		try {
			// n8n 1.x answers readiness a few seconds before its REST routes exist.
			const r = await fetch(`${url}/healthz/readiness`);
			if (r.ok && (await fetch(`${url}/rest/settings`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			stopping = true;
			signal('SIGKILL');
			throw new Error(`n8n start not ready after ${opts.timeoutMs ?? 90_000} ms:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 300));
	}
	ready = true;

	let cookie = '';
	const rest = async <T = unknown>(
		method: string,
		route: string,
		body?: unknown,
	): Promise<{ status: number; body: T }> => {
		const res = await fetch(`${url}/rest${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				// The auth cookie is bound to a browser id, sent on every request.
				'browser-id': BROWSER_ID,
				...(cookie ? { cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.get('set-cookie');
		const m = setCookie && /n8n-auth=[^;]+/.exec(setCookie);
		if (m) cookie = m[0];
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// keep text
		}
		// The caller names what the route replies (an error's body is only printed).
		return { status: res.status, body: parsed as T };
	};

	return {
		url,
		port,
		pid: child.pid,
		output: () => output,
		rest,
		async setupOwnerAndLogin() {
			const setup = await rest('POST', '/owner/setup', OWNER);
			if (setup.status !== 200 && !cookie) {
				throw new Error(`owner setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
			}
			const login = await rest('POST', '/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
			if (login.status !== 200) {
				throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
			}
		},
		async credentialTypes() {
			const res = await fetch(`${url}/types/credentials.json`, {
				headers: { 'browser-id': BROWSER_ID, ...(cookie ? { cookie } : {}) },
			});
			if (!res.ok) throw new Error(`GET /types/credentials.json: HTTP ${res.status}`);
			return ((await res.json()) as Array<{ name: string }>).map((c) => c.name);
		},
		async nodeTypes() {
			const res = await fetch(`${url}/types/nodes.json`, {
				headers: { 'browser-id': BROWSER_ID, ...(cookie ? { cookie } : {}) },
			});
			if (!res.ok) throw new Error(`GET /types/nodes.json: HTTP ${res.status}`);
			return (await res.json()) as ExportedNodeType[];
		},
		async activateWorkflow(id) {
			const wf = await rest<RestData<{ versionId: string }>>('GET', `/workflows/${id}`);
			if (wf.status !== 200) {
				throw new Error(`GET /rest/workflows/${id}: HTTP ${wf.status} ${JSON.stringify(wf.body)}`);
			}
			const { versionId } = wf.body.data;
			let res = await rest('POST', `/workflows/${id}/activate`, { versionId });
			// n8n 1.101 has no /activate route: its editor saves `active: true` with PATCH.
			if (res.status === 404)
				res = await rest('PATCH', `/workflows/${id}`, { active: true, versionId });
			if (res.status !== 200) {
				throw new Error(`activate ${id}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
			}
		},
		async executions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const res = await rest<
				RestData<{ results: Array<{ id: string; status: string; mode: string }> }>
			>('GET', `/executions?filter=${filter}`);
			if (res.status !== 200) {
				throw new Error(`GET /rest/executions: HTTP ${res.status} ${JSON.stringify(res.body)}`);
			}
			return res.body.data.results;
		},
		async execution(id) {
			const res = await rest<RestData<Omit<ExecutionJson, 'data'> & { data: string }>>(
				'GET',
				`/executions/${id}`,
			);
			if (res.status !== 200) {
				throw new Error(
					`GET /rest/executions/${id}: HTTP ${res.status} ${JSON.stringify(res.body)}`,
				);
			}
			const execution = res.body.data;
			return { ...execution, data: parseFlatted(execution.data) as RunDataJson };
		},
		async testCredential(credential) {
			const res = await rest<RestData<{ status: 'OK' | 'Error'; message: string }>>(
				'POST',
				'/credentials/test',
				{ credentials: credential },
			);
			if (res.status !== 200) {
				throw new Error(`credentials/test: HTTP ${res.status} ${JSON.stringify(res.body)}`);
			}
			return res.body.data;
		},
		async stop() {
			stopping = true;
			if (!exited) {
				signal('SIGTERM');
				const killer = setTimeout(() => signal('SIGKILL'), 15_000);
				await exitPromise;
				clearTimeout(killer);
			}
			// Task runners left behind by a main process that died first.
			if (opts.detached) signal('SIGKILL');
		},
	};
}

/**
 * Parses what the `flatted` package writes (n8n stores and serves run data so):
 * a JSON array whose first element is the root; every string inside an object
 * or array is the index of the element holding the value.
 */
export function parseFlatted(text: string): unknown {
	const input: unknown[] = JSON.parse(text);
	const resolved = new Map<number, unknown>();
	const resolve = (index: number): unknown => {
		if (resolved.has(index)) return resolved.get(index);
		const raw = input[index];
		if (typeof raw !== 'object' || raw === null) {
			resolved.set(index, raw);
			return raw;
		}
		const out: Record<string, unknown> | unknown[] = Array.isArray(raw) ? [] : {};
		resolved.set(index, out);
		for (const [k, v] of Object.entries(raw)) {
			(out as Record<string, unknown>)[k] = typeof v === 'string' ? resolve(Number(v)) : v;
		}
		return out;
	};
	return resolve(0);
}
