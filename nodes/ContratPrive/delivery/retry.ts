/**
 * Timeouts, and the attempts of one request: how long to wait before the next one, and whether
 * the retry policy allows it. Which failures are sent again is the request's policy (request.ts).
 */
import { randomInt, sleep } from 'n8n-workflow';

import type { ContratPriveContext, RetryPolicy } from './options';

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

/** Exponential backoff with "equal jitter": half the wait is fixed, half random. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
	const exponential = Math.min(policy.maxDelay, policy.initialDelay * 2 ** retry);
	const half = Math.floor(exponential / 2);
	const spread = exponential - half;
	return half + (spread > 0 ? randomInt(0, spread + 1) : 0);
}

/** The attempts of one request under a retry policy (without one: a single attempt). */
export class Attempts {
	private retries = 0;

	private rateLimited = 0;

	private readonly started = Date.now();

	constructor(
		private readonly context: ContratPriveContext,
		private readonly requestName: string,
		private readonly policy: RetryPolicy | undefined,
	) {}

	get count(): number {
		return this.retries + 1;
	}

	/** Waits before the next attempt after a failure; false when the policy allows none. */
	async next(reason: string): Promise<boolean> {
		const policy = this.policy;
		if (!policy || this.retries >= policy.maxRetries) return false;
		const delay = backoffDelay(policy, this.retries);
		const attempt = `attempt ${this.retries + 2} of ${policy.maxRetries + 1}`;
		if (!(await this.wait(delay, `failed (${reason}); ${attempt}`))) return false;
		this.retries += 1;
		return true;
	}

	/** Waits as a rate limit asks: not a failure, so it does not count against Max Retries. */
	async afterRateLimit(retryAfterMs: number | undefined): Promise<boolean> {
		if (!this.policy) return false;
		const delay = retryAfterMs ?? backoffDelay(this.policy, this.rateLimited);
		if (!(await this.wait(delay, 'rate-limited (HTTP 429); sent again'))) return false;
		this.rateLimited += 1;
		return true;
	}

	summary(): string {
		const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
		return `Tried ${this.count} times in ${seconds} s.`;
	}

	/** Sleeps `delay` ms (less when the execution is cancelled), unless past the time limit. */
	private async wait(delay: number, what: string): Promise<boolean> {
		if (!this.policy || Date.now() - this.started + delay > this.policy.maxTotalTime) return false;
		this.context.logger.debug(`Contrat-Privé: ${this.requestName} ${what} in ${delay} ms`);
		const cancel =
			'getExecutionCancelSignal' in this.context
				? this.context.getExecutionCancelSignal()
				: undefined;
		await pause(delay, cancel);
		return !cancel?.aborted;
	}
}

/**
 * Waits `ms`, or less when `signal` aborts (the execution is cancelled). n8n's `sleep` raced with
 * the signal: n8n-workflow's own `sleepWithAbort` is missing from some n8n versions (2.39).
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 || signal?.aborted) return;
	let stop = () => {};
	const aborted = new Promise<void>((resolve) => {
		stop = resolve;
		signal?.addEventListener('abort', stop, { once: true });
	});
	await Promise.race([sleep(ms), aborted]);
	signal?.removeEventListener('abort', stop);
}

/** Retry-After: seconds, or an HTTP date. */
export function retryAfterMs(value: unknown): number | undefined {
	const text = String(Array.isArray(value) ? value[0] : (value ?? '')).trim();
	const seconds = Number(text);
	if (text !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
