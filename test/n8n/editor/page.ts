/**
 * What the editor scenario does with a page besides clicking: waits on conditions, checks a
 * canvas node's icon, takes screenshots with no API key in them.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { DEMO_ACCOUNTS } from '../../emulator';
import { ICON_PATH } from './browser';

// What the functions run in the page use of the DOM (the tests compile without the DOM library).
interface Box {
	left: number;
	right: number;
	top: number;
	bottom: number;
}
interface BoxedElement {
	getBoundingClientRect(): { toJSON(): Box };
}
interface PageField {
	type?: string;
	value?: string;
	style: { visibility: string };
	checkVisibility?(options: { visibilityProperty: boolean }): boolean;
}
interface PageDocument {
	body: { innerText: string };
	querySelectorAll(selector: string): Iterable<PageField>;
}

const REPO = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOTS = path.join(REPO, 'test-results', 'editor');
/** The examples' sticky notes spell out the emulator's demo keys: masked in screenshots. */
export const STICKY = '[data-test-id="sticky"]';
export const SECRETS = Object.values(DEMO_ACCOUNTS).map((a) => a.apiKey);
/** How long one editor step (a panel opening, a list loading) may take. */
export const STEP_MS = 30_000;

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The whole text of an element, give or take white space. */
export const exactly = (s: string) => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);

/** The canvas nodes with their names and the item counts between them. */
export async function nodesArea(
	page: Page,
): Promise<{ x: number; y: number; width: number; height: number }> {
	const boxes = await page
		.getByTestId('canvas-node')
		.evaluateAll((els) => els.map((el: BoxedElement) => el.getBoundingClientRect().toJSON()));
	const left = Math.min(...boxes.map((b) => b.left)) - 60;
	const right = Math.max(...boxes.map((b) => b.right)) + 150;
	const top = Math.min(...boxes.map((b) => b.top)) - 40;
	const bottom = Math.max(...boxes.map((b) => b.bottom)) + 70;
	return { x: Math.max(0, left), y: Math.max(0, top), width: right - left, height: bottom - top };
}

/** The canvas node's icon is an image the browser loaded. */
export async function assertIconShown(page: Page, nodeName: string): Promise<void> {
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	const img = node.locator(`img[src*="${ICON_PATH}"]`).first();
	await img.waitFor().catch(() => {
		throw new Error(`the canvas node "${nodeName}" shows no icon of the package`);
	});
	await waitUntil(
		() => img.evaluate((e: { complete: boolean }) => e.complete === true),
		`the icon of "${nodeName}" to load`,
	);
	const width = await img.evaluate((e: { naturalWidth: number }) => e.naturalWidth);
	assert.ok(width > 0, `the icon of "${nodeName}" is broken (${await img.getAttribute('src')})`);
}

/** Once the canvas stopped moving (tidy-up and zoom animate). */
/** Closes the open node panel: n8n 2 has a close button, n8n 1 a "Back to canvas" link. */
export async function closePanel(page: Page): Promise<void> {
	await page
		.getByTestId('ndv-close-button')
		.or(page.getByTestId('back-to-canvas'))
		.filter({ visible: true })
		.first()
		.click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });
}

export async function canvasAtRest(page: Page): Promise<void> {
	const boxes = async () =>
		JSON.stringify(
			await page
				.getByTestId('canvas-node')
				.evaluateAll((els) => els.map((el: BoxedElement) => el.getBoundingClientRect().toJSON())),
		);
	let last = '';
	await waitUntil(async () => {
		const now = await boxes();
		const same = now === last;
		last = now;
		if (!same) await new Promise((r) => setTimeout(r, 300));
		return same;
	}, 'the canvas to stop moving');
}

export async function expectCount(locator: Locator, count: number, what: string): Promise<void> {
	await waitUntil(async () => (await locator.count()) === count, `${what} (${count})`).catch(
		async (err) => {
			throw new Error(`${(err as Error).message}: found ${await locator.count()}`);
		},
	);
}

/**
 * A screenshot under test-results/editor/, after checking that no API key is visible outside
 * the elements matching `mask` (painted over in the picture).
 */
export async function screenshot(
	page: Page,
	name: string,
	mask?: string,
	clip?: { x: number; y: number; width: number; height: number },
): Promise<void> {
	const visible = await page.evaluate((maskSelector) => {
		const doc = (globalThis as { document?: PageDocument }).document!;
		const hidden = maskSelector ? [...doc.querySelectorAll(maskSelector)] : [];
		for (const el of hidden) el.style.visibility = 'hidden';
		// No named function in here: the bundler would wrap it in a helper the page lacks.
		const inputs = [...doc.querySelectorAll('input, textarea')].filter(
			(el) =>
				el.type !== 'password' && el.checkVisibility?.({ visibilityProperty: true }) !== false,
		);
		const text = [doc.body.innerText, ...inputs.map((i) => i.value as string)].join('\n');
		for (const el of hidden) el.style.visibility = '';
		return text;
	}, mask);
	for (const secret of SECRETS) {
		assert.ok(!visible.includes(secret), `an API key is visible in ${name}`);
	}
	await page.screenshot({
		path: path.join(SCREENSHOTS, name),
		mask: mask ? [page.locator(mask)] : [],
		clip,
	});
}

/** Logs how long each step took since the previous one. */
export function stopwatch(): (what: string) => void {
	let last = Date.now();
	return (what) => {
		console.log(`  ${what} (${((Date.now() - last) / 1000).toFixed(1)}s)`);
		last = Date.now();
	};
}

export async function waitUntil(
	check: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = STEP_MS,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}
