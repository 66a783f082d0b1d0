/**
 * Self-test fixtures of the harness: a tiny local HTTP server and a tiny node that talks to it
 * with the Contrat-Privé credential. Not part of the harness API (see index.ts).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeBaseDescription,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, VersionedNodeType } from 'n8n-workflow';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	body: unknown;
}

export type TestServerHandler = (request: RecordedRequest) => { status?: number; json: unknown };

export interface TestServer {
	url: string;
	requests: RecordedRequest[];
	close(): Promise<void>;
}

/** Answers `{ received: <parsed body>, path }`, unless `handler` says otherwise. */
export async function startTestServer(handler?: TestServerHandler): Promise<TestServer> {
	const requests: RecordedRequest[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			let body: unknown = rawBody;
			try {
				body = rawBody === '' ? undefined : JSON.parse(rawBody);
			} catch {
				// keep the raw string
			}
			const request: RecordedRequest = {
				method: req.method ?? '',
				path: req.url ?? '',
				headers: req.headers,
				rawBody,
				body,
			};
			requests.push(request);
			const { status = 200, json } = handler
				? handler(request)
				: { json: { received: body, path: request.path } };
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(json));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () =>
			await new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}

export const ECHO_NODE_TYPE = 'test.echo';

const description: INodeTypeDescription = {
	displayName: 'Echo Test',
	name: ECHO_NODE_TYPE,
	group: ['transform'],
	version: 1,
	description: 'Harness self-test node',
	defaults: { name: 'Echo' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'contratPriveApi', required: true }],
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			options: [
				{ name: 'Echo', value: 'echo' },
				{ name: 'Round-Trip Binary', value: 'binary' },
				{ name: 'Get Credentials', value: 'credentials' },
			],
			default: 'echo',
		},
		{ displayName: 'URL', name: 'url', type: 'string', default: '' },
		{ displayName: 'Body', name: 'body', type: 'json', default: '{}' },
		{ displayName: 'Binary Property', name: 'binaryProperty', type: 'string', default: 'data' },
	],
};

/**
 * operation `echo`: POSTs `body` to `url` with the credential, outputs the response.
 * operation `binary`: sends the input binary as base64, turns the echoed base64 back into a
 * binary (`prepareBinaryData`) named `<binaryProperty>`.
 * operation `credentials`: outputs `getCredentials('contratPriveApi')` (defaults applied).
 * Honours continueOnFail like a well-behaved node.
 */
export class EchoTestNode implements INodeType {
	description = description;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				if (operation === 'credentials') {
					const credentials = await this.getCredentials('contratPriveApi', itemIndex);
					output.push({ json: { ...credentials }, pairedItem: { item: itemIndex } });
					continue;
				}
				const url = this.getNodeParameter('url', itemIndex) as string;
				let body = this.getNodeParameter('body', itemIndex, {}) as IDataObject | string;
				if (typeof body === 'string') body = JSON.parse(body) as IDataObject;
				const binaryProperty = this.getNodeParameter('binaryProperty', itemIndex) as string;
				if (operation === 'binary') {
					const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, binaryProperty);
					body = { ...body, base64: buffer.toString('base64') };
				}
				this.logger.debug('Echo test node sends a request', { url });
				// n8n-core wraps request failures in a NodeApiError.
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'contratPriveApi',
					{ method: 'POST', url, body, json: true },
				)) as IDataObject;
				if (operation === 'binary') {
					const received = response.received as IDataObject;
					const original = items[itemIndex].binary![binaryProperty];
					const binary = await this.helpers.prepareBinaryData(
						Buffer.from(received.base64 as string, 'base64'),
						original.fileName,
						original.mimeType,
					);
					output.push({
						json: { size: binary.bytes ?? null },
						binary: { [binaryProperty]: binary },
						pairedItem: { item: itemIndex },
					});
				} else {
					output.push({ json: response, pairedItem: { item: itemIndex } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
					continue;
				}
				throw error;
			}
		}
		return [output];
	}
}

