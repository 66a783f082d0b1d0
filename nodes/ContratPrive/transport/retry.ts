/**
 * Timeouts and retries. Reads are sent again after any transient failure; writes only when they
 * provably never reached Contrat-Privé, or after a read-back showed they were not carried out
 * (see outcomes.ts).
 */
import { randomInt, sleepWithAbort } from 'n8n-workflow';

import type { ContratPriveContext, RequestName, RetryPolicy } from './types';

/** Default request timeout: milliseconds without any data sent or received. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Creating a contract uploads whole documents (see MAX_DOCUMENT_BYTES) and lets the server check them. */
export const CREATE_TIMEOUT_MS = 120_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	initialDelay: 500,
	maxDelay: 8000,
	maxTotalTime: 30_000,
};

/** The requests that change nothing: they may be sent again after any transient failure. */
export const READ_REQUESTS: readonly RequestName[] = [
	'checkConnexionRequest',
	'contractListRequest',
	'contractDetailRequest',
];

export function isReadRequest(requestName: RequestName): boolean {
	return READ_REQUESTS.includes(requestName);
}

/** Exponential backoff with "equal jitter": half the wait is fixed, half random. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
	const exponential = Math.min(policy.maxDelay, policy.initialDelay * 2 ** retry);
	const half = Math.floor(exponential / 2);
	const spread = exponential - half;
	return half + (spread > 0 ? randomInt(0, spread + 1) : 0);
}

export class Attempts {
	private retries = 0;

	private waited = 0;

	private rateLimited = 0;

	private readonly started = Date.now();

	constructor(
		private readonly context: ContratPriveContext,
		private readonly requestName: RequestName,
		private readonly policy: RetryPolicy | undefined,
	) {}

	get count(): number {
		return this.retries + 1;
	}

	/** Waits before the next attempt; false when the policy allows none. */
	async next(reason: string): Promise<boolean> {
		const policy = this.policy;
		if (!policy || this.retries >= policy.maxRetries) return false;
		const delay = backoffDelay(policy, this.retries);
		if (Date.now() - this.started + delay > policy.maxTotalTime) return false;
		this.retries += 1;
		this.waited += delay;
		this.context.logger.debug(
			`Contrat-Privé: ${this.requestName} failed (${reason}); attempt ${this.retries + 1} of ${
				policy.maxRetries + 1
			} in ${delay} ms`,
		);
		await this.wait(delay);
		return true;
	}

	/**
	 * Waits as a rate limit (HTTP 429) asks, within the policy's time limit; false when it cannot.
	 * A rate limit is not a failure: it does not count against Max Retries.
	 */
	async afterRateLimit(retryAfterMs: number | undefined): Promise<boolean> {
		const policy = this.policy;
		if (!policy) return false;
		const delay = retryAfterMs ?? backoffDelay(policy, this.rateLimited);
		if (Date.now() - this.started + delay > policy.maxTotalTime) return false;
		this.rateLimited += 1;
		this.context.logger.debug(
			`Contrat-Privé: ${this.requestName} rate-limited (HTTP 429); sent again in ${delay} ms`,
		);
		await this.wait(delay);
		return true;
	}

	summary(): string {
		const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
		return `Tried ${this.count} times in ${seconds} s.`;
	}

	/** Sleeps `delay` ms, ended early when the execution is cancelled. */
	private async wait(delay: number): Promise<void> {
		const signal =
			'getExecutionCancelSignal' in this.context
				? this.context.getExecutionCancelSignal()
				: undefined;
		await sleepWithAbort(delay, signal);
	}
}

/** A promise's outcome as a value, so that an error can be inspected before it is thrown on. */
export async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
	try {
		return { value: await promise };
	} catch (error) {
		return { error };
	}
}
