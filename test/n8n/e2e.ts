/**
 * End-to-end tests in a real n8n (see ensure-n8n.ts) against the emulator:
 * the package is packed, installed as a community package, and
 * workflows are run with `n8n execute`; the credential test and the node's
 * list methods go through `n8n start`'s REST API as the editor uses them.
 *
 *   npm run test:n8n                    all scenarios
 *   npm run test:n8n -- sign credential  only scenarios whose name contains a word
 *   N8N_VERSION=1.123.81 npm run test:n8n  on another n8n version (default 2.39.0);
 *                                       npm run test:n8n:matrix runs every tested version
 *
 * The example workflows of test/n8n/workflows/ are run from their files
 * (examples.ts: only the emulator's origin is replaced): the bulk and archive
 * examples with `n8n execute`, the extranet ones through their webhooks in
 * `n8n start`, the trigger example published in its own `n8n start`.
 *
 * Environment: E2E_SOURCE=head packs the last commit (a clean snapshot in a
 * temp dir) instead of the working tree; E2E_PACKAGE_TGZ=<tarball> tests that
 * tarball instead; E2E_VERBOSE=1 prints every run's output;
 * E2E_KEEP=1 keeps the n8n user folder; N8N_BIN / N8N_CACHE_DIR as in ensure-n8n.ts;
 * E2E_RESULTS=<file> where to write the summary (default test-results/n8n-e2e.json,
 * n8n-e2e-<version>.json for a version other than the default).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import type { INodeParameters, INodePropertyOptions } from 'n8n-workflow';

import { createParameters as createWith } from '../fixtures/contracts';
import { makePdf } from '../fixtures/pdf';
import { agentScenarios } from './agent/scenarios';
import { editorScenario } from './editor/editor';
import { ARCHIVE_DIR, ensureArchiveDir, EXAMPLES, loadExample, localCredential } from './examples';
import type { Emulator } from '../emulator';
import type { WireReply } from '../emulator/wire-reply';
import type {
	Contract,
	ContractSummary,
	CreatedContract,
	Signed,
	TriggerItem,
} from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import { DEMO_ACCOUNTS, startEmulator } from '../emulator';
import type { N8nRuntime } from './ensure-n8n';
import { DEFAULT_N8N_VERSION, ensureN8n } from './ensure-n8n';
import type {
	CredentialImport,
	ExecuteResult,
	N8nServer,
	RestData,
	UserFolder,
	WorkflowJson,
} from './n8n-cli';
import {
	createUserFolder,
	executeWorkflow,
	exportNodes,
	importCredentials,
	importWorkflow,
	installCommunityPackage,
	nodeBinaryOutput,
	nodeError,
	nodeOutput,
	npmPack,
	OWNER,
	publishWorkflowArgs,
	readBinary,
	runN8nOk,
	startN8nServer,
} from './n8n-cli';
import {
	byId,
	chain,
	contratPrive,
	CREDENTIAL_TYPE,
	httpDownload,
	manualTrigger,
	NODE_TYPE,
	TRIGGER_TYPE,
} from './workflows';
import { compareVersions, compatScenarios } from './scenarios/compat';
import { schemaScenarios } from './scenarios/schemas';
import { mcpScenarios } from './scenarios/mcp';
import { closePortal, portalScenarios } from './scenarios/portal';

const REPO = path.resolve(__dirname, '..', '..');
const VERBOSE = process.env.E2E_VERBOSE === '1';
const SECRETS = [
	DEMO_ACCOUNTS.sandbox.apiKey,
	DEMO_ACCOUNTS.production.apiKey,
	DEMO_ACCOUNTS.otherSandbox.apiKey,
];

// ------------------------------------------------------------------ context

export interface Credentials {
	/** Demo sandbox keys on the emulator's sandbox URL. */
	sandbox: CredentialImport;
	/** Demo production keys on the emulator's production URL. */
	production: CredentialImport;
	/** Unknown key pair. */
	badKeys: CredentialImport;
	/** Production keys on the sandbox URL. */
	wrongPlatform: CredentialImport;
}

export interface Ctx {
	rt: N8nRuntime;
	folder: UserFolder;
	sb: Emulator;
	/** URL of a two-page PDF (`lease.pdf`) served locally. */
	pdfUrl: string;
	pdf: Buffer;
	creds: Credentials;
	/** The package tarball under test. */
	tarball: string;
	/** Imports the workflow, runs it with `n8n execute`; checks no API key leaked in the output. */
	execute(workflow: WorkflowJson): Promise<ExecuteResult>;
	/** Same as execute, and fails unless the run succeeded. */
	executeOk(workflow: WorkflowJson): Promise<ExecuteResult>;
	/** `n8n start` on this folder with an owner logged in (started on first use, shared). */
	server(): Promise<N8nServer>;
	/** Environment every n8n command of the run gets (file access for the archive example). */
	env: NodeJS.ProcessEnv;
}

export interface Scenario {
	name: string;
	run(ctx: Ctx): Promise<void>;
}

function ref(c: CredentialImport): { id: string; name: string } {
	return { id: c.id, name: c.name };
}

