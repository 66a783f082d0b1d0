/** `npm run emulator`: the CLI starts the emulator and prints base URLs and demo keys. */
import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

describe('emulator CLI', () => {
	let child: ChildProcess | undefined;
	afterEach(() => {
		if (child && child.exitCode === null) child.kill('SIGTERM');
	});

	it('listens on --port 0 and prints URLs and keys', async () => {
		child = spawn(
			process.execPath,
			[join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'test/emulator/cli.ts', '--port', '0'],
			{
				cwd: ROOT,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20000);
			child!.stdout!.on('data', (d) => {
				out += String(d);
				if (out.includes('Ctrl-C')) {
					clearTimeout(timer);
					resolve();
				}
			});
			child!.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
		});
		const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
		expect(base).toBeDefined();
		expect(out).toContain(`dashboard   ${base}/ `);
		expect(out).toContain(`${base}/sandbox/api`);
		expect(out).toContain(`${base}/production/api`);
		for (const k of [
			'demo-sandbox-user',
			'demo-sandbox-key',
			'demo-production-user',
			'demo-production-key',
			'other-sandbox-key',
		]) {
			expect(out).toContain(k);
		}
		const r = await fetch(`${base}/sandbox/api/checkConnexionRequest`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ apiUser: 'demo-sandbox-user', apiKey: 'demo-sandbox-key' }),
		});
		expect(r.status).toBe(200);
		const dashboard = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
		expect(dashboard.headers.get('content-type')).toContain('text/html');
		expect(await dashboard.text()).toContain('Owner dashboard');
		const exited = new Promise((resolve) => child!.once('exit', resolve));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});
});
