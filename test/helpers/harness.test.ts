/**
 * Self-tests of the harness, with test-only nodes (fixtures.ts) against a local HTTP server.
 */
import type { ICredentialType, IHttpRequestOptions, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { HarnessCredentialsHelper, registerCredentialType } from './credentials';
import type { TestServer } from './fixtures';
import {
	ECHO_NODE_TYPE,
	EchoTestNode,
	OPTIONS_NODE_TYPE,
	OptionsTestNode,
	POLL_NODE_TYPE,
	PollTestNode,
	VERSIONED_NODE_TYPE,
	VersionedTestNode,
	startTestServer,
} from './fixtures';
import {
	INPUT_NODE_NAME,
	runListSearch,
	runLoadOptions,
	runNode,
	runPoll,
	runWorkflow,
	testCredential,
} from './index';
import { HarnessNodeTypes } from './node-types';

const nodeTypes = {
	[ECHO_NODE_TYPE]: new EchoTestNode(),
	[POLL_NODE_TYPE]: new PollTestNode(),
	[OPTIONS_NODE_TYPE]: new OptionsTestNode(),
	[VERSIONED_NODE_TYPE]: new VersionedTestNode(),
};

const API_KEY = 'sk-SECRET-4242';
const API_USER = 'pub-user-17';

let server: TestServer;
let failing: TestServer;

beforeAll(async () => {
	server = await startTestServer();
	failing = await startTestServer((request) => ({
		status: 500,
		json: { error: { code: 'INTERNAL_ERROR', message: `cannot handle ${request.path}` } },
	}));
});
afterAll(async () => {
	await server.close();
	await failing.close();
});
beforeEach(() => {
	server.requests.length = 0;
	failing.requests.length = 0;
});

const credentials = () => ({
	platform: 'custom' as const,
	baseUrl: `${server.url}/api`,
	apiUser: API_USER,
	apiKey: API_KEY,
});

const echo = (parameters: Record<string, unknown>, extra: { continueOnFail?: boolean } = {}) => ({
	type: ECHO_NODE_TYPE,
	parameters: { operation: 'echo', url: `${server.url}/echo`, ...parameters },
	...extra,
});

describe('credentials, as the n8n server applies them', () => {
	it('merges apiKey/apiUser into the existing JSON body', async () => {
		const result = await runNode({
			node: echo({ body: JSON.stringify({ label: 'Lease', nested: { a: 1 } }) }),
			credentials: credentials(),
			nodeTypes,
		});

		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].method).toBe('POST');
		expect(server.requests[0].headers['content-type']).toMatch(/^application\/json/);
		expect(server.requests[0].body).toEqual({
			label: 'Lease',
			nested: { a: 1 },
			apiKey: API_KEY,
			apiUser: API_USER,
		});
		expect(result.items).toEqual([
			{ json: { received: server.requests[0].body, path: '/echo' }, pairedItem: { item: 0 } },
		]);
	});

	it('authenticate() mirrors the server: headers initialised, values resolved to strings', async () => {
		const helper = new HarnessCredentialsHelper({});
		const node: INode = {
			id: '1',
			name: 'n',
			type: 'mock',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new HarnessNodeTypes({ mock: new EchoTestNode() }),
		});
		const request: IHttpRequestOptions = { url: 'http://x', method: 'POST', body: { keep: true } };
		const authenticated = await helper.authenticate(
			{ apiKey: API_KEY, apiUser: '' },
			'contratPriveApi',
			request,
			workflow,
			node,
		);
		// A falsy resolved value becomes '' (CredentialsHelper.resolveValue).
		expect(authenticated).toEqual({
			url: 'http://x',
			method: 'POST',
			headers: {},
			body: { keep: true, apiKey: API_KEY, apiUser: '' },
		});
	});

	it('applies credential defaults and drops fields hidden by displayOptions', async () => {
		const sandbox = await runNode({
			node: echo({ operation: 'credentials' }),
			credentials: { ...credentials(), platform: undefined },
			nodeTypes,
		});
		// The server's getNodeParameters keeps the notice field too: nodes see `keysNotice: ''`.
		expect(sandbox.items[0].json).toEqual({
			keysNotice: '',
			platform: 'sandbox',
			apiUser: API_USER,
			apiKey: API_KEY,
		});

		const custom = await runNode({ node: echo({ operation: 'credentials' }), credentials: credentials(), nodeTypes });
		// The production limit's field shows for a custom URL too, with its default.
		expect(custom.items[0].json).toEqual({ keysNotice: '', dailyRequestLimit: 1000, ...credentials() });
	});

	it('resolves expressions in credential values', async () => {
		const result = await runNode({
			node: echo({ operation: 'credentials' }),
			credentials: { ...credentials(), apiUser: '={{ "pub-" + (40 + 2) }}' },
			nodeTypes,
		});
		expect(result.items[0].json.apiUser).toBe('pub-42');
	});

	it('fails like n8n when the node has no credentials', async () => {
		const result = await runNode({ node: echo({}), nodeTypes });
		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe('Node does not have any credentials set');
		expect(server.requests).toHaveLength(0);
	});
});