function makeCredentials(sb: Emulator): Credentials {
	const keys = (account: { apiUser: string; apiKey: string }) => ({
		apiUser: account.apiUser,
		apiKey: account.apiKey,
	});
	return {
		sandbox: {
			id: 'cpSandbox0000001',
			name: 'Contrat-Privé emulator (sandbox)',
			type: CREDENTIAL_TYPE,
			data: { platform: 'custom', baseUrl: sb.baseUrls.sandbox, ...keys(DEMO_ACCOUNTS.sandbox) },
		},
		production: {
			id: 'cpProduction00001',
			name: 'Contrat-Privé emulator (production)',
			type: CREDENTIAL_TYPE,
			data: {
				platform: 'custom',
				baseUrl: sb.baseUrls.production,
				...keys(DEMO_ACCOUNTS.production),
			},
		},
		badKeys: {
			id: 'cpBadKeys00000001',
			name: 'Contrat-Privé unknown keys',
			type: CREDENTIAL_TYPE,
			data: {
				platform: 'custom',
				baseUrl: sb.baseUrls.sandbox,
				apiUser: 'nobody',
				apiKey: 'not-a-key',
			},
		},
		wrongPlatform: {
			id: 'cpWrongPlatform01',
			name: 'Contrat-Privé production keys on sandbox',
			type: CREDENTIAL_TYPE,
			data: {
				platform: 'custom',
				baseUrl: sb.baseUrls.sandbox,
				...keys(DEMO_ACCOUNTS.production),
			},
		},
	};
}

function assertNoSecret(text: string, where: string): void {
	for (const secret of SECRETS) {
		assert.ok(!text.includes(secret), `an API key appears in ${where}`);
	}
}

// ------------------------------------------------------------------ scenarios

/** Contract › Create with Alice alone (the fixtures' parameters). */
const createParameters = (overrides: INodeParameters = {}) => createWith(overrides, 1);

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

const HAS_PDFTOTEXT = spawnSync('pdftotext', ['-v']).status === 0;

/** The text of a PDF (pdftotext), or undefined when pdftotext is not installed. */
function pdfText(pdf: Buffer): string | undefined {
	if (!HAS_PDFTOTEXT) return undefined;
	const res = spawnSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
	assert.equal(res.status, 0, `pdftotext: ${res.stderr}`);
	return res.stdout;
}

/** A signed PDF from the emulator: %PDF-, and its certificate page when pdftotext can read it. */
function assertSignedPdf(pdf: Buffer, label: string): void {
	assert.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'a PDF');
	const text = pdfText(pdf);
	if (text !== undefined) {
		assert.match(text, /Contrat-Privé/, 'the certificate page');
		assert.ok(text.includes(label), `the certificate names "${label}"`);
	}
}

async function controlPost(sb: Emulator, route: string): Promise<WireReply> {
	const res = await fetch(`${sb.url}/_control${route}`, { method: 'POST' });
	const body = (await res.json()) as WireReply;
	assert.equal(res.status, 200, `POST /_control${route}: ${JSON.stringify(body)}`);
	return body;
}

/** The rows of the bulk example's "CRM Export" node, as the node must send them. */
const BULK_ROWS = [
	{
		reference: 'HR-2025-0001',
		name: 'Alice Martin',
		email: 'alice.martin@example.com',
		phone: '+33612345678',
	},
	{
		reference: 'HR-2025-0002',
		name: 'Bruno Leroy',
		email: 'bruno.leroy@example.com',
		phone: '+33723456789',
	},
	{
		reference: 'HR-2025-0003',
		name: 'Chloé Dubois',
		email: 'chloe.dubois@example.com',
		phone: '+33698765432',
	},
];

/** Runs the bulk example; checks the three contracts it outputs. */
async function runBulkExample(
	ctx: Ctx,
): Promise<{ res: ExecuteResult; contracts: CreatedContract[] }> {
	const res = await ctx.executeOk(loadExample('bulk', ctx.sb.url));
	const contracts = nodeOutput<CreatedContract>(res.run, 'Send for Signature');
	assert.equal(contracts.length, BULK_ROWS.length, 'one contract per CRM row');
	contracts.forEach((c, i) => {
		const row = BULK_ROWS[i];
		assert.equal(c.reference, row.reference);
		assert.equal(c.label, `Contrat de travail - ${row.name}`);
		assert.equal(c.signatories.length, 1);
		const [s] = c.signatories;
		assert.equal(`${s.firstName} ${s.lastName}`, row.name);
		assert.equal(typeof c.alreadyExisted, 'boolean');
		// New or already existing, the contract has the same shape.
		assert.equal(s.email, row.email);
		assert.equal(s.phone, row.phone);
		assert.equal(c.mainDocument.data.name, 'contract.pdf');
	});
	return { res, contracts };
}

