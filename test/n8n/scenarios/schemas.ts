/**
 * The package's output schemas in a real n8n:
 *
 * - over REST, every schema URL the editor and n8n's AI features ask for answers 200 with the
 *   file the package ships (`/schemas/<node type>/<x.y.z>/<resource>/<operation>.json`, and
 *   `/schemas/<trigger type>/<x.y.z>.json` for the trigger, which has neither), and a file the
 *   package does not ship answers 404;
 * - every operation run with `n8n execute`, in the situations that fill every field (contracts
 *   prepared through the emulator's API and website): every item validates against its
 *   schema, and every property of each schema is filled in at least one item.
 *
 * n8n added the route and the editor's preview in January 2025 (n8n 1.76–1.77, PRs #12770 and
 * #12901): these scenarios run on every matrix version from 1.77 on; verified on 2.39.0.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { DEMO_ACCOUNTS, SANDBOX_TEST_CARD } from '../../emulator';
import type { Emulator } from '../../emulator';
import type { WireContract, WireReply } from '../../emulator/wire-reply';
import { unseenPaths, validate } from '../../helpers/json-schema';
import {
	actionOperations,
	actionSchema,
	actionSchemaFile,
	ACTION_SCHEMA_DIR,
	padVersion,
	TRIGGER_SCHEMA_DIR,
	triggerSchemaFile,
	triggerVersions,
} from '../../helpers/output-schemas';
import type { Ctx, Scenario } from '../e2e';
import { schemaPreviewScenario } from '../editor/schema-preview';
import { nodeBinaryOutput, nodeOutput } from '../n8n-cli';
import type { WfNode } from '../workflows';
import {
	byId,
	contratPrive,
	httpDownload,
	manualTrigger,
	NODE_TYPE,
	TRIGGER_TYPE,
} from '../workflows';
import { compareVersions } from './compat';

/** n8n's first version with output-schema previews (the `/schemas` route). */
export const SCHEMA_PREVIEW_SINCE = '1.77.0';

/** Every schema URL n8n may ask for, with the file it must answer. */
export function schemaUrls(): Array<{ url: string; file: string }> {
	return [
		...actionOperations().map((ref) => ({
			url: `/schemas/${NODE_TYPE}/${padVersion(ref.version)}/${ref.resource}/${ref.operation}.json`,
			file: path.join(ACTION_SCHEMA_DIR, actionSchemaFile(ref)),
		})),
		...triggerVersions().map((version) => ({
			url: `/schemas/${TRIGGER_TYPE}/${padVersion(version)}.json`,
			file: path.join(TRIGGER_SCHEMA_DIR, triggerSchemaFile(version)),
		})),
	];
}

export function schemaScenarios(version: string): Scenario[] {
	if (compareVersions(version, SCHEMA_PREVIEW_SINCE) < 0) return [];
	// The browser test drives n8n 2's editor (test ids differ in n8n 1).
	const editor = compareVersions(version, '2.0.0') >= 0 ? [schemaPreviewScenario] : [];
	return [
		{
			name: 'output schemas: every schema URL answers 200 over REST',
			async run(ctx) {
				const server = await ctx.server();
				const urls = schemaUrls();
				assert.equal(urls.length, 10, 'eight operations and two trigger versions');
				for (const { url, file } of urls) {
					// As the editor asks: no cookie (withCredentials: false).
					const res = await fetch(`${server.url}${url}`);
					assert.equal(res.status, 200, `GET ${url}`);
					assert.match(res.headers.get('content-type') ?? '', /json/, `${url} is JSON`);
					assert.deepEqual(
						await res.json(),
						JSON.parse(readFileSync(file, 'utf8')),
						`${url} is ${path.basename(file)}`,
					);
				}
				const missing = await fetch(
					`${server.url}/schemas/${NODE_TYPE}/1.0.0/contract/unknown.json`,
				);
				assert.equal(missing.status, 404, 'an operation without a schema answers 404');
				const escape = await fetch(
					`${server.url}/schemas/${NODE_TYPE}/1.0.0/..%2F..%2Fpackage.json`,
				);
				assert.notEqual(escape.status, 200, 'nothing outside __schema__ is served');
			},
		},
		{
			name: 'output schemas: every operation run in n8n validates, every field is filled',
			async run(ctx) {
				const prepared = await prepareContracts(ctx.sb, ctx.pdf);
				const nodes = operationNodes(ctx, prepared);
				const res = await ctx.executeOk(fanOut('e2eSchemas', 'E2E output schemas', nodes));
				const byOperation = new Map<string, unknown[]>();
				for (const node of nodes.filter((n) => n.type === NODE_TYPE)) {
					const { resource, operation } = node.parameters as Record<string, string>;
					const items = nodeOutput(res.run, node.name);
					assert.ok(items.length > 0, `${node.name} output items`);
					const schema = actionSchema(resource, operation);
					items.forEach((item, index) =>
						assert.deepEqual(validate(schema, item), [], `${node.name}, item ${index}`),
					);
					const key = `${resource}/${operation}`;
					byOperation.set(key, [...(byOperation.get(key) ?? []), ...items]);
				}
				for (const ref of actionOperations()) {
					const key = `${ref.resource}/${ref.operation}`;
					const items = byOperation.get(key) ?? [];
					assert.ok(items.length > 0, `${key} ran`);
					assert.deepEqual(
						unseenPaths(actionSchema(ref.resource, ref.operation, ref.version), items),
						[],
						`${key}: every field filled`,
					);
				}
				const binary = nodeBinaryOutput(res.run, 'Get signed')[0];
				assert.deepEqual(Object.keys(binary ?? {}).sort(), ['annex_0', 'original', 'signed']);
			},
		},
		...editor,
	];
}

