/**
 * A large PDF streamed in and out on a worker with binary data in n8n's database (n8n 2.39's
 * default in queue mode). The document management system (a loopback server of the test)
 * calls the main's webhook with the URL of a ready document; a worker downloads it with an HTTP
 * Request (into the `binary_data` table), creates the contract with it and an annex, then gets
 * the contract with Download Documents. The bytes are followed all the way: the file served,
 * the emulator's stored document, the rows of `binary_data`.
 *
 * Why an HTTP Request: that is how a 19 MB document reaches a worker in production (a DMS, a
 * storage bucket, an intranet); a file on disk would have to be on every worker's disk, and a
 * Code node making 19 MB is not something a workflow does.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import type { Emulator } from '../../emulator';
import type { WireReply } from '../../emulator/wire-reply';
import { signablePdfOfSize } from '../../fixtures/pdf';
import type { ExecutionJson } from '../n8n-cli';
import type { QueueCluster, Worker } from './cluster';
import { rssOf } from './cluster';
import { LARGE_DOCUMENT_WORKFLOW } from './workflows';

/** Below the API's 20 MB (20 MiB) per document. */
export const LARGE_PDF_BYTES = 19 * 1024 * 1024;
const FILE_NAME = 'contrat-de-travail-signe-en-agence.pdf';
const REFERENCE = 'QUEUE-LARGE-1';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

interface DocumentServer {
	url: string;
	served(): number;
	close(): Promise<void>;
}

