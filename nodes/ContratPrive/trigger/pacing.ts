/**
 * Spacing of polls on production, where every request counts against the owner's daily quota.
 * n8n's Poll Times default to every minute, which alone would spend more than the quota: polls
 * that come sooner than the minimum interval after the last one are skipped without a request.
 */
import type { IPollFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../transport';

export const DEFAULT_PRODUCTION_INTERVAL_MINUTES = 15;

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
 * last poll ran less than `intervalMinutes` ago. Other platforms have no quota: always due.
 */
export async function takePollTurn(
	context: IPollFunctions,
	staticData: Record<string, unknown>,
	intervalMinutes: number,
): Promise<boolean> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	if (credentials.platform !== 'production') return true;
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
