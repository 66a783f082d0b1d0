/**
 * Proves the real-n8n chain with a throw-away community package written to a
 * temp dir (one node `tiny`, one credential `tinyApi` with a `test` request)
 * and a tiny HTTP server: pack, install into `.n8n/nodes`, export:nodes,
 * import:credentials, import:workflow, execute (success and failure), then
 * `n8n start`, owner setup, login and POST /rest/credentials/test.
 *
 *   npm run test:n8n:smoke
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n } from './ensure-n8n';
import {
	createUserFolder,
	executeWorkflow,
	exportNodes,
	importCredentials,
	importWorkflow,
	installCommunityPackage,
	nodeError,
	nodeOutput,
	npmPack,
	startN8nServer,
} from './n8n-cli';

const CREDENTIAL_JS = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class TinyApi {
  constructor() {
    this.name = 'tinyApi';
    this.displayName = 'Tiny API';
    this.properties = [
      { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
      { displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
    ];
    this.authenticate = { type: 'generic', properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } } };
    this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/check', method: 'POST', body: { apiKey: '={{$credentials.apiKey}}' } } };
  }
}
exports.TinyApi = TinyApi;
`;

const NODE_JS = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class Tiny {
  constructor() {
    this.description = {
      displayName: 'Tiny', name: 'tiny', group: ['transform'], version: 1,
      description: 'Tiny test node', defaults: { name: 'Tiny' },
      inputs: ['main'], outputs: ['main'],
      credentials: [{ name: 'tinyApi', required: true }],
      properties: [{ displayName: 'Word', name: 'word', type: 'string', default: 'hello' }],
    };
  }
  async execute() {
    const items = this.getInputData();
    const creds = await this.getCredentials('tinyApi');
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const word = this.getNodeParameter('word', i);
      const res = await this.helpers.httpRequestWithAuthentication.call(this, 'tinyApi', {
        method: 'POST', url: creds.baseUrl + '/echo', body: { word }, json: true,
      });
      out.push({ json: { word, res } });
    }
    return [out];
  }
}
exports.Tiny = Tiny;
`;

function writeTinyPackage(dir: string): void {
	fs.mkdirSync(path.join(dir, 'dist', 'nodes', 'Tiny'), { recursive: true });
	fs.mkdirSync(path.join(dir, 'dist', 'credentials'), { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-nodes-tinytest',
				version: '0.0.1',
				keywords: ['n8n-community-node-package'],
				license: 'MIT',
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/TinyApi.credentials.js'],
					nodes: ['dist/nodes/Tiny/Tiny.node.js'],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	fs.writeFileSync(path.join(dir, 'dist', 'credentials', 'TinyApi.credentials.js'), CREDENTIAL_JS);
	fs.writeFileSync(path.join(dir, 'dist', 'nodes', 'Tiny', 'Tiny.node.js'), NODE_JS);
}

/** POST /check: 200 if the key is `good`, else 401. POST /echo: echoes `word`, 401 on a bad key. */
function startTinyServer(): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', () => {
			let body: { apiKey?: unknown; word?: unknown } = {};
			try {
				body = JSON.parse(raw || '{}');
			} catch {
				// empty
			}
			const ok = body.apiKey === 'good' || req.headers['x-api-key'] === 'good';
			res.setHeader('content-type', 'application/json');
			if (!ok) {
				res.statusCode = 401;
				res.end(JSON.stringify({ error: { code: 'INVALID_CREDENTIALS', message: 'bad key' } }));
			} else if (req.url === '/check') {
				res.end(JSON.stringify({ ok: true }));
			} else if (req.url === '/echo') {
				res.end(JSON.stringify({ echoed: body.word }));
			} else {
				res.statusCode = 404;
				res.end('{}');
			}
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({
				url: `http://127.0.0.1:${port}`,
				close: () => new Promise((r) => server.close(() => r())),
			});
		}),
	);
}

function step(msg: string, t0: number): void {
	console.log(`[smoke ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}

async function main(): Promise<void> {
	const t0 = Date.now();
	const rt = await ensureN8n();
	step(`n8n ${rt.version} at ${rt.n8nBin}`, t0);

	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-tiny-pkg-'));
	const folder = createUserFolder();
	const api = await startTinyServer();
	try {
		writeTinyPackage(path.join(work, 'pkg'));
		const tarball = npmPack(path.join(work, 'pkg'), work);
		installCommunityPackage(rt, folder, tarball);
		step(`installed ${path.basename(tarball)} into ${folder.nodesDir}`, t0);

		const nodes = await exportNodes(rt, folder);
		const tiny = nodes.find((n) => n.name === 'n8n-nodes-tinytest.tiny');
		assert.ok(tiny, 'export:nodes lists n8n-nodes-tinytest.tiny');
		assert.deepEqual(
			tiny.credentials?.map((c) => c.name),
			['tinyApi'],
		);
		step(`export:nodes: ${nodes.length} types, community node found`, t0);

		const credential = {
			id: 'tinyCred0000001',
			name: 'Tiny test',
			type: 'tinyApi',
			data: { baseUrl: api.url, apiKey: 'good' },
		};
		await importCredentials(rt, folder, [credential]);
		await importWorkflow(rt, folder, {
			id: 'tinyWf000000001',
			name: 'Tiny WF',
			nodes: [
				{
					id: 'n1',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'n2',
					name: 'Tiny',
					type: 'n8n-nodes-tinytest.tiny',
					typeVersion: 1,
					position: [200, 0],
					parameters: { word: 'bonjour' },
					credentials: { tinyApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: { Start: { main: [[{ node: 'Tiny', type: 'main', index: 0 }]] } },
		});
		step('imported credential and workflow', t0);

		const good = await executeWorkflow(rt, folder, 'tinyWf000000001');
		assert.ok(good.ok, `execute succeeds:\n${good.stdout}\n${good.stderr}`);
		assert.deepEqual(nodeOutput(good.run, 'Tiny'), [
			{ word: 'bonjour', res: { echoed: 'bonjour' } },
		]);
		step('execute: success, output checked', t0);

		await importCredentials(rt, folder, [
			{ ...credential, data: { ...credential.data, apiKey: 'bad' } },
		]);
		const bad = await executeWorkflow(rt, folder, 'tinyWf000000001');
		assert.equal(bad.code, 1);
		assert.equal(bad.run?.status, 'error');
		assert.match(nodeError(bad.run, 'Tiny')?.message ?? '', /Authorization failed/);
		step('execute with a bad key: exit 1, run JSON with the node error', t0);

		const server = await startN8nServer(rt, folder);
		try {
			step(`n8n start ready at ${server.url}`, t0);
			await server.setupOwnerAndLogin();
			const types = await server.credentialTypes();
			assert.ok(types.includes('tinyApi'), 'server knows credential type tinyApi');
			const ok = await server.testCredential({ ...credential });
			assert.deepEqual(ok, { status: 'OK', message: 'Connection successful!' });
			const ko = await server.testCredential({
				...credential,
				data: { ...credential.data, apiKey: 'nope' },
			});
			assert.equal(ko.status, 'Error');
			step(`owner + login + credentials/test: OK / Error (${ko.message})`, t0);
		} finally {
			await server.stop();
		}
		step('all good', t0);
	} finally {
		await api.close();
		folder.remove();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
