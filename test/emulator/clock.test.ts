/** Unit tests of the virtual clock and the Europe/Paris calendar helpers. */
import {
	VirtualClock,
	addDays,
	endOfParisDay,
	isCalendarDate,
	parisDate,
	parseBound,
	parseDuration,
	startOfParisDay,
} from './clock';
import { ibanIsValid, luhnIsValid, decodeBase64 } from './rules/validation';

describe('virtual clock', () => {
	it('starts at the given instant and advances with real time', async () => {
		const c = new VirtualClock('2026-12-01T10:00:00+01:00');
		const t0 = c.nowMs();
		expect(new Date(t0).toISOString()).toMatch(/^2026-12-01T09:00:00/);
		await new Promise((r) => setTimeout(r, 30));
		expect(c.nowMs() - t0).toBeGreaterThanOrEqual(25);
		c.advance('P1D');
		expect(c.now().toISOString()).toMatch(/^2026-12-02T09:00:00/);
		c.set('2030-01-01T00:00:00Z');
		expect(c.now().toISOString()).toMatch(/^2030-01-01T00:00:00/);
	});

	it.each([
		['P1D', 86400000],
		['PT2H', 7200000],
		['PT30M', 1800000],
		['PT1.5S', 1500],
		['P1W', 7 * 86400000],
		['P1DT2H3M4S', 93784000],
		['-PT1H', -3600000],
	])('duration %s', (s, ms) => expect(parseDuration(s)).toBe(ms));

	it.each(['', 'P', 'PT', '1D', 'P1Y2', 'P1DT', 'tomorrow'])('rejects duration %p', (s) =>
		expect(() => parseDuration(s)).toThrow(RangeError),
	);
});

describe('Europe/Paris days', () => {
	it('dates and day boundaries, across DST changes', () => {
		expect(parisDate(Date.parse('2026-11-30T23:30:00Z'))).toBe('2026-12-01');
		expect(parisDate(Date.parse('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
		expect(parisDate(Date.parse('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
		expect(new Date(startOfParisDay('2026-12-01')).toISOString()).toBe('2026-11-30T23:00:00.000Z');
		expect(new Date(startOfParisDay('2026-07-01')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
		// 2026-03-29: 23-hour day; 2026-10-25: 25-hour day
		expect(new Date(endOfParisDay('2026-03-29')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
		expect(endOfParisDay('2026-03-29') - startOfParisDay('2026-03-29')).toBe(23 * 3600000);
		expect(new Date(endOfParisDay('2026-10-25')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
		expect(endOfParisDay('2026-10-25') - startOfParisDay('2026-10-25')).toBe(25 * 3600000);
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
	});

	it('calendar dates and filter bounds', () => {
		expect(isCalendarDate('2026-02-28')).toBe(true);
		expect(isCalendarDate('2026-02-29')).toBe(false);
		expect(isCalendarDate('2026-2-28')).toBe(false);
		expect(parseBound('2026-12-01', false)).toBe(Date.parse('2026-11-30T23:00:00Z'));
		expect(parseBound('2026-12-01', true)).toBe(Date.parse('2026-12-01T22:59:59.999Z'));
		expect(parseBound('2026-12-01T10:00:00Z', false)).toBe(Date.parse('2026-12-01T10:00:00Z'));
		expect(parseBound('2026-12-01T10:00:00+02:00', false)).toBe(Date.parse('2026-12-01T08:00:00Z'));
		expect(parseBound('2026-07-01T10:00:00', false)).toBe(Date.parse('2026-07-01T08:00:00Z'));
		expect(parseBound('2026-13-01', false)).toBeNull();
		expect(parseBound('yesterday', false)).toBeNull();
	});
});

describe('checksums', () => {
	it('IBAN mod-97', () => {
		expect(ibanIsValid('FR7630006000011234567890189')).toBe(true);
		expect(ibanIsValid('DE89370400440532013000')).toBe(true);
		expect(ibanIsValid('FR7630006000011234567890188')).toBe(false);
		expect(ibanIsValid('FR76')).toBe(false);
	});
	it('Luhn', () => {
		expect(luhnIsValid('4706750000000009')).toBe(true);
		expect(luhnIsValid('4111111111111111')).toBe(true);
		expect(luhnIsValid('4111111111111112')).toBe(false);
	});
	it('strict base64', () => {
		expect(decodeBase64('JVBERi0=')?.toString()).toBe('%PDF-');
		expect(decodeBase64('JVBERi0')?.toString()).toBe('%PDF-');
		expect(decodeBase64('JVBE\nRi0=')?.toString()).toBe('%PDF-');
		expect(decodeBase64('JVB=ERi0')).toBeNull();
		expect(decodeBase64('%PDF-')).toBeNull();
		expect(decodeBase64('A')).toBeNull();
	});
});
