/**
 * The output schemas ship: every file of nodes/*\/__schema__ is in dist/ as written and in the
 * tarball, next to the node file n8n resolves it from. Reads the dist/ that `npm run build` left
 * (CI builds before testing).
 */
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';

const root = join(__dirname, '..');
/** Each node folder with its node file and schemas. */
const FOLDERS = [
	{ folder: 'ContratPrive', node: 'ContratPrive.node.js' },
	{ folder: 'ContratPriveTrigger', node: 'ContratPriveTrigger.node.js' },
];
const source = (folder: string) => join(root, 'nodes', folder, '__schema__');
const built = (folder: string) => join(root, 'dist', 'nodes', folder, '__schema__');
const whenBuilt = existsSync(join(root, 'dist/nodes/ContratPrive/ContratPrive.node.js'))
	? test
	: test.skip;

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)))
		.sort();
}

whenBuilt.each(FOLDERS)(
	'dist/nodes/$folder holds every schema file exactly as written',
	({ folder, node }) => {
		expect(existsSync(join(root, 'dist', 'nodes', folder, node))).toBe(true);
		const files = filesUnder(source(folder));
		expect(files.length).toBeGreaterThan(0);
		expect(filesUnder(built(folder))).toEqual(files);
		for (const file of files) {
			expect(readFileSync(join(built(folder), file), 'utf8')).toBe(
				readFileSync(join(source(folder), file), 'utf8'),
			);
		}
	},
);

whenBuilt('the tarball ships them next to the node files', () => {
	const [report] = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const packed = new Set(report.files.map((file: { path: string }) => file.path));
	for (const { folder } of FOLDERS) {
		for (const file of filesUnder(source(folder))) {
			expect(packed).toContain(`dist/nodes/${folder}/__schema__/${file}`);
		}
	}
});
