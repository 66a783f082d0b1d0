/**
 * What `npm pack` ships: the built package only, as n8n's community-node rules ask.
 * Reads the dist/ that `npm run build` left (CI builds before testing).
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const built = existsSync(join(root, 'dist/nodes/ContratPrive/ContratPrive.node.js'));
const whenBuilt = built ? test : test.skip;

whenBuilt('the tarball holds dist/ plus README, LICENSE and package.json, nothing else', () => {
	const [report] = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const files: string[] = report.files.map((file: { path: string }) => file.path);
	const outside = files.filter(
		(path) => !path.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(path),
	);
	expect(outside).toEqual([]);
	expect(files.filter((path) => /\.test\.|tsbuildinfo|^dist\/package\.json$/.test(path))).toEqual(
		[],
	);

	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		expect(files).toContain(entry);
	}
	for (const asset of [
		'dist/nodes/ContratPrive/ContratPrive.node.json',
		'dist/nodes/ContratPriveTrigger/ContratPriveTrigger.node.json',
		'dist/nodes/ContratPrive/contratPrive.svg',
		'dist/nodes/ContratPrive/contratPrive.dark.svg',
		'dist/nodes/ContratPriveTrigger/contratPrive.svg',
		'dist/nodes/ContratPriveTrigger/contratPrive.dark.svg',
		'dist/credentials/contratPrive.svg',
		'dist/credentials/contratPrive.dark.svg',
	]) {
		expect(files).toContain(asset);
	}
});

test('package.json: no runtime dependencies, n8n-workflow as a peer, the n8n section', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.license).toBe('MIT');
	expect(pkg.files).toEqual(['dist']);
	expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
	for (const version of Object.values<string>(pkg.devDependencies)) {
		expect(version).toMatch(/^\d+\.\d+\.\d+$/);
	}
});
