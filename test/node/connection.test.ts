/**
 * Connection › Check: platform, owner and quota; wrong platform and unknown keys; the custom
 * base URL rule (https, or http on a loopback host only), enforced before any request.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { ConnectionInfo } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import { runNode } from '../helpers/run-workflow';
import { DEMO_ACCOUNTS } from '../emulator';
import { useEmulator } from '../helpers/emulator-kit';
import { everything, expectNoSecret, useNodeKit } from './contract.helpers';
import { PRODUCTION_KEYS, SANDBOX_KEYS, SECRETS } from '../fixtures/accounts';

const kit = useNodeKit();

const CHECK = { resource: 'connection', operation: 'check' };

describe('Connection › Check', () => {
	test('sandbox: platform, owner account, no quota', async () => {
		const result = await kit.run(CHECK, [{ json: {} }]);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					platform: 'sandbox',
					owner: {
						apiUser: DEMO_ACCOUNTS.sandbox.apiUser,
						name: DEMO_ACCOUNTS.sandbox.name,
						email: DEMO_ACCOUNTS.sandbox.email,
					},
					quota: null,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(kit.emulator.requestCount({ requestName: 'checkConnexionRequest', status: 200 })).toBe(
			1,
		);
		expectNoSecret(result);
	});

	test('production: the daily quota counts every request, the check included', async () => {
		// Two requests of the day already made by another client.
		for (let i = 0; i < 2; i++) {
			expect((await kit.api('production', 'checkConnexionRequest', {})).status).toBe(200);
		}
		const result = await kit.run(CHECK, [{ json: { n: 1 } }, { json: { n: 2 } }], {
			platform: 'production',
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		const [first, second] = result.items.map((item) => jsonAs<ConnectionInfo>(item));
		expect(first).toMatchObject({
			platform: 'production',
			owner: { apiUser: DEMO_ACCOUNTS.production.apiUser, name: DEMO_ACCOUNTS.production.name },
			quota: { limit: 1000, used: 3, remaining: 997 },
		});
		expect(second.quota).toMatchObject({ limit: 1000, used: 4, remaining: 996 });
		// Resets at midnight, Paris time: 23:00 or 22:00 UTC.
		expect(first.quota?.resetAt).toMatch(/^\d{4}-\d{2}-\d{2}T2[23]:00:00(\.000)?Z$/);
		expect(Date.parse(first.quota!.resetAt!)).toBeGreaterThan(Date.now());
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expectNoSecret(result);
	});

	test('sandbox keys on the production URL: WRONG_PLATFORM, "These keys belong to the other platform"', async () => {
		const result = await kit.run(CHECK, [{ json: {} }], {
			platform: 'production',
			keys: SANDBOX_KEYS,
		});
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			message: 'These keys belong to the other platform',
			httpCode: '401',
		});
		expect(result.error?.description).toContain('these keys are sandbox keys');
		expect(kit.emulator.requestCount({ platform: 'production', status: 401 })).toBe(1);
		expectNoSecret(result);
	});

	test('production keys on the sandbox URL: WRONG_PLATFORM the other way round', async () => {
		const result = await kit.run(CHECK, [{ json: {} }], {
			platform: 'sandbox',
			keys: PRODUCTION_KEYS,
		});
		expect(result.error?.message).toBe('These keys belong to the other platform');
		expect(result.error?.description).toContain('these keys are production keys');
		expect(result.error?.description).toContain("Change the credential's platform");
		expectNoSecret(result);
	});

	test('unknown keys: INVALID_CREDENTIALS, the wrong key is not echoed either', async () => {
		const wrongKey = 'demo-sandbox-key-typo-7f3a9c';
		const result = await kit.run(CHECK, [{ json: {} }], {
			keys: { apiUser: SANDBOX_KEYS.apiUser, apiKey: wrongKey },
		});
		expect(result.error).toMatchObject({
			message: 'Contrat-Privé does not know this API key pair',
			httpCode: '401',
		});
		expect(result.error?.description).toContain('Copy API User and API Key again');
		expectNoSecret(result);
		expect(everything(result)).not.toContain(wrongKey);
	});

	test('continueOnFail: the error becomes an item, paired with its input', async () => {
		const result = await kit.run(CHECK, [{ json: {} }], {
			keys: { apiUser: 'nobody', apiKey: 'nothing' },
			continueOnFail: true,
		});
		expect(result.items).toEqual([
			{
				json: {
					error: 'Contrat-Privé does not know this API key pair',
					description: expect.stringContaining('Copy API User and API Key again'),
					errorCode: 'INVALID_CREDENTIALS',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

/** An IPv4 address of this machine that is not loopback, if it has one. */
function lanAddress(): string | undefined {
	for (const addresses of Object.values(networkInterfaces())) {
		for (const address of addresses ?? []) {
			if (address.family === 'IPv4' && !address.internal) return address.address;
		}
	}
	return undefined;
}

