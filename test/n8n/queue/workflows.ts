/**
 * The queue-mode workflows, as a user builds them in the editor: n8n's own
 * Postgres node reads and writes the customer's information system (a table
 * of employees), the sample PDF comes from the emulator with an HTTP Request,
 * and the package's nodes do the rest.
 */
import type { CredentialImport, WorkflowJson } from '../n8n-cli';
import { CREDENTIAL_TYPE, NODE_TYPE, TRIGGER_TYPE, type WfNode } from '../workflows';
import type { Postgres } from './services';

export const SI_DATABASE = 'si';

export const SI_CREDENTIAL = { id: 'queueSiPostgres01', name: 'SI database' } as const;

export const BULK_WORKFLOW_ID = 'queueBulkEmployees';
export const BULK_WEBHOOK_PATH = 'si/send-contracts';
/** The same workflow on the production platform (the daily quota). */
export const BULK_PRODUCTION = {
	id: 'queueBulkProduction',
	path: 'si/send-contracts-production',
	webhookId: '8d2e6b1f-3c4a-4e7d-9b05-6a1c2d3e4f52',
} as const;
export const SIGNED_WORKFLOW_ID = 'queueSignedToSi';

/** n8n's Postgres credential on the throw-away cluster (trust authentication: no password). */
export function siCredential(pg: Postgres): CredentialImport {
	return {
		...SI_CREDENTIAL,
		type: 'postgres',
		data: {
			host: pg.host,
			port: pg.port,
			database: SI_DATABASE,
			user: pg.user,
			password: '',
			ssl: 'disable',
			maxConnections: 20,
		},
	};
}

/** The SI's table: one row per employee; the workflows fill the contract and signature columns. */
export const EMPLOYEES_TABLE = `
CREATE TABLE employees (
	id text PRIMARY KEY,
	batch integer NOT NULL,
	first_name text NOT NULL,
	last_name text NOT NULL,
	email text NOT NULL,
	mobile text NOT NULL,
	position text NOT NULL,
	contract_id text,
	contract_updates integer NOT NULL DEFAULT 0,
	status text NOT NULL DEFAULT 'new',
	signed_sha256 text,
	signed_bytes integer,
	signed_updates integer NOT NULL DEFAULT 0
);
CREATE INDEX employees_batch ON employees (batch);
CREATE INDEX employees_contract ON employees (contract_id);`;

const FIRST_NAMES = ['Alice', 'Bruno', 'Chloé', 'David', 'Emma', 'Farid', 'Gaëlle', 'Hugo'];
const LAST_NAMES = ['Martin', 'Leroy', 'Dubois', 'Moreau', 'Nguyen', 'Haddad', 'Petit', 'Roux'];

/** INSERT of `count` employees in batches of `batchSize`, keys `<prefix>-0001`... */
export function employeesInsert(
	prefix: string,
	count: number,
	batchSize: number,
	firstBatch: number,
): string {
	const rows: string[] = [];
	for (let i = 0; i < count; i++) {
		const n = String(i + 1).padStart(4, '0');
		const first = FIRST_NAMES[i % FIRST_NAMES.length];
		const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
		const batch = firstBatch + Math.floor(i / batchSize);
		const ascii = (name: string) =>
			name
				.normalize('NFD')
				.replace(/[\u0300-\u036f]/g, '')
				.toLowerCase();
		const mobile = `06 ${String(10 + (i % 90))} ${String(i % 100).padStart(2, '0')} 34 56`;
		rows.push(
			`('${prefix}-${n}', ${batch}, '${first}', '${last}', '${ascii(first)}.${ascii(last)}.${prefix.toLowerCase()}${n}@example.com', '${mobile}', 'Employee ${n}')`,
		);
	}
	return `INSERT INTO employees (id, batch, first_name, last_name, email, mobile, position) VALUES ${rows.join(',\n')};`;
}

function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WfNode> = {},
): WfNode {
	return { name, type, typeVersion, parameters, ...extra };
}

