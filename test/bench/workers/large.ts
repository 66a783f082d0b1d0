/**
 * One large document: Contract › Create with a PDF of `size` bytes, or Contract › Get with
 * "Download Documents" on a contract whose original and signed PDFs are each about that size.
 * `raw` does the same request with axios (and, for get, decodes the PDFs into buffers, as any
 * client that wants the files must).
 */
import axios from 'axios';
import type { INodeParameters } from 'n8n-workflow';

import { makePdf, signablePdfOfSize } from '../../fixtures/pdf';
import type { BinaryDataMode } from '../../helpers';
import { INPUT_NODE_NAME, runNode, runWorkflow } from '../../helpers';
import { TODAY_TYPE, todayNodeTypes } from '../lib/baseline';
import { SANDBOX_KEYS } from '../lib/emulator';
import type { PhaseResult } from './common';
import {
	MARKER_NAME,
	MARKER_TYPE,
	NODE_NAME,
	Phase,
	createBody,
	createParameters,
	emulator,
	markerNodeType,
} from './common';

export interface LargeJob {
	kind: 'large';
	/** today: the node of the baseline commit (lib/baseline.ts), in `baselineDir`. */
	variant: 'node' | 'today' | 'raw';
	op: 'create' | 'get';
	baselineDir?: string;
	/** create: annexes of `size` bytes besides the main document (the 100 MB case: 4). */
	annexes?: number;
	url: string;
	binaryMode: BinaryDataMode;
	/** create: the PDF's size. */
	size: number;
	/** get: the large signed contract, and a small signed one to warm up on. */
	contractId?: string;
	warmUpContractId?: string;
}

export interface LargeResult extends PhaseResult {
	/** Bytes of PDF the operation moved (get: original + signed). */
	documentBytes: number;
	requests: number;
}

const getParameters = (contractId: string) => ({
	resource: 'contract',
	operation: 'get',
	contractId: { __rl: true, mode: 'id', value: contractId },
	options: { downloadDocuments: true },
});

export async function large(job: LargeJob): Promise<LargeResult> {
	const sb = emulator(job.url);
	const credentials = sb.credentials;
	const client = axios.create();
	const small = await makePdf('Warm-up contract');
	const pdf = job.op === 'create' ? await signablePdfOfSize(job.size) : undefined;

	const nodeTypes = job.variant === 'today' ? await todayNodeTypes(job.baselineDir!) : {};
	const nodeType = job.variant === 'today' ? TODAY_TYPE : undefined;
	const annexCount = job.op === 'create' ? (job.annexes ?? 0) : 0;
	const annexProperties = Array.from({ length: annexCount }, (_, index) => `annex${index}`);
	const parametersFor = (count: number) => {
		const parameters = createParameters(1) as INodeParameters;
		if (count) parameters.additionalFields = { annexes: annexProperties.join(',') };
		return parameters;
	};

	// Warm up the same code path on a small document.
	if (job.variant !== 'raw') {
		const warmUp =
			job.op === 'create'
				? await runNode({
						node: { parameters: createParameters(1), type: nodeType },
						nodeTypes,
						credentials,
						items: [
							{
								json: {},
								binary: {
									data: { data: small, fileName: 'small.pdf', mimeType: 'application/pdf' },
								},
							},
						],
						binaryDataMode: job.binaryMode,
					})
				: await runNode({
						node: { parameters: getParameters(job.warmUpContractId!), type: nodeType },
						nodeTypes,
						credentials,
						binaryDataMode: job.binaryMode,
					});
		if (warmUp.error) throw new Error(`warm-up failed: ${warmUp.error.message}`);
	} else if (job.op === 'create') {
		await client.post(`${sb.apiBase}/contractCreateRequest`, {
			...SANDBOX_KEYS,
			...createBody('small.pdf', small.toString('base64'), 1),
		});
	} else {
		await client.post(`${sb.apiBase}/contractDetailRequest`, {
			...SANDBOX_KEYS,
			contractId: job.warmUpContractId,
		});
	}

	const before = await sb.requestTotal();
	const phase = new Phase();
	let result: PhaseResult;
	let documentBytes: number;

	if (job.variant === 'raw') {
		await phase.start();
		if (job.op === 'create') {
			const body: Record<string, unknown> = {
				...SANDBOX_KEYS,
				...createBody('large.pdf', pdf!.toString('base64'), 1),
			};
			if (annexCount) {
				const data = pdf!.toString('base64');
				body.annexes = annexProperties.map((name) => ({ name: `${name}.pdf`, data }));
			}
			const response = await client.post(`${sb.apiBase}/contractCreateRequest`, body, {
				maxBodyLength: Infinity,
			});
			result = phase.end();
			documentBytes = response.data.contract.mainDocument.data.size * (1 + annexCount);
		} else {
			const response = await client.post(`${sb.apiBase}/contractDetailRequest`, {
				...SANDBOX_KEYS,
				contractId: job.contractId,
			});
			const contract = response.data.contract;
			const main = contract.mainDocument.data;
			const files = [main, main.sign, ...contract.annexes]
				.filter((document) => document?.content)
				.map((document) => Buffer.from(document.content, 'base64'));
			result = phase.end();
			documentBytes = files.reduce((sum, file) => sum + file.length, 0);
		}
	} else {
		const parameters =
			job.op === 'create' ? parametersFor(annexCount) : getParameters(job.contractId!);
		const binary = { data: { data: pdf!, fileName: 'large.pdf', mimeType: 'application/pdf' } };
		for (const name of annexProperties) {
			Object.assign(binary, {
				[name]: { data: pdf!, fileName: `${name}.pdf`, mimeType: 'application/pdf' },
			});
		}
		const run = await runWorkflow(
			[
				{ name: MARKER_NAME, type: MARKER_TYPE },
				{ name: NODE_NAME, type: nodeType ?? 'contratPrive', parameters },
			],
			[
				[INPUT_NODE_NAME, MARKER_NAME],
				[MARKER_NAME, NODE_NAME],
			],
			{
				items: job.op === 'create' ? [{ json: {}, binary }] : [{ json: {} }],
				credentials,
				binaryDataMode: job.binaryMode,
				nodeTypes: { ...nodeTypes, [MARKER_TYPE]: markerNodeType(async () => await phase.start()) },
			},
		);
		result = phase.end();
		const error = run.nodeError(NODE_NAME) ?? run.error;
		if (error) throw new Error(`the node failed: ${error.message}`);
		const [item] = run.output(NODE_NAME);
		const main = (item.json.mainDocument as { data: { size: number; sign?: { size: number } } })
			.data;
		if (job.op === 'create') {
			documentBytes = main.size * (1 + annexCount);
		} else {
			const annexes = (item.json.annexes as Array<{ size: number }>) ?? [];
			const expected = [main.size, main.sign?.size, ...annexes.map((annex) => annex.size)];
			const properties = ['original', 'signed', ...annexes.map((_, index) => `annex_${index}`)];
			documentBytes = 0;
			for (const [index, property] of properties.entries()) {
				if (expected[index] === undefined) continue;
				const file = await run.binary(NODE_NAME, 0, property);
				if (file.length !== expected[index]) {
					throw new Error('the downloaded documents do not have the sizes of the contract');
				}
				documentBytes += file.length;
			}
		}
	}
	const requests = (await sb.requestTotal()) - before;
	return { ...result, documentBytes, requests };
}
