/**
 * Virtual clock of the emulator and Europe/Paris calendar helpers.
 *
 * The clock starts at a given instant and advances with real time; the control
 * API can jump it forward (or set it anywhere). Every rule that depends on time
 * (deadlines, daily quota, card expiry, log timestamps) reads this clock.
 */

export const PARIS_TZ = 'Europe/Paris';

export class VirtualClock {
	private anchorVirtual: number;
	private anchorReal: number;

	constructor(start?: Date | string | number) {
		this.anchorVirtual = start === undefined ? Date.now() : toMs(start);
		this.anchorReal = Date.now();
	}

	/** Current virtual time in milliseconds since the epoch. */
	nowMs(): number {
		return this.anchorVirtual + (Date.now() - this.anchorReal);
	}

	now(): Date {
		return new Date(this.nowMs());
	}

	/** Moves the clock by an ISO 8601 duration (`P1D`, `PT2H`, `-PT30M`) or by milliseconds. */
	advance(duration: string | number): Date {
		const ms = typeof duration === 'number' ? duration : parseDuration(duration);
		return this.set(this.nowMs() + ms);
	}

	/** Sets the clock to an instant (Date, ISO string or epoch milliseconds). */
	set(to: Date | string | number): Date {
		this.anchorVirtual = toMs(to);
		this.anchorReal = Date.now();
		return this.now();
	}
}

function toMs(v: Date | string | number): number {
	const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
	if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${String(v)}`);
	return ms;
}

const DURATION_RE =
	/^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses an ISO 8601 duration made of weeks, days, hours, minutes and seconds (a day is 24 h). */
export function parseDuration(s: string): number {
	const m = DURATION_RE.exec(s.trim().toUpperCase());
	if (!m || s.trim().toUpperCase() === 'P' || /T$/.test(s.trim())) {
		throw new RangeError(`invalid ISO 8601 duration: ${s}`);
	}
	const n = (i: number) => (m[i] ? Number(m[i]) : 0);
	const ms = n(2) * 7 * 86400000 + n(3) * 86400000 + n(4) * 3600000 + n(5) * 60000 + n(6) * 1000;
	return m[1] ? -ms : ms;
}

const partsFormat = new Intl.DateTimeFormat('en-US', {
	timeZone: PARIS_TZ,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
});

interface Parts {
	y: number;
	m: number;
	d: number;
	h: number;
	mi: number;
	s: number;
}

function parisParts(ms: number): Parts {
	const out: Record<string, number> = {};
	for (const p of partsFormat.formatToParts(new Date(ms))) {
		if (p.type !== 'literal') out[p.type] = Number(p.value);
	}
	return { y: out.year, m: out.month, d: out.day, h: out.hour % 24, mi: out.minute, s: out.second };
}

/** Offset of Europe/Paris from UTC at an instant, in milliseconds (+1 h or +2 h). */
function parisOffsetMs(ms: number): number {
	const p = parisParts(ms);
	const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of a Europe/Paris wall-clock time. */
export function parisLocalToMs(
	y: number,
	m: number,
	d: number,
	h = 0,
	mi = 0,
	s = 0,
	ms = 0,
): number {
	const guess = Date.UTC(y, m - 1, d, h, mi, s, ms);
	const off1 = parisOffsetMs(guess);
	let t = guess - off1;
	const off2 = parisOffsetMs(t);
	if (off2 !== off1) t = guess - off2;
	return t;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Calendar date `YYYY-MM-DD` in Europe/Paris of an instant. */
export function parisDate(ms: number): string {
	const p = parisParts(ms);
	return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
	const m = DATE_RE.exec(s);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const t = new Date(Date.UTC(y, mo - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * Dates the emulator computes itself may go past year 9999: the day after 9999-12-31 is
 * 10000-01-01. Input dates are still checked with DATE_RE (4-digit years).
 */
const COMPUTED_DATE_RE = /^(\d{4,6})-(\d{2})-(\d{2})$/;

export function addDays(date: string, days: number): string {
	const m = COMPUTED_DATE_RE.exec(date);
	if (!m) throw new RangeError(`invalid date ${date}`);
	const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
	return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Instant at which a Europe/Paris calendar day starts (midnight, Paris time). */
export function startOfParisDay(date: string): number {
	const m = COMPUTED_DATE_RE.exec(date);
	if (!m) throw new RangeError(`invalid date ${date}`);
	return parisLocalToMs(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Instant at which a Europe/Paris calendar day is over (next midnight, Paris time). */
export function endOfParisDay(date: string): number {
	return startOfParisDay(addDays(date, 1));
}

const LOCAL_DT_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const ZONED_DT_RE =
	/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses a filter bound: a bare date (start of that Paris day, or its last
 * millisecond when `endOfDay`), a date-time with a zone, or a date-time without
 * one (read as Paris wall-clock time). Returns null when unreadable.
 */
export function parseBound(s: string, endOfDay: boolean): number | null {
	if (DATE_RE.test(s)) {
		if (!isCalendarDate(s)) return null;
		return endOfDay ? endOfParisDay(s) - 1 : startOfParisDay(s);
	}
	if (ZONED_DT_RE.test(s)) {
		const ms = Date.parse(s.replace(' ', 'T'));
		return Number.isFinite(ms) ? ms : null;
	}
	const m = LOCAL_DT_RE.exec(s);
	if (m) {
		if (!isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return null;
		const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
		if (h > 23 || mi > 59 || sec > 59) return null;
		const frac = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
		return parisLocalToMs(Number(m[1]), Number(m[2]), Number(m[3]), h, mi, sec, frac);
	}
	return null;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
