/**
 * The output schemas in the n8n editor, before anything ran (headless Chromium):
 *
 * - the node after Contract › Create (Edit Fields) lists the schema's fields in its input panel
 *   (n8n 2.39 shows schema previews there only: the output panel of a node that never ran
 *   offers "Execute step" or mock data);
 * - dragging `id` from there onto Edit Fields' fields writes `{{ $json.id }}`, which the saved
 *   workflow holds;
 * - every schema URL the editor asked for answered 200, and no execution was made.
 *
 * Screenshots go to test-results/editor/schema-*.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import type { Locator, Page } from 'playwright-core';

import type { Scenario } from '../e2e';
import type { RestData } from '../n8n-cli';
import { OWNER, restPayload } from '../n8n-cli';
import { contratPrive, manualTrigger, PACKAGE_NAME } from '../workflows';
import { openEditorBrowser, signIn } from './browser';
import { closePanel, screenshot, SCREENSHOTS, STEP_MS, waitUntil } from './page';

const CREATE = 'Create Contract';
const NEXT = 'Edit Fields';
/** Fields of contract/create.json the panel must list (the first ones: the list scrolls). */
const FIELDS = ['id', 'label', 'reference', 'status', 'createdAt', 'signatories'];

/** The saved workflow, as far as this scenario reads it (the Set node's assignments). */
interface SavedWorkflow {
	id: string;
	nodes: Array<{
		name: string;
		parameters?: { assignments?: { assignments?: Array<{ name: string; value: string }> } };
	}>;
}

export const schemaPreviewScenario: Scenario = {
	name: 'output schemas in the editor: the next node lists them before any run, drag id to map it',
	async run(ctx) {
		fs.mkdirSync(SCREENSHOTS, { recursive: true });
		const server = await ctx.server();
		const credential = { id: ctx.creds.sandbox.id, name: ctx.creds.sandbox.name };
		const created = await server.rest<RestData<SavedWorkflow> | SavedWorkflow>(
			'POST',
			'/workflows',
			{
				name: `E2E schema preview ${Date.now()}`,
				nodes: [
					{ ...manualTrigger(), id: 'sp-start', position: [0, 0] },
					{
						...contratPrive(
							CREATE,
							{
								resource: 'contract',
								operation: 'create',
								label: 'Bail meublé - Lyon',
								signatories: { signatory: [] },
							},
							credential,
						),
						id: 'sp-create',
						position: [240, 0],
					},
					{
						id: 'sp-next',
						name: NEXT,
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						position: [480, 0],
						parameters: { assignments: { assignments: [] }, options: {} },
					},
				],
				connections: {
					Start: { main: [[{ node: CREATE, type: 'main', index: 0 }]] },
					[CREATE]: { main: [[{ node: NEXT, type: 'main', index: 0 }]] },
				},
				settings: { executionOrder: 'v1' },
			},
		);
		assert.equal(created.status, 200, `POST /rest/workflows: ${JSON.stringify(created.body)}`);
		const workflowId: string = restPayload(created.body).id;

		const eb = await openEditorBrowser(server.url);
		const asked: Array<{ url: string; status: number }> = [];
		eb.page.on('response', (res) => {
			const url = new URL(res.url());
			if (url.pathname.startsWith(`/schemas/${PACKAGE_NAME}.`)) {
				asked.push({ url: url.pathname, status: res.status() });
			}
		});
		const { page } = eb;
		page.setDefaultTimeout(STEP_MS);
		try {
			await signIn(page, server.url, OWNER);
			await page.goto(`${server.url}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
			await page.getByTestId('canvas-node').first().waitFor();

			// The next node's input panel, then `id` dragged onto its fields.
			await openNode(page, NEXT);
			const input = page.getByTestId('ndv-input-panel');
			await showSchema(page, input);
			await expectFields(input, FIELDS, 'the Edit Fields input panel');
			await screenshot(page, 'schema-input-panel.png');
			const id = input
				.getByTestId('run-data-schema-item')
				.locator('span')
				.filter({ hasText: /^id$/ })
				.first();
			const dropArea = page
				.getByTestId('assignment-collection-assignments')
				.getByTestId('assignment-collection-drop-area');
			await dragTo(page, id, dropArea);
			const value = page
				.getByTestId('assignment-collection-assignments')
				.getByTestId('assignment-value')
				.first();
			await waitUntil(
				async () => /\{\{\s*\$json\.id\s*\}\}/.test(await value.innerText()),
				'the dropped field to become {{ $json.id }}',
			);
			await screenshot(page, 'schema-drag-id.png');
			await closePanel(page);

			// Saved: the workflow holds the expression.
			await page.keyboard.press('ControlOrMeta+s');
			await waitUntil(async () => {
				const saved = await server.rest<RestData<SavedWorkflow> | SavedWorkflow>(
					'GET',
					`/workflows/${workflowId}`,
				);
				const next = restPayload(saved.body).nodes.find((n) => n.name === NEXT);
				const assignment = next?.parameters?.assignments?.assignments?.[0];
				return assignment?.name === 'id' && /\{\{\s*\$json\.id\s*\}\}/.test(assignment.value);
			}, 'the saved workflow to map id with {{ $json.id }}');

			assert.ok(asked.length > 0, 'the editor asked for output schemas');
			for (const { url, status } of asked) assert.equal(status, 200, `GET ${url}`);
			assert.ok(
				asked.some((a) => a.url.endsWith('/1.0.0/contract/create.json')),
				`the editor asked for contract/create.json (${asked.map((a) => a.url)})`,
			);
			assert.deepEqual(
				await server.executions(workflowId),
				[],
				'nothing was executed: the fields came from the schema',
			);
			console.log(
				`  schema URLs the editor asked for: ${[...new Set(asked.map((a) => `${a.url} ${a.status}`))].join(', ')}`,
			);
		} catch (error) {
			await screenshot(page, 'schema-failure.png').catch(() => undefined);
			throw error;
		} finally {
			await eb.close();
		}
	},
};

async function openNode(page: Page, name: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	await page.getByTestId('ndv').waitFor();
}

/** The panel in its Schema view (the default for a schema preview in n8n 2). */
async function showSchema(page: Page, panel: Locator): Promise<void> {
	const items = panel.getByTestId('run-data-schema-item');
	if (
		await items
			.first()
			.isVisible()
			.catch(() => false)
	)
		return;
	const radio = panel.getByTestId('radio-button-schema');
	if (await radio.isVisible().catch(() => false)) await radio.click();
	await items
		.first()
		.waitFor({ timeout: STEP_MS })
		.catch(async () => {
			throw new Error(
				`no schema item in the panel; it shows: ${(await panel.innerText()).slice(0, 500)}`,
			);
		});
}

async function expectFields(panel: Locator, fields: string[], where: string): Promise<void> {
	for (const field of fields) {
		await panel
			.getByTestId('run-data-schema-item')
			.locator('span')
			.filter({ hasText: new RegExp(`^${field}$`) })
			.first()
			.waitFor()
			.catch(() => {
				throw new Error(`${where} does not list "${field}"`);
			});
	}
}

/** A mouse drag as a person makes it: press, move in steps, release over the target. */
async function dragTo(page: Page, source: Locator, target: Locator): Promise<void> {
	await source.scrollIntoViewIfNeeded();
	await source.hover();
	await page.mouse.down();
	const box = await target.boundingBox();
	assert.ok(box, 'the drop target is visible');
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 10 });
	await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height / 2, { steps: 2 });
	await page.mouse.up();
}