const scenarios: Scenario[] = [
	{
		name: 'package: nodes and credential known to n8n',
		async run(ctx) {
			const nodes = await exportNodes(ctx.rt, ctx.folder).catch(async (err: unknown) => {
				// n8n 1.101 has no export:nodes: the running server lists the same descriptions.
				if (!/command export:nodes not found/.test(String(err))) throw err;
				return await (await ctx.server()).nodeTypes();
			});
			const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-contrat-prive.'));
			const action = ours.find((n) => n.name === NODE_TYPE);
			const trigger = ours.find((n) => n.name === TRIGGER_TYPE);
			assert.ok(action, `export:nodes lists ${NODE_TYPE}`);
			assert.ok(trigger, `export:nodes lists ${TRIGGER_TYPE}`);
			for (const node of [action, trigger]) {
				assert.deepEqual(
					node.credentials?.map((c) => c.name),
					[CREDENTIAL_TYPE],
					`${node.name} uses ${CREDENTIAL_TYPE}`,
				);
			}
			assert.equal(action.version, 1);
			const resource = action.properties.find((p) => p.name === 'resource');
			// n8n appends its "Custom API Call" resource to nodes whose credential authenticates generically.
			assert.deepEqual(
				(resource?.options as INodePropertyOptions[] | undefined)?.map((o) => o.value),
				['connection', 'contract', 'signatory', '__CUSTOM_API_CALL__'],
			);
			// usableAsTool: n8n derives an AI-agent tool variant of the action node.
			assert.ok(
				ours.some((n) => n.name === `${NODE_TYPE}Tool`),
				`export:nodes lists ${NODE_TYPE}Tool`,
			);
			const server = await ctx.server();
			const types = await server.credentialTypes();
			assert.ok(types.includes(CREDENTIAL_TYPE), `n8n knows credential type ${CREDENTIAL_TYPE}`);
		},
	},
	{
		name: 'connection check',
		async run(ctx) {
			const res = await ctx.executeOk(
				chain('e2eCheck', 'E2E connection check', [
					manualTrigger(),
					contratPrive(
						'Check',
						{ resource: 'connection', operation: 'check' },
						ref(ctx.creds.sandbox),
					),
				]),
			);
			assert.deepEqual(nodeOutput(res.run, 'Check'), [
				{
					platform: 'sandbox',
					owner: {
						apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
						name: DEMO_ACCOUNTS.sandbox.name,
						email: DEMO_ACCOUNTS.sandbox.email,
					},
					quota: null,
				},
			]);
		},
	},
	{
		name: 'send, SMS code, sign, download the signed PDF',
		async run(ctx) {
			const cred = ref(ctx.creds.sandbox);
			const res = await ctx.executeOk(
				chain('e2eSign', 'E2E send and sign', [
					manualTrigger(),
					httpDownload('Download PDF', ctx.pdfUrl),
					contratPrive(
						'Create',
						createParameters({ additionalFields: { reference: 'E2E-SIGN' } }),
						cred,
					),
					contratPrive(
						'Send SMS',
						{
							resource: 'signatory',
							operation: 'sendSms',
							contractId: byId('={{ $json.id }}'),
							signatoryId: '={{ $json.signatories[0].id }}',
						},
						cred,
					),
					contratPrive(
						'Sign',
						{
							resource: 'signatory',
							operation: 'sign',
							// Mapped from the previous node's output: n8n 1.123.81's default expression
							// engine cannot return $('Create').item ("#<Object> could not be cloned").
							contractId: byId('={{ $json.contractId }}'),
							signatoryId: '={{ $json.signatoryId }}',
							code: '0000',
						},
						cred,
					),
					contratPrive(
						'Get',
						{
							resource: 'contract',
							operation: 'get',
							contractId: byId('={{ $json.contract.id }}'),
							options: { downloadDocuments: true },
						},
						cred,
					),
				]),
			);
			const [created] = nodeOutput<CreatedContract>(res.run, 'Create');
			assert.equal(created.status, 'pending');
			assert.equal(created.reference, 'E2E-SIGN');
			assert.equal(created.signatories[0].phone, '+33612345678');
			assert.deepEqual(created.mainDocument.data, {
				name: 'lease.pdf',
				size: ctx.pdf.length,
				sha256: sha256(ctx.pdf),
			});
			const contractId: string = created.id;
			const signatoryId: string = created.signatories[0].id;

			assert.deepEqual(nodeOutput(res.run, 'Send SMS'), [
				{ contractId, signatoryId, sent: true, remainingSms: null },
			]);
			const [signed] = nodeOutput<Signed>(res.run, 'Sign');
			assert.equal(signed.signatory.status, 'signed');
			assert.deepEqual(signed.contract, { id: contractId, status: 'signed' });

			const [got] = nodeOutput<Contract>(res.run, 'Get');
			assert.equal(got.status, 'signed');
			assert.equal(got.log, undefined, 'no audit log unless asked');
			const binary = nodeBinaryOutput(res.run, 'Get')[0]!;
			assert.deepEqual(Object.keys(binary).sort(), ['original', 'signed']);
			assert.equal(binary.signed.mimeType, 'application/pdf');
			assert.equal(binary.signed.fileName, got.mainDocument.data.sign!.name);
			const original = readBinary(ctx.folder, binary.original);
			const signedPdf = readBinary(ctx.folder, binary.signed);
			assert.ok(original.equals(ctx.pdf), 'original document is the PDF sent');
			assert.equal(signedPdf.subarray(0, 5).toString(), '%PDF-');
			assert.equal(sha256(signedPdf), got.mainDocument.data.sign!.sha256);

			// The emulator's side: each request once, all answered 200.
			for (const requestName of [
				'contractCreateRequest',
				'signatorySendSmsRequest',
				'signatorySignRequest',
				'contractDetailRequest',
			]) {
				assert.equal(ctx.sb.requestCount({ requestName }), 1, `${requestName} sent once`);
			}
			assert.equal(ctx.sb.requestCount(), ctx.sb.requestCount({ status: 200 }));
		},
	},
	{
		name: 'get many by reference, cancel',
		async run(ctx) {
			const cred = ref(ctx.creds.sandbox);
			const reference = `E2E-CANCEL-${Date.now()}`;
			const res = await ctx.executeOk(
				chain('e2eCancel', 'E2E get many and cancel', [
					manualTrigger(),
					httpDownload('Download PDF', ctx.pdfUrl),
					contratPrive('Create', createParameters({ additionalFields: { reference } }), cred),
					contratPrive(
						'Cancel',
						{
							resource: 'contract',
							operation: 'cancel',
							contractId: byId('={{ $json.id }}'),
							reason: 'E2E: changed our mind',
						},
						cred,
					),
					contratPrive(
						'Get Many',
						{
							resource: 'contract',
							operation: 'getMany',
							returnAll: true,
							filters: { reference },
						},
						cred,
					),
				]),
			);
			const [created] = nodeOutput<CreatedContract>(res.run, 'Create');
			const cancelled = nodeOutput<Contract>(res.run, 'Cancel');
			const many = nodeOutput<ContractSummary>(res.run, 'Get Many');
			assert.equal(cancelled.length, 1);
			assert.equal(cancelled[0].id, created.id);
			assert.equal(cancelled[0].status, 'cancelled');
			assert.equal(typeof cancelled[0].cancelledAt, 'string');
			assert.equal(many.length, 1);
			assert.equal(many[0].id, created.id);
			assert.equal(many[0].status, 'cancelled');
			assert.equal(many[0].reference, reference);
		},
	},
	{
		// The wait between attempts runs on the n8n-workflow of the n8n that loads the package,
		// not the one jest uses: n8n 2.39's has no sleepWithAbort, so only a real n8n proves it.
		name: 'retry: a read answered 503 is sent again after its wait',
		async run(ctx) {
			const cred = ref(ctx.creds.sandbox);
			const reference = `E2E-RETRY-${Date.now()}`;
			const fault = await fetch(`${ctx.sb.url}/_control/faults`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ kind: '503', requestName: 'contractListRequest', count: 1 }),
			});
			assert.equal(fault.status, 200, 'fault injected');
			const before = ctx.sb.requestCount({ requestName: 'contractListRequest' });
			const res = await ctx.executeOk(
				chain('e2eRetry', 'E2E retry after 503', [
					manualTrigger(),
					contratPrive(
						'Get Many',
						{ resource: 'contract', operation: 'getMany', returnAll: true, filters: { reference } },
						cred,
					),
				]),
			);
			assert.deepEqual(nodeOutput(res.run, 'Get Many'), []);
			const lists = ctx.sb.requestCount({ requestName: 'contractListRequest' }) - before;
			assert.equal(lists, 2, 'the 503, then the same request again');
			assert.equal(ctx.sb.requestCount({ requestName: 'contractListRequest', status: 503 }), 1);
		},
	},
	{
		name: 'errors: unknown keys, wrong platform, continue on fail',
		async run(ctx) {
			const check = (name: string, credential: CredentialImport, settings = {}) =>
				chain(name, `E2E ${name}`, [
					manualTrigger(),
					contratPrive(
						'Check',
						{ resource: 'connection', operation: 'check' },
						ref(credential),
						settings,
					),
				]);
			const bad = await ctx.execute(check('e2eBadKeys', ctx.creds.badKeys));
			assert.equal(bad.code, 1, 'n8n execute exits 1');
			// n8n 1.101's `execute` prints a failed run before setting its status.
			assert.equal(bad.run?.status, ctx.rt.version === '1.101.1' ? 'running' : 'error');
			const badError = nodeError(bad.run, 'Check');
			assert.equal(badError?.name, 'NodeApiError');
			assert.equal(badError?.httpCode, '401');
			assert.equal(badError?.message, 'Contrat-Privé does not know this API key pair');
			assert.match(badError?.description ?? '', /Copy API User and API Key again/);

			const wrong = await ctx.execute(check('e2eWrongPlatform', ctx.creds.wrongPlatform));
			assert.equal(wrong.code, 1);
			const wrongError = nodeError(wrong.run, 'Check');
			assert.equal(wrongError?.httpCode, '401');
			assert.match(wrongError?.message ?? '', /belong to the other platform/);
			assert.match(wrongError?.description ?? '', /these keys are production keys/);

			const cont = await ctx.executeOk(
				check('e2eContinueOnFail', ctx.creds.badKeys, { onError: 'continueRegularOutput' }),
			);
			assert.deepEqual(nodeOutput(cont.run, 'Check'), [
				{
					error: 'Contrat-Privé does not know this API key pair',
					description:
						'Copy API User and API Key again from your Contrat-Privé owner account into the credential.',
					errorCode: 'INVALID_CREDENTIALS',
				},
			]);
		},
	},
	{
		name: 'credential test as in the editor',
		async run(ctx) {
			const server = await ctx.server();
			const test = (c: CredentialImport) =>
				server.testCredential({ id: c.id, name: c.name, type: c.type, data: c.data });
			assert.deepEqual(await test(ctx.creds.sandbox), {
				status: 'OK',
				message: 'Connection successful!',
			});
			assert.deepEqual(await test(ctx.creds.production), {
				status: 'OK',
				message: 'Connection successful!',
			});
			const bad = await test(ctx.creds.badKeys);
			const wrong = await test(ctx.creds.wrongPlatform);
			const notApi = await test({
				...ctx.creds.sandbox,
				data: { ...ctx.creds.sandbox.data, baseUrl: ctx.pdfUrl.replace('/lease.pdf', '') },
			});
			const notHttps = await test({
				...ctx.creds.sandbox,
				data: { ...ctx.creds.sandbox.data, baseUrl: 'http://example.com/api' },
			});
			if (VERBOSE) console.log(JSON.stringify({ bad, wrong, notApi, notHttps }, null, 2));
			assert.equal(bad.status, 'Error');
			assert.match(bad.message, /does not know this key pair/);
			assert.equal(wrong.status, 'Error');
			assert.match(wrong.message, /belong to the other platform/);
			assert.equal(notApi.status, 'Error');
			assert.match(notApi.message, /did not answer like the Contrat-Privé API/);
			// A plain-http non-loopback URL is sent to an .invalid host: n8n shows only "ENOTFOUND".
			assert.equal(notHttps.status, 'Error');
		},
	},
	{
		name: 'list search and load options through the REST API',
		async run(ctx) {
			const server = await ctx.server();
			const reference = `E2E-LIST-${Date.now()}`;
			const created = await ctx.executeOk(
				chain('e2eList', 'E2E list search', [
					manualTrigger(),
					httpDownload('Download PDF', ctx.pdfUrl),
					contratPrive(
						'Create',
						createParameters({ label: `Liste ${reference}`, additionalFields: { reference } }),
						ref(ctx.creds.sandbox),
					),
				]),
			);
			const [contract] = nodeOutput<CreatedContract>(created.run, 'Create');
			const base = {
				nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
				credentials: { [CREDENTIAL_TYPE]: ref(ctx.creds.sandbox) },
			};
			const search = await server.rest<RestData<{ results: unknown[] }>>(
				'POST',
				'/dynamic-node-parameters/resource-locator-results',
				{
					...base,
					path: 'parameters.contractId',
					methodName: 'searchContracts',
					filter: reference,
					currentNodeParameters: {
						resource: 'contract',
						operation: 'get',
						contractId: { __rl: true, mode: 'list', value: '' },
					},
				},
			);
			if (VERBOSE) console.log(JSON.stringify(search, null, 2));
			assert.equal(search.status, 200);
			assert.deepEqual(search.body.data.results, [
				{ name: `Liste ${reference} (${reference}) · pending`, value: contract.id },
			]);

			const options = await server.rest<RestData<unknown[]>>(
				'POST',
				'/dynamic-node-parameters/options',
				{
					...base,
					path: 'parameters.signatoryId',
					methodName: 'getSignatories',
					currentNodeParameters: {
						resource: 'signatory',
						operation: 'sendSms',
						contractId: { __rl: true, mode: 'id', value: contract.id },
					},
				},
			);
			if (VERBOSE) console.log(JSON.stringify(options, null, 2));
			assert.equal(options.status, 200);
			assert.deepEqual(options.body.data, [
				{
					name: 'Alice Martin (pending)',
					value: contract.signatories[0].id,
					description: 'alice@example.com',
				},
			]);
		},
	},
	{
		name: 'example bulk: contracts from a CRM export, run twice (n8n execute)',
		async run(ctx) {
			const creates = () => ctx.sb.requestCount({ requestName: 'contractCreateRequest' });
			const before = creates();
			const { contracts: first } = await runBulkExample(ctx);
			// The scenario may run after another one created them: then nothing is sent again.
			const fresh = first.filter((c) => !c.alreadyExisted);
			assert.equal(creates() - before, fresh.length, 'one create per new contract');
			for (const c of first) assert.equal(c.status, 'pending', 'sent for signature');
			for (const c of fresh) {
				assert.equal(c.mainDocument.data.name, 'contract.pdf', 'the downloaded sample PDF');
				const mails = ctx.sb.outbox().emails.filter((e) => e.contractId === c.id);
				const toSignatory = mails.find((e) => e.to === c.signatories[0].email);
				assert.ok(toSignatory, `the signatory of ${c.reference} was notified`);
				assert.match(toSignatory.body, /Voici votre contrat de travail/, 'the custom message');
				assert.ok(
					mails.some((e) => e.to === DEMO_ACCOUNTS.sandbox.email),
					'the owner was notified',
				);
			}

			// Again: the references exist, nothing is sent twice.
			const createsAfterFirst = creates();
			const { contracts: second } = await runBulkExample(ctx);
			assert.equal(creates(), createsAfterFirst, 'no create on the second run');
			assert.deepEqual(
				second.map((c) => [c.id, c.alreadyExisted]),
				first.map((c) => [c.id, true]),
			);
			assert.deepEqual(
				second.map((c) => Object.keys(c).sort()),
				first.map((c) => Object.keys(c).sort()),
				'the same keys on both runs',
			);
		},
	},
	{
		name: 'example archive: signed PDFs written to disk (n8n execute)',
		async run(ctx) {
			const { contracts } = await runBulkExample(ctx);
			// Two of the three signatories sign on the website.
			const toSign = contracts.filter((c) => c.status === 'pending').slice(0, 2);
			for (const c of toSign) {
				await controlPost(ctx.sb, `/contracts/${c.id}/signatories/${c.signatories[0].id}/sign`);
			}
			const signedIds = new Set(
				contracts
					.filter((c) => c.status === 'signed' || toSign.includes(c))
					.map((c) => c.id as string),
			);
			assert.ok(signedIds.size >= 2);

			const res = await ctx.executeOk(loadExample('archive', ctx.sb.url));
			const listed = nodeOutput<ContractSummary>(res.run, 'Get Signed Contracts');
			assert.ok(
				listed.every((c) => c.status === 'signed'),
				'only signed contracts',
			);
			for (const id of signedIds)
				assert.ok(
					listed.some((c) => c.id === id),
					`${id} listed`,
				);

			const got = nodeOutput<Contract>(res.run, 'Get With Documents');
			// The Read/Write Files node outputs the item it got, with the file's name.
			const written = nodeOutput<Contract & { fileName: string }>(res.run, 'Write Signed PDF');
			assert.equal(written.length, listed.length, 'one file per signed contract');
			// Every signed contract of the account is written: remove them all afterwards.
			const files: string[] = written.map((w) => w.fileName);
			try {
				for (const id of signedIds) {
					const contract = got.find((c) => c.id === id);
					const out = written.find((w) => w.id === id);
					assert.ok(contract && out, `${id} downloaded and written`);
					const file = `${ARCHIVE_DIR}/${contract.reference}-${id}.pdf`;
					assert.equal(out.fileName, file);
					const pdf = fs.readFileSync(file);
					assert.equal(sha256(pdf), contract.mainDocument.data.sign!.sha256, 'the signed PDF');
					assertSignedPdf(pdf, contract.label);
				}
			} finally {
				for (const file of files) {
					if (path.dirname(file) === ARCHIVE_DIR) fs.rmSync(file, { force: true });
				}
			}
		},
	},
	{
		name: 'example extranet: create without e-mail, SMS, sign, signed PDF (webhooks)',
		async run(ctx) {
			const server = await ctx.server();
			for (const name of ['extranetStart', 'extranetSign'] as const) {
				await importWorkflow(ctx.rt, ctx.folder, loadExample(name, ctx.sb.url));
				await server.activateWorkflow(EXAMPLES[name].id);
			}
			const post = async (name: 'extranetStart' | 'extranetSign', form: Record<string, string>) => {
				const res = await fetch(`${server.url}/webhook/${EXAMPLES[name].webhookPath}`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams(form).toString(),
				});
				return {
					status: res.status,
					type: res.headers.get('content-type') ?? '',
					disposition: res.headers.get('content-disposition') ?? '',
					body: Buffer.from(await res.arrayBuffer()),
				};
			};
			const json = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));
			const reference = `EXTRANET-${Date.now()}`;
			const person = {
				firstName: 'Denise',
				lastName: 'Roux',
				email: 'denise.roux@example.com',
				phone: '07 11 22 33 44',
			};

			// A rejected form: 422 with the node's message, nothing sent.
			const creates = ctx.sb.requestCount({ requestName: 'contractCreateRequest' });
			const bad = await post('extranetStart', { ...person, phone: '05 12', reference });
			assert.equal(bad.status, 422, bad.body.toString());
			assert.match(json(bad).error, /phone" is not a mobile phone number: "05 12"/);
			assert.equal(ctx.sb.requestCount({ requestName: 'contractCreateRequest' }), creates);

			const started = await post('extranetStart', { ...person, reference });
			assert.equal(started.status, 200, started.body.toString());
			const { contractId, signatoryId, smsSent } = json(started);
			assert.equal(smsSent, true);
			assert.equal(typeof contractId, 'string');
			assert.deepEqual(
				ctx.sb.outbox().emails.filter((e) => e.contractId === contractId),
				[],
				'no e-mail: white label',
			);
			// The sandbox sends no real SMS (the code is 0000): the request is what counts.
			assert.equal(ctx.sb.requestCount({ requestName: 'signatorySendSmsRequest' }), 1);
			const view = (await (
				await fetch(`${ctx.sb.url}/_control/contracts/${contractId}`)
			).json()) as WireReply;
			assert.equal(view.contract.reference, reference);
			assert.equal(view.contract.signatories[0].phone, '+33711223344');
			assert.equal(view.notify.signatory, false, 'Notify Signatories off');
			assert.equal(view.notify.owner, false, 'Notify Owner off');

			const wrong = await post('extranetSign', { contractId, signatoryId, code: '1234' });
			assert.equal(wrong.status, 422, wrong.body.toString());
			assert.match(json(wrong).error, /code/i);

			const signed = await post('extranetSign', { contractId, signatoryId, code: '0000' });
			assert.equal(signed.status, 200, signed.body.subarray(0, 500).toString());
			assert.match(signed.type, /^application\/pdf/);
			assert.match(signed.disposition, /filename=".+\.pdf"/);
			assertSignedPdf(signed.body, `Contrat de location - ${person.firstName} ${person.lastName}`);
		},
	},
	{
		name: 'example trigger: published, polls, emits a signed contract once with its PDF',
		async run(ctx) {
			const reference = `E2E-TRIG-${Date.now()}`;
			// Its own instance: a fresh database (owner setup) and the example published before start.
			const folder = createUserFolder('n8n-e2e-trigger-');
			const { id } = EXAMPLES.trigger;
			let server: N8nServer | undefined;
			try {
				installCommunityPackage(ctx.rt, folder, ctx.tarball);
				await importCredentials(ctx.rt, folder, [localCredential(ctx.sb.url)]);
				await importWorkflow(ctx.rt, folder, loadExample('trigger', ctx.sb.url));
				await runN8nOk(ctx.rt, folder, publishWorkflowArgs(ctx.rt.version, id));

				const polls = () => ctx.sb.requestCount({ requestName: 'contractListRequest' });
				const before = polls();
				server = await startN8nServer(ctx.rt, folder, { env: ctx.env });
				await server.setupOwnerAndLogin();
				await waitFor(() => polls() > before, 60_000, 'the poll n8n runs on activation');

				// A contract sent and signed (by the other n8n instance).
				const signed = await ctx.executeOk(
					chain('e2eTrigSign', 'E2E sign for the trigger', [
						manualTrigger(),
						httpDownload('Download PDF', ctx.pdfUrl),
						contratPrive(
							'Create',
							createParameters({ additionalFields: { reference } }),
							ref(ctx.creds.sandbox),
						),
						contratPrive(
							'Sign',
							{
								resource: 'signatory',
								operation: 'sign',
								contractId: byId('={{ $json.id }}'),
								signatoryId: '={{ $json.signatories[0].id }}',
								code: '0000',
							},
							ref(ctx.creds.sandbox),
						),
					]),
				);
				const [contract] = nodeOutput<CreatedContract>(signed.run, 'Create');

				// The next scheduled poll (every minute) starts one execution.
				const srv = server;
				let executions: Array<{ id: string; status: string }> = [];
				await waitForAsync(
					async () => {
						executions = await srv.executions(id);
						return executions.some((e) => e.status !== 'running' && e.status !== 'new');
					},
					150_000,
					'the execution started by the trigger',
				);
				assert.equal(executions.length, 1, 'one execution');
				const execution = await server.execution(executions[0].id);
				assert.equal(execution.status, 'success');
				const runData = execution.data.resultData.runData;
				const items = runData['Contrat-Privé Trigger'][0].data!.main[0]!;
				assert.equal(items.length, 1, 'one item: the contract signed since the last poll');
				const event = jsonAs<TriggerItem>(items[0]);
				if (VERBOSE) console.log(JSON.stringify(event, null, 2));
				assert.equal(event.event, 'contractSigned');
				assert.equal(event.contract.id, contract.id);
				assert.equal(event.contract.reference, reference);
				assert.equal(event.contract.status, 'signed');
				// Usually created and signed between two polls (never seen: no previous status); when
				// the minute's poll fell between the Create and the Sign, it was seen pending.
				assert.ok(
					[null, 'pending'].includes(event.contract.previousStatus),
					`previousStatus ${event.contract.previousStatus}`,
				);
				assert.equal(event.signatory, undefined);
				const archived = runData['Archive (Replace With Your DMS or CRM Node)'][0].data!.main[0]!;
				assert.equal(archived.length, 1, 'the archive node got the item');
				const binary = archived[0].binary!.signedDocument;
				assert.equal(binary.mimeType, 'application/pdf');
				assertSignedPdf(readBinary(folder, binary), contract.label);

				// Restart: the activation poll must not emit the same change again. (Had n8n kept
				// only the state saved after the activation poll, it would emit it a second time.)
				await server.stop();
				const afterFirst = polls();
				server = await startN8nServer(ctx.rt, folder, { env: ctx.env });
				await server.rest('POST', '/login', {
					emailOrLdapLoginId: OWNER.email,
					password: OWNER.password,
				});
				await waitFor(() => polls() > afterFirst, 60_000, 'the activation poll after a restart');
				await new Promise((r) => setTimeout(r, 5_000));
				assert.equal((await server.executions(id)).length, 1, 'no event emitted twice');
				assertNoSecret(server.output(), 'the n8n server log');
			} finally {
				await server?.stop();
				folder.remove();
			}
		},
	},
	editorScenario,
	...agentScenarios,
	...mcpScenarios,
	...portalScenarios,
];

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	await waitForAsync(async () => check(), timeoutMs, what);
}

