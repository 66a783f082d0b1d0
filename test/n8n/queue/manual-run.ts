/**
 * The editor's *Execute workflow* on the bulk example, in queue mode, in headless Chromium.
 *
 * n8n 3 always runs manual executions on the workers (it removes
 * OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS); n8n 2.39 does so when that variable is true, and runs
 * them on the main otherwise. `QUEUE_OFFLOAD_MANUAL=1 npm run test:n8n:queue -- manual` starts
 * the cluster that way: then a worker must have run the execution, and the browser (connected
 * to the main) must still show its result: every node run, the contracts' item count, no error.
 * The screenshot goes to test-results/editor/queue-manual-run*.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import type { Emulator } from '../../emulator';
import { openEditorBrowser, signIn } from '../editor/browser';
import { canvasAtRest, screenshot, SCREENSHOTS, STEP_MS, STICKY, waitUntil } from '../editor/page';
import { EXAMPLES, loadExample } from '../examples';
import { OWNER } from '../n8n-cli';
import type { QueueCluster } from './cluster';

/** Environment of the cluster for n8n 3's behaviour, when QUEUE_OFFLOAD_MANUAL=1. */
export const OFFLOAD_MANUAL = process.env.QUEUE_OFFLOAD_MANUAL === '1';
export const offloadEnv = (): NodeJS.ProcessEnv =>
	OFFLOAD_MANUAL ? { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' } : {};

/** The bulk example sends one contract per row of its CRM export. */
const BULK_ROWS = 3;

export async function manualRunFromEditor(
	cluster: QueueCluster,
	sb: Emulator,
): Promise<Record<string, unknown>> {
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	const { id } = EXAMPLES.bulk;
	await cluster.importWorkflows([{ active: false, ...loadExample('bulk', sb.url) }]);
	const lastId = Number(
		(await cluster.n8nSql('SELECT coalesce(max(id), 0) FROM execution_entity'))[0][0],
	);
	const created = () => sb.requestCount({ requestName: 'contractCreateRequest', status: 200 });
	const createdBefore = created();

	const eb = await openEditorBrowser(cluster.main.url);
	const { page } = eb;
	page.setDefaultTimeout(STEP_MS);
	try {
		await signIn(page, cluster.main.url, OWNER);
		await page.goto(`${cluster.main.url}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
		await page.getByTestId('canvas-node').first().waitFor();
		await page.getByTestId('execute-workflow-button').click();

		let execution: { id: number; status: string } | undefined;
		await waitUntil(
			async () => {
				const rows = await cluster.n8nSql(
					`SELECT id, status FROM execution_entity WHERE "workflowId" = '${id}' AND id > ${lastId} ORDER BY id`,
				);
				execution = rows.map(([eid, status]) => ({ id: Number(eid), status }))[0];
				return !!execution && !['new', 'running', 'waiting'].includes(execution.status);
			},
			'the execution started from the editor to finish',
			120_000,
		);
		assert.equal(execution?.status, 'success', 'the run started with Execute workflow succeeds');
		const ranOn = cluster.workers.find((w) =>
			new RegExp(`Worker started execution ${execution!.id} `).test(w.output()),
		);
		if (OFFLOAD_MANUAL) {
			assert.ok(ranOn, `a worker ran manual execution ${execution!.id} (offloaded)`);
		} else {
			assert.equal(ranOn, undefined, 'without offloading, the main runs manual executions');
		}
		assert.equal(created() - createdBefore, BULK_ROWS, 'one contract per CRM row');

		// What the person sees: the result, pushed from the worker through the main.
		await page.getByTestId('clear-execution-data-button').waitFor({ timeout: 60_000 });
		await page.getByText(`${BULK_ROWS} items`).first().waitFor();
		await waitUntil(
			async () =>
				(await page.getByTestId('canvas-node').count()) > 0 &&
				(await page
					.locator('[data-test-id="canvas-node"] [data-test-id="canvas-node-status-error"]')
					.count()) === 0,
			'no node in error on the canvas',
		);
		await canvasAtRest(page);
		await screenshot(page, `queue-manual-run${OFFLOAD_MANUAL ? '-offloaded' : ''}.png`, STICKY);
		assert.deepEqual(eb.problems().package, [], 'the package causes no browser error');
		return {
			executionId: execution!.id,
			ranOn: ranOn?.name ?? 'main',
			offloadManualExecutionsToWorkers: OFFLOAD_MANUAL,
			contracts: BULK_ROWS,
		};
	} finally {
		await eb.close();
	}
}
