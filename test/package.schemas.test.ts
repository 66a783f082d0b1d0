/**
 * The output schemas ship: every file of nodes/ContratPrive/__schema__ is in dist/ as written
 * and in the tarball, next to the node files n8n resolves them from. Reads the dist/ that
 * `npm run build` left (CI builds before testing).
 */
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';

const root = join(__dirname, '..');
const source = join(root, 'nodes', 'ContratPrive', '__schema__');
const built = join(root, 'dist', 'nodes', 'ContratPrive', '__schema__');
const whenBuilt = existsSync(join(root, 'dist/nodes/ContratPrive/ContratPrive.node.js'))
	? test
	: test.skip;

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)))
		.sort();
}

whenBuilt('dist/ holds every schema file exactly as written', () => {
	const files = filesUnder(source);
	expect(files.length).toBeGreaterThan(0);
	expect(filesUnder(built)).toEqual(files);
	for (const file of files) {
		expect(readFileSync(join(built, file), 'utf8')).toBe(readFileSync(join(source, file), 'utf8'));
	}
});

whenBuilt('the tarball ships them next to the node files', () => {
	const [report] = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const packed = new Set(report.files.map((file: { path: string }) => file.path));
	for (const file of filesUnder(source)) {
		expect(packed).toContain(`dist/nodes/ContratPrive/__schema__/${file}`);
	}
});
