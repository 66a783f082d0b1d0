/**
 * Poll spacing on production: n8n's Poll Times default to every minute, more than the daily
 * quota allows, so the trigger skips polls that come too soon after the last one. The production
 * platform's host cannot be reached from the test machine (no network): a poll that runs fails at
 * once on DNS, which is how these tests tell a poll that ran from one that was skipped.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultProductionInterval, isPollDue } from '../../nodes/ContratPrive/trigger/pacing';
import { runPoll } from '../helpers/poll';
import { KEYS } from '../fixtures/accounts';

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('isPollDue', () => {
	const now = Date.parse('2026-12-01T09:00:00.000Z');
	test.each([
		['never polled', undefined, 15, true],
		['unreadable time', 'yesterday', 15, true],
		['a time in the future (clock moved back)', '2026-12-01T10:00:00.000Z', 15, true],
		['1 minute ago, interval 15', '2026-12-01T08:59:00.000Z', 15, false],
		['14 minutes ago, interval 15', '2026-12-01T08:46:00.000Z', 15, false],
		['15 minutes ago less 3 s of scheduler jitter', '2026-12-01T08:45:03.000Z', 15, true],
		['15 minutes ago', '2026-12-01T08:45:00.000Z', 15, true],
		['1 minute ago, interval 0 (spacing off)', '2026-12-01T08:59:00.000Z', 0, true],
	])('%s', (_name, lastPollAt, interval, due) => {
		expect(isPollDue(lastPollAt, now, interval)).toBe(due);
	});
});

describe('the trigger on production', () => {
	const parameters = { events: ['contractSigned'] };
	const production = { platform: 'production' as const, ...KEYS.production };

	const poll = async (staticData: IDataObject, options: INodeParameters = {}) =>
		await runPoll({
			node: { parameters: { ...parameters, options } },
			credentials: production,
			staticData: { 'node:Contrat-Privé Trigger': staticData },
			mode: 'trigger',
		});

	test('a poll less than 15 minutes after the last one is skipped: no request, nothing changes', async () => {
		const lastPollAt = ago(5 * MINUTE);
		const state = { lastPollAt };
		const result = await poll(state);
		expect(result.error).toBeUndefined();
		expect(result.items).toBeNull();
		expect(state).toEqual({ lastPollAt });
	});

	test('a poll 15 minutes after the last one runs (and here fails on DNS)', async () => {
		const state: IDataObject = { lastPollAt: ago(15 * MINUTE) };
		const result = await poll(state);
		expect(Date.parse(state.lastPollAt as string)).toBeGreaterThan(Date.now() - MINUTE);
		// It ran: the first transient failure is counted (reported from the third in a row).
		expect(state.consecutiveFailures ?? result.error).toBeTruthy();
	});

	test('the interval is an option: at 1 minute, a poll 2 minutes after the last one runs', async () => {
		const state: IDataObject = { lastPollAt: ago(2 * MINUTE) };
		await poll(state, { productionInterval: 1 });
		expect(Date.parse(state.lastPollAt as string)).toBeGreaterThan(Date.now() - MINUTE);
	});

	test('the first poll ever runs at once', async () => {
		const state: IDataObject = {};
		await poll(state);
		expect(typeof state.lastPollAt).toBe('string');
	});

	test("the default follows the account's limit: at 5,000 a day (Daily Request Limit), a poll 4 minutes after the last one runs", async () => {
		const limited = async (dailyRequestLimit: number, minutesAgo: number) => {
			const state: IDataObject = { lastPollAt: ago(minutesAgo * MINUTE) };
			await runPoll({
				node: { parameters },
				credentials: { ...production, dailyRequestLimit } as typeof production,
				staticData: { 'node:Contrat-Privé Trigger': state },
				mode: 'trigger',
			});
			return Date.parse(state.lastPollAt as string) > Date.now() - MINUTE;
		};
		expect(await limited(5000, 4)).toBe(true);
		expect(await limited(5000, 2)).toBe(false);
		expect(await limited(1000, 4)).toBe(false);
	});
});

describe('defaultProductionInterval', () => {
	test.each([
		[1000, 15],
		[2000, 8],
		[5000, 3],
		[500, 30],
		[100_000, 1],
	])('%i requests a day: every %i minutes', (limit, minutes) => {
		expect(defaultProductionInterval(limit)).toBe(minutes);
	});
});
