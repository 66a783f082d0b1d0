/**
 * Server-rendered HTML for the emulator's website. Every value interpolated in
 * an `html` template is escaped unless it is itself `Html` (the output of
 * another `html` template): escaping is the default, never an afterthought.
 */
import { PARIS_TZ, iso } from '../clock';
import type { Platform } from '../store';

export class Html {
	constructor(readonly value: string) {}
	toString(): string {
		return this.value;
	}
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
	'`': '&#96;',
};

export const escapeHtml = (s: string): string => s.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]);

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
	if (v instanceof Html) return v.value;
	if (Array.isArray(v)) return v.map(render).join('');
	if (v === null || v === undefined || v === false || v === true) return '';
	return escapeHtml(String(v));
}

/** Template tag: escapes every interpolated value that is not `Html`. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
	let out = strings[0];
	for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
	return new Html(out);
}

/** A path from segments, each percent-encoded. */
export const path = (...segments: string[]): string =>
	'/' + segments.map((s) => encodeURIComponent(s)).join('/');

// ---------------------------------------------------------------- formats

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
	timeZone: PARIS_TZ,
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
});
const DATE_ONLY = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'UTC',
	day: 'numeric',
	month: 'short',
	year: 'numeric',
});

/** An instant in Paris time, e.g. `1 Dec 2026, 10:00`, in a `<time>` element. */
export const dateTime = (ms: number | null): Html =>
	ms === null ? html`-` : html`<time datetime="${iso(ms)}">${DATE_TIME.format(ms)}</time>`;

/** A calendar date `YYYY-MM-DD` written `31 Dec 2026`. */
export const calendarDate = (d: string): Html => {
	const ms = Date.parse(`${d}T00:00:00Z`);
	return Number.isFinite(ms)
		? html`<time datetime="${d}">${DATE_ONLY.format(ms)}</time>`
		: html`${d}`;
};

export const euros = (n: number): string => `${n.toFixed(2)} EUR`;

export function fileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A status as a coloured label (the colour is never the only signal: the word is there). */
export const badge = (status: string): Html =>
	html`<span class="badge badge-${status}">${status}</span>`;

// ---------------------------------------------------------------- page shell

export type FlashKind = 'success' | 'error' | 'info';
export interface Flash {
	kind: FlashKind;
	text: string;
	/** Name of the form field the message is about (marked aria-invalid). */
	field?: string;
}

export const FLASH_ID = 'flash';

export function flashBox(flash: Flash | null): Html {
	if (!flash) return html``;
	const role = flash.kind === 'error' ? 'alert' : 'status';
	return html`<div id="${FLASH_ID}" class="flash flash-${flash.kind}" role="${role}">
		<p>${flash.text}</p>
	</div>`;
}

/** `aria-invalid` and `aria-describedby` for a field the flash message is about. */
export function fieldState(flash: Flash | null, field: string, hintId?: string): Html {
	const invalid = flash?.kind === 'error' && flash.field === field;
	const describedBy = [hintId, invalid ? FLASH_ID : undefined].filter(Boolean).join(' ');
	return html`${invalid ? html` aria-invalid="true"` : ''}${describedBy
		? html` aria-describedby="${describedBy}"`
		: ''}`;
}

export interface PageOptions {
	title: string;
	/** Platform banner (sandbox: test platform). */
	platform?: Platform;
	/** Navigation links: [label, href, current?]. */
	nav?: [string, string, boolean?][];
	flash?: Flash | null;
	now: number;
}

export function layout(opts: PageOptions, body: Html): string {
	const banner =
		opts.platform === 'sandbox'
			? html`<p class="platform platform-sandbox">
					<strong>Sandbox</strong> - test platform: no SMS is sent (the code is 0000), only the test
					card is accepted, signatures are not legally valid.
				</p>`
			: opts.platform === 'production'
				? html`<p class="platform platform-production">
						<strong>Production</strong> (emulated) - nothing leaves this machine: e-mails and SMS go
						to the outbox.
					</p>`
				: html``;
	const nav = opts.nav?.length
		? html`<nav aria-label="Main">
				<ul>
					${opts.nav.map(
						([label, href, current]) =>
							html`<li>
								<a href="${href}" ${current ? html` aria-current="page"` : ''}>${label}</a>
							</li>`,
					)}
				</ul>
			</nav>`
		: html``;
	return `<!doctype html>\n${html`<html lang="en">
		<head>
			<meta charset="utf-8" />
			<meta name="viewport" content="width=device-width, initial-scale=1" />
			<title>${opts.title} - Contrat-Privé emulator</title>
			<link rel="stylesheet" href="${STYLESHEET_PATH}" />
		</head>
		<body>
			<a class="skip" href="#main">Skip to content</a>
			<header class="site">
				<div class="bar">
					<a class="brand" href="/">Contrat-Privé <span>local emulator</span></a>
					<p class="clock">Virtual clock: ${dateTime(opts.now)} (Paris)</p>
				</div>
				${nav} ${banner}
			</header>
			<main id="main">${flashBox(opts.flash ?? null)} ${body}</main>
			<footer class="site">
				<p>
					Local emulator of the Contrat-Privé service, for tests and workflow development. Not
					affiliated with Contrat-Privé.
				</p>
			</footer>
		</body>
	</html> `}`;
}

export const STYLESHEET_PATH = '/_website/style.css';
