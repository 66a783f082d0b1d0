/**
 * The emulator in its own process (so that its memory and CPU stay out of the measurements),
 * started from the same entry point as `npm run emulator`, and a small client of its control API.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { SANDBOX_KEYS } from '../../fixtures/accounts';
import type { NetworkModel } from '../../emulator/network';
import type { RequestLogEntry } from '../../emulator/store';
import type { WireContract, WireReply } from '../../emulator/wire-reply';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export { SANDBOX_KEYS };

export interface SeedRequest {
	count: number;
	status: 'signed' | 'cancelled' | 'expired' | 'pending' | 'draft';
	createdFrom: string;
	label?: string;
}

export class EmulatorClient {
	constructor(readonly url: string) {}

	/** Base URL of the sandbox platform, as a credential's custom Base URL. */
	get apiBase(): string {
		return `${this.url}/sandbox/api`;
	}

	/** The n8n credential the node runs with. */
	get credentials() {
		return { platform: 'custom' as const, baseUrl: this.apiBase, ...SANDBOX_KEYS };
	}

	async control(method: string, route: string, body?: unknown): Promise<WireReply> {
		const response = await fetch(`${this.url}/_control${route}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = (await response.json()) as WireReply;
		if (response.status !== 200) {
			throw new Error(`control ${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
		}
		return json;
	}

	/** A real API request (it counts in the request log). */
	async api(requestName: string, body: Record<string, unknown>): Promise<WireReply> {
		const response = await fetch(`${this.apiBase}/${requestName}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...SANDBOX_KEYS, ...body }),
		});
		const json = (await response.json()) as WireReply;
		if (response.status !== 200) {
			throw new Error(`${requestName}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
		}
		return json;
	}

	/**
	 * API requests received so far (control calls are not API requests). The log entry of a
	 * request is written when its response has gone, so wait a moment after the last one.
	 */
	async requestTotal(settleMs = 30): Promise<number> {
		if (settleMs) await new Promise((resolve) => setTimeout(resolve, settleMs));
		return (await this.control('GET', '/requests')).total;
	}

	/** The request log from entry `from` on (an earlier `requestTotal`): what a phase sent. */
	async requestsSince(from: number, settleMs = 30): Promise<RequestLogEntry[]> {
		if (settleMs) await new Promise((resolve) => setTimeout(resolve, settleMs));
		const { requests } = await this.control('GET', '/requests');
		return requests.slice(from);
	}

	/** The network model (test/emulator/network.ts); null turns it off. */
	async setNetwork(model: Partial<NetworkModel> | null): Promise<void> {
		if (model) await this.control('PUT', '/network', model);
		else await this.control('DELETE', '/network');
	}

	/** The most API requests in flight at once since the model was set or the emulator reset. */
	async peakInFlight(): Promise<number> {
		return (await this.control('GET', '/network')).peakInFlight;
	}

	async reset(): Promise<void> {
		await this.control('POST', '/reset');
	}

	async seed(request: SeedRequest): Promise<string[]> {
		const result = await this.control('POST', '/seed', {
			platform: 'sandbox',
			apiUser: SANDBOX_KEYS.apiUser,
			...request,
		});
		return result.ids;
	}

	async view(contractId: string): Promise<WireContract> {
		return (await this.control('GET', `/contracts/${contractId}`)).contract;
	}

	/** Every pending signatory signs on the website (no API request). */
	async signAll(contractId: string): Promise<void> {
		const contract = await this.view(contractId);
		for (const signatory of contract.signatories) {
			if (signatory.status === 'pending') {
				await this.control('POST', `/contracts/${contractId}/signatories/${signatory.id}/sign`);
			}
		}
	}
}

export interface EmulatorProcess {
	client: EmulatorClient;
	pid: number;
	close(): Promise<void>;
}

/** `tsx test/emulator/cli.ts --port 0` in a child process; resolves once it listens. */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		['--max-old-space-size=4096', '--import', 'tsx', 'test/emulator/cli.ts', '--port', '0'],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${output}`)), 60_000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.length > 100_000) output = output.slice(-50_000);
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`emulator exited (${code}):\n${output}`));
		});
	});
	// Keep draining its output so that it never blocks on a full pipe.
	child.stdout!.resume();
	return {
		client: new EmulatorClient(url),
		pid: child.pid!,
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
