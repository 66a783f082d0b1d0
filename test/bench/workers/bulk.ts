/**
 * Bulk create: `count` items, each a PDF of `size` bytes and 2 signatories, through n8n-core's
 * WorkflowExecute (`node`), or the same requests from a plain axios client (`raw`), one at a time
 * or `parallel` at once (the node's Batching option; for axios a pool of as many loops). Both
 * processes load the same modules and hold the same input PDFs before measuring.
 */
import axios from 'axios';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { BinaryDataMode } from '../../helpers';
import { INPUT_NODE_NAME, runNode, runWorkflow } from '../../helpers';
import { SANDBOX_KEYS } from '../lib/emulator';
import { distinctPdfs } from '../../fixtures/pdf';
import type { PhaseResult } from './common';
import { TODAY_TYPE, todayNodeTypes } from '../lib/baseline';
import {
	FLOOR_TYPE,
	MARKER_NAME,
	MARKER_TYPE,
	NODE_NAME,
	Phase,
	serverTime,
	createBody,
	createParameters,
	emulator,
	markerNodeType,
	n8nFloorNodeType,
} from './common';

export interface BulkJob {
	kind: 'bulk';
	/**
	 * node: this package's node; today: the node of the baseline commit (lib/baseline.ts, in
	 * `baselineDir`); floor: the least an n8n node does (common.ts); raw: axios.
	 */
	variant: 'node' | 'today' | 'floor' | 'raw';
	baselineDir?: string;
	url: string;
	count: number;
	size: number;
	binaryMode: BinaryDataMode;
	/** Requests in flight at once (default 1). */
	parallel?: number;
	/** raw: each PDF read from a file during the phase, as the node reads n8n's binary store. */
	rawReadsFiles?: boolean;
}

export interface BulkResult extends PhaseResult {
	requests: number;
	contracts: number;
	/** The server time of each create answered 200 in the phase (ms; network model on). */
	createServerMs: number[];
	/** Requests answered HTTP 429 in the phase. */
	refused: number;
	/** The node's own execution time as n8n records it (node variant). */
	nodeExecutionMs?: number;
}

export async function bulk(job: BulkJob): Promise<BulkResult> {
	const sb = emulator(job.url);
	const pdfs = await distinctPdfs(job.count, job.size);
	const [warmUpPdf] = await distinctPdfs(1, job.size);
	const fileName = (index: number) => `contract-${index + 1}.pdf`;

	if (job.variant === 'raw') {
		const client = axios.create();
		const url = `${sb.apiBase}/contractCreateRequest`;
		const send = async (pdf: Buffer, name: string) => {
			const response = await client.post(url, {
				...SANDBOX_KEYS,
				...createBody(name, pdf.toString('base64')),
			});
			return response.data.contract.id as string;
		};
		await send(warmUpPdf, 'warm-up.pdf');
		let files: string[] = [];
		let dir: string | undefined;
		if (job.rawReadsFiles) {
			dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pdfs-'));
			files = pdfs.map((_, index) => path.join(dir!, fileName(index)));
			await Promise.all(pdfs.map((pdf, index) => writeFile(files[index], pdf)));
			pdfs.length = 0;
		}
		const count = files.length || pdfs.length;
		const before = await sb.requestTotal();
		const phase = new Phase();
		await phase.start();
		const ids: string[] = [];
		let next = 0;
		const loop = async () => {
			while (next < count) {
				const index = next++;
				const pdf = job.rawReadsFiles ? await readFile(files[index]) : pdfs[index];
				ids[index] = await send(pdf, fileName(index));
			}
		};
		await Promise.all(Array.from({ length: job.parallel ?? 1 }, loop));
		const result = phase.end();
		if (dir) await rm(dir, { recursive: true, force: true });
		return { ...result, ...(await phaseLog(sb, before)), contracts: new Set(ids).size };
	}

	const credentials = sb.credentials;
	const nodeType =
		job.variant === 'floor' ? FLOOR_TYPE : job.variant === 'today' ? TODAY_TYPE : 'contratPrive';
	const nodeTypes = {
		[FLOOR_TYPE]: n8nFloorNodeType(`${sb.apiBase}/contractCreateRequest`),
		...(job.variant === 'today' ? await todayNodeTypes(job.baselineDir!) : {}),
	};
	const warmUp = await runNode({
		node: { type: nodeType, parameters: createParameters() },
		nodeTypes,
		credentials,
		items: [
			{
				json: {},
				binary: { data: { data: warmUpPdf, fileName: 'warm-up.pdf', mimeType: 'application/pdf' } },
			},
		],
		binaryDataMode: job.binaryMode,
	});
	if (warmUp.error) throw new Error(`warm-up failed: ${warmUp.error.message}`);

	const before = await sb.requestTotal();
	const phase = new Phase();
	const parameters = job.parallel
		? {
				...createParameters(),
				options: { batching: { batch: { parallelRequests: job.parallel } } },
			}
		: createParameters();
	const run = await runWorkflow(
		[
			{ name: MARKER_NAME, type: MARKER_TYPE },
			{ name: NODE_NAME, type: nodeType, parameters },
		],
		[
			[INPUT_NODE_NAME, MARKER_NAME],
			[MARKER_NAME, NODE_NAME],
		],
		{
			items: pdfs.map((pdf, index) => ({
				json: { row: index },
				binary: { data: { data: pdf, fileName: fileName(index), mimeType: 'application/pdf' } },
			})),
			credentials,
			binaryDataMode: job.binaryMode,
			nodeTypes: { ...nodeTypes, [MARKER_TYPE]: markerNodeType(async () => await phase.start()) },
		},
	);
	const result = phase.end();
	const error = run.nodeError(NODE_NAME) ?? run.error;
	if (error) throw new Error(`the node failed: ${error.message}`);
	const output = run.output(NODE_NAME);
	return {
		...result,
		...(await phaseLog(sb, before)),
		contracts: new Set(output.map((item) => item.json.id)).size,
		nodeExecutionMs: run.runData[NODE_NAME]?.[0]?.executionTime,
	};
}

/** What the emulator logged from entry `before` on: requests, server times of the creates, 429s. */
async function phaseLog(sb: ReturnType<typeof emulator>, before: number) {
	const log = await sb.requestsSince(before);
	return {
		requests: log.length,
		createServerMs: log
			.filter((entry) => entry.requestName === 'contractCreateRequest' && entry.status === 200)
			.map(serverTime),
		refused: log.filter((entry) => entry.status === 429).length,
	};
}