describe('Connection › Check: custom base URL', () => {
	// A second emulator listening on every interface: a refused URL that points at it would
	// show up in its request log had the node sent anything.
	const open = useEmulator({ host: '::' });

	const checkWith = async (baseUrl: string, keys = SANDBOX_KEYS) =>
		await runNode({
			node: { parameters: CHECK },
			credentials: { platform: 'custom', baseUrl, ...keys },
		});

	test('plain http on a host that is not loopback is refused before any request', async () => {
		const lan = lanAddress() ?? '0.0.0.0';
		const baseUrl = `http://${lan}:${open.emulator.port}/sandbox/api`;
		// The emulator is reachable at that address: the refusal is the node's choice.
		const reachable = await fetch(`http://${lan}:${open.emulator.port}/`);
		expect(reachable.status).toBe(200);

		const result = await checkWith(baseUrl);
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(
			`The credential's Base URL must use https:// (plain http:// is only allowed on localhost, 127.0.0.1 or [::1]); got "${baseUrl}"`,
		);
		expect(result.error?.httpCode ?? null).toBeNull();
		expect(open.emulator.requests).toHaveLength(0);
		expectNoSecret(result);
	});

	test.each([
		['a look-alike host name', 'http://localhost.example.com/api'],
		['credentials before a remote host', 'http://127.0.0.1@example.com/api'],
		['another scheme', 'ftp://127.0.0.1/api'],
	])('%s is refused: %s', async (_case, baseUrl) => {
		const result = await checkWith(baseUrl);
		expect(result.error?.message).toContain("The credential's Base URL must use https://");
		expect(open.emulator.requests).toHaveLength(0);
		expect(kit.emulator.requests).toHaveLength(0);
	});

	test('a Base URL that is not a URL is refused with its own message', async () => {
		const result = await checkWith('sandbox.contrat-prive.com/api');
		expect(result.error?.message).toBe(
			'The credential\'s Base URL "sandbox.contrat-prive.com/api" is not a valid URL',
		);
	});

	test.each([
		['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/sandbox/api`],
		['localhost, trailing slashes', (port: number) => `http://localhost:${port}/sandbox/api//`],
		['[::1]', (port: number) => `http://[::1]:${port}/sandbox/api`],
	])('plain http on a loopback host is accepted: %s', async (_case, url) => {
		const result = await checkWith(url(open.emulator.port));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ platform: 'sandbox', quota: null });
		expect(open.emulator.requestCount({ requestName: 'checkConnexionRequest', status: 200 })).toBe(
			1,
		);
	});

	test('https is accepted on any host: the node connects (here, to a server whose certificate it rightly rejects)', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'contrat-prive-tls-'));
		try {
			await promisify(execFile)('openssl', [
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-subj',
				'/CN=localhost',
				'-days',
				'1',
				'-keyout',
				join(directory, 'key.pem'),
				'-out',
				join(directory, 'cert.pem'),
			]);
			const handshakes: string[] = [];
			const server = createHttpsServer({
				key: await readFile(join(directory, 'key.pem')),
				cert: await readFile(join(directory, 'cert.pem')),
			});
			server.on('connection', () => handshakes.push('tcp'));
			server.on('tlsClientError', (error) => handshakes.push(error.message));
			server.on('secureConnection', () => handshakes.push('secure'));
			await new Promise<void>((resolve) => server.listen(0, '::', resolve));
			try {
				const { port } = server.address() as AddressInfo;
				const result = await checkWith(`https://localhost:${port}/api`);
				// The https rule let it through: the node opened a connection to the server,
				// and the TLS handshake did not complete (the certificate is not trusted).
				expect(handshakes).toContain('tcp');
				expect(handshakes).not.toContain('secure');
				expect(result.error?.name).toBe('NodeApiError');
				expect(result.error?.message).toMatch(/^Could not reach Contrat-Privé \(/);
				expect(result.error?.message).not.toContain('Base URL must use https');
				expect(result.error?.description).toContain("credential's base URL");
				expectNoSecret(result);
			} finally {
				server.closeAllConnections();
				await new Promise((resolve) => server.close(resolve));
			}
		} finally {
			await rm(directory, { recursive: true, force: true });
		}
	});

	test('a custom URL that is not the API (the emulator root, 404): "does not answer like the Contrat-Privé API"', async () => {
		const result = await checkWith(`http://127.0.0.1:${open.emulator.port}`);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'This URL does not answer like the Contrat-Privé API',
			httpCode: '404',
		});
		expect(result.error?.description).toContain("Check the credential's platform or base URL");
		expectNoSecret(result);
		for (const secret of SECRETS) expect(result.error?.json).not.toContain(secret);
	});

	test('a custom URL answering JSON that is not the API (200): refused, not output as a connection', async () => {
		const server = createServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ status: 'ok', service: 'some other API' }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const result = await checkWith(`http://127.0.0.1:${port}/api`);
			expect(result.items).toEqual([]);
			expect(result.error?.message).toBe('This URL does not answer like the Contrat-Privé API');
			expect(result.error?.description).toContain("Check the credential's platform or base URL");
			expectNoSecret(result);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
