/**
 * The signing portal (recipe 4) in queue mode: the form and its waiting pages are answered by
 * the main, the executions run on the workers. A contract is created through the API (as the
 * send-links example would), its personal link made with the same secret, and Chromium signs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import { DEMO_ACCOUNTS } from '../../emulator';
import type { Emulator } from '../../emulator';
import type { WireReply } from '../../emulator/wire-reply';
import { makePdf } from '../../fixtures/pdf';
import { launchChromium } from '../../helpers/chromium';
import { EXAMPLES, loadExample } from '../examples';
import type { CredentialImport, WorkflowJson } from '../n8n-cli';
import {
	downloadSigned,
	pdfText,
	PHONE,
	portalToken,
	shot,
	submit,
	waitForText,
} from '../portal/browser';
import {
	EXAMPLE_N8N_ORIGIN,
	PORTAL_FORM_PATH,
	portalLinkCredential,
} from '../portal/portal-examples';
import type { QueueCluster } from './cluster';

const SECRET = 'queue-portal-secret-9d3e1a';

/** What the queue suite imports for the portal, with the links pointing at its main. */
export function portalQueueSetup(
	sbUrl: string,
	mainUrl: string,
): { credentials: CredentialImport[]; workflows: WorkflowJson[]; publish: string[] } {
	const workflows = (['portalSign', 'portalDocument'] as const).map(
		(name) =>
			JSON.parse(
				JSON.stringify(loadExample(name, sbUrl)).split(EXAMPLE_N8N_ORIGIN).join(mainUrl),
			) as WorkflowJson,
	);
	return {
		credentials: [portalLinkCredential(SECRET)],
		workflows,
		publish: [EXAMPLES.portalSign.id, EXAMPLES.portalDocument.id],
	};
}

/** A signatory signs through the main's pages; returns the execution and the worker(s) that ran it. */
export async function signOnePortalLink(ctx: {
	sb: Emulator;
	cluster: QueueCluster;
}): Promise<Record<string, unknown>> {
	const { sb, cluster } = ctx;
	const before = Number(
		(await cluster.n8nSql('SELECT coalesce(max(id), 0) FROM execution_entity'))[0][0],
	);
	const created = await fetch(`${sb.baseUrls.sandbox}/contractCreateRequest`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
			apiKey: DEMO_ACCOUNTS.sandbox.apiKey,
			contract: { label: 'Bail - Queue Portal', lang: 'fr', deadline: '2099-01-01' },
			mainDocument: {
				name: 'bail.pdf',
				data: (await makePdf('Bail - Queue Portal', 'Emma Petit')).toString('base64'),
			},
			signatories: [
				{ firstName: 'Emma', lastName: 'Petit', email: 'emma@example.com', phone: '+33655443322' },
			],
			notify: { signatory: false, owner: false },
			action: { submit: true },
		}),
	});
	const { contract } = (await created.json()) as Partial<Pick<WireReply, 'contract'>>;
	assert.ok(contract?.id, 'contract created');
	const token = portalToken(SECRET, {
		c: contract.id,
		s: contract.signatories[0].id,
		o: DEMO_ACCOUNTS.sandbox.name,
		exp: Math.floor(Date.now() / 1000) + 3600,
	});
	const browser = await launchChromium();
	const t0 = Date.now();
	try {
		const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
		const page = await context.newPage();
		await page.goto(`${cluster.main.url}/${PORTAL_FORM_PATH}?t=${token}`);
		await submit(page, 'Open my contract');
		await waitForText(page, 'Send me my code');
		await submit(page, 'Send me my code');
		assert.ok((await waitForText(page, 'Type your code')).includes('+33 6 •• •• •• 22'));
		await page.getByLabel('Code').fill('0000');
		await submit(page, 'Sign');
		await waitForText(page, 'Signed, thank you');
		await shot(page, 'queue-signed');
		const file = await downloadSigned(page, 'queue-signed.pdf');
		assert.match(pdfText(fs.readFileSync(file)), /Emma Petit/);
		await context.close();
	} finally {
		await browser.close();
	}
	const seconds = Math.round((Date.now() - t0) / 100) / 10;
	const rows = await cluster.n8nSql(
		`SELECT id, "workflowId", status FROM execution_entity WHERE id > ${before} ORDER BY id`,
	);
	const portalRuns = rows.filter(([, workflowId]) => workflowId === EXAMPLES.portalSign.id);
	assert.equal(portalRuns.length, 1, `one portal execution: ${JSON.stringify(rows)}`);
	const [[id, , status]] = portalRuns;
	assert.equal(status, 'success');
	const ranOn = cluster.workers
		.filter((w) => w.output().includes(`Worker started execution ${id} `))
		.map((w) => w.name);
	assert.ok(ranOn.length > 0, `execution ${id} ran on a worker`);
	const view = (await (
		await fetch(`${sb.url}/_control/contracts/${contract!.id}`)
	).json()) as WireReply;
	assert.equal(view.contract.status, 'signed');
	return { portalExecution: Number(id), ranOn, browserSeconds: seconds };
}
