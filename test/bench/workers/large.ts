/**
 * One large document: Contract › Create with a PDF of `size` bytes, or Contract › Get with
 * "Download Documents" on a contract whose original and signed PDFs are each about that size.
 * `raw` does the same request with axios (and, for get, decodes the PDFs into buffers, as any
 * client that wants the files must).
 */
import axios from 'axios';

import { makePdf, signablePdfOfSize } from '../../fixtures/pdf';
import type { BinaryDataMode } from '../../helpers';
import { INPUT_NODE_NAME, runNode, runWorkflow } from '../../helpers';
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
	variant: 'node' | 'raw';
	op: 'create' | 'get';
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

	// Warm up the same code path on a small document.
	if (job.variant === 'node') {
		const warmUp =
			job.op === 'create'
				? await runNode({
						node: { parameters: createParameters(1) },
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
						node: { parameters: getParameters(job.warmUpContractId!) },
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
		phase.start();
		if (job.op === 'create') {
			const response = await client.post(`${sb.apiBase}/contractCreateRequest`, {
				...SANDBOX_KEYS,
				...createBody('large.pdf', pdf!.toString('base64'), 1),
			});
			result = phase.end();
			documentBytes = response.data.contract.mainDocument.data.size;
		} else {
			const response = await client.post(`${sb.apiBase}/contractDetailRequest`, {
				...SANDBOX_KEYS,
				contractId: job.contractId,
			});
			const main = response.data.contract.mainDocument.data;
			const files = [Buffer.from(main.content, 'base64'), Buffer.from(main.sign.content, 'base64')];
			result = phase.end();
			documentBytes = files[0].length + files[1].length;
		}
	} else {
		const parameters = job.op === 'create' ? createParameters(1) : getParameters(job.contractId!);
		const run = await runWorkflow(
			[
				{ name: MARKER_NAME, type: MARKER_TYPE },
				{ name: NODE_NAME, type: 'contratPrive', parameters },
			],
			[
				[INPUT_NODE_NAME, MARKER_NAME],
				[MARKER_NAME, NODE_NAME],
			],
			{
				items:
					job.op === 'create'
						? [
								{
									json: {},
									binary: {
										data: { data: pdf!, fileName: 'large.pdf', mimeType: 'application/pdf' },
									},
								},
							]
						: [{ json: {} }],
				credentials,
				binaryDataMode: job.binaryMode,
				nodeTypes: { [MARKER_TYPE]: markerNodeType(() => phase.start()) },
			},
		);
		result = phase.end();
		const error = run.nodeError(NODE_NAME) ?? run.error;
		if (error) throw new Error(`the node failed: ${error.message}`);
		const [item] = run.output(NODE_NAME);
		const main = (item.json.mainDocument as { data: { size: number; sign?: { size: number } } })
			.data;
		if (job.op === 'create') {
			documentBytes = main.size;
		} else {
			const files = [
				await run.binary(NODE_NAME, 0, 'original'),
				await run.binary(NODE_NAME, 0, 'signed'),
			];
			if (files[0].length !== main.size || files[1].length !== main.sign?.size) {
				throw new Error('the downloaded documents do not have the sizes of the contract');
			}
			documentBytes = files[0].length + files[1].length;
		}
	}
	const requests = (await sb.requestTotal()) - before;
	return { ...result, documentBytes, requests };
}