async function waitForAsync(
	check: () => Promise<boolean>,
	timeoutMs: number,
	what: string,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

// ------------------------------------------------------------------ runner

function servePdf(pdf: Buffer): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		if (req.url !== '/lease.pdf') {
			res.statusCode = 404;
			res.end();
			return;
		}
		res.setHeader('content-type', 'application/pdf');
		res.setHeader('content-disposition', 'attachment; filename="lease.pdf"');
		res.end(pdf);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({
				url: `http://127.0.0.1:${port}/lease.pdf`,
				close: () => new Promise((r) => server.close(() => r())),
			});
		}),
	);
}

/** The last commit, extracted to `dest`, with the repository's node_modules linked in. */
function snapshotHead(dest: string): string {
	fs.mkdirSync(dest, { recursive: true });
	const res = spawnSync('sh', ['-c', `git archive --format=tar HEAD | tar -x -C '${dest}'`], {
		cwd: REPO,
		encoding: 'utf8',
	});
	if (res.status !== 0) throw new Error(`git archive HEAD failed: ${res.stderr}`);
	fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
	return dest;
}

function log(msg: string, t0: number): void {
	console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}

interface ScenarioResult {
	name: string;
	status: 'passed' | 'failed';
	seconds: number;
	error?: string;
}

/**
 * `test-results/n8n-e2e.json`: `{ passed, failed, scenarios }`, which .ci/run adds to jest's
 * counts. Another n8n version (N8N_VERSION) writes `n8n-e2e-<version>.json` instead.
 */
