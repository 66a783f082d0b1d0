/**
 * The portal's pages as a signatory uses them in Chromium: wait for a text, press a button,
 * download the signed PDF, take a screenshot. A failure says which page the signatory was on.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Browser, Page } from 'playwright-core';

export const SHOTS = path.resolve(__dirname, '..', '..', '..', 'test-results', 'portal');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 860 };

export async function shot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** What the page showed instead, with a screenshot. */
async function pageError(page: Page, what: string, err: unknown): Promise<Error> {
	const body = await page
		.locator('body')
		.innerText()
		.catch(() => '(no body)');
	await shot(page, 'failed').catch(() => undefined);
	return new Error(
		`${what} at ${page.url()}: ${String(err)}\n--- page text:\n${body.slice(0, 1500)}`,
	);
}

/** The text of the page once `text` shows (n8n's form pages navigate by script). */
export async function waitForText(page: Page, text: string | RegExp): Promise<string> {
	try {
		await page.getByText(text).first().waitFor({ timeout: 30_000 });
	} catch (err) {
		throw await pageError(page, `"${String(text)}" did not show`, err);
	}
	return await page.locator('body').innerText();
}

export async function submit(page: Page, label: string): Promise<void> {
	try {
		await page.getByRole('button', { name: label }).click({ timeout: 30_000 });
	} catch (err) {
		throw await pageError(page, `no button "${label}"`, err);
	}
}

/** Clicks the last page's link and saves the PDF it downloads. */
export async function downloadSigned(page: Page, name: string): Promise<string> {
	const downloading = page.waitForEvent('download', { timeout: 60_000 });
	await page.getByRole('link', { name: 'Download your signed contract (PDF)' }).click();
	const download = await downloading;
	const file = path.join(SHOTS, name);
	await download.saveAs(file);
	return file;
}

export function pdfText(pdf: Buffer): string {
	const res = spawnSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
	assert.equal(res.status, 0, `pdftotext: ${res.stderr}`);
	return res.stdout;
}

/** Screenshots side by side, for the README (test/n8n/portal/screenshots/). */
export async function strip(browser: Browser, names: string[], file: string): Promise<void> {
	const style =
		'width:390px;height:844px;object-fit:cover;object-position:top;border-right:2px solid #ccc';
	const images = names
		.map((name) => fs.readFileSync(path.join(SHOTS, `${name}.png`)).toString('base64'))
		.map((data) => `<img style="${style}" src="data:image/png;base64,${data}">`)
		.join('');
	const context = await browser.newContext({
		viewport: { width: 392 * names.length, height: 844 },
	});
	const page = await context.newPage();
	await page.setContent(`<body style="margin:0;display:flex;background:#ccc">${images}</body>`);
	await page.screenshot({ path: path.join(SHOTS, file) });
	await context.close();
}

/** A personal link's token as the send-links example makes it (JWT, HS256). */
export function portalToken(secret: string, claims: Record<string, unknown>): string {
	const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
	return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
