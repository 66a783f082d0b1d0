/**
 * The n8n editor in headless Chromium, as a person uses it, against the e2e's `n8n start`:
 * signs in, opens every example workflow, adds the trigger and one action node per operation
 * from the nodes panel and reads each node panel, picks a contract "From list", tests the
 * credential from its modal, runs the bulk example with the editor's button, and shows it
 * again in the dark theme. Every request for the package's icons must answer an SVG, and
 * nothing the package causes may log an error. Screenshots go to test-results/editor/; the README's one
 * (screenshot-editor.png) is rewritten only with UPDATE_SCREENSHOTS=1.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeTypeDescription } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { DEMO_ACCOUNTS } from '../../emulator';
import type { WireReply } from '../../emulator/wire-reply';
import type { Ctx, Scenario } from '../e2e';
import { EXAMPLES, loadExample } from '../examples';
import type { ExampleName } from '../examples';
import type { WorkflowJson } from '../n8n-cli';
import { OWNER, runN8nOk } from '../n8n-cli';
import { NODE_TYPE, PACKAGE_NAME, TRIGGER_TYPE } from '../workflows';
import type { EditorBrowser, PageProblems } from './browser';
import { ICON_PATH, isSvg, openEditorBrowser, signIn } from './browser';
import {
	assertIconShown,
	canvasAtRest,
	closePanel,
	escapeRegExp,
	exactly,
	expectCount,
	nodesArea,
	screenshot,
	SCREENSHOTS,
	SECRETS,
	STEP_MS,
	STICKY,
	stopwatch,
	waitUntil,
} from './page';
import type { ExpectedParameter } from './expected';
import { operationsOf, visibleParameters } from './expected';

const README_SCREENSHOT = path.join(__dirname, 'screenshot-editor.png');

export const editorScenario: Scenario = {
	name: 'editor in a browser: nodes panel, every node panel, icons, list, credential, run',
	async run(ctx) {
		fs.mkdirSync(SCREENSHOTS, { recursive: true });
		const step = stopwatch();
		const server = await ctx.server();
		await importMissingExamples(ctx);
		step('examples imported');
		const listed = ctx.sb.seed({
			platform: 'sandbox',
			apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
			count: 1,
			label: `Editor list ${Date.now()}`,
		});
		assert.equal(listed.ids.length, 1);

		const eb = await openEditorBrowser(server.url);
		try {
			const { page } = eb;
			page.setDefaultTimeout(STEP_MS);
			await signIn(page, server.url, OWNER);
			step('signed in');
			const types = (await page.evaluate(async () =>
				(await fetch('/types/nodes.json')).json(),
			)) as INodeTypeDescription[];
			const action = types.find((t) => t.name === NODE_TYPE);
			const trigger = types.find((t) => t.name === TRIGGER_TYPE);
			assert.ok(action && trigger, 'n8n serves both node descriptions');

			for (const name of Object.keys(EXAMPLES) as ExampleName[]) {
				await openExample(eb, ctx, name);
			}
			step('examples opened');
			await addNodesAndReadPanels(eb, ctx, action, trigger, listed.ids[0]);
			step('nodes added, panels read');
			await runBulkExample(eb, ctx);
			// The trigger has its own folder, so its own icon files: each node's dark icon is shown.
			await openExampleInDarkTheme(eb, ctx, 'bulk', /\/ContratPrive\/contratPrive\.dark\.svg$/);
			await openExampleInDarkTheme(
				eb,
				ctx,
				'trigger',
				/\/ContratPriveTrigger\/contratPrive\.dark\.svg$/,
			);
			step('bulk example run, then the bulk and trigger examples shown in the dark theme');
			await assertIcons(eb, types);
			assert.deepEqual(eb.problems().package, [], 'the package causes no browser error');
		} finally {
			reportProblems(eb.problems());
			await eb.close();
		}
	},
};

/** What the browser logged, grouped; the package's errors also when a step failed first. */
function reportProblems(problems: PageProblems): void {
	const lines = (list: string[]) => {
		const counted = new Map<string, number>();
		for (const line of list) counted.set(line, (counted.get(line) ?? 0) + 1);
		return [...counted].map(([line, n]) => `    ${n > 1 ? `${n} × ` : ''}${line}`).join('\n');
	};
	if (problems.package.length > 0) {
		console.log(`  browser errors caused by the package:\n${lines(problems.package)}`);
	}
	if (problems.schemaPreviews.length > 0) {
		console.log(
			`  (n8n asked for output-schema previews the package does not ship: ${problems.schemaPreviews.length} × 404)`,
		);
	}
	if (problems.other.length > 0) {
		console.log(`  (n8n's own browser noise, not the package's:\n${lines(problems.other)})`);
	}
}

