/**
 * n8n in queue mode: one main (`n8n start`: editor, REST, webhooks, polling
 * triggers) and N workers (`n8n worker`), on a shared PostgreSQL database and
 * Redis queue, with the same encryption key. Every instance has its own user
 * folder with the package installed the way the README tells users
 * (`npm install` of the package in `~/.n8n/nodes`), as on separate machines.
 *
 * Binary data mode is left to n8n's default: in 2.39, `database` when
 * EXECUTIONS_MODE=queue (BinaryDataConfig: `mode ??= queue ? 'database' : 'filesystem'`).
 *
 * Every process runs in its own process group; `stop()` kills the groups
 * (SIGTERM, then SIGKILL) so task runners do not outlive their n8n.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { n8nCommand, type N8nRuntime } from '../ensure-n8n';
import type { CredentialImport, N8nServer, UserFolder, WorkflowJson } from '../n8n-cli';
import {
	createUserFolder,
	freePort,
	installCommunityPackage,
	n8nEnv,
	OWNER,
	runN8nOk,
	startN8nServer,
} from '../n8n-cli';
import type { Postgres, Redis } from './services';

export const N8N_DATABASE = 'n8n';

export interface QueueInstance {
	name: string;
	folder: UserFolder;
}

export interface Worker {
	name: string;
	pid: number;
	output(): string;
	/** kill -9 of the worker's process group: n8n and its task runner die at once. */
	kill9(): Promise<void>;
	stop(): Promise<void>;
	/** Highest resident set size seen by `sampleRss()`, in bytes (n8n's process, its group). */
	peakRss: { process: number; group: number };
	/** The same since the last `resetWindowPeakRss()`. */
	windowPeakRss: { process: number; group: number };
	sampleRss(): void;
	resetWindowPeakRss(): void;
	alive(): boolean;
	/** Executions this worker started and did not finish, from its log: `[executionId, jobId]`. */
	inFlight(): Array<{ executionId: number; jobId: string }>;
}

export interface QueueCluster {
	main: N8nServer;
	workers: Worker[];
	/** SQL on n8n's own database. */
	n8nSql(query: string): Promise<string[][]>;
	restartMain(between?: () => Promise<void>): Promise<void>;
	startWorker(): Promise<Worker>;
	importCredentials(credentials: CredentialImport[]): Promise<void>;
	importWorkflows(workflows: WorkflowJson[]): Promise<void>;
	stop(): Promise<void>;
}

export interface ClusterOptions {
	rt: N8nRuntime;
	pg: Postgres;
	redis: Redis;
	tarball: string;
	workers: number;
	/** Extra environment for every instance. */
	env?: NodeJS.ProcessEnv;
	verbose?: boolean;
}

/** What every instance shares: the database, the queue, the key (n8nEnv sets it). */
function sharedEnv(opts: ClusterOptions): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: opts.pg.host,
		DB_POSTGRESDB_PORT: String(opts.pg.port),
		DB_POSTGRESDB_DATABASE: N8N_DATABASE,
		DB_POSTGRESDB_USER: opts.pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		QUEUE_BULL_REDIS_HOST: opts.redis.host,
		QUEUE_BULL_REDIS_PORT: String(opts.redis.port),
		// The filesystem path n8nEnv pins is unused in database mode; unset it to keep n8n's defaults.
		N8N_BINARY_DATA_STORAGE_PATH: undefined,
		...opts.env,
	};
}

function newInstance(opts: ClusterOptions, name: string): QueueInstance {
	const folder = createUserFolder(`n8n-queue-${name}-`);
	installCommunityPackage(opts.rt, folder, opts.tarball);
	return { name, folder };
}

/** Resident set size of a process, in bytes (0 once it has exited). */
export function rssOf(pid: number): number {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const m = /VmRSS:\s+(\d+) kB/.exec(status);
		return m ? Number(m[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** Process ids of a process group (n8n and its task runner). */
function groupPids(pgid: number): number[] {
	const pids: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid) pids.push(Number(entry));
		} catch {
			// exited
		}
	}
	return pids;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// gone
	}
}

