/**
 * The reserve: a run on production that must leave some of the account's daily requests to
 * other workflows (a signing flow where a person waits for an SMS code). The day's usage is read
 * once, when the run starts; then every request of the run is counted before it is sent
 * (parallel ones and retries included), and one that would leave fewer than the reserve is not
 * sent: its item fails with an error that says why and when the quota resets. The one request
 * function (request.ts) asks `take` before each request it sends, so nothing escapes the count.
 *
 * Requests of other workflows during the run are not seen: the reserve is what this run
 * leaves, counted from the usage read at its start.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestCounter, RequestOptions } from '../delivery/options';
import { checkConnection } from '../transport/requests';
import type { ContratPriveContext, RequestName } from '../transport/types';
import { CREDENTIAL_TYPE, DAILY_REQUEST_QUOTA } from '../transport/types';

export interface QuotaReading {
	limit: number;
	/** Requests counted today when the run started (the usage check included). */
	used: number;
	/** When the counter goes back to 0 (midnight, Paris time). */
	resetAt?: string;
}

const count = (n: number) => n.toLocaleString('en-US');

export class RequestBudget implements RequestCounter {
	/** Requests this run sent since the usage was read. */
	sent = 0;

	constructor(
		private readonly context: ContratPriveContext,
		readonly reading: QuotaReading,
		readonly reserve: number,
	) {}

	/** Requests counted today, as far as this run knows. */
	get used(): number {
		return this.reading.used + this.sent;
	}

	/** Counts a request about to be sent, or throws when it would leave fewer than the reserve. */
	take(requestName: RequestName, itemIndex: number | undefined): void {
		if (this.used + 1 <= this.reading.limit - this.reserve) {
			this.sent += 1;
			return;
		}
		throw this.refusal(requestName, itemIndex);
	}

	private refusal(requestName: RequestName, itemIndex: number | undefined): NodeOperationError {
		const { limit, resetAt } = this.reading;
		const who = itemIndex === undefined ? 'The run' : `Item ${itemIndex}`;
		return new NodeOperationError(
			this.context.getNode(),
			`${who}: not sent, to keep ${count(this.reserve)} requests for other workflows`,
			{
				description: `"Keep Requests for Other Workflows" is ${count(this.reserve)}, and ${count(
					this.used,
				)} of the account's ${count(limit)} requests are used today (${count(
					this.sent,
				)} by this run after it read the usage). The daily quota resets ${
					resetAt ? `at ${resetAt} (midnight, Paris time)` : 'at midnight, Paris time'
				}. Nothing was sent for ${requestName}: run this item again then; with a Reference, nothing is created twice.`,
				itemIndex,
			},
		);
	}
}

/**
 * The budget of a run that keeps `reserve` requests for other workflows: one request reads the
 * day's usage; undefined when the reserve is 0 or the platform has no quota (the sandbox). The
 * limit is the one the connection check reports, else the credential's Daily Request Limit,
 * else 1,000.
 */
export async function openBudget(
	context: ContratPriveContext,
	reserve: number,
	options: RequestOptions = {},
): Promise<RequestBudget | undefined> {
	if (!(reserve > 0)) return undefined;
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	if (credentials.platform === 'sandbox') return undefined;
	const connection = await checkConnection.call(context, {
		timeout: options.timeout,
		retry: options.retry,
	});
	const quota = connection.quota;
	if (connection.platform !== 'production' || !quota) return undefined;
	const limit = positiveWhole(quota.limit) ?? userDailyLimit(credentials);
	return new RequestBudget(
		context,
		{ limit, used: Number(quota.used) || 0, resetAt: quota.resetAt },
		reserve,
	);
}

const positiveWhole = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

/** The limit set in the credential (for an account whose limit the service raised), else 1,000. */
export function userDailyLimit(credentials: IDataObject): number {
	return positiveWhole(Number(credentials.dailyRequestLimit)) ?? DAILY_REQUEST_QUOTA;
}