function resultsFile(): string {
	if (process.env.E2E_RESULTS) return path.resolve(REPO, process.env.E2E_RESULTS);
	const version = process.env.N8N_BIN ? undefined : process.env.N8N_VERSION;
	const name =
		version && version !== DEFAULT_N8N_VERSION ? `n8n-e2e-${version}.json` : 'n8n-e2e.json';
	return path.join(REPO, 'test-results', name);
}

function writeResults(results: ScenarioResult[], extra: Record<string, unknown>): void {
	const file = resultsFile();
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const passed = results.filter((r) => r.status === 'passed').length;
	fs.writeFileSync(
		file,
		JSON.stringify(
			{ passed, failed: results.length - passed, ...extra, scenarios: results },
			null,
			2,
		) + '\n',
	);
}

function errorText(err: unknown): string {
	return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

let selectedNames: string[] = [];

async function main(): Promise<void> {
	const t0 = Date.now();
	const filters = process.argv.slice(2).map((a) => a.toLowerCase());
	const version = process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
	// The browser test drives n8n 2's editor (its test ids differ in n8n 1); there, the icons are
	// checked through the REST API by the compat scenarios.
	const forVersion = scenarios.filter(
		(s) => s !== editorScenario || compareVersions(version, '2.0.0') >= 0,
	);
	const selected = [...forVersion, ...compatScenarios(version), ...schemaScenarios(version)].filter(
		(s) => filters.length === 0 || filters.some((f) => s.name.toLowerCase().includes(f)),
	);
	if (selected.length === 0) throw new Error(`no scenario matches ${filters.join(' ')}`);
	selectedNames = selected.map((s) => s.name);

	const rt = await ensureN8n();
	log(`n8n ${rt.version}`, t0);

	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
	// Also when packing or installing fails, before the main try/finally.
	process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
	let tarball = process.env.E2E_PACKAGE_TGZ;
	if (!tarball) {
		const fromHead = process.env.E2E_SOURCE === 'head';
		tarball = npmPack(fromHead ? snapshotHead(path.join(work, 'src')) : REPO, work);
		log(`packed ${path.basename(tarball)} from ${fromHead ? 'HEAD' : 'the working tree'}`, t0);
	}
	const folder = createUserFolder('n8n-e2e-contrat-prive-');
	if (process.env.E2E_KEEP !== '1') process.on('exit', () => folder.remove());
	installCommunityPackage(rt, folder, path.resolve(tarball));
	log(`installed into ${folder.nodesDir}`, t0);

	// The archive example writes there; n8n 2 file nodes only write inside allowed folders.
	const env: NodeJS.ProcessEnv = { N8N_RESTRICT_FILE_ACCESS_TO: ensureArchiveDir() };
	const sb = await startEmulator({ port: 0 });
	const pdf = await makePdf('Lease agreement', 'Second page');
	const pdfServer = await servePdf(pdf);
	const creds = makeCredentials(sb);
	await importCredentials(rt, folder, [...Object.values(creds), localCredential(sb.url)]);
	log(`emulator at ${sb.url}, credentials imported`, t0);

	let server: N8nServer | undefined;
	let crashesOnExit = 0;
	const execute = async (workflow: WorkflowJson) => {
		const file = path.join(folder.dir, `wf-${workflow.id}.json`);
		fs.writeFileSync(file, JSON.stringify({ active: false, ...workflow }, null, 2));
		await runN8nOk(rt, folder, ['import:workflow', `--input=${file}`], { env });
		const res = await executeWorkflow(rt, folder, workflow.id, { env });
		if (VERBOSE) console.log(res.stdout, res.stderr);
		if (res.crashedOnExit) {
			crashesOnExit++;
			log(`  (n8n execute ${workflow.id}: SIGSEGV at exit after the run was stored)`, t0);
		}
		assertNoSecret(res.stdout + res.stderr, `the output of workflow ${workflow.id}`);
		return res;
	};
	const ctx: Ctx = {
		rt,
		folder,
		sb,
		pdf,
		pdfUrl: pdfServer.url,
		creds,
		tarball,
		env,
		execute,
		async executeOk(workflow) {
			const res = await execute(workflow);
			if (!res.ok) {
				throw new Error(
					`workflow ${workflow.id} failed (exit ${res.code ?? res.signal}): ${JSON.stringify(res.error ?? null, null, 2)}\n${res.run ? '' : res.stdout + res.stderr}`,
				);
			}
			return res;
		},
		async server() {
			if (!server) {
				server = await startN8nServer(rt, folder, { env });
				await server.setupOwnerAndLogin();
				log(`n8n start ready at ${server.url}`, t0);
			}
			return server;
		},
	};

	const results: ScenarioResult[] = [];
	try {
		for (const scenario of selected) {
			const s0 = Date.now();
			sb.resetRequestLog();
			const seconds = () => Math.round((Date.now() - s0) / 100) / 10;
			try {
				await scenario.run(ctx);
				assert.deepEqual(sb.internalErrors, [], 'the emulator had no internal error');
				results.push({ name: scenario.name, status: 'passed', seconds: seconds() });
				log(`ok   ${scenario.name} (${seconds().toFixed(1)}s)`, t0);
			} catch (err) {
				results.push({
					name: scenario.name,
					status: 'failed',
					seconds: seconds(),
					error: errorText(err),
				});
				log(`FAIL ${scenario.name}`, t0);
				console.error(errorText(err));
			}
		}
		if (server) {
			try {
				assertNoSecret(server.output(), 'the n8n server log');
			} catch (err) {
				results.push({ name: 'no API key in the n8n server log', status: 'failed', seconds: 0 });
				console.error(errorText(err));
			}
		}
	} finally {
		await closePortal();
		await server?.stop();
		await pdfServer.close();
		await sb.close();
		if (process.env.E2E_KEEP === '1') log(`kept ${folder.dir}`, t0);
		else folder.remove();
		fs.rmSync(work, { recursive: true, force: true });
	}
	const failures = results.filter((r) => r.status === 'failed');
	writeResults(results, {
		n8nVersion: rt.version,
		seconds: Math.round((Date.now() - t0) / 1000),
		crashesOnExit,
	});
	log(
		`${results.length - failures.length}/${results.length} passed` +
			(crashesOnExit ? `; n8n crashed on exit ${crashesOnExit} time(s) after a stored run` : ''),
		t0,
	);
	if (failures.length > 0) {
		console.error(`failed:\n  ${failures.map((f) => f.name).join('\n  ')}`);
		process.exit(1);
	}
}

main().catch((err) => {
	console.error(err);
	// Setup failed (install, pack, emulator...): every selected scenario counts as failed.
	const names = selectedNames.length > 0 ? selectedNames : ['setup'];
	writeResults(
		names.map((name) => ({
			name,
			status: 'failed',
			seconds: 0,
			error: `setup failed: ${errorText(err)}`,
		})),
		{},
	);
	process.exit(1);
});