function connect(nodes: WfNode[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = {
			main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return connections;
}

function workflow(id: string, name: string, nodes: WfNode[]): WorkflowJson {
	return {
		id,
		name,
		nodes: nodes.map((n, i) => ({ id: `${id}-${i}`, position: [i * 240, 0], ...n })),
		connections: connect(nodes),
		settings: { executionOrder: 'v1' },
	};
}

const postgresCredential = { postgres: { ...SI_CREDENTIAL } };

/**
 * Webhook (POST `{ batch }`, answers at once) → Postgres: the batch's employees →
 * HTTP Request: the sample PDF → Contrat-Privé Create (Reference = the row's key,
 * Skip If Reference Exists on by default) → Postgres: the row gets its contract ID.
 */
export function bulkWorkflow(
	emulatorUrl: string,
	contratPriveCredential: { id: string; name: string },
	target: { id: string; path: string; webhookId: string } = {
		id: BULK_WORKFLOW_ID,
		path: BULK_WEBHOOK_PATH,
		webhookId: '4f1c7a52-6d0e-4c1b-9a35-2b7e5d8c0a11',
	},
): WorkflowJson {
	const row = "$('Get Employees').item.json";
	return workflow(target.id, `SI: send the employment contracts of a batch (${target.path})`, [
		node(
			'Batch Request',
			'n8n-nodes-base.webhook',
			2.1,
			{ httpMethod: 'POST', path: target.path, responseMode: 'onReceived', options: {} },
			{ webhookId: target.webhookId },
		),
		node(
			'Get Employees',
			'n8n-nodes-base.postgres',
			2.6,
			{
				operation: 'executeQuery',
				query:
					'SELECT id, first_name, last_name, email, mobile, position FROM employees WHERE batch = $1 ORDER BY id',
				options: { queryReplacement: '={{ [$json.body.batch] }}' },
			},
			{ credentials: postgresCredential },
		),
		node('Download Contract PDF', 'n8n-nodes-base.httpRequest', 4.2, {
			url: `${emulatorUrl}/_samples/contract.pdf`,
			sendQuery: true,
			queryParameters: {
				parameters: [
					{ name: 'title', value: '=Contrat de travail - {{ $json.position }}' },
					{ name: 'party', value: '={{ $json.first_name }} {{ $json.last_name }}' },
				],
			},
			options: { response: { response: { responseFormat: 'file' } } },
		}),
		node(
			'Send for Signature',
			NODE_TYPE,
			1,
			{
				resource: 'contract',
				operation: 'create',
				label: `=Contrat de travail - {{ ${row}.first_name }} {{ ${row}.last_name }}`,
				language: 'fr',
				deadline: '={{ $today.plus({ days: 14 }).toISODate() }}',
				binaryPropertyName: 'data',
				signatoriesInput: 'json',
				signatoriesJson: `={{ [{ firstName: ${row}.first_name, lastName: ${row}.last_name, email: ${row}.email, phone: ${row}.mobile }] }}`,
				action: 'send',
				additionalFields: { reference: `={{ ${row}.id }}` },
			},
			{ credentials: { [CREDENTIAL_TYPE]: contratPriveCredential } },
		),
		node(
			'Save Contract ID',
			'n8n-nodes-base.postgres',
			2.6,
			{
				operation: 'executeQuery',
				query:
					'UPDATE employees SET contract_id = $1, status = $2, contract_updates = contract_updates + 1 WHERE id = $3',
				options: { queryReplacement: `={{ [$json.id, $json.status, ${row}.id] }}` },
			},
			{ credentials: postgresCredential },
		),
	]);
}

/**
 * Published: Contrat-Privé Trigger (Contract Signed, every minute, with the signed PDF;
 * runs on the main instance) → Crypto: SHA-256 of the PDF → Postgres: the row is signed.
 */
export function signedWorkflow(contratPriveCredential: { id: string; name: string }): WorkflowJson {
	const trigger = "$('Contract Signed').item";
	return workflow(SIGNED_WORKFLOW_ID, 'SI: mark signed contracts', [
		node(
			'Contract Signed',
			TRIGGER_TYPE,
			1,
			{
				pollTimes: { item: [{ mode: 'everyMinute' }] },
				events: ['contractSigned'],
				filters: {},
				options: { downloadSignedDocument: true },
			},
			{ credentials: { [CREDENTIAL_TYPE]: contratPriveCredential } },
		),
		node('Hash Signed PDF', 'n8n-nodes-base.crypto', 2, {
			action: 'hash',
			type: 'SHA256',
			binaryData: true,
			binaryPropertyName: 'signedDocument',
			dataPropertyName: 'sha256',
			encoding: 'hex',
		}),
		node(
			'Mark Signed',
			'n8n-nodes-base.postgres',
			2.6,
			{
				operation: 'executeQuery',
				query:
					"UPDATE employees SET status = 'signed', signed_sha256 = $1, signed_bytes = $2, signed_updates = signed_updates + 1 WHERE contract_id = $3",
				options: {
					queryReplacement: `={{ [$json.sha256, ${trigger}.binary.signedDocument.bytes, ${trigger}.json.contract.id] }}`,
				},
			},
			{ credentials: postgresCredential },
		),
	]);
}

export const LARGE_DOCUMENT_WORKFLOW = {
	id: 'queueLargeDocument',
	path: 'dms/document-ready',
	webhookId: '2b7d4e91-5a3c-4f08-8e6d-1c9a0b3f7e24',
} as const;

/**
 * Webhook (POST `{ documentUrl, reference, employee }` from the document management system,
 * answers at once) → HTTP Request: the document → HTTP Request: an annex (the emulator's
 * sample) → Contrat-Privé Create (the document as the main one, the annex) → Contrat-Privé
 * Get with Download Documents. Every PDF goes through n8n's binary data.
 */
export function largeDocumentWorkflow(
	emulatorUrl: string,
	contratPriveCredential: { id: string; name: string },
): WorkflowJson {
	const body = "$('Document Ready').item.json.body";
	const credentials = { [CREDENTIAL_TYPE]: contratPriveCredential };
	return workflow(LARGE_DOCUMENT_WORKFLOW.id, 'DMS: send a document for signature and archive it', [
		node(
			'Document Ready',
			'n8n-nodes-base.webhook',
			2.1,
			{
				httpMethod: 'POST',
				path: LARGE_DOCUMENT_WORKFLOW.path,
				responseMode: 'onReceived',
				options: {},
			},
			{ webhookId: LARGE_DOCUMENT_WORKFLOW.webhookId },
		),
		node('Download Document', 'n8n-nodes-base.httpRequest', 4.2, {
			url: '={{ $json.body.documentUrl }}',
			options: { response: { response: { responseFormat: 'file' } } },
		}),
		node('Download Annex', 'n8n-nodes-base.httpRequest', 4.2, {
			url: `${emulatorUrl}/_samples/contract.pdf`,
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'title', value: 'Annex - Company policies' }] },
			options: {
				response: { response: { responseFormat: 'file', outputPropertyName: 'annex' } },
			},
		}),
		node(
			'Send for Signature',
			NODE_TYPE,
			1,
			{
				resource: 'contract',
				operation: 'create',
				label: `=Contrat de travail - {{ ${body}.employee.firstName }} {{ ${body}.employee.lastName }}`,
				language: 'fr',
				deadline: '={{ $today.plus({ days: 14 }).toISODate() }}',
				binaryPropertyName: 'data',
				signatoriesInput: 'json',
				signatoriesJson: `={{ [${body}.employee] }}`,
				action: 'send',
				additionalFields: { annexes: 'annex', reference: `={{ ${body}.reference }}` },
			},
			{ credentials },
		),
		node(
			'Get with Documents',
			NODE_TYPE,
			1,
			{
				resource: 'contract',
				operation: 'get',
				contractId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				options: { downloadDocuments: true },
			},
			{ credentials },
		),
	]);
}