export const POLL_NODE_TYPE = 'test.pollTrigger';

/**
 * A polling trigger in the usual n8n style: GETs `${url}` (POST with the credential), keeps the
 * highest seen `id` in the node's static data, emits newer items, null when nothing is new.
 * In manual mode it returns the latest item even when already seen (and notes it in static
 * data, a change n8n discards). With `touchOnEmpty`, it
 * also records `lastPolledAt` when nothing is new (a change n8n does not save).
 */
export class PollTestNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Poll Test',
		name: POLL_NODE_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Harness self-test polling trigger',
		defaults: { name: 'Poll' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'contratPriveApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Touch On Empty', name: 'touchOnEmpty', type: 'boolean', default: false },
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const staticData = this.getWorkflowStaticData('node');
		const lastId = (staticData.lastId as number | undefined) ?? 0;
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'contratPriveApi', {
			method: 'POST',
			url: this.getNodeParameter('url') as string,
			body: {},
			json: true,
		})) as { items: Array<{ id: number }> };
		const fresh = response.items.filter((item) => item.id > lastId);
		if (this.getMode() === 'manual') {
			const latest = response.items.at(-1);
			staticData.lastManualId = latest?.id ?? null;
			return latest ? [[{ json: { ...latest, activation: this.getActivationMode() } }]] : null;
		}
		if (fresh.length === 0) {
			if (this.getNodeParameter('touchOnEmpty') as boolean) staticData.lastPolledAt = 'now';
			return null;
		}
		staticData.lastId = Math.max(...fresh.map((item) => item.id));
		return [fresh.map((item) => ({ json: { ...item, activation: this.getActivationMode() } }))];
	}
}

export const OPTIONS_NODE_TYPE = 'test.options';

/** Dynamic parameters: a loadOptions and a listSearch method that call the server. */
export class OptionsTestNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Options Test',
		name: OPTIONS_NODE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Harness self-test dynamic parameters',
		defaults: { name: 'Options' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'contratPriveApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Prefix', name: 'prefix', type: 'string', default: 'default-prefix' },
		],
	};

	methods = {
		loadOptions: {
			async getNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'contratPriveApi', {
					method: 'POST',
					url: this.getCurrentNodeParameter('url') as string,
					body: {},
					json: true,
				})) as { names: string[] };
				const prefix = this.getNodeParameter('prefix') as string;
				return response.names.map((name) => ({ name: `${prefix}${name}`, value: name }));
			},
		},
		listSearch: {
			async searchNames(
				this: ILoadOptionsFunctions,
				filter?: string,
				paginationToken?: string,
			): Promise<INodeListSearchResult> {
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'contratPriveApi', {
					method: 'POST',
					url: this.getCurrentNodeParameter('url') as string,
					body: { filter, paginationToken },
					json: true,
				})) as { names: string[] };
				return {
					results: response.names
						.filter((name) => !filter || name.includes(filter))
						.map((name) => ({ name, value: name })),
					paginationToken: paginationToken ? undefined : 'page-2',
				};
			},
		},
	};
}

export const VERSIONED_NODE_TYPE = 'test.versioned';

/** A VersionedNodeType whose versions output `{ version }`. */
export class VersionedTestNode extends VersionedNodeType {
	constructor() {
		const base: INodeTypeBaseDescription = {
			displayName: 'Versioned Test',
			name: VERSIONED_NODE_TYPE,
			group: ['transform'],
			description: 'Harness self-test versioned node',
			defaultVersion: 2,
		};
		const version = (number: number): INodeType => ({
			description: {
				...base,
				version: number,
				defaults: { name: 'Versioned' },
				inputs: [NodeConnectionTypes.Main],
				outputs: [NodeConnectionTypes.Main],
				properties: [],
			},
			async execute(this: IExecuteFunctions) {
				return [this.getInputData().map((item) => ({ json: { ...item.json, version: number } }))];
			},
		});
		super({ 1: version(1), 2: version(2) }, base);
	}
}
