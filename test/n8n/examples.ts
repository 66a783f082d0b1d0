/**
 * The example workflows of `test/n8n/workflows/*.json`, as `npm run dev` and
 * the end-to-end tests import them.
 *
 * The files are importable as they are: their credential is referenced by
 * name ("Contrat-Privé (local sandbox)") and by a fixed id, and the sample PDF
 * comes from the emulator at its default address, http://127.0.0.1:8787.
 * When the emulator listens elsewhere, `loadExample()` replaces that origin
 * with the real one; nothing else is changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEMO_ACCOUNTS } from '../emulator';
import type { CredentialImport, WorkflowJson } from './n8n-cli';
import { CREDENTIAL_TYPE } from './workflows';

export const EXAMPLES_DIR = path.join(__dirname, 'workflows');

/** The emulator's default origin, written in the example files. */
export const EXAMPLE_EMULATOR_ORIGIN = 'http://127.0.0.1:8787';

/** The credential every example uses. */
export const LOCAL_CREDENTIAL = {
	id: 'contratPriveLocal01',
	name: 'Contrat-Privé (local sandbox)',
} as const;

/** Where the archive example writes the signed PDFs (also allowed to n8n's file nodes). */
export const ARCHIVE_DIR = '/tmp/contrat-prive-signed';

export const EXAMPLES = {
	bulk: { file: 'bulk-contracts-from-crm.json', id: 'cpExampleBulk' },
	archive: { file: 'archive-signed-contracts.json', id: 'cpExampleArchive' },
	extranetStart: {
		file: 'extranet-start-signing.json',
		id: 'cpExtranetStart',
		webhookPath: 'contrat-prive/start-signing',
	},
	extranetSign: {
		file: 'extranet-sign.json',
		id: 'cpExtranetSign',
		webhookPath: 'contrat-prive/sign',
	},
	trigger: { file: 'trigger-signed-to-archive.json', id: 'cpExampleTrigger' },
	/** Recipe 4, the signing portal: links e-mailed, the signatory's pages, the PDF to read. */
	portalLinks: { file: 'portal-send-links.json', id: 'cpPortalLinks' },
	portalSign: { file: 'portal-sign.json', id: 'cpPortal' },
	portalDocument: { file: 'portal-document.json', id: 'cpPortalDocument' },
	portalSelfService: { file: 'portal-self-service.json', id: 'cpPortalSelfService' },
	/** Its OpenAI Chat Model has no credential of ours: the user selects theirs. */
	assistant: {
		file: 'assistant-contract-status.json',
		id: 'cpExampleAssistant',
		/** The chat trigger's webhook id: its chat answers at /webhook/<id>/chat. */
		webhookId: 'contrat-prive-assistant',
	},
	/** Its MCP Server Trigger answers at /mcp/<path>, with MCP_BEARER_CREDENTIAL's token. */
	mcp: { file: 'mcp-server-for-assistants.json', id: 'cpExampleMcp', mcpPath: 'contrat-prive' },
} as const;

export type ExampleName = keyof typeof EXAMPLES;

/** The MCP example's bearer token for local use only: set a long random one of your own. */
export const MCP_DEMO_TOKEN = 'contrat-prive-mcp-local-demo-token';

/** The credential the MCP example's trigger checks clients' bearer token against. */
export const MCP_BEARER_CREDENTIAL: CredentialImport = {
	id: 'cpMcpBearer01',
	name: 'Contrat-Privé MCP clients (bearer token)',
	type: 'httpBearerAuth',
	data: { token: MCP_DEMO_TOKEN },
};

/** The "Contrat-Privé (local sandbox)" credential, on the emulator at `emulatorUrl`. */
export function localCredential(emulatorUrl: string): CredentialImport {
	return {
		...LOCAL_CREDENTIAL,
		type: CREDENTIAL_TYPE,
		data: {
			platform: 'custom',
			baseUrl: `${emulatorUrl}/sandbox/api`,
			apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
			apiKey: DEMO_ACCOUNTS.sandbox.apiKey,
		},
	};
}

/** An example file, with the emulator's origin replaced by `emulatorUrl`. */
export function loadExample(name: ExampleName, emulatorUrl: string): WorkflowJson {
	const { file, id } = EXAMPLES[name];
	const text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
	const workflow = JSON.parse(
		text.split(EXAMPLE_EMULATOR_ORIGIN).join(emulatorUrl.replace(/\/+$/, '')),
	) as WorkflowJson;
	if (workflow.id !== id) throw new Error(`${file}: id ${workflow.id}, expected ${id}`);
	return workflow;
}

export function loadExamples(emulatorUrl: string): WorkflowJson[] {
	return (Object.keys(EXAMPLES) as ExampleName[]).map((name) => loadExample(name, emulatorUrl));
}

/** The archive folder must exist: n8n resolves an allowed folder with realpath. */
export function ensureArchiveDir(): string {
	fs.mkdirSync(ARCHIVE_DIR, { recursive: true });
	return ARCHIVE_DIR;
}
