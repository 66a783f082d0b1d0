/**
 * Throw-away PostgreSQL and Redis for the queue-mode tests: Debian's packages
 * (`postgresql`, 15 on bookworm; `redis-server`), each in a temp dir on a free loopback port,
 * no Docker. PostgreSQL refuses to run as root: initdb and pg_ctl run as the
 * `postgres` user when this process is root. `stop()` is safe to call twice.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../n8n-cli';

const execFileAsync = promisify(execFile);

/** Debian's server binaries, the newest installed version (15 on bookworm); PG_BIN overrides. */
function pgBin(): string {
	if (process.env.PG_BIN) return process.env.PG_BIN;
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (!versions.length) throw new Error(`no ${root}/*/bin/initdb: install the postgresql package`);
	return path.join(root, versions[0], 'bin');
}

export interface Postgres {
	host: string;
	port: number;
	user: string;
	/** Runs SQL with psql; rows as arrays of text cells (NULL is ''). */
	sql(query: string, database?: string): Promise<string[][]>;
	createDatabase(name: string): Promise<void>;
	database: string;
	stop(): Promise<void>;
}

function asPostgres(args: string[]): { cmd: string; args: string[] } {
	if (process.getuid?.() !== 0) return { cmd: args[0], args: args.slice(1) };
	const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
	return { cmd: 'su', args: ['postgres', '-s', '/bin/sh', '-c', quoted] };
}

async function run(args: string[], timeoutMs = 120_000): Promise<string> {
	const { cmd, args: argv } = asPostgres(args);
	const { stdout } = await execFileAsync(cmd, argv, {
		timeout: timeoutMs,
		maxBuffer: 256 * 1024 * 1024,
	});
	return stdout;
}

export async function startPostgres(database = 'n8n'): Promise<Postgres> {
	const PG_BIN = pgBin();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pg-'));
	const dataDir = path.join(dir, 'data');
	if (process.getuid?.() === 0) fs.chownSync(dir, ...postgresIds());
	const port = await freePort();
	let started = false;
	const stop = async () => {
		try {
			if (started) {
				started = false;
				await run([`${PG_BIN}/pg_ctl`, '-D', dataDir, '-m', 'fast', '-w', 'stop'], 60_000).catch(
					async () => await run([`${PG_BIN}/pg_ctl`, '-D', dataDir, '-m', 'immediate', 'stop']),
				);
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
	try {
		await run([`${PG_BIN}/initdb`, '-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
		started = true;
		await run([
			`${PG_BIN}/pg_ctl`,
			'-D',
			dataDir,
			'-l',
			path.join(dir, 'postgres.log'),
			'-w',
			'-o',
			`-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200 -c fsync=off`,
			'start',
		]);
	} catch (error) {
		await stop().catch(() => undefined);
		throw error;
	}
	const sql = async (query: string, db = database): Promise<string[][]> => {
		const { stdout } = await execFileAsync(
			'psql',
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				'-d',
				db,
				'-X',
				'-q',
				'-A',
				'-t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				query,
			],
			{
				maxBuffer: 256 * 1024 * 1024,
				timeout: 60_000,
				env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
			},
		).catch((error) => {
			throw new Error(`psql failed: ${error.stderr ?? error.message}\n${query}`);
		});
		return stdout
			.split('\n')
			.filter((line) => line.length > 0)
			.map((line) => line.split('|'));
	};
	const pg: Postgres = {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database,
		sql,
		async createDatabase(name) {
			await sql(`CREATE DATABASE "${name}"`, 'postgres');
		},
		stop,
	};
	try {
		await pg.createDatabase(database);
	} catch (error) {
		await stop().catch(() => undefined);
		throw error;
	}
	return pg;
}

function postgresIds(): [number, number] {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('no postgres user: install the postgresql package');
	const [, , uid, gid] = line.split(':');
	return [Number(uid), Number(gid)];
}

export interface Redis {
	host: string;
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<Redis> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-redis-'));
	const port = await freePort();
	const child = spawn(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	child.stdout.on('data', (c) => (output += c));
	child.stderr.on('data', (c) => (output += c));
	const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(killer);
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 20_000;
	while (!/Ready to accept connections/.test(output)) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`redis-server did not start:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { host: '127.0.0.1', port, stop };
}
