/**
 * The package on n8n in queue mode (`npm run test:n8n:queue`): a throw-away
 * PostgreSQL (n8n's database and the customer's information system), Redis,
 * the emulator, n8n 2.39 as one main and two workers. See test/n8n/README.md.
 *
 * Scenarios, in this order (3 signs contracts that 1 created):
 *   1. bulk: 10 executions of 100 SI rows queued together → 1,000 contracts.
 *   2. worker dies: kill -9 of a worker mid-batch, recovery by running the batches again.
 *   3. signed: the published trigger on the main marks 100 signed rows, the main restarted midway.
 *   race: the same references sent by two executions at the same moment (measured).
 *   4. white label: the extranet webhook pair, answered from the workers with the signed PDF.
 *   documents: a 19 MB PDF created and downloaded on a worker, binary data in the database.
 *   5. throughput: contracts per minute with 1 and with 2 workers, peak RSS per worker.
 *   quota: the production quota runs out mid-batch on both workers; the next day's run.
 *
 * Environment: QUEUE_VERBOSE=1 prints n8n's output; QUEUE_OFFLOAD_MANUAL=1 runs manual
 * executions on the workers (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, n8n 3's behaviour; the
 * `manual` scenario then checks a worker ran the editor's run); QUEUE_RESULTS=<file>
 * (default test-results/n8n-queue.json, n8n-queue-offload.json when offloading); QUEUE_SCALE=<n> divides the row counts
 * (a quick try; the figures of record use 1).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Emulator } from '../../emulator';
import type { WireReply } from '../../emulator/wire-reply';
import { DEMO_ACCOUNTS, startEmulator } from '../../emulator';
import { ensureN8n } from '../ensure-n8n';
import { largeDocumentRoundTrip } from './large-document';
import { portalQueueSetup, signOnePortalLink } from './portal';
import { EXAMPLES, localCredential, loadExample } from '../examples';
import { npmPack } from '../n8n-cli';
import type { QueueCluster, Worker } from './cluster';
import { startQueueCluster } from './cluster';
import { manualRunFromEditor, OFFLOAD_MANUAL, offloadEnv } from './manual-run';
import type { Postgres, Redis } from './services';
import { startPostgres, startRedis } from './services';
import {
	BULK_PRODUCTION,
	BULK_WEBHOOK_PATH,
	BULK_WORKFLOW_ID,
	bulkWorkflow,
	EMPLOYEES_TABLE,
	employeesInsert,
	LARGE_DOCUMENT_WORKFLOW,
	largeDocumentWorkflow,
	SI_DATABASE,
	siCredential,
	SIGNED_WORKFLOW_ID,
	signedWorkflow,
} from './workflows';

const REPO = path.resolve(__dirname, '..', '..', '..');
const VERBOSE = process.env.QUEUE_VERBOSE === '1';
const RESULTS =
	process.env.QUEUE_RESULTS ??
	path.join(REPO, 'test-results', OFFLOAD_MANUAL ? 'n8n-queue-offload.json' : 'n8n-queue.json');
const SCALE = Math.max(1, Number(process.env.QUEUE_SCALE ?? '1'));
const BATCH = Math.max(10, Math.round(100 / SCALE));
const SECRETS = [DEMO_ACCOUNTS.sandbox.apiKey, DEMO_ACCOUNTS.production.apiKey];

interface Ctx {
	sb: Emulator;
	pg: Postgres;
	cluster: QueueCluster;
}

type Figures = Record<string, unknown>;

interface Scenario {
	name: string;
	run(ctx: Ctx): Promise<Figures>;
}

const log = (line: string) => console.log(`[queue] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
	check: () => Promise<boolean> | boolean,
	timeoutMs: number,
	what: string,
	everyMs = 500,
): Promise<number> {
	const t0 = Date.now();
	while (!(await check())) {
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
		await sleep(everyMs);
	}
	return Date.now() - t0;
}

// ---------------------------------------------------------------- helpers

async function si(ctx: Ctx, query: string): Promise<string[][]> {
	return await ctx.pg.sql(query, SI_DATABASE);
}

async function siNumber(ctx: Ctx, query: string): Promise<number> {
	return Number((await si(ctx, query))[0][0]);
}

interface ExecutionRow {
	id: number;
	status: string;
	startedAt: string;
	stoppedAt: string;
}

async function executions(ctx: Ctx, workflowId: string, afterId: number): Promise<ExecutionRow[]> {
	const rows = await ctx.cluster.n8nSql(
		`SELECT id, status, coalesce("startedAt"::text, ''), coalesce("stoppedAt"::text, '') FROM execution_entity WHERE "workflowId" = '${workflowId}' AND id > ${afterId} ORDER BY id`,
	);
	return rows.map(([id, status, startedAt, stoppedAt]) => ({
		id: Number(id),
		status,
		startedAt,
		stoppedAt,
	}));
}

async function lastExecutionId(ctx: Ctx): Promise<number> {
	const rows = await ctx.cluster.n8nSql('SELECT coalesce(max(id), 0) FROM execution_entity');
	return Number(rows[0][0]);
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

async function waitForExecutions(
	ctx: Ctx,
	workflowId: string,
	afterId: number,
	count: number,
	timeoutMs: number,
): Promise<ExecutionRow[]> {
	let rows: ExecutionRow[] = [];
	await waitFor(
		async () => {
			rows = await executions(ctx, workflowId, afterId);
			return rows.length >= count && rows.every((r) => FINISHED.has(r.status));
		},
		timeoutMs,
		`${count} finished executions of ${workflowId}`,
		1000,
	);
	return rows;
}

/** Fails with the first error of each failed execution (GET /rest/executions/:id). */
async function assertAllSucceeded(ctx: Ctx, runs: ExecutionRow[]): Promise<void> {
	const failed = runs.filter((r) => r.status !== 'success');
	if (!failed.length) return;
	const details = await Promise.all(
		failed.slice(0, 3).map(async (r) => {
			const execution = await ctx.cluster.main
				.execution(String(r.id))
				.catch((e: unknown) => ({ e, data: undefined }));
			const error = execution?.data?.resultData?.error;
			return `#${r.id} ${r.status}: ${error ? `${error.node?.name ?? ''} ${error.message} ${error.description ?? ''}` : JSON.stringify(execution).slice(0, 500)}`;
		}),
	);
	assert.fail(
		`${failed.length} of ${runs.length} executions did not succeed:\n${details.join('\n')}`,
	);
}

