/**
 * The trigger's failure policy follows the transport's one transient rule: a host that does not
 * exist and a certificate that is refused cannot get better by polling again, so they are
 * reported at the first poll (not hidden for two polls like a timeout or a server error).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { runPoll } from '../helpers/poll';
import { ALL_EVENTS, nodeData } from './trigger.helpers';
import { KEYS } from '../fixtures/accounts';

async function firstPoll(baseUrl: string) {
	const staticData = {};
	const result = await runPoll({
		node: { parameters: { events: ALL_EVENTS, options: { timeout: 5 } } },
		credentials: { platform: 'custom', baseUrl, ...KEYS.sandbox },
		staticData,
		mode: 'trigger',
	});
	return { result, staticData };
}

describe('failures that polling again cannot fix are reported at the first poll', () => {
	test('DNS: a host that does not exist (a reserved .invalid name)', async () => {
		const { result, staticData } = await firstPoll('https://contrat-prive.invalid/api');
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not reach Contrat-Privé (ENOTFOUND)');
		expect(nodeData(staticData).consecutiveFailures).toBeUndefined();
		expect(JSON.stringify(staticData)).not.toContain('openContracts');
		expect(JSON.stringify(result)).not.toContain(KEYS.sandbox.apiKey);
	});

	test('TLS: a server whose certificate is not trusted (self-signed)', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'contrat-prive-trigger-tls-'));
		const tls = { key: join(directory, 'key.pem'), cert: join(directory, 'cert.pem') };
		try {
			// A real https server with a certificate nobody trusts: there is no other way to get
			// a genuine TLS refusal from Node's HTTP client.
			await promisify(execFile)('openssl', [
				...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost'],
				...['-days', '1', '-keyout', tls.key, '-out', tls.cert],
			]);
			const server = createHttpsServer({
				key: await readFile(tls.key),
				cert: await readFile(tls.cert),
			});
			const handshakes: string[] = [];
			server.on('connection', () => handshakes.push('tcp'));
			server.on('secureConnection', () => handshakes.push('secure'));
			await new Promise<void>((resolve) => server.listen(0, '::', resolve));
			try {
				const { port } = server.address() as AddressInfo;
				const { result, staticData } = await firstPoll(`https://localhost:${port}/api`);
				// The trigger reached the server, and the TLS handshake did not complete.
				expect(handshakes).toContain('tcp');
				expect(handshakes).not.toContain('secure');
				expect(result.error?.name).toBe('NodeApiError');
				expect(result.error?.message).toMatch(
					/^Could not reach Contrat-Privé \(.*(CERT|SELF_SIGNED)/,
				);
				expect(nodeData(staticData).consecutiveFailures).toBeUndefined();
				expect(JSON.stringify(staticData)).not.toContain('openContracts');
			} finally {
				server.closeAllConnections();
				await new Promise((resolve) => server.close(resolve));
			}
		} finally {
			await rm(directory, { recursive: true, force: true });
		}
	});
});