/** The document management system: serves one PDF at `/documents/<file name>`. */
async function serveDocument(pdf: Buffer, fileName: string): Promise<DocumentServer> {
	let served = 0;
	const server = http.createServer((req, res) => {
		if (req.method !== 'GET' || req.url !== `/documents/${fileName}`) {
			res.writeHead(404).end();
			return;
		}
		served += 1;
		res.writeHead(200, {
			'content-type': 'application/pdf',
			'content-length': String(pdf.length),
			'content-disposition': `attachment; filename="${fileName}"`,
		});
		res.end(pdf);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/documents/${fileName}`,
		served: () => served,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

interface StoredBinary {
	sourceType: string;
	sourceId: string;
	fileSize: number;
	bytes: number;
	sha256: string;
	mimeType: string;
}

/** A binary of the execution's data, read back from n8n's `binary_data` table by its file ID. */
async function storedBinary(
	cluster: QueueCluster,
	binary: IBinaryData | undefined,
): Promise<StoredBinary> {
	const id = binary?.id ?? '';
	assert.match(id, /^database:[0-9a-f-]+$/, `binary data kept in the database: ${id}`);
	const fileId = id.slice('database:'.length);
	const rows = await cluster.n8nSql(
		`SELECT "sourceType", "sourceId", "fileSize", length(data), encode(sha256(data), 'hex'), coalesce("mimeType", '') FROM binary_data WHERE "fileId" = '${fileId}'`,
	);
	assert.equal(rows.length, 1, `one binary_data row for ${fileId}`);
	const [[sourceType, sourceId, fileSize, bytes, hash, mimeType]] = rows;
	return {
		sourceType,
		sourceId,
		fileSize: Number(fileSize),
		bytes: Number(bytes),
		sha256: hash,
		mimeType,
	};
}

function itemOf(execution: ExecutionJson, nodeName: string): INodeExecutionData {
	const items = execution.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0];
	assert.ok(Array.isArray(items) && items.length === 1, `${nodeName}: one output item`);
	return items[0];
}

async function waitForExecution(
	cluster: QueueCluster,
	afterId: number,
	timeoutMs: number,
): Promise<{ id: number; status: string; seconds: number }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = await cluster.n8nSql(
			`SELECT id, status, extract(epoch FROM "stoppedAt" - "startedAt") FROM execution_entity WHERE "workflowId" = '${LARGE_DOCUMENT_WORKFLOW.id}' AND id > ${afterId} ORDER BY id`,
		);
		if (rows.length > 1) assert.fail(`one execution expected: ${JSON.stringify(rows)}`);
		const [row] = rows;
		if (row && ['success', 'error', 'crashed', 'canceled'].includes(row[1])) {
			return { id: Number(row[0]), status: row[1], seconds: Number(row[2]) };
		}
		if (Date.now() > deadline) assert.fail(`no finished execution after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** RSS of each live worker now (a fresh window), then its peak since. */
function rssWindow(workers: Worker[]): () => Record<string, Record<string, number>> {
	const live = workers.filter((w) => w.alive());
	const before = new Map(
		live.map((w) => {
			w.resetWindowPeakRss();
			w.sampleRss();
			return [w.name, { ...w.windowPeakRss }];
		}),
	);
	return () =>
		Object.fromEntries(
			live.map((w) => {
				w.sampleRss();
				const start = before.get(w.name) ?? { process: 0, group: 0 };
				return [
					w.name,
					{
						rssBeforeMb: mb(start.process),
						peakRssMb: mb(w.windowPeakRss.process),
						peakRssIncreaseMb: mb(w.windowPeakRss.process - start.process),
						rssWithTaskRunnerBeforeMb: mb(start.group),
						peakRssWithTaskRunnerMb: mb(w.windowPeakRss.group),
					},
				];
			}),
		);
}

/**
 * Each live worker's RSS every 200 ms, to tell which node of the execution raised it; the samples
 * count in the workers' window peaks too (the cluster samples every 500 ms only).
 */
function rssTimeline(workers: Worker[]): {
	stop(): void;
	peakBetween(worker: string, fromMs: number, toMs: number): number;
} {
	const samples = new Map<string, Array<[number, number]>>();
	const live = workers.filter((w) => w.alive());
	const sample = () => {
		const at = Date.now();
		for (const w of live) {
			w.sampleRss();
			const list = samples.get(w.name) ?? [];
			list.push([at, rssOf(w.pid)]);
			samples.set(w.name, list);
		}
	};
	sample();
	const timer = setInterval(sample, 200);
	return {
		stop: () => clearInterval(timer),
		peakBetween: (worker, fromMs, toMs) =>
			Math.max(
				0,
				...(samples.get(worker) ?? [])
					.filter(([at]) => at >= fromMs && at <= toMs)
					.map(([, rss]) => rss),
			),
	};
}

export async function largeDocumentRoundTrip(ctx: {
	sb: Emulator;
	cluster: QueueCluster;
}): Promise<Record<string, unknown>> {
	const { sb, cluster } = ctx;
	const pdf = await signablePdfOfSize(LARGE_PDF_BYTES);
	assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
	assert.match(pdf.subarray(-16).toString('latin1'), /%%EOF\s*$/);
	assert.ok(pdf.length > 18 * 1024 * 1024 && pdf.length <= LARGE_PDF_BYTES, `${pdf.length} bytes`);
	const source = sha256(pdf);
	const dms = await serveDocument(pdf, FILE_NAME);
	let timeline: ReturnType<typeof rssTimeline> | undefined;
	try {
		const after = Number(
			(await cluster.n8nSql('SELECT coalesce(max(id), 0) FROM execution_entity'))[0][0],
		);
		const fromRequest = sb.requests.length;
		const peaks = rssWindow(cluster.workers);
		timeline = rssTimeline(cluster.workers);
		const t0 = Date.now();
		const res = await fetch(`${cluster.main.url}/webhook/${LARGE_DOCUMENT_WORKFLOW.path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				documentUrl: dms.url,
				reference: REFERENCE,
				employee: {
					firstName: 'Inès',
					lastName: 'Garnier',
					email: 'ines.garnier@example.com',
					phone: '06 12 34 56 78',
				},
			}),
		});
		assert.equal(res.status, 200, `webhook: ${await res.text()}`);
		const run = await waitForExecution(cluster, after, 300_000);
		const seconds = (Date.now() - t0) / 1000;
		const memory = peaks();
		timeline.stop();

		const execution = await cluster.main.execution(String(run.id));
		const error = execution?.data?.resultData?.error;
		assert.equal(
			run.status,
			'success',
			`execution ${run.id}: ${error ? `${error.node?.name ?? ''} ${error.message} ${error.description ?? ''}` : run.status}`,
		);
		const ranOn = cluster.workers
			.filter((w) => w.output().includes(`Worker started execution ${run.id} `))
			.map((w) => w.name);
		assert.equal(ranOn.length, 1, `execution ${run.id} ran on a worker`);
		assert.equal(dms.served(), 1, 'the document was downloaded once');

		// What the worker sent: the emulator stored exactly the bytes served, and the annex.
		const downloaded = itemOf(execution, 'Download Annex').binary ?? {};
		const sourceRow = await storedBinary(cluster, downloaded.data);
		const annexRow = await storedBinary(cluster, downloaded.annex);
		assert.equal(sourceRow.sha256, source, 'the document downloaded into binary_data');
		const created = itemOf(execution, 'Send for Signature').json;
		assert.equal(created.reference, REFERENCE);
		const view = (await (
			await fetch(`${sb.url}/_control/contracts/${String(created.id)}`)
		).json()) as WireReply;
		const stored = view.contract.mainDocument.data;
		assert.deepEqual(
			{ name: stored.name, size: stored.size, sha256: stored.sha256 },
			{ name: FILE_NAME, size: pdf.length, sha256: source },
			'the emulator stored exactly the bytes served',
		);
		assert.equal(view.contract.annexes.length, 1, 'one annex');
		assert.equal(view.contract.annexes[0].sha256, annexRow.sha256, 'the annex sent');
		assert.equal(view.contract.annexes[0].size, annexRow.bytes);

		// What the worker downloaded: in binary_data, with the sizes and bytes of what was sent.
		const got = itemOf(execution, 'Get with Documents');
		assert.equal(got.json.id, created.id);
		const binary = got.binary ?? {};
		assert.deepEqual(Object.keys(binary).sort(), ['annex_0', 'original']);
		assert.equal(binary.original.fileName, FILE_NAME);
		const original = await storedBinary(cluster, binary.original);
		const annex = await storedBinary(cluster, binary.annex_0);
		for (const [name, row, expected] of [
			['original', original, { bytes: pdf.length, sha256: source }],
			['annex_0', annex, { bytes: annexRow.bytes, sha256: annexRow.sha256 }],
		] as const) {
			assert.deepEqual(
				row,
				{
					sourceType: 'execution',
					sourceId: String(run.id),
					fileSize: expected.bytes,
					bytes: expected.bytes,
					sha256: expected.sha256,
					mimeType: 'application/pdf',
				},
				`${name} in binary_data`,
			);
		}

		// Exactly one contract: one create, one detail read, every request answered 200.
		const requests = sb.requests.slice(fromRequest);
		const counts: Record<string, number> = {};
		for (const r of requests) counts[r.requestName] = (counts[r.requestName] ?? 0) + 1;
		assert.equal(counts.contractCreateRequest, 1, `one create: ${JSON.stringify(counts)}`);
		assert.equal(counts.contractDetailRequest, 1, `one detail read: ${JSON.stringify(counts)}`);
		assert.deepEqual(
			requests.filter((r) => r.status !== 200).map((r) => `${r.requestName} ${r.status}`),
			[],
		);
		const rows = await cluster.n8nSql(
			`SELECT count(*), coalesce(sum("fileSize"), 0) FROM binary_data WHERE "sourceType" = 'execution' AND "sourceId" = '${run.id}'`,
		);

		// Per node: its time, and the worker's peak RSS while it ran over its RSS before the run
		// (memory a node leaves to the garbage collector shows in the next nodes too).
		const worker = memory[ranOn[0]];
		const runData: Record<string, Array<{ startTime: number; executionTime?: number }>> = execution
			.data.resultData.runData;
		const nodes = Object.fromEntries(
			Object.entries(runData).map(([name, [task]]) => {
				const end = task.startTime + (task.executionTime ?? 0);
				const peak = timeline?.peakBetween(ranOn[0], task.startTime, end + 200) ?? 0;
				return [
					name,
					{
						seconds: (task.executionTime ?? 0) / 1000,
						peakRssIncreaseMb: peak ? Math.round((mb(peak) - worker.rssBeforeMb) * 10) / 10 : null,
					},
				];
			}),
		);
		return {
			pdfBytes: pdf.length,
			ranOn: ranOn[0],
			seconds,
			executionSeconds: run.seconds,
			nodes,
			apiRequests: counts,
			binaryDataRowsOfExecution: Number(rows[0][0]),
			binaryDataBytesOfExecution: Number(rows[0][1]),
			worker,
			peakRssIncreaseOverPdfSize:
				Math.round((worker.peakRssIncreaseMb / mb(pdf.length)) * 100) / 100,
			otherWorkers: Object.fromEntries(
				Object.entries(memory).filter(([name]) => name !== ranOn[0]),
			),
		};
	} finally {
		timeline?.stop();
		await dms.close();
	}
}
