/**
 * Spacing of polls on production, where every request counts against the owner's daily quota.
 * n8n's Poll Times default to every minute, which alone would spend more than the quota: polls
 * that come sooner than the minimum interval after the last one are skipped without a request.
 */
import type { IPollFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DAILY_REQUEST_QUOTA } from '../transport';
import { accountOf, knownDailyLimit } from '../quota/processMemory';
import { userDailyLimit } from '../quota/requestBudget';

/** The default spacing at the default limit of 1,000 requests a day: 96 polls, under 10%. */
export const DEFAULT_PRODUCTION_INTERVAL_MINUTES = 15;

/**
 * The default spacing for an account's daily limit: the same share of it as 15 minutes of
 * 1,000 (a raised limit polls more often, never more than once a minute).
 */
export function defaultProductionInterval(dailyLimit: number): number {
	return Math.max(
		1,
		Math.ceil((DEFAULT_PRODUCTION_INTERVAL_MINUTES * DAILY_REQUEST_QUOTA) / dailyLimit),
	);
}

/** n8n's scheduler may fire a little early; a poll this close to its due time still runs. */
const EARLY_TOLERANCE_MS = 5_000;

/** Whether a poll at `now` is due, given the time the last one ran (an ISO string, or nothing). */
export function isPollDue(lastPollAt: unknown, now: number, intervalMinutes: number): boolean {
	const last = typeof lastPollAt === 'string' ? Date.parse(lastPollAt) : NaN;
	if (!Number.isFinite(last) || last > now) return true;
	return now - last >= intervalMinutes * 60_000 - EARLY_TOLERANCE_MS;
}

/**
 * On production, takes the turn of this poll (remembering when it ran) or refuses it when the
 * last poll ran less than the interval ago: the one chosen in the options, else the default for
 * the account's daily limit. Other platforms have no quota: always due.
 */
export async function takePollTurn(
	context: IPollFunctions,
	staticData: Record<string, unknown>,
	chosenInterval: number | undefined,
): Promise<boolean> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	if (credentials.platform !== 'production') return true;
	// The account's own limit when this process saw a connection check report it, else the
	// credential's Daily Request Limit.
	const account = await accountOf(context);
	const intervalMinutes =
		chosenInterval ??
		defaultProductionInterval((account && knownDailyLimit(account)) || userDailyLimit(credentials));
	const now = Date.now();
	if (!isPollDue(staticData.lastPollAt, now, intervalMinutes)) {
		context.logger.debug(
			`Contrat-Privé Trigger: poll skipped, the last one ran less than ${intervalMinutes} minutes ago (production quota)`,
		);
		return false;
	}
	staticData.lastPollAt = new Date(now).toISOString();
	return true;
}
