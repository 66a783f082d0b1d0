/**
 * `npm run scan` (test/scan/scan.mjs) runs n8n's own scanner; these tests show that it looks at the
 * real files and fails on a finding, so the CI step cannot pass by scanning nothing: each leg is
 * run on a copy of the package, clean and then with one known fault the scanner's rules reject.
 */
import { spawnSync } from 'child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const built = existsSync(join(root, 'dist/nodes/ContratPrive/ContratPrive.node.js'));
const whenBuilt = built ? test : test.skip;

jest.setTimeout(300_000);

let work: string;
beforeEach(() => {
	work = mkdtempSync(join(tmpdir(), 'scan-test-'));
});
afterEach(() => {
	rmSync(work, { recursive: true, force: true });
});

function scan(...args: string[]): { status: number | null; output: string } {
	const res = spawnSync(process.execPath, [join(root, 'test/scan/scan.mjs'), ...args], {
		cwd: root,
		encoding: 'utf8',
	});
	return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

function edit(file: string, from: string, to: string): void {
	const text = readFileSync(file, 'utf8');
	expect(text).toContain(from);
	writeFileSync(file, text.replace(from, to));
}

test('source leg: a clean copy passes, a description without its final period fails', () => {
	const copy = join(work, 'source');
	for (const entry of ['package.json', 'nodes', 'credentials']) {
		cpSync(join(root, entry), join(copy, entry), { recursive: true });
	}
	const clean = scan('--root', copy, '--only', 'source');
	expect(clean.output).toMatch(/source \(.*\): \d+ files, 0 errors/);
	expect(clean.status).toBe(0);

	edit(
		join(copy, 'nodes/ContratPrive/v1/actions/contract/get.operation.ts'),
		'(the annexes).',
		'(the annexes)',
	);
	const faulty = scan('--root', copy, '--only', 'source');
	expect(faulty.output).toContain('get.operation.ts');
	expect(faulty.output).toContain('n8n-nodes-base/node-param-description-missing-final-period');
	expect(faulty.output).toContain('failed, 1 errors');
	expect(faulty.status).toBe(1);
});

whenBuilt('tarball leg: a packed copy passes, a console.log in the built node fails', () => {
	const copy = join(work, 'package');
	mkdirSync(copy);
	for (const entry of ['package.json', 'README.md', 'LICENSE', 'dist']) {
		cpSync(join(root, entry), join(copy, entry), { recursive: true });
	}
	const pack = (): string => {
		const [report] = JSON.parse(
			spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
				cwd: copy,
				encoding: 'utf8',
			}).stdout,
		);
		return join(work, report.filename);
	};

	const clean = scan('--tarball', pack(), '--only', 'tarball');
	expect(clean.output).toMatch(/tarball \(npm pack\): \d+ files, 0 errors/);
	expect(clean.status).toBe(0);

	edit(
		join(copy, 'dist/nodes/ContratPrive/ContratPrive.node.js'),
		'class ContratPrive extends',
		'console.log("loaded");\nclass ContratPrive extends',
	);
	const faulty = scan('--tarball', pack(), '--only', 'tarball');
	expect(faulty.output).toContain('ContratPrive.node.js');
	expect(faulty.output).toContain('no-console');
	expect(faulty.status).toBe(1);
});

test('a directory with nothing the scanner would lint fails instead of passing', () => {
	const result = scan('--root', work, '--only', 'source');
	expect(result.output).toContain('nothing to scan');
	expect(result.status).toBe(1);
});