/** Examples that an earlier scenario did not import already (it may have published them). */
async function importMissingExamples(ctx: Ctx): Promise<void> {
	const server = await ctx.server();
	const missing: WorkflowJson[] = [];
	for (const name of Object.keys(EXAMPLES) as ExampleName[]) {
		const existing = await server.rest('GET', `/workflows/${EXAMPLES[name].id}`);
		if (existing.status !== 200) missing.push({ active: false, ...loadExample(name, ctx.sb.url) });
	}
	if (missing.length === 0) return;
	// One import for all: each n8n command takes seconds to start.
	const file = path.join(ctx.folder.dir, 'editor-examples.json');
	fs.writeFileSync(file, JSON.stringify(missing));
	try {
		await runN8nOk(ctx.rt, ctx.folder, ['import:workflow', `--input=${file}`], { env: ctx.env });
	} finally {
		fs.rmSync(file, { force: true });
	}
}

async function openExample(eb: EditorBrowser, ctx: Ctx, name: ExampleName): Promise<void> {
	const { page } = eb;
	const workflow = loadExample(name, ctx.sb.url);
	// From the workflows list, as a person opens it (and without reloading the editor's code).
	const list = `${(await ctx.server()).url}/home/workflows`;
	if (page.url() !== list) await page.goto(list, { waitUntil: 'domcontentloaded' });
	await page.getByText(workflow.name, { exact: true }).first().click();
	await page.waitForURL((url) => url.pathname === `/workflow/${workflow.id}`);
	const nodes = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
	await expectCount(
		page.getByTestId('canvas-node'),
		nodes.length,
		`${name}: every node on the canvas`,
	);
	const ours = nodes.filter((n) => String(n.type).startsWith(`${PACKAGE_NAME}.`));
	assert.ok(ours.length > 0, `${name} uses the package`);
	for (const node of ours) await assertIconShown(page, node.name as string);
	await screenshot(page, `example-${name}.png`, STICKY);
	await page.goBack();
	await page.waitForURL(list);
}

async function addNodesAndReadPanels(
	eb: EditorBrowser,
	ctx: Ctx,
	action: INodeTypeDescription,
	trigger: INodeTypeDescription,
	listedContractId: string,
): Promise<void> {
	const { page } = eb;
	const server = await ctx.server();
	await page.goto(`${server.url}/workflow/new`, { waitUntil: 'domcontentloaded' });
	await page.getByTestId('canvas-wrapper').waitFor();

	// The trigger, from the nodes panel of an empty workflow, through one of its events.
	const events = trigger.properties.find((p) => p.name === 'events');
	const event = (events?.options as Array<{ name: string; value: string }>)[0];
	await openNodesPanel(page, action.displayName);
	await page
		.getByTestId('item-iterator-item')
		.filter({ hasText: new RegExp(`^\\s*On ${escapeRegExp(event.name)}\\s*$`, 'i') })
		.click();
	await assertPanel(
		page,
		trigger.displayName,
		visibleParameters(trigger, { events: [event.value] }),
	);
	await screenshot(page, 'panel-trigger.png');
	await closePanel(page);
	await assertIconShown(page, trigger.defaults.name as string);

	const operations = operationsOf(action);
	assert.ok(operations.length > 0);
	for (const [index, op] of operations.entries()) {
		await openNodesPanel(page, action.displayName);
		await page
			.getByTestId('item-iterator-item')
			.filter({ hasText: exactly(op.action) })
			.click();
		await assertPanel(
			page,
			op.action,
			visibleParameters(action, { resource: op.resource, operation: op.operation }),
		);
		if (index === 0) await testCredentialFromModal(page, ctx);
		if (op.resource === 'contract' && op.operation === 'get') {
			await pickContractFromList(page, ctx, listedContractId);
		}
		await screenshot(page, `panel-${op.resource}-${op.operation}.png`);
		await closePanel(page);
		await expectCount(page.getByTestId('canvas-node'), index + 2, `${op.action}: on the canvas`);
		await assertIconShown(page, op.action);
	}

	await page.getByTestId('tidy-up-button').click();
	await page.getByTestId('zoom-to-fit').click();
	await canvasAtRest(page);
	await screenshot(page, 'canvas-new-workflow.png');
}

