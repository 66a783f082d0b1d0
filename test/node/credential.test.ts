/**
 * The credential's "Test" button, run the way n8n's server runs it (testCredential), against
 * the emulator: good keys, keys of the other platform, unknown keys, a URL that is not the API.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

import { testCredential } from '../helpers/credential-test';
import { runNode } from '../helpers/run-workflow';
import { useEmulator } from '../helpers/emulator-kit';
import { useNodeKit } from './contract.helpers';
import { PRODUCTION_KEYS, SANDBOX_KEYS } from '../fixtures/accounts';

const kit = useNodeKit();

const OK = { status: 'OK', message: 'Connection successful!' };

describe('Credential test', () => {
	test('sandbox keys on the sandbox: OK, with one checkConnexionRequest', async () => {
		expect(await testCredential(kit.credentials('sandbox'))).toEqual(OK);
		expect(
			kit.emulator.requests.map((request) => [
				request.platform,
				request.requestName,
				request.status,
			]),
		).toEqual([['sandbox', 'checkConnexionRequest', 200]]);
	});

	test('production keys on production: OK (and the test counts in the daily quota, like any request)', async () => {
		expect(await testCredential(kit.credentials('production'))).toEqual(OK);
		const check = await kit.api('production', 'checkConnexionRequest', {});
		expect(check.body.quota?.used).toBe(2);
	});

	test('sandbox keys on the production URL: the message says they belong to the other platform', async () => {
		const result = await testCredential(kit.credentials('production', SANDBOX_KEYS));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^These keys belong to the other platform/);
		expect(result.message).toContain('Pick the platform the keys were created on');
		expect(kit.emulator.requestCount({ platform: 'production', status: 401 })).toBe(1);
	});

	test('production keys on the sandbox URL: the same message', async () => {
		const result = await testCredential(kit.credentials('sandbox', PRODUCTION_KEYS));
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^These keys belong to the other platform/),
		});
	});

	test.each([
		['a wrong API key', { apiUser: SANDBOX_KEYS.apiUser, apiKey: 'not-the-key' }],
		['an unknown API user', { apiUser: 'nobody', apiKey: SANDBOX_KEYS.apiKey }],
		['empty keys', { apiUser: '', apiKey: '' }],
	])('unknown keys (%s): Contrat-Privé does not know this key pair', async (_case, keys) => {
		const result = await testCredential(kit.credentials('sandbox', keys));
		expect(result).toEqual({
			status: 'Error',
			message:
				'Contrat-Privé does not know this key pair. Copy API User and API Key again from your owner account.',
		});
	});

	test('the daily quota used up: the keys are valid, the message says so', async () => {
		for (let batch = 0; batch < 20; batch++) {
			const responses = await Promise.all(
				Array.from(
					{ length: 50 },
					async () => await kit.api('production', 'checkConnexionRequest', {}),
				),
			);
			expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
		}
		const result = await testCredential(kit.credentials('production'));
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringContaining('The keys are valid, but the daily quota of 1,000'),
		});
	});

	test('a URL that is not the API (the emulator root): "did not answer like the Contrat-Privé API"', async () => {
		const result = await testCredential({
			platform: 'custom',
			baseUrl: kit.emulator.url,
			...SANDBOX_KEYS,
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				'This URL did not answer like the Contrat-Privé API. Check the platform or the base URL.',
		});
		expect(kit.emulator.requests).toHaveLength(0);
	});

	test('a URL that is not the API (a web page answering 200 with HTML): the same message', async () => {
		const server = http.createServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			response.end('<!doctype html><html><body><h1>Welcome</h1></body></html>');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await testCredential({
				platform: 'custom',
				baseUrl: `http://127.0.0.1:${port}/`,
				...SANDBOX_KEYS,
			});
			expect(result).toEqual({
				status: 'Error',
				message:
					'This URL did not answer like the Contrat-Privé API. Check the platform or the base URL.',
			});
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	test('an emulator fault (500): "answered with a server error"', async () => {
		await kit.control('POST', '/faults', { kind: '500', requestName: 'checkConnexionRequest' });
		const result = await testCredential(kit.credentials('sandbox'));
		expect(result).toEqual({
			status: 'Error',
			message: 'Contrat-Privé answered with a server error. Try again later.',
		});
	});

	test('the result never carries a key', async () => {
		const results = [
			await testCredential(kit.credentials('sandbox')),
			await testCredential(kit.credentials('production', SANDBOX_KEYS)),
			await testCredential(
				kit.credentials('sandbox', { apiUser: 'x', apiKey: PRODUCTION_KEYS.apiKey }),
			),
		];
		const text = JSON.stringify(results);
		for (const key of [SANDBOX_KEYS.apiKey, PRODUCTION_KEYS.apiKey]) {
			expect(text).not.toContain(key);
		}
	});
});

/** An IPv4 address of this machine that is not loopback (0.0.0.0 reaches this machine too). */
function lanAddress(): string {
	for (const addresses of Object.values(networkInterfaces())) {
		for (const address of addresses ?? []) {
			if (address.family === 'IPv4' && !address.internal) return address.address;
		}
	}
	return '0.0.0.0';
}

describe('Credential test and node: the same custom Base URL rule', () => {
	// An emulator on every interface: whatever URL is accepted reaches it, whatever is refused
	// must leave its request log empty.
	const open = useEmulator({ host: '::' });

	const cases: Array<{
		name: string;
		url: (port: number) => string;
		expected: 'accepted' | 'refused';
	}> = [
		{
			name: 'http on 127.0.0.1',
			url: (port) => `http://127.0.0.1:${port}/sandbox/api`,
			expected: 'accepted',
		},
		{
			name: 'http on [::1]',
			url: (port) => `http://[::1]:${port}/sandbox/api`,
			expected: 'accepted',
		},
		{
			name: 'spaces and a trailing slash around it',
			url: (port) => `  http://127.0.0.1:${port}/sandbox/api/ `,
			expected: 'accepted',
		},
		{
			name: 'scheme and host in capitals',
			url: (port) => `HTTP://LOCALHOST:${port}/sandbox/api`,
			expected: 'accepted',
		},
		{
			name: 'http on the LAN address',
			url: (port) => `http://${lanAddress()}:${port}/sandbox/api`,
			expected: 'refused',
		},
	];

	test.each(cases)('$name: $expected by both', async ({ url, expected }) => {
		const baseUrl = url(open.emulator.port);
		const credentials = { platform: 'custom' as const, baseUrl, ...SANDBOX_KEYS };

		const tested = await testCredential(credentials);
		const afterTest = open.emulator.requests.length;
		const run = await runNode({
			node: { parameters: { resource: 'connection', operation: 'check' } },
			credentials,
		});
		const afterRun = open.emulator.requests.length - afterTest;

		if (expected === 'accepted') {
			expect(tested).toEqual(OK);
			expect(afterTest).toBe(1);
			expect(run.error).toBeUndefined();
			expect(run.items[0].json).toMatchObject({ platform: 'sandbox' });
			expect(afterRun).toBe(1);
		} else {
			expect(tested.status).toBe('Error');
			expect(afterTest).toBe(0);
			expect(run.error?.message).toContain("The credential's Base URL must use https://");
			expect(afterRun).toBe(0);
		}
	});
});