/** Starts the bulk workflow for one batch (production webhook on the main, answered at once). */
async function startBatch(ctx: Ctx, batch: number, webhookPath = BULK_WEBHOOK_PATH): Promise<void> {
	const res = await fetch(`${ctx.cluster.main.url}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ batch }),
	});
	const body = await res.text();
	assert.equal(res.status, 200, `webhook for batch ${batch}: ${body}`);
}

function creates(ctx: Ctx, platform: 'sandbox' | 'production' = 'sandbox'): number {
	return ctx.sb.requestCount({ requestName: 'contractCreateRequest', status: 200, platform });
}

function requestCounts(ctx: Ctx, fromIndex: number): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of ctx.sb.requests.slice(fromIndex)) {
		counts[r.requestName] = (counts[r.requestName] ?? 0) + 1;
	}
	return counts;
}

async function controlView(ctx: Ctx, contractId: string): Promise<WireReply> {
	const res = await fetch(`${ctx.sb.url}/_control/contracts/${contractId}`);
	const body = (await res.json()) as WireReply;
	assert.equal(res.status, 200, `GET /_control/contracts/${contractId}: ${JSON.stringify(body)}`);
	return body;
}

/** Every row of the prefix has its own contract, whose reference is the row's key. */
async function assertOneContractPerRow(ctx: Ctx, prefix: string, rows: number): Promise<void> {
	const list = await si(
		ctx,
		`SELECT id, coalesce(contract_id, ''), contract_updates FROM employees WHERE id LIKE '${prefix}-%' ORDER BY id`,
	);
	assert.equal(list.length, rows, `${prefix}: rows`);
	const missing = list.filter(([, contractId]) => !contractId).map(([id]) => id);
	assert.deepEqual(missing, [], `${prefix}: rows without a contract ID`);
	const ids = new Set(list.map(([, contractId]) => contractId));
	assert.equal(ids.size, rows, `${prefix}: distinct contract IDs`);
	for (let i = 0; i < list.length; i += 50) {
		const views = await Promise.all(list.slice(i, i + 50).map(([, id]) => controlView(ctx, id)));
		views.forEach((view, j) => {
			const [rowId] = list[i + j];
			assert.equal(view.contract.reference, rowId, `contract of ${rowId}: its reference`);
		});
	}
}

function workerExecutions(workers: Worker[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const w of workers) {
		counts[w.name] = (w.output().match(/Worker started execution \d+/g) ?? []).length;
	}
	return counts;
}

function mb(bytes: number): number {
	return Math.round(bytes / 1024 / 102.4) / 10;
}

/** Queues `batches` executions together and waits for all of them. */
async function runBatches(
	ctx: Ctx,
	batches: number[],
	timeoutMs: number,
	target: { id: string; path: string } = { id: BULK_WORKFLOW_ID, path: BULK_WEBHOOK_PATH },
): Promise<{ seconds: number; executions: ExecutionRow[] }> {
	const after = await lastExecutionId(ctx);
	const t0 = Date.now();
	await Promise.all(batches.map((b) => startBatch(ctx, b, target.path)));
	const rows = await waitForExecutions(ctx, target.id, after, batches.length, timeoutMs);
	return { seconds: (Date.now() - t0) / 1000, executions: rows };
}

async function insertEmployees(
	ctx: Ctx,
	prefix: string,
	count: number,
	firstBatch: number,
	batchSize = BATCH,
): Promise<number[]> {
	await si(ctx, employeesInsert(prefix, count, batchSize, firstBatch));
	return Array.from({ length: Math.ceil(count / batchSize) }, (_, i) => firstBatch + i);
}

async function signOnWebsite(ctx: Ctx, contractId: string): Promise<void> {
	const view = await controlView(ctx, contractId);
	const sid = view.signatories[0].id;
	const res = await fetch(
		`${ctx.sb.url}/_control/contracts/${contractId}/signatories/${sid}/sign`,
		{
			method: 'POST',
		},
	);
	assert.equal(res.status, 200, `sign ${contractId}: ${await res.text()}`);
}

// ---------------------------------------------------------------- scenarios

const ROWS_1 = Math.round(1000 / SCALE);

const scenarios: Scenario[] = [
	{
		name: '1. bulk from a real SI: 10 executions of 100 rows on 2 workers',
		async run(ctx) {
			const batches = await insertEmployees(ctx, 'EMP', ROWS_1, 1);
			const fromRequest = ctx.sb.requests.length;
			const createsBefore = creates(ctx);
			const started = workerExecutions(ctx.cluster.workers);
			const { seconds, executions: runs } = await runBatches(ctx, batches, 600_000);
			await assertAllSucceeded(ctx, runs);
			const created = creates(ctx) - createsBefore;
			assert.equal(created, ROWS_1, 'contracts created in the emulator');
			await assertOneContractPerRow(ctx, 'EMP', ROWS_1);
			assert.equal(
				await siNumber(
					ctx,
					"SELECT count(*) FROM employees WHERE id LIKE 'EMP-%' AND contract_updates <> 1",
				),
				0,
				'each row updated once',
			);
			const counts = requestCounts(ctx, fromRequest);
			const total = Object.values(counts).reduce((a, b) => a + b, 0);
			const after = workerExecutions(ctx.cluster.workers);
			return {
				rows: ROWS_1,
				executions: runs.length,
				contractsCreated: created,
				seconds,
				contractsPerMinute: Math.round((created / seconds) * 60),
				apiRequests: counts,
				apiRequestsPerContract: Math.round((total / created) * 100) / 100,
				executionsPerWorker: Object.fromEntries(
					Object.entries(after).map(([k, v]) => [k, v - (started[k] ?? 0)]),
				),
			};
		},
	},
	{
		name: '2. a worker dies: kill -9 mid-run, recovery by running the batches again',
		async run(ctx) {
			const rows = Math.round(500 / SCALE);
			const batches = await insertEmployees(ctx, 'KIL', rows, 101);
			const createsBefore = creates(ctx);
			const after = await lastExecutionId(ctx);
			await Promise.all(batches.map((b) => startBatch(ctx, b)));
			// Kill when about a third of the contracts exist: the batches are mid-way.
			await waitFor(
				() => creates(ctx) - createsBefore >= rows / 3,
				300_000,
				'a third of the contracts created',
				100,
			);
			const victim = ctx.cluster.workers
				.filter((w) => w.alive())
				.sort((a, b) => b.inFlight().length - a.inFlight().length)[0];
			const inFlight = victim.inFlight().filter((e) => e.executionId > after);
			assert.ok(inFlight.length > 0, `${victim.name} runs no execution of this batch`);
			const createdAtKill = creates(ctx) - createsBefore;
			const tKill = Date.now();
			await victim.kill9();
			const deadExecutions = inFlight.map((e) => e.executionId);
			const settled = new Map<number, { status: string; seconds: number }>();
			let watching = false;
			const watcher = setInterval(() => {
				if (watching) return;
				watching = true;
				void executions(ctx, BULK_WORKFLOW_ID, after)
					.then((rows) => {
						for (const r of rows) {
							if (deadExecutions.includes(r.id) && FINISHED.has(r.status) && !settled.has(r.id)) {
								settled.set(r.id, {
									status: r.status,
									seconds: Math.round((Date.now() - tKill) / 1000),
								});
							}
						}
					})
					.catch(() => undefined)
					.finally(() => (watching = false));
			}, 1000);
			log(`kill -9 ${victim.name} with executions ${deadExecutions.join(', ')} in flight`);

			// The operator starts a worker again, waits for the other executions, then runs the
			// workflow again for the batches whose rows have no contract ID yet.
			const replacement = await ctx.cluster.startWorker();
			const others = async () =>
				(await executions(ctx, BULK_WORKFLOW_ID, after)).filter(
					(r) => !deadExecutions.includes(r.id),
				);
			await waitFor(
				async () => (await others()).every((r) => FINISHED.has(r.status)),
				300_000,
				'the executions the kill did not touch',
				1000,
			);
			await assertAllSucceeded(ctx, await others());
			const incomplete = (
				await si(
					ctx,
					`SELECT DISTINCT batch FROM employees WHERE id LIKE 'KIL-%' AND contract_id IS NULL ORDER BY batch`,
				)
			).map(([b]) => Number(b));
			const createsBeforeRerun = creates(ctx);
			const rerun = await runBatches(ctx, incomplete, 300_000);
			await assertAllSucceeded(ctx, rerun.executions);
			const createdByRerun = creates(ctx) - createsBeforeRerun;
			const created = creates(ctx) - createsBefore;
			assert.equal(created, rows, 'contracts created: exactly one per row, no duplicate');
			await assertOneContractPerRow(ctx, 'KIL', rows);
			const rerunRows = await siNumber(
				ctx,
				`SELECT count(*) FROM employees WHERE id LIKE 'KIL-%' AND batch IN (${incomplete.join(',') || 0})`,
			);

			// What n8n did with the executions that died: when they left "running", their status
			// and error, and what the main logged about them.
			await waitFor(
				() => deadExecutions.every((id) => settled.has(id)),
				Math.max(0, 150_000 - (Date.now() - tKill)),
				'n8n to settle the executions of the dead worker',
				1000,
			).catch(() => undefined);
			clearInterval(watcher);
			const dead = await Promise.all(
				deadExecutions.map(async (id) => {
					const execution = await ctx.cluster.main.execution(String(id)).catch(() => undefined);
					const error = execution?.data?.resultData?.error;
					const mainLog = ctx.cluster.main
						.output()
						.split('\n')
						.filter((line) => new RegExp(`[Ee]xecution ${id}\\b`).test(line))
						.filter((line) => !/Enqueued execution/.test(line))
						.slice(0, 3);
					return {
						id,
						status: settled.get(id)?.status ?? 'running',
						secondsAfterKill: settled.get(id)?.seconds,
						error: error ? `${error.name ?? ''}: ${error.message}` : undefined,
						mainLog,
					};
				}),
			);
			return {
				rows,
				executions: batches.length,
				killed: victim.name,
				contractsCreatedBeforeKill: createdAtKill,
				deadExecutions: dead,
				replacementWorker: replacement.name,
				rerunBatches: incomplete.length,
				rerunRows,
				rerunCreated: createdByRerun,
				rerunFoundExisting: rerunRows - createdByRerun,
				contractsCreated: created,
				duplicates: created - rows,
			};
		},
	},
	{
		name: '3. signatures flow back: published trigger on the main, main restarted midway',
		async run(ctx) {
			const signedRows = Math.min(100, ROWS_1);
			const contracts = (
				await si(
					ctx,
					`SELECT contract_id FROM employees WHERE id LIKE 'EMP-%' ORDER BY id LIMIT ${signedRows}`,
				)
			).map(([id]) => id);
			assert.equal(contracts.length, signedRows, 'scenario 1 left contracts to sign');
			const polls = () => ctx.sb.requestCount({ requestName: 'contractListRequest' });
			const after = await lastExecutionId(ctx);

			const before = polls();
			await ctx.cluster.main.activateWorkflow(SIGNED_WORKFLOW_ID);
			await waitFor(() => polls() > before, 60_000, 'the poll n8n runs on activation');
			// The activation poll lists every page of pending contracts: let it finish.
			await sleep(5_000);
			const signed = async () =>
				await siNumber(ctx, "SELECT count(*) FROM employees WHERE status = 'signed'");

			const t0 = Date.now();
			const first = Math.floor(signedRows / 2);
			const whileDown = Math.floor(signedRows / 4);
			for (const id of contracts.slice(0, first)) await signOnWebsite(ctx, id);
			await waitFor(async () => (await signed()) >= first, 150_000, `${first} rows signed`, 2000);
			const firstWave = (Date.now() - t0) / 1000;

			const tRestart = Date.now();
			await ctx.cluster.restartMain(async () => {
				for (const id of contracts.slice(first, first + whileDown)) await signOnWebsite(ctx, id);
			});
			const restartSeconds = (Date.now() - tRestart) / 1000;
			for (const id of contracts.slice(first + whileDown)) await signOnWebsite(ctx, id);
			await waitFor(
				async () => (await signed()) >= signedRows,
				200_000,
				`${signedRows} rows signed`,
				2000,
			);
			const allSignedAfter = (Date.now() - t0) / 1000;

			// One more scheduled poll must find nothing new: nothing is reported twice.
			const pollsNow = polls();
			await waitFor(() => polls() > pollsNow, 75_000, 'one more scheduled poll', 1000);
			await sleep(10_000);

			const rows = await si(
				ctx,
				`SELECT id, contract_id, status, coalesce(signed_sha256, ''), coalesce(signed_bytes, 0), signed_updates FROM employees WHERE contract_id IS NOT NULL AND (status = 'signed' OR signed_updates > 0) ORDER BY id`,
			);
			const expected = new Set(contracts);
			assert.deepEqual(
				rows.map(([, contractId]) => contractId).sort(),
				[...expected].sort(),
				'exactly the signed contracts are marked',
			);
			for (const [id, contractId, , sha256, bytes, updates] of rows) {
				assert.equal(updates, '1', `${id}: updated once`);
				const view = await controlView(ctx, contractId);
				const sign = view.contract.mainDocument.data.sign!;
				assert.equal(sha256, sign.sha256, `${id}: SHA-256 of the signed PDF`);
				assert.equal(Number(bytes), sign.size, `${id}: size of the signed PDF`);
			}
			const runs = await executions(ctx, SIGNED_WORKFLOW_ID, after);
			assert.ok(
				runs.every((r) => r.status === 'success'),
				`trigger executions: ${JSON.stringify(runs)}`,
			);
			const deactivate = await ctx.cluster.main.rest(
				'POST',
				`/workflows/${SIGNED_WORKFLOW_ID}/deactivate`,
			);
			assert.equal(deactivate.status, 200, JSON.stringify(deactivate.body));
			return {
				contractsSigned: signedRows,
				signedBeforeRestart: first,
				signedWhileMainDown: whileDown,
				signedAfterRestart: signedRows - first - whileDown,
				secondsUntilFirstHalfMarked: firstWave,
				mainRestartSeconds: restartSeconds,
				secondsUntilAllMarked: allSignedAfter,
				triggerExecutions: runs.length,
				rowsUpdatedTwice: 0,
			};
		},
	},
	{
		name: 'race: the same references sent by two executions at the same moment, on 1 worker and on 2 (measured)',
		async run(ctx) {
			const alive = () => ctx.cluster.workers.filter((w) => w.alive());
			while (alive().length < 2) await ctx.cluster.startWorker();
			const race = async (prefix: string, firstBatch: number) => {
				const [batch] = await insertEmployees(ctx, prefix, BATCH, firstBatch);
				const createsBefore = creates(ctx);
				const { executions: runs } = await runBatches(ctx, [batch, batch], 300_000);
				await assertAllSucceeded(ctx, runs);
				const created = creates(ctx) - createsBefore;
				assert.ok(created >= BATCH && created <= 2 * BATCH, `${created} contracts created`);
				assert.equal(
					await siNumber(
						ctx,
						`SELECT count(*) FROM employees WHERE id LIKE '${prefix}-%' AND contract_id IS NULL`,
					),
					0,
					'every row has a contract ID',
				);
				return {
					references: BATCH,
					executions: 2,
					contractsCreated: created,
					referencesSentTwice: created - BATCH,
					duplicateRate: Math.round(((created - BATCH) / BATCH) * 100) / 100,
				};
			};
			// One worker: both executions run in one n8n process, whose lock per reference holds.
			const [, second] = alive();
			await second.stop();
			const oneWorker = await race('DUP1', 201);
			assert.equal(oneWorker.contractsCreated, BATCH, 'one worker: one contract per reference');
			// Two workers: each process has its own lock; what remains is measured.
			await ctx.cluster.startWorker();
			const twoWorkers = await race('DUP2', 202);
			return { oneWorker, twoWorkers };
		},
	},
	{
		name: '4. white label in queue mode: the extranet webhook pair answers from the workers',
		async run(ctx) {
			const after = await lastExecutionId(ctx);
			const post = async (name: 'extranetStart' | 'extranetSign', form: Record<string, string>) => {
				const t0 = Date.now();
				const res = await fetch(`${ctx.cluster.main.url}/webhook/${EXAMPLES[name].webhookPath}`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams(form).toString(),
				});
				const body = Buffer.from(await res.arrayBuffer());
				return {
					status: res.status,
					type: res.headers.get('content-type') ?? '',
					body,
					ms: Date.now() - t0,
				};
			};
			const started = await post('extranetStart', {
				firstName: 'Denise',
				lastName: 'Roux',
				email: 'denise.roux@example.com',
				phone: '07 11 22 33 44',
				reference: 'QUEUE-EXTRANET-1',
			});
			assert.equal(started.status, 200, started.body.toString());
			const { contractId, signatoryId, smsSent } = JSON.parse(started.body.toString());
			assert.equal(smsSent, true);
			const signed = await post('extranetSign', { contractId, signatoryId, code: '0000' });
			assert.equal(signed.status, 200, signed.body.subarray(0, 300).toString());
			assert.match(signed.type, /^application\/pdf/);
			const view = await controlView(ctx, contractId);
			const sign = view.contract.mainDocument.data.sign!;
			const sha256 = createHash('sha256').update(signed.body).digest('hex');
			assert.equal(sha256, sign.sha256, 'the answer is the signed PDF');

			const runs = [
				...(await executions(ctx, EXAMPLES.extranetStart.id, after)),
				...(await executions(ctx, EXAMPLES.extranetSign.id, after)),
			];
			assert.equal(runs.length, 2, JSON.stringify(runs));
			await assertAllSucceeded(ctx, runs);
			const ranOn = runs.map((r) => {
				const worker = ctx.cluster.workers.find((w) =>
					w.output().includes(`Worker started execution ${r.id} `),
				);
				assert.ok(worker, `execution ${r.id} ran on a worker`);
				return worker.name;
			});
			const signRun = runs[1].id;
			const stored = await ctx.cluster.n8nSql(
				`SELECT "sourceType", "fileSize" FROM binary_data WHERE "sourceId" = '${signRun}'`,
			);
			assert.ok(stored.length > 0, 'the signed PDF went through the binary_data table');
			assert.ok(
				stored.some(([, size]) => Number(size) === sign.size),
				`a stored file of the signed PDF's size: ${JSON.stringify(stored)}`,
			);
			return {
				startMs: started.ms,
				signMs: signed.ms,
				signedPdfBytes: signed.body.length,
				executionsRanOn: ranOn,
				binaryDataRowsOfSignExecution: stored.length,
			};
		},
	},
	{
		name: '4b. signing portal in queue mode: pages answered by the main, executions on workers',
		run: async (ctx) => await signOnePortalLink(ctx),
	},
	{
		name: 'documents streamed with binary data in the database: a large PDF created and downloaded on a worker',
		run: async (ctx) => await largeDocumentRoundTrip(ctx),
	},
	{
		name: '5. throughput: contracts per minute with 1 worker and with 2 workers',
		async run(ctx) {
			const rows = Math.round(400 / SCALE);
			const alive = () => ctx.cluster.workers.filter((w) => w.alive());
			while (alive().length < 2) await ctx.cluster.startWorker();
			const [kept, stopped] = alive();
			await stopped.stop();
			const measure = async (prefix: string, firstBatch: number, workers: Worker[]) => {
				const batches = await insertEmployees(ctx, prefix, rows, firstBatch);
				workers.forEach((w) => w.resetWindowPeakRss());
				const createsBefore = creates(ctx);
				const { seconds, executions: runs } = await runBatches(ctx, batches, 600_000);
				await assertAllSucceeded(ctx, runs);
				assert.equal(creates(ctx) - createsBefore, rows, 'one contract per row');
				await assertOneContractPerRow(ctx, prefix, rows);
				return {
					rows,
					executions: batches.length,
					seconds,
					contractsPerMinute: Math.round((rows / seconds) * 60),
					peakRssMb: Object.fromEntries(workers.map((w) => [w.name, mb(w.windowPeakRss.process)])),
					peakRssWithTaskRunnerMb: Object.fromEntries(
						workers.map((w) => [w.name, mb(w.windowPeakRss.group)]),
					),
				};
			};
			const one = await measure('TP1', 301, [kept]);
			const second = await ctx.cluster.startWorker();
			const two = await measure('TP2', 401, [kept, second]);
			return { oneWorker: one, twoWorkers: two };
		},
	},
	{
		name: 'quota: the production quota, shared by both workers, runs out mid-batch',
		async run(ctx) {
			const target = BULK_PRODUCTION;
			const batchSize = 20;
			const batches = await insertEmployees(ctx, 'QTA', 2 * batchSize, 501, batchSize);
			// The quota counts on Contrat-Privé's side: burn it down to 15 requests left, as other
			// workflows of the same account would, with requests straight to the emulator.
			const left = 15;
			const quotaUsed = async () => {
				const res = await fetch(`${ctx.sb.url}/_control/requests`);
				const body = (await res.json()) as WireReply;
				return body.quotas[`production/${DEMO_ACCOUNTS.production.apiUser}`]?.used ?? 0;
			};
			const burn = 1000 - left - (await quotaUsed());
			for (let i = 0; i < burn; i += 25) {
				await Promise.all(
					Array.from({ length: Math.min(25, burn - i) }, async () => {
						const res = await fetch(`${ctx.sb.baseUrls.production}/contractListRequest`, {
							method: 'POST',
							headers: { 'content-type': 'application/json' },
							body: JSON.stringify({
								apiUser: DEMO_ACCOUNTS.production.apiUser,
								apiKey: DEMO_ACCOUNTS.production.apiKey,
								offset: 0,
								limit: 1,
							}),
						});
						assert.equal(res.status, 200, await res.text());
					}),
				);
			}
			assert.equal(await quotaUsed(), 1000 - left);

			// Two batches of 20 rows on both workers, 15 requests left: each needs 21 (its look-up and
			// 20 creates), so each stops at the quota however the two runs interleave (with more left
			// than one batch needs, a worker that starts first can finish its batch alone).
			const createsBefore = creates(ctx, 'production');
			const first = await runBatches(ctx, batches, 300_000, target);
			const statuses = first.executions.map((r) => r.status);
			assert.deepEqual(statuses, ['error', 'error'], 'both executions stop at the quota');
			const errors = await Promise.all(
				first.executions.map(async (r) => {
					const execution = await ctx.cluster.main.execution(String(r.id));
					return execution.data.resultData.error;
				}),
			);
			for (const error of errors) {
				assert.match(error!.message, /Daily quota of 1,000 production requests reached/);
				assert.equal(error!.node!.name, 'Send for Signature');
			}
			assert.equal(await quotaUsed(), 1000, 'the quota is used up, not over');
			const createdBeforeQuota = creates(ctx, 'production') - createsBefore;
			assert.ok(createdBeforeQuota > 0 && createdBeforeQuota < 2 * batchSize);
			const rowsSaved = await siNumber(
				ctx,
				"SELECT count(*) FROM employees WHERE id LIKE 'QTA-%' AND contract_id IS NOT NULL",
			);
			assert.equal(rowsSaved, 0, 'a failed node outputs nothing: no row saved its contract ID');

			// The next day: the same batches again.
			ctx.sb.clock.advance('P1D');
			const second = await runBatches(ctx, batches, 300_000, target);
			await assertAllSucceeded(ctx, second.executions);
			const created = creates(ctx, 'production') - createsBefore;
			assert.equal(created, 2 * batchSize, 'one contract per row over both days');
			await assertOneContractPerRow(ctx, 'QTA', 2 * batchSize);
			return {
				rows: 2 * batchSize,
				executions: batches.length,
				quotaLeftAtStart: left,
				contractsCreatedBeforeQuota: createdBeforeQuota,
				rowsSavedBeforeQuota: rowsSaved,
				error: errors[0]!.message,
				nextDayFoundExisting: createdBeforeQuota,
				nextDayCreated: 2 * batchSize - createdBeforeQuota,
				nextDayQuotaUsed: await quotaUsed(),
			};
		},
	},
	{
		name: 'manual: the editor runs the bulk example (on a worker with QUEUE_OFFLOAD_MANUAL=1, as n8n 3)',
		run: async (ctx) => await manualRunFromEditor(ctx.cluster, ctx.sb),
	},
];