/** The nodes panel, searched for "Contrat", with the package's node opened in it. */
async function openNodesPanel(page: Page, displayName: string): Promise<void> {
	await page.getByTestId('node-creator-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('Contrat');
	await page.getByTestId('item-iterator-item').filter({ hasText: displayName }).first().click();
}

/** The node panel is open on `title` and shows a label (or the text of a notice) per parameter. */
async function assertPanel(
	page: Page,
	title: string,
	expected: ExpectedParameter[],
): Promise<void> {
	const panel = page.getByTestId('ndv');
	await panel.waitFor();
	await page.getByTestId('node-title-container').filter({ hasText: title }).waitFor();
	const parameters = panel.getByTestId('node-parameters');
	assert.ok(expected.length > 0, `${title}: parameters expected`);
	for (const p of expected) {
		if (p.type === 'notice') {
			const text = p.displayName.replace(/<[^>]+>/g, '').slice(0, 60);
			await parameters.getByText(text, { exact: false }).first().waitFor();
			continue;
		}
		const label = parameters.locator(`[data-test-id="input-label"] label[for="${p.name}"]`).first();
		await label.waitFor().catch(() => {
			throw new Error(`${title}: the panel shows no "${p.displayName}" (${p.name})`);
		});
		assert.match(
			await label.innerText(),
			new RegExp(`^${escapeRegExp(p.displayName)}`),
			`${title}: label of ${p.name}`,
		);
	}
}

/** The credential modal opened from the node panel: its Retry button tests the credential. */
async function testCredentialFromModal(page: Page, ctx: Ctx): Promise<void> {
	const tests = () => ctx.sb.requestCount({ requestName: 'checkConnexionRequest' });
	await page.getByTestId('credential-edit-button').click();
	const modal = page.getByTestId('editCredential-modal');
	await modal.waitFor();
	// The modal tests a saved credential as it opens; Retry tests it again.
	await modal.getByTestId('credentials-config-container-test-success').waitFor();
	const before = tests();
	await modal.getByRole('button', { name: 'Retry' }).click();
	await waitUntil(() => tests() > before, 'the credential test request to reach the emulator');
	await modal.getByTestId('credentials-config-container-test-success').waitFor();
	const apiKey = modal.getByTestId('parameter-input-apiKey').locator('input');
	assert.equal(await apiKey.getAttribute('type'), 'password', 'the API key is masked');
	const shown = await apiKey.inputValue();
	for (const secret of SECRETS)
		assert.ok(!shown.includes(secret), 'n8n sent no API key to the page');
	await screenshot(page, 'credential-modal.png');
	await modal
		.getByRole('button', { name: 'Close this dialog' })
		.click()
		.catch(async () => {
			await page.keyboard.press('Escape');
		});
	await modal.waitFor({ state: 'hidden' });
}

/** "From list": the emulator's contract is listed by its label, and choosing it sets its ID. */
async function pickContractFromList(page: Page, ctx: Ctx, contractId: string): Promise<void> {
	const view = (await (
		await fetch(`${ctx.sb.url}/_control/contracts/${contractId}`)
	).json()) as WireReply;
	const label: string = view.contract.label;
	await page.getByTestId('rlc-input').click();
	await page.getByTestId('rlc-search').fill(label);
	await page.getByText(label, { exact: false }).last().click();
	await waitUntil(
		async () => (await page.getByTestId('rlc-input').inputValue()).includes(label),
		`the locator to show "${label}"`,
	);
}

/** The bulk example run with the editor's Execute workflow button: the README's picture. */
async function runBulkExample(eb: EditorBrowser, ctx: Ctx): Promise<void> {
	const { page } = eb;
	const server = await ctx.server();
	const { id } = EXAMPLES.bulk;
	const before = new Set((await server.executions(id)).map((e) => e.id));
	await page.goto(`${server.url}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.getByTestId('canvas-node').first().waitFor();
	await page.getByTestId('execute-workflow-button').click();
	let status = '';
	await waitUntil(async () => {
		const run = (await server.executions(id)).find((e) => !before.has(e.id));
		status = run?.status ?? '';
		return status !== '' && status !== 'running' && status !== 'new';
	}, 'the run started from the editor to finish');
	assert.equal(status, 'success', 'the run started with the Execute workflow button succeeds');
	await page.getByTestId('clear-execution-data-button').waitFor();
	await canvasAtRest(page);
	await screenshot(page, 'bulk-run.png', STICKY);
	await screenshot(page, 'bulk-run-nodes.png', STICKY, await nodesArea(page));
	if (process.env.UPDATE_SCREENSHOTS === '1') {
		fs.copyFileSync(path.join(SCREENSHOTS, 'bulk-run-nodes.png'), README_SCREENSHOT);
	}
}

/** n8n's default theme follows the system's: in a dark system, the canvas shows the dark icons. */
async function openExampleInDarkTheme(
	eb: EditorBrowser,
	ctx: Ctx,
	name: 'bulk' | 'trigger',
	darkIcon: RegExp,
): Promise<void> {
	const { page } = eb;
	const workflow = loadExample(name, ctx.sb.url);
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.goto(`${(await ctx.server()).url}/workflow/${workflow.id}`, {
		waitUntil: 'domcontentloaded',
	});
	await page.getByTestId('canvas-node').first().waitFor();
	await waitUntil(
		() => eb.icons.some((i) => darkIcon.test(new URL(i.url).pathname)),
		`the ${name} example's dark icon to be requested in the dark theme`,
	);
	for (const node of workflow.nodes.filter((n) => String(n.type).startsWith(`${PACKAGE_NAME}.`))) {
		await assertIconShown(page, node.name as string);
	}
	await screenshot(page, `example-${name}-dark.png`, STICKY);
}

/** Every icon the page asked for, and both icons of every node in /types/nodes.json. */
async function assertIcons(eb: EditorBrowser, types: INodeTypeDescription[]): Promise<void> {
	const listed = types
		.filter((t) => t.name.startsWith(`${PACKAGE_NAME}.`))
		.flatMap((t) => {
			const url = (t as { iconUrl?: string | { light: string; dark: string } }).iconUrl;
			assert.ok(url && typeof url === 'object', `${t.name} has a light and a dark icon`);
			return [`/${url.light}`, `/${url.dark}`];
		});
	assert.ok(eb.icons.length > 0, `the editor asked for icons under ${ICON_PATH}`);
	for (const icon of eb.icons) {
		assert.equal(icon.status, 200, `GET ${icon.url}`);
		assert.ok(isSvg(icon.contentType), `${icon.url} is an SVG (${icon.contentType})`);
	}
	const asked = eb.icons.map((i) => new URL(i.url).pathname);
	for (const url of listed) assert.ok(asked.includes(url), `the editor showed ${url}`);
	// The bodies, once per URL (a navigation may have cut a response short).
	for (const url of new Set([...listed, ...asked])) {
		const res = await eb.page.evaluate(async (u) => {
			const r = await fetch(u);
			return {
				status: r.status,
				contentType: r.headers.get('content-type') ?? '',
				body: await r.text(),
			};
		}, url);
		assert.equal(res.status, 200, `GET ${url}`);
		assert.ok(isSvg(res.contentType, res.body), `${url} is an SVG`);
	}
}
