/**
 * Icons as n8n serves them: n8n-core's own PackageDirectoryLoader loads the built package the way
 * n8n loads a community package, and resolves every `file:` icon relative to the file that exports
 * the node, not the file where the description is written. Each resulting iconUrl must name an SVG
 * that the package ships (n8n answers /icons/<package>/<path> from that file).
 */
import { existsSync, readFileSync } from 'fs';
import { PackageDirectoryLoader } from 'n8n-core';
import type { INodeTypeDescription } from 'n8n-workflow';
import { join } from 'path';

const root = join(__dirname, '..');
const built = existsSync(join(root, 'dist/nodes/ContratPrive/ContratPrive.node.js'));
const whenBuilt = built ? describe : describe.skip;

type Themed = string | { light: string; dark: string } | undefined;

function iconFiles(iconUrl: Themed): string[] {
	if (!iconUrl) return [];
	return typeof iconUrl === 'string' ? [iconUrl] : [iconUrl.light, iconUrl.dark];
}

whenBuilt('icons as n8n resolves them', () => {
	let loader: PackageDirectoryLoader;
	const prefix = 'icons/n8n-nodes-contrat-prive/';

	beforeAll(async () => {
		loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
	});

	function descriptions(): Array<[string, INodeTypeDescription]> {
		const all: Array<[string, INodeTypeDescription]> = [];
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
			if ('nodeVersions' in type) {
				for (const [version, node] of Object.entries(type.nodeVersions)) {
					all.push([`${name} v${version}`, node.description]);
				}
			} else {
				all.push([name, type.description]);
			}
		}
		return all;
	}

	test('every node version and the credential have a light and a dark icon URL', () => {
		const named = [
			...descriptions().map(([name, d]) => [name, d.iconUrl] as const),
			...Object.entries(loader.credentialTypes).map(
				([name, { type }]) => [name, type.iconUrl] as const,
			),
		];
		expect(named.map(([name]) => name).sort()).toEqual([
			'contratPrive v1',
			'contratPriveApi',
			'contratPriveTrigger',
		]);
		for (const [name, iconUrl] of named) {
			expect([name, typeof iconUrl === 'object' ? Object.keys(iconUrl).sort() : iconUrl]).toEqual([
				name,
				['dark', 'light'],
			]);
		}
	});

	test('every icon URL names an SVG file the package ships', () => {
		const urls = [
			...descriptions().flatMap(([, d]) => iconFiles(d.iconUrl as Themed)),
			...Object.values(loader.credentialTypes).flatMap(({ type }) =>
				iconFiles(type.iconUrl as Themed),
			),
		];
		expect(urls.length).toBe(6);
		const shipped = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files as string[];
		for (const url of urls) {
			expect(url.startsWith(prefix)).toBe(true);
			const file = url.slice(prefix.length);
			expect([url, shipped.some((dir) => file.startsWith(`${dir}/`))]).toEqual([url, true]);
			expect([url, existsSync(join(root, file))]).toEqual([url, true]);
			expect(readFileSync(join(root, file), 'utf8')).toMatch(/^<svg[\s>]/);
		}
	});
});
