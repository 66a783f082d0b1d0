import { ECHO_NODE_TYPE, EchoTestNode, startTestServer } from './fixtures';
import type { TestServer } from './fixtures';
import { runNode } from './index';

const nodeTypes = { [ECHO_NODE_TYPE]: new EchoTestNode() };
const credentials = { platform: 'custom' as const, baseUrl: 'http://127.0.0.1:1/api', apiUser: 'pub-USER', apiKey: 'sk-SECRET-123' };

describe('smoke', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(async () => await server.close());

	it('runs', async () => {
		const result = await runNode({
			node: { type: ECHO_NODE_TYPE, parameters: { operation: 'echo', url: `${server.url}/x`, body: '{"foo":"bar"}' } },
			credentials,
			nodeTypes,
		});
		console.log(JSON.stringify(result.items), result.error, result.logs);
	});
});