// ------------------------------------------------------------ contracts prepared beforehand

type Platform = 'sandbox' | 'production';

async function api(
	sb: Emulator,
	platform: Platform,
	name: string,
	body: object,
): Promise<WireReply> {
	const account = DEMO_ACCOUNTS[platform];
	const res = await fetch(`${sb.baseUrls[platform]}/${name}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ apiUser: account.apiUser, apiKey: account.apiKey, ...body }),
	});
	const json = (await res.json()) as WireReply;
	assert.equal(res.status, 200, `${name}: ${JSON.stringify(json)}`);
	return json;
}

async function control(sb: Emulator, route: string, body?: object): Promise<void> {
	const res = await fetch(`${sb.url}/_control${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body ?? {}),
	});
	assert.equal(res.status, 200, `POST /_control${route}: ${await res.text()}`);
}

function parisDate(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', {
		timeZone: 'Europe/Paris',
	});
}

/** A contract sent through the API; `full`: deposit, bank account, annex and a reference. */
async function createContract(
	sb: Emulator,
	pdf: Buffer,
	options: { platform?: Platform; reference?: string; full?: boolean; signatories?: number } = {},
): Promise<WireContract> {
	const data = pdf.toString('base64');
	const people = [
		{ firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com', phone: '+33612345678' },
		{ firstName: 'Bob', lastName: 'Durand', email: 'bob@example.com', phone: '+33798765432' },
	].slice(0, options.signatories ?? 2);
	const { contract } = await api(sb, options.platform ?? 'sandbox', 'contractCreateRequest', {
		contract: {
			label: 'Bail meublé - Lyon',
			lang: 'fr',
			deadline: parisDate(30),
			...(options.reference ? { reference: options.reference } : {}),
			...(options.full
				? {
						bankAccount: {
							iban: 'FR7630006000011234567890189',
							bic: 'AGRIFRPP',
							holder: 'SCI Les Tilleuls',
						},
					}
				: {}),
		},
		mainDocument: { name: 'lease.pdf', data },
		...(options.full ? { annexes: [{ name: 'inventory.pdf', data }] } : {}),
		signatories: people.map((p, i) => ({ ...p, deposit: options.full && i === 0 ? 150 : 0 })),
		notify: { signatory: false, owner: false },
		action: { submit: true },
	});
	return contract;
}

async function paySign(sb: Emulator, contract: WireContract, index: number): Promise<void> {
	const signatory = contract.signatories[index];
	const at = `/contracts/${contract.id}/signatories/${signatory.id}`;
	if (signatory.deposit > 0) {
		await control(sb, `${at}/pay`, { card: SANDBOX_TEST_CARD, expiry: '12/39', cvc: '123' });
	}
	await control(sb, `${at}/sign`);
}

interface Prepared {
	run: string;
	signed: WireContract;
	cancelled: WireContract;
	toCancel: WireContract;
	forSms: WireContract;
	forSmsProduction: WireContract;
	forSmsToAll: WireContract;
	toSign: WireContract;
}

async function prepareContracts(sb: Emulator, pdf: Buffer): Promise<Prepared> {
	const run = `SCH-${Date.now()}`;
	const signed = await createContract(sb, pdf, { reference: `${run}-signed`, full: true });
	await paySign(sb, signed, 0);
	await paySign(sb, signed, 1);
	const cancelled = await createContract(sb, pdf, { reference: `${run}-cancelled` });
	await api(sb, 'sandbox', 'contractCancelRequest', { contractId: cancelled.id });
	const toCancel = await createContract(sb, pdf, { reference: `${run}-to-cancel`, full: true });
	await paySign(sb, toCancel, 0);
	const forSmsToAll = await createContract(sb, pdf);
	await paySign(sb, forSmsToAll, 0);
	return {
		run,
		signed,
		cancelled,
		toCancel,
		forSms: await createContract(sb, pdf),
		forSmsProduction: await createContract(sb, pdf, { platform: 'production' }),
		forSmsToAll,
		toSign: await createContract(sb, pdf, { signatories: 1 }),
	};
}

// ------------------------------------------------------------ the workflow

function operationNodes(ctx: Ctx, p: Prepared): WfNode[] {
	const sandbox = { id: ctx.creds.sandbox.id, name: ctx.creds.sandbox.name };
	const production = { id: ctx.creds.production.id, name: ctx.creds.production.name };
	const create = (reference: string, action = 'send') => ({
		resource: 'contract',
		operation: 'create',
		label: 'Bail meublé - Lyon',
		language: 'fr',
		deadline: `${parisDate(30)}T00:00:00`,
		binaryPropertyName: 'data',
		signatoriesInput: 'fields',
		signatories: {
			signatory: [
				{
					firstName: 'Alice',
					lastName: 'Martin',
					email: 'alice@example.com',
					phone: '06 12 34 56 78',
					deposit: 0,
				},
			],
		},
		action,
		additionalFields: { reference },
	});
	const sms = (contract: WireContract) => ({
		contractId: byId(contract.id),
		signatoryId: contract.signatories[0].id,
	});
	return [
		manualTrigger(),
		httpDownload('Download PDF', ctx.pdfUrl),
		contratPrive('Check sandbox', { resource: 'connection', operation: 'check' }, sandbox),
		contratPrive('Check production', { resource: 'connection', operation: 'check' }, production),
		contratPrive('Create new draft', create(`${p.run}-new`, 'draft'), sandbox),
		contratPrive('Create finds signed', create(p.signed.reference!), sandbox),
		contratPrive('Create finds cancelled', create(p.cancelled.reference!), sandbox),
		contratPrive(
			'Get signed',
			{
				resource: 'contract',
				operation: 'get',
				contractId: byId(p.signed.id),
				options: { includeAuditLog: true, downloadDocuments: true },
			},
			sandbox,
		),
		contratPrive(
			'Get cancelled',
			{ resource: 'contract', operation: 'get', contractId: byId(p.cancelled.id) },
			sandbox,
		),
		contratPrive('Get many', { resource: 'contract', operation: 'getMany', limit: 20 }, sandbox),
		contratPrive(
			'Cancel',
			{
				resource: 'contract',
				operation: 'cancel',
				contractId: byId(p.toCancel.id),
				reason: 'Offer withdrawn',
			},
			sandbox,
		),
		contratPrive(
			'Send SMS sandbox',
			{ resource: 'signatory', operation: 'sendSms', ...sms(p.forSms) },
			sandbox,
		),
		contratPrive(
			'Send SMS production',
			{ resource: 'signatory', operation: 'sendSms', ...sms(p.forSmsProduction) },
			production,
		),
		contratPrive(
			'Send SMS to all',
			{ resource: 'signatory', operation: 'sendSmsToAll', contractId: byId(p.forSmsToAll.id) },
			sandbox,
		),
		contratPrive(
			'Sign',
			{ resource: 'signatory', operation: 'sign', ...sms(p.toSign), code: '0000' },
			sandbox,
		),
	];
}

/** Start → Download PDF → every other node, side by side. */
function fanOut(id: string, name: string, nodes: WfNode[]) {
	const [start, download, ...operations] = nodes;
	return {
		id,
		name,
		nodes: nodes.map((node, i) => ({
			id: `${id}-n${i}`,
			position: i < 2 ? [i * 220, 0] : [440, (i - 2) * 120],
			...node,
		})),
		connections: {
			[start.name]: { main: [[{ node: download.name, type: 'main', index: 0 }]] },
			[download.name]: {
				main: [operations.map((node) => ({ node: node.name, type: 'main', index: 0 }))],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}