describe('binary data', () => {
	const bytes = Buffer.from(Array.from({ length: 2048 }, (_, index) => (index * 37) % 256));

	it('stores input binaries with prepareBinaryData (default mode: in memory)', async () => {
		const result = await runWorkflow([], [], {
			items: [{ json: { n: 1 }, binary: { data: { data: bytes, fileName: 'a.pdf', mimeType: 'application/pdf' } } }],
		});
		const [item] = result.output(INPUT_NODE_NAME);
		expect(item.binary?.data).toMatchObject({
			fileName: 'a.pdf',
			mimeType: 'application/pdf',
			fileExtension: 'pdf',
			bytes: bytes.length,
		});
		expect(item.binary?.data.id).toBeUndefined();
		expect(await result.binary(INPUT_NODE_NAME, 0, 'data')).toEqual(bytes);
	});

	it('round-trips through a node: getBinaryDataBuffer → HTTP → prepareBinaryData', async () => {
		const other = Buffer.from('second file, plain text');
		const result = await runNode({
			node: echo({ operation: 'binary', binaryProperty: 'document' }),
			credentials: credentials(),
			nodeTypes,
			items: [
				{ json: {}, binary: { document: { data: bytes, fileName: 'lease.pdf', mimeType: 'application/pdf' } } },
				{ json: {}, binary: { document: { data: other, fileName: 'notes.txt', mimeType: 'text/plain' } } },
			],
		});

		expect(result.error).toBeUndefined();
		expect((server.requests[0].body as { base64: string }).base64).toBe(bytes.toString('base64'));
		expect(result.items.map((item) => item.json.size)).toEqual([bytes.length, other.length]);
		expect(result.items[0].binary?.document).toMatchObject({ fileName: 'lease.pdf', mimeType: 'application/pdf' });
		expect(result.items[1].binary?.document).toMatchObject({ fileName: 'notes.txt', mimeType: 'text/plain' });
		expect(await result.binary(0, 'document')).toEqual(bytes);
		expect(await result.binary(1, 'document')).toEqual(other);
		await expect(result.binary(0, 'missing')).rejects.toThrow('No binary property "missing"');
	});

	it('also runs in filesystem mode, n8n 2.x default: bytes behind an id', async () => {
		const result = await runNode({
			node: echo({ operation: 'binary' }),
			credentials: credentials(),
			nodeTypes,
			binaryDataMode: 'filesystem',
			items: [{ json: {}, binary: { data: { data: bytes, fileName: 'lease.pdf', mimeType: 'application/pdf' } } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data).toMatchObject({
			data: 'filesystem-v2',
			id: expect.stringMatching(/^filesystem-v2:/),
			fileName: 'lease.pdf',
		});
		expect(await result.binary(0, 'data')).toEqual(bytes);

		const inMemory = await runNode({
			node: echo({ operation: 'binary' }),
			credentials: credentials(),
			nodeTypes,
			items: [{ json: {}, binary: { data: { data: bytes, fileName: 'lease.pdf', mimeType: 'application/pdf' } } }],
		});
		expect(inMemory.items[0].binary?.data.data).toBe(bytes.toString('base64'));
	});
});

describe('errors and continueOnFail', () => {
	it('stores the node error like n8n (message, description, context, JSON)', async () => {
		const result = await runNode({
			node: echo({ url: `${failing.url}/contracts` }),
			credentials: credentials(),
			nodeTypes,
		});

		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'The service was not able to process your request',
			description: 'cannot handle /contracts',
			httpCode: '500',
			context: { data: { error: { code: 'INTERNAL_ERROR', message: 'cannot handle /contracts' } } },
		});
		const stored = JSON.parse(result.error!.json);
		expect(stored).toMatchObject({ name: 'NodeApiError', node: { name: 'Contrat-Privé' } });
		expect(result.error!.json).not.toContain(API_KEY);
		expect(result.run.status).toBe('error');
	});

	it('turns failures into error items with continueOnFail, item by item', async () => {
		const result = await runNode({
			node: echo({ url: '={{ $json.url }}' }, { continueOnFail: true }),
			credentials: credentials(),
			nodeTypes,
			items: [{ json: { url: `${server.url}/ok` } }, { json: { url: `${failing.url}/ko` } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json).toMatchObject({ path: '/ok' });
		expect(result.items[1]).toEqual({
			json: { error: 'The service was not able to process your request' },
			pairedItem: { item: 1 },
		});
		expect(result.run.status).toBe('success');
	});
});

describe('logs', () => {
	it('captures what n8n-core and the node log, never the API key', async () => {
		const ok = await runNode({ node: echo({}), credentials: credentials(), nodeTypes });
		const ko = await runNode({ node: echo({ url: `${failing.url}/x` }), credentials: credentials(), nodeTypes });

		expect(ok.logs).toContain('debug Start executing node "Contrat-Privé" {"node":"Contrat-Privé","workflowId":"workflow-test"}');
		expect(ok.logs.some((line) => line.startsWith('debug Echo test node sends a request'))).toBe(true);
		expect(ko.logs.some((line) => line.startsWith('debug Workflow execution finished with error'))).toBe(true);
		for (const line of [...ok.logs, ...ko.logs]) expect(line).not.toContain(API_KEY);
	});
});

describe('runWorkflow', () => {
	it('runs several nodes in order, with expressions between them', async () => {
		const result = await runWorkflow(
			[
				{ name: 'First', ...echo({ body: '={{ JSON.stringify({ step: 1, from: $json.name }) }}' }) },
				{ name: 'Second', ...echo({ body: '={{ JSON.stringify({ step: 2, previous: $json.received.step }) }}' }) },
			],
			[
				[INPUT_NODE_NAME, 'First'],
				['First', 'Second'],
			],
			{ credentials: credentials(), nodeTypes, items: [{ json: { name: 'Ada' } }] },
		);

		expect(result.status).toBe('success');
		expect(server.requests.map((request) => request.body)).toEqual([
			{ step: 1, from: 'Ada', apiKey: API_KEY, apiUser: API_USER },
			{ step: 2, previous: 1, apiKey: API_KEY, apiUser: API_USER },
		]);
		expect(result.output('Second')[0].json.received).toMatchObject({ step: 2 });
	});

	it('resolves a VersionedNodeType through nodeVersions[typeVersion]', async () => {
		const result = await runWorkflow(
			[
				{ name: 'V1', type: VERSIONED_NODE_TYPE, typeVersion: 1 },
				{ name: 'V2', type: VERSIONED_NODE_TYPE, typeVersion: 2 },
			],
			[
				[INPUT_NODE_NAME, 'V1'],
				['V1', 'V2'],
			],
			{ nodeTypes },
		);
		expect(result.output('V1')[0].json.version).toBe(1);
		expect(result.output('V2')[0].json.version).toBe(2);
	});
});

describe('testCredential, as the n8n server runs it', () => {
	let api: TestServer;
	beforeAll(async () => {
		api = await startTestServer((request) => {
			const body = request.body as { apiKey?: string; apiUser?: string };
			if (request.path.startsWith('/not-the-api')) return { json: { hello: 'world' } };
			if (request.path.startsWith('/broken')) return { status: 500, json: { error: { code: 'INTERNAL_ERROR' } } };
			if (body.apiKey !== API_KEY || body.apiUser !== API_USER) {
				return { status: 401, json: { error: { code: 'INVALID_CREDENTIALS' } } };
			}
			return { json: { platform: 'sandbox', owner: { apiUser: API_USER }, quota: null } };
		});
	});
	afterAll(async () => await api.close());
	beforeEach(() => {
		api.requests.length = 0;
	});

	const data = (path: string, overrides: Record<string, string> = {}) => ({
		platform: 'custom' as const,
		baseUrl: `${api.url}${path}`,
		apiUser: API_USER,
		apiKey: API_KEY,
		...overrides,
	});

	it('sends the test request with the credential applied and succeeds', async () => {
		expect(await testCredential(data('/api/'))).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0]).toMatchObject({
			method: 'POST',
			path: '/api/checkConnexionRequest',
			body: { apiKey: API_KEY, apiUser: API_USER },
		});
	});

	it('applies responseSuccessBody rules in order', async () => {
		expect(await testCredential(data('/api', { apiKey: 'wrong' }))).toEqual({
			status: 'Error',
			message:
				'Contrat-Privé does not know this key pair. Copy API User and API Key again from your owner account.',
		});
		expect(await testCredential(data('/broken'))).toEqual({
			status: 'Error',
			message: 'Contrat-Privé answered with a server error. Try again later.',
		});
		expect(await testCredential(data('/not-the-api'))).toEqual({
			status: 'Error',
			message: 'This URL did not answer like the Contrat-Privé API. Check the platform or the base URL.',
		});
	});

	it('reports an unreachable server like n8n', async () => {
		const closed = await startTestServer();
		const url = closed.url;
		await closed.close();
		const result = await testCredential({ ...data(''), baseUrl: url });
		expect(result).toEqual({ status: 'Error', message: 'The service refused the connection - perhaps it is offline' });
	});

	it('fails a non-2xx answer with the NodeApiError message (responseCode rules never match)', async () => {
		// n8n-workflow 2.11.1's NodeApiError loses `cause` (ExecutionBaseError's `cause` class
		// field resets it), so the tester's `error.cause.response` branch (responseCode rules,
		// status text) is unreachable: the message is NodeApiError's own, as in real n8n.
		const probe: ICredentialType = {
			name: 'harnessProbeApi',
			displayName: 'Probe',
			properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
			test: {
				request: { baseURL: '={{ $credentials.url }}', url: '/check', method: 'POST', body: {}, json: true },
				rules: [{ type: 'responseCode', properties: { value: 403, message: 'Forbidden by rule' } }],
			},
		};
		registerCredentialType(probe);
		const statuses = await startTestServer((request) => ({
			status: request.path.startsWith('/403') ? 403 : 404,
			json: {},
		}));
		try {
			const forbidden = await testCredential({ url: `${statuses.url}/403` } as never, 'harnessProbeApi');
			expect(forbidden).toEqual({ status: 'Error', message: 'Forbidden - perhaps check your credentials?' });
			const missing = await testCredential({ url: `${statuses.url}/404` } as never, 'harnessProbeApi');
			expect(missing).toEqual({
				status: 'Error',
				message: 'The resource you are requesting could not be found',
			});
		} finally {
			await statuses.close();
		}
	});
});

describe('runPoll', () => {
	let feed: TestServer;
	let feedItems: Array<{ id: number }>;
	beforeAll(async () => {
		feed = await startTestServer(() => ({ json: { items: feedItems } }));
	});
	afterAll(async () => await feed.close());

	const poll = (extra: Record<string, unknown> = {}) => ({
		type: POLL_NODE_TYPE,
		parameters: { url: `${feed.url}/changes`, ...extra },
	});

	it('keeps static data across polls of one active workflow, saved when it emits', async () => {
		feedItems = [{ id: 1 }, { id: 2 }];
		const staticData = {};
		const first = await runPoll({ node: poll(), credentials: credentials(), staticData, mode: 'trigger', nodeTypes });
		expect(first.error).toBeUndefined();
		expect(first.items).toEqual([[{ json: { id: 1, activation: 'activate' } }, { json: { id: 2, activation: 'activate' } }]]);
		expect(first.staticData).toBe(staticData);
		expect(staticData).toEqual({ 'node:Contrat-Privé Trigger': { lastId: 2 } });
		expect(first.savedStaticData).toEqual({ 'node:Contrat-Privé Trigger': { lastId: 2 } });
		expect(feed.requests.at(-1)?.body).toEqual({ apiKey: API_KEY, apiUser: API_USER });

		const second = await runPoll({ node: poll(), credentials: credentials(), staticData, mode: 'trigger', nodeTypes });
		expect(second.items).toBeNull();
		expect(second.savedStaticData).toBeNull();

		feedItems = [{ id: 1 }, { id: 2 }, { id: 3 }];
		const third = await runPoll({ node: poll(), credentials: credentials(), staticData, mode: 'trigger', nodeTypes });
		expect(third.items).toEqual([[{ json: { id: 3, activation: 'activate' } }]]);
	});

	it('simulates a restart from what n8n saved', async () => {
		feedItems = [{ id: 5 }];
		const first = await runPoll({ node: poll({ touchOnEmpty: true }), credentials: credentials(), mode: 'trigger', nodeTypes });
		const saved = first.savedStaticData!;

		// A poll with nothing new changes static data in memory, but n8n does not save it.
		const quiet = await runPoll({
			node: poll({ touchOnEmpty: true }),
			credentials: credentials(),
			staticData: first.staticData,
			mode: 'trigger',
			nodeTypes,
		});
		expect(quiet.items).toBeNull();
		expect(quiet.staticData).toEqual({ 'node:Contrat-Privé Trigger': { lastId: 5, lastPolledAt: 'now' } });
		expect(quiet.savedStaticData).toBeNull();

		feedItems = [{ id: 5 }, { id: 6 }];
		const sameProcess = await runPoll({
			node: poll({ touchOnEmpty: true }),
			credentials: credentials(),
			staticData: quiet.staticData,
			mode: 'trigger',
			nodeTypes,
		});
		expect(sameProcess.savedStaticData).toEqual({
			'node:Contrat-Privé Trigger': { lastId: 6, lastPolledAt: 'now' },
		});

		const afterRestart = await runPoll({
			node: poll({ touchOnEmpty: true }),
			credentials: credentials(),
			staticData: JSON.parse(JSON.stringify(saved)),
			mode: 'trigger',
			activation: 'init',
			nodeTypes,
		});
		expect(afterRestart.items).toEqual([[{ json: { id: 6, activation: 'init' } }]]);
		expect(afterRestart.staticData).toEqual({ 'node:Contrat-Privé Trigger': { lastId: 6 } });
	});

	it('does not keep static data changes of manual executions', async () => {
		feedItems = [{ id: 7 }, { id: 8 }];
		const staticData = { 'node:Contrat-Privé Trigger': { lastId: 8 } };
		const result = await runPoll({ node: poll(), credentials: credentials(), staticData, mode: 'manual', nodeTypes });
		expect(result.items).toEqual([[{ json: { id: 8, activation: 'manual' } }]]);
		// The node wrote lastManualId, but manual executions never save static data.
		expect(result.staticData).toBe(staticData);
		expect(staticData).toEqual({ 'node:Contrat-Privé Trigger': { lastId: 8 } });
		expect(result.savedStaticData).toBeNull();
	});

	it('returns what poll() threw', async () => {
		const result = await runPoll({
			node: { type: POLL_NODE_TYPE, parameters: { url: `${failing.url}/changes` } },
			credentials: credentials(),
			mode: 'trigger',
			nodeTypes,
		});
		expect(result.items).toBeNull();
		expect(result.error?.message).toBe('The service was not able to process your request');
	});
});

describe('runLoadOptions / runListSearch', () => {
	let names: TestServer;
	beforeAll(async () => {
		names = await startTestServer(() => ({ json: { names: ['alpha', 'beta', 'alphabet'] } }));
	});
	afterAll(async () => await names.close());

	it('calls methods.loadOptions with the current parameters and credentials', async () => {
		const options = await runLoadOptions(
			'getNames',
			{ url: `${names.url}/names`, prefix: '> ' },
			credentials(),
			{ nodeType: OPTIONS_NODE_TYPE, nodeTypes },
		);
		expect(options).toEqual([
			{ name: '> alpha', value: 'alpha' },
			{ name: '> beta', value: 'beta' },
			{ name: '> alphabet', value: 'alphabet' },
		]);
		expect(names.requests.at(-1)?.body).toEqual({ apiKey: API_KEY, apiUser: API_USER });
	});

	it('calls methods.listSearch with filter and pagination token', async () => {
		const result = await runListSearch('searchNames', 'alpha', credentials(), {
			nodeType: OPTIONS_NODE_TYPE,
			nodeTypes,
			currentNodeParameters: { url: `${names.url}/names` },
		});
		expect(result).toEqual({
			results: [
				{ name: 'alpha', value: 'alpha' },
				{ name: 'alphabet', value: 'alphabet' },
			],
			paginationToken: 'page-2',
		});
		expect(names.requests.at(-1)?.body).toEqual({ filter: 'alpha', apiKey: API_KEY, apiUser: API_USER });
	});
});