async function spawnWorker(
	opts: ClusterOptions,
	instance: QueueInstance,
	log: (line: string) => void,
): Promise<Worker> {
	const env = n8nEnv(opts.rt, instance.folder, {
		...sharedEnv(opts),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	});
	const { cmd, args } = n8nCommand(opts.rt, ['worker']);
	const child = spawn(cmd, args, {
		cwd: instance.folder.dir,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const pid = child.pid;
	if (pid === undefined) throw new Error(`n8n worker ${instance.name} did not start`);
	let output = '';
	const onData = (c: Buffer) => {
		const text = c.toString();
		output += text;
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
		if (opts.verbose) log(`[${instance.name}] ${text.trimEnd()}`);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	let exited = child.exitCode !== null;
	const exit = new Promise<void>((resolve) =>
		child.on('exit', () => {
			exited = true;
			resolve();
		}),
	);
	const peakRss = { process: 0, group: 0 };
	const windowPeakRss = { process: 0, group: 0 };
	const worker: Worker = {
		name: instance.name,
		pid,
		output: () => output,
		peakRss,
		windowPeakRss,
		sampleRss() {
			if (exited) return;
			const own = rssOf(pid);
			const group = groupPids(pid).reduce((sum, p) => sum + rssOf(p), 0);
			for (const peak of [peakRss, windowPeakRss]) {
				peak.process = Math.max(peak.process, own);
				peak.group = Math.max(peak.group, group);
			}
		},
		resetWindowPeakRss() {
			windowPeakRss.process = 0;
			windowPeakRss.group = 0;
		},
		alive: () => !exited,
		inFlight() {
			const started = [...output.matchAll(/Worker started execution (\d+) \(job ([^)]+)\)/g)];
			const finished = new Set(
				[...output.matchAll(/Worker finished execution (\d+)/g)].map((m) => Number(m[1])),
			);
			return started
				.map((m) => ({ executionId: Number(m[1]), jobId: m[2] }))
				.filter((e) => !finished.has(e.executionId));
		},
		async kill9() {
			killGroup(pid, 'SIGKILL');
			await exit;
		},
		async stop() {
			if (!exited) {
				killGroup(pid, 'SIGTERM');
				const killer = setTimeout(() => killGroup(pid, 'SIGKILL'), 20_000);
				await exit;
				clearTimeout(killer);
			}
			killGroup(pid, 'SIGKILL');
		},
	};
	const deadline = Date.now() + 90_000;
	while (!output.includes('n8n worker is now ready')) {
		if (exited || Date.now() > deadline) {
			await worker.stop();
			throw new Error(`n8n worker ${instance.name} not ready:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return worker;
}

export async function startQueueCluster(opts: ClusterOptions): Promise<QueueCluster> {
	const log = (line: string) => console.log(line);
	const mainInstance = newInstance(opts, 'main');
	const workerInstances: QueueInstance[] = [];
	const workers: Worker[] = [];
	let main: N8nServer | undefined;
	const mainPort = await freePort();
	const mainEnv = () => ({
		...sharedEnv(opts),
		WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${mainPort}/`,
	});
	const startMain = async () =>
		await startN8nServer(opts.rt, mainInstance.folder, {
			port: mainPort,
			detached: true,
			env: mainEnv(),
			maxOutput: 2_000_000,
			timeoutMs: 120_000,
			onOutput: opts.verbose ? (c) => log(`[main] ${c.trimEnd()}`) : undefined,
		});
	const stopAll = async () => {
		await Promise.all(workers.map((w) => w.stop()));
		await main?.stop();
		for (const instance of [mainInstance, ...workerInstances]) instance.folder.remove();
	};

	try {
		await opts.pg.createDatabase(N8N_DATABASE);
		// The main migrates the database; workers start after it.
		main = await startMain();
		await main.setupOwnerAndLogin();
		let counter = 0;
		const startWorker = async () => {
			counter += 1;
			const instance = newInstance(opts, `worker${counter}`);
			workerInstances.push(instance);
			const worker = await spawnWorker(opts, instance, log);
			workers.push(worker);
			return worker;
		};
		await Promise.all(Array.from({ length: opts.workers }, () => startWorker()));

		const cluster: QueueCluster = {
			get main() {
				return main as N8nServer;
			},
			workers,
			n8nSql: (query) => opts.pg.sql(query, N8N_DATABASE),
			async restartMain(between) {
				await main?.stop();
				main = undefined;
				await between?.();
				main = await startMain();
				const login = await main.rest('POST', '/login', {
					emailOrLdapLoginId: OWNER.email,
					password: OWNER.password,
				});
				if (login.status !== 200) throw new Error(`login after restart: HTTP ${login.status}`);
			},
			startWorker,
			async importCredentials(credentials) {
				const file = path.join(mainInstance.folder.dir, 'credentials.json');
				fs.writeFileSync(file, JSON.stringify(credentials));
				try {
					await runN8nOk(opts.rt, mainInstance.folder, ['import:credentials', `--input=${file}`], {
						env: sharedEnv(opts),
					});
				} finally {
					fs.rmSync(file, { force: true });
				}
			},
			async importWorkflows(workflows) {
				const file = path.join(mainInstance.folder.dir, 'workflows.json');
				fs.writeFileSync(
					file,
					JSON.stringify(workflows.map((w) => ({ active: false, settings: {}, ...w }))),
				);
				try {
					await runN8nOk(opts.rt, mainInstance.folder, ['import:workflow', `--input=${file}`], {
						env: sharedEnv(opts),
					});
				} finally {
					fs.rmSync(file, { force: true });
				}
			},
			stop: stopAll,
		};
		return cluster;
	} catch (error) {
		await stopAll().catch(() => undefined);
		throw error;
	}
}
