/** What the measurement workers share. */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { RequestLogEntry } from '../../emulator/store';
import { EmulatorClient } from '../lib/emulator';
import { PeakTracker, settledMemory } from '../lib/memory';
import {
	CREATE_DEADLINE_DAYS,
	CREATE_LABEL,
	CREATE_MESSAGE,
	createParameters as createWith,
	parisDate,
} from '../../fixtures/contracts';
import { ALICE, BOB } from '../../fixtures/people';

export const MARKER_TYPE = 'bench.marker';
export const MARKER_NAME = 'Start Measuring';
export const NODE_NAME = 'Contrat-Privé';

/**
 * A pass-through node put between `Input` and the node measured: when it runs, the input items
 * exist already (in memory or on disk, per binary data mode), so what follows is the node's own.
 */
export function markerNodeType(onExecute: () => Promise<void>): INodeType {
	return {
		description: {
			displayName: 'Bench Marker',
			name: MARKER_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Marks where a measurement starts',
			defaults: { name: MARKER_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			await onExecute();
			return [this.getInputData()];
		},
	};
}

/**
 * With BENCH_TRACE set, the phase's bounds go to stderr in the clock of V8's CPU profiles
 * (monotonic, microseconds), so that a --cpu-prof profile can be cut to the phase
 * (test/bench/profile.ts).
 */
function tracePhase(what: 'start' | 'end'): void {
	if (process.env.BENCH_TRACE) {
		process.stderr.write(`BENCH_PHASE ${what} ${process.hrtime.bigint() / 1000n}\n`);
	}
}

export const FLOOR_TYPE = 'bench.n8nFloor';

/**
 * The least any n8n node must do for Contract › Create: per item, read the PDF through the
 * binary helpers and send the request through `httpRequestWithAuthentication` with this
 * package's credential. No parameters, no validation: the difference between it and raw axios
 * is n8n-core's, between the node and it the node's own.
 */
export function n8nFloorNodeType(url: string): INodeType {
	return {
		description: {
			displayName: 'Bench n8n Floor',
			name: FLOOR_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Sends contractCreateRequest with n8n helpers only',
			defaults: { name: NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'contratPriveApi', required: true }],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const items = this.getInputData();
			const output: INodeExecutionData[] = [];
			for (let index = 0; index < items.length; index++) {
				const pdf = await this.helpers.getBinaryDataBuffer(index, 'data');
				const response = await this.helpers.httpRequestWithAuthentication.call(
					this,
					'contratPriveApi',
					{
						method: 'POST',
						url,
						body: createBody(items[index].binary!.data.fileName!, pdf.toString('base64')),
						json: true,
					},
				);
				output.push({ json: response.contract, pairedItem: { item: index } });
			}
			return [output];
		},
	};
}

/**
 * A measured phase: resident memory when it starts (after a full GC, once settled), peak, time,
 * CPU.
 */
export class Phase {
	private readonly tracker = new PeakTracker();
	baselineRss = 0;
	private startedAt = 0;
	private cpuAtStart: NodeJS.CpuUsage = { user: 0, system: 0 };

	async start(): Promise<void> {
		this.baselineRss = await settledMemory();
		this.tracker.reset();
		this.cpuAtStart = process.cpuUsage();
		this.startedAt = performance.now();
		tracePhase('start');
	}

	end(): PhaseResult {
		const wallMs = performance.now() - this.startedAt;
		tracePhase('end');
		const cpu = process.cpuUsage(this.cpuAtStart);
		const peakRss = this.tracker.peak();
		this.tracker.stop();
		return {
			wallMs,
			cpuMs: (cpu.user + cpu.system) / 1000,
			baselineRss: this.baselineRss,
			peakRss,
			peakIncrease: peakRss - this.baselineRss,
			peakMethod: this.tracker.method,
		};
	}
}

export interface PhaseResult {
	wallMs: number;
	cpuMs: number;
	/** Resident memory when the phase started, after a full GC, once settled (bytes). */
	baselineRss: number;
	/** Highest resident memory during the phase (bytes). */
	peakRss: number;
	peakIncrease: number;
	peakMethod: string;
}

/** YYYY-MM-DD, `days` from now (far enough from midnight in Paris not to matter). */
export function deadlineIn(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The signatories of createParameters() as the node sends them (phones in E.164). */
export const WIRE_SIGNATORIES = [ALICE, BOB];

/** Contract › Create (the fixtures' parameters) with the first `signatories` of Alice and Bob. */
export function createParameters(signatories = 2): INodeParameters {
	return createWith({}, signatories);
}

/** The body Contract › Create sends for `createParameters(signatories)` (keys added by axios). */
export function createBody(
	fileName: string,
	base64: string,
	signatories = 2,
): Record<string, unknown> {
	return {
		contract: { label: CREATE_LABEL, lang: 'fr', deadline: parisDate(CREATE_DEADLINE_DAYS) },
		mainDocument: { name: fileName, data: base64 },
		signatories: WIRE_SIGNATORIES.slice(0, signatories),
		notify: { signatory: true, owner: true, submitMessage: CREATE_MESSAGE },
		action: { submit: true },
	};
}

/**
 * The time the server took for a request under the network model (ms): its modelled delay, or
 * more when the emulator's own work took longer than the model leaves for it.
 */
export function serverTime(entry: RequestLogEntry): number {
	return Math.max(entry.delayMs ?? 0, entry.serverMs ?? 0);
}

export function emulator(url: string): EmulatorClient {
	return new EmulatorClient(url);
}
