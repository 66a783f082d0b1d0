/**
 * Headless Chromium (Debian's, driven by playwright-core) on the n8n editor, with what the page
 * logged and loaded sorted into what the package causes and what it does not.
 */
import type { Browser, Page } from 'playwright-core';
import { selectors } from 'playwright-core';

import { launchChromium } from '../../helpers/chromium';
import { PACKAGE_NAME } from '../workflows';

/** Where n8n serves the package's icons. */
export const ICON_PATH = `/icons/${PACKAGE_NAME}/`;

export interface IconResponse {
	url: string;
	status: number;
	contentType: string;
}

export interface PageProblems {
	/** Console errors, page errors and failed requests that name the package or its nodes. */
	package: string[];
	/** n8n's output-schema previews, optional files a community package may ship (404 without). */
	schemaPreviews: string[];
	/** Everything else: n8n's own noise (no network to npm, a 401 before login, requests a navigation cancelled...). */
	other: string[];
}

export interface EditorBrowser {
	browser: Browser;
	page: Page;
	/** Every response for a URL under /icons/n8n-nodes-contrat-prive/, in order. */
	icons: IconResponse[];
	problems(): PageProblems;
	close(): Promise<void>;
}

const MENTIONS_PACKAGE = new RegExp(`${PACKAGE_NAME}|contratPrive|Contrat-Priv`, 'i');

export async function openEditorBrowser(editorUrl: string): Promise<EditorBrowser> {
	// n8n's editor marks its elements with data-test-id.
	selectors.setTestIdAttribute('data-test-id');
	const browser = await launchChromium();
	const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
	const origin = new URL(editorUrl).origin;
	const icons: IconResponse[] = [];
	const seen: string[] = [];

	page.on('console', (m) => {
		if (m.type() !== 'error') return;
		const where = m.location().url;
		seen.push(`console: ${m.text()}${where ? ` (${where})` : ''}`);
	});
	page.on('pageerror', (err) => seen.push(`page error: ${err.stack ?? err.message}`));
	page.on('requestfailed', (req) =>
		seen.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`),
	);
	page.on('response', (res) => {
		const url = res.url();
		if (res.status() >= 400) seen.push(`HTTP ${res.status()}: ${res.request().method()} ${url}`);
		if (url.startsWith(origin) && new URL(url).pathname.startsWith(ICON_PATH)) {
			icons.push({ url, status: res.status(), contentType: res.headers()['content-type'] ?? '' });
		}
	});

	return {
		browser,
		page,
		icons,
		problems() {
			const result: PageProblems = { package: [], schemaPreviews: [], other: [] };
			for (const line of seen) {
				const onN8n = line.includes(origin);
				// Cancelled by a navigation (the next page opened before an image finished).
				const aborted = line.endsWith('net::ERR_ABORTED');
				if (aborted) {
					result.other.push(line);
				} else if (onN8n && line.includes(`${origin}/schemas/${PACKAGE_NAME}.`)) {
					result.schemaPreviews.push(line);
				} else if (MENTIONS_PACKAGE.test(line) && (onN8n || !/https?:\/\//.test(line))) {
					result.package.push(line);
				} else {
					result.other.push(line);
				}
			}
			return result;
		},
		async close() {
			await browser.close();
		},
	};
}

/** Through the sign-in page, as a person does. */
export async function signIn(
	page: Page,
	editorUrl: string,
	user: { email: string; password: string },
): Promise<void> {
	await page.goto(`${editorUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.locator('input[name="emailOrLdapLoginId"]').fill(user.email);
	await page.locator('input[name="password"]').fill(user.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** An SVG, as the browser takes it for an <img>. */
export function isSvg(contentType: string, body?: string): boolean {
	return /^image\/svg\+xml/.test(contentType) && (body === undefined || /<svg[\s>]/.test(body));
}