// ---------------------------------------------------------------- main

interface Result {
	name: string;
	status: 'passed' | 'failed';
	seconds: number;
	figures?: Figures;
	error?: string;
}

async function main(): Promise<void> {
	const t0 = Date.now();
	const only = process.argv.slice(2).map((w) => w.toLowerCase());
	const selected = only.length
		? scenarios.filter((s) => only.some((w) => s.name.toLowerCase().includes(w)))
		: scenarios;
	const results: Result[] = [];
	let setupError: string | undefined;
	let sb: Emulator | undefined;
	let pg: Postgres | undefined;
	let redis: Redis | undefined;
	let cluster: QueueCluster | undefined;
	let sampler: NodeJS.Timeout | undefined;
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pack-'));
	const stopAll = async () => {
		if (sampler) clearInterval(sampler);
		await cluster?.stop().catch((e) => log(`stopping n8n: ${e}`));
		await redis?.stop().catch((e) => log(`stopping redis: ${e}`));
		await pg?.stop().catch((e) => log(`stopping postgres: ${e}`));
		await sb?.close().catch(() => undefined);
		fs.rmSync(tmp, { recursive: true, force: true });
	};
	const onSignal = () => {
		log('interrupted: stopping everything');
		void stopAll().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	let workers: Worker[] = [];
	try {
		const rt = await ensureN8n();
		log('packing the package');
		const tarball = npmPack(REPO, tmp);
		sb = await startEmulator({ port: 0 });
		pg = await startPostgres(SI_DATABASE);
		redis = await startRedis();
		await pg.sql(EMPLOYEES_TABLE, SI_DATABASE);
		log(`postgres on ${pg.port}, redis on ${redis.port}, emulator on ${sb.url}`);
		const tCluster = Date.now();
		cluster = await startQueueCluster({
			rt,
			pg,
			redis,
			tarball,
			workers: 2,
			verbose: VERBOSE,
			env: offloadEnv(),
		});
		log(`main + 2 workers ready in ${Math.round((Date.now() - tCluster) / 1000)} s`);
		const credential = localCredential(sb.url);
		const productionCredential = {
			id: 'queueCpProduction1',
			name: 'Contrat-Privé emulator (production)',
			type: credential.type,
			data: {
				platform: 'custom',
				baseUrl: sb.baseUrls.production,
				apiUser: DEMO_ACCOUNTS.production.apiUser,
				apiKey: DEMO_ACCOUNTS.production.apiKey,
			},
		};
		const portal = portalQueueSetup(sb.url, cluster.main.url);
		await cluster.importCredentials([
			credential,
			productionCredential,
			siCredential(pg),
			...portal.credentials,
		]);
		const cpCredential = { id: credential.id, name: credential.name };
		await cluster.importWorkflows([
			bulkWorkflow(sb.url, cpCredential),
			bulkWorkflow(
				sb.url,
				{ id: productionCredential.id, name: productionCredential.name },
				BULK_PRODUCTION,
			),
			signedWorkflow(cpCredential),
			loadExample('extranetStart', sb.url),
			loadExample('extranetSign', sb.url),
			largeDocumentWorkflow(sb.url, cpCredential),
			...portal.workflows,
		]);
		for (const id of [
			BULK_WORKFLOW_ID,
			BULK_PRODUCTION.id,
			EXAMPLES.extranetStart.id,
			EXAMPLES.extranetSign.id,
			LARGE_DOCUMENT_WORKFLOW.id,
			...portal.publish,
		]) {
			await cluster.main.activateWorkflow(id);
		}
		workers = cluster.workers;
		sampler = setInterval(() => workers.forEach((w) => w.sampleRss()), 500);
		const ctx: Ctx = { sb, pg, cluster };
		for (const scenario of selected) {
			const ts = Date.now();
			log(`▶ ${scenario.name}`);
			try {
				const figures = await scenario.run(ctx);
				const seconds = (Date.now() - ts) / 1000;
				results.push({ name: scenario.name, status: 'passed', seconds, figures });
				log(`✔ ${scenario.name} (${seconds.toFixed(1)} s) ${JSON.stringify(figures)}`);
			} catch (error) {
				const seconds = (Date.now() - ts) / 1000;
				const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
				results.push({ name: scenario.name, status: 'failed', seconds, error: message });
				log(`✘ ${scenario.name} (${seconds.toFixed(1)} s)\n${message}`);
			}
		}
		for (const text of [cluster.main.output(), ...workers.map((w) => w.output())]) {
			for (const secret of SECRETS) {
				if (text.includes(secret)) throw new Error('an API key appears in the n8n output');
			}
		}
		if (sb.internalErrors.length) {
			throw new Error(`emulator internal errors: ${sb.internalErrors.map(String).join('; ')}`);
		}
	} catch (error) {
		setupError = error instanceof Error ? (error.stack ?? error.message) : String(error);
		log(`setup or teardown check failed:\n${setupError}`);
	} finally {
		await stopAll();
		process.removeListener('SIGINT', onSignal);
		process.removeListener('SIGTERM', onSignal);
	}
	if (setupError) {
		for (const s of selected) {
			if (!results.some((r) => r.name === s.name)) {
				results.push({ name: s.name, status: 'failed', seconds: 0, error: setupError });
			}
		}
	}
	const passed = results.filter((r) => r.status === 'passed').length;
	const failed =
		results.length - passed + (setupError && results.every((r) => r.status === 'passed') ? 1 : 0);
	const summary = {
		passed,
		failed,
		seconds: Math.round((Date.now() - t0) / 1000),
		binaryDataMode: 'database (n8n 2.39 default in queue mode)',
		workers: workers.map((w) => ({
			name: w.name,
			peakRssMb: mb(w.peakRss.process),
			peakRssWithTaskRunnerMb: mb(w.peakRss.group),
		})),
		setupError,
		scenarios: results,
	};
	fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
	fs.writeFileSync(RESULTS, JSON.stringify(summary, null, 2));
	log(
		`${passed} passed, ${failed} failed in ${summary.seconds} s (${path.relative(REPO, RESULTS)})`,
	);
	process.exit(failed ? 1 : 0);
}

void main();
