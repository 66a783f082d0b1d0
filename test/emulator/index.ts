/**
 * Local emulator of the Contrat-Privé e-signature API.
 *
 *   const sb = await startEmulator({ port: 0, now: '2026-12-01T09:00:00Z' });
 *   // credential base URL: `${sb.url}/sandbox/api`
 *   await sb.close();
 */
import type { NetworkModel } from './network';
import type { AddressInfo } from 'net';
import { VirtualClock } from './clock';
import { QuotaSettings, SeedOptions, seed as seedContracts, setQuota } from './control';
import { makeSimplePdf } from './pdf';
import { createServer } from './server';
import { DEMO_ACCOUNTS, Email, Platform, RequestLogEntry, Sms, Store } from './store';
import { Env } from './workflow';

export { DEMO_ACCOUNTS };
export type { Email, Platform, QuotaSettings, RequestLogEntry, SeedOptions, Sms };
export { SANDBOX_TEST_CARD } from './control';
export { EXAMPLE_IBAN } from './rules/validation';

export interface StartEmulatorOptions {
	/** Port to listen on; 0 = any free port. Default 8787. */
	port?: number;
	/** Host to bind. Default 127.0.0.1. */
	host?: string;
	/** Initial virtual time (Date or ISO string); default: real time. */
	now?: Date | string;
	/** The network model (delays, concurrency limit); default none. */
	network?: NetworkModel | null;
}

export interface RequestFilter {
	platform?: Platform;
	requestName?: string;
	status?: number;
}

export interface EmulatorClock {
	now(): Date;
	/** ISO 8601 duration (`P1D`, `PT2H`) or milliseconds. */
	advance(duration: string | number): Date;
	set(to: Date | string): Date;
}

export interface Emulator {
	/** `http://127.0.0.1:PORT` (no trailing slash). */
	url: string;
	port: number;
	/** `{url}/sandbox/api` and `{url}/production/api`. */
	baseUrls: { sandbox: string; production: string };
	/** Live log of API requests received (control routes excluded). */
	readonly requests: readonly RequestLogEntry[];
	requestCount(filter?: RequestFilter): number;
	resetRequestLog(): void;
	/** Turns the network model on (null: off); also PUT/DELETE /_control/network. */
	setNetwork(model: NetworkModel | null): void;
	clock: EmulatorClock;
	/** Bulk test data: many contracts at once; returns their ids in creation order. */
	seed(options: SeedOptions): { ids: string[] };
	/**
	 * A production owner's daily limit (as the service raises it on request) and/or today's
	 * counter (requests other workflows spent); also PUT /_control/quota. Counts no request.
	 */
	setQuota(settings: QuotaSettings): {
		limit: number;
		used: number;
		remaining: number;
		resetAt: string;
	};
	/** E-mails and SMS sent so far. */
	outbox(): { emails: readonly Email[]; sms: readonly Sms[] };
	/** Empties the state (contracts, outbox, faults, quotas, request log); the clock is unchanged. */
	reset(): void;
	/** Unexpected exceptions that became 500 INTERNAL_ERROR (each one is a bug). */
	readonly internalErrors: readonly Error[];
	close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
	const clock = new VirtualClock(options.now);
	const store = new Store();
	const host = options.host ?? '127.0.0.1';
	let url = '';
	const env: Env = {
		store,
		clock,
		baseUrl: () => url,
		network: options.network ?? null,
		tinyPdf: await makeSimplePdf('Contrat-Privé emulator - seeded contract'),
	};
	const server = createServer(env);
	await server.app.listen({ port: options.port ?? 8787, host });
	const port = (server.app.server.address() as AddressInfo).port;
	url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

	let closed: Promise<void> | null = null;
	return {
		url,
		port,
		baseUrls: { sandbox: `${url}/sandbox/api`, production: `${url}/production/api` },
		get requests() {
			return store.requests;
		},
		requestCount(filter: RequestFilter = {}) {
			let n = 0;
			for (const r of store.requests) {
				if (filter.platform !== undefined && r.platform !== filter.platform) continue;
				if (filter.requestName !== undefined && r.requestName !== filter.requestName) continue;
				if (filter.status !== undefined && r.status !== filter.status) continue;
				n += 1;
			}
			return n;
		},
		setNetwork(model: NetworkModel | null) {
			env.network = model;
		},
		resetRequestLog() {
			store.requests.length = 0;
		},
		clock: {
			now: () => clock.now(),
			advance: (d) => clock.advance(d),
			set: (to) => clock.set(to),
		},
		seed: (opts) => seedContracts(env, opts),
		setQuota: (settings) => setQuota(env, settings),
		outbox: () => ({ emails: store.emails, sms: store.sms }),
		reset: () => store.reset(),
		get internalErrors() {
			return store.internalErrors;
		},
		close() {
			if (!closed) {
				server.releaseHeld();
				closed = server.app.close();
			}
			return closed;
		},
	};
}
