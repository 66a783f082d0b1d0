/**
 * The wire format stays in one folder: outside nodes/ContratPrive/transport/, no code of the
 * nodes names a request of the API, one of its error codes or a base URL. Code only: comments
 * may mention them. The places that cannot import the transport are listed in
 * transport/wire-contract.md ("Other places that encode the format") and here.
 */
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import ts from 'typescript';

import { BASE_URLS } from '../../nodes/ContratPrive/transport/urls';

const ROOT = join(__dirname, '..', '..');
const NODES = join(ROOT, 'nodes');
const TRANSPORT = join(NODES, 'ContratPrive', 'transport');

/** Places that name the wire outside the transport, each listed in wire-contract.md. */
const LISTED: Record<string, string[]> = {
	// The hint for a custom API call shows users one request to send with the HTTP Request node.
	'nodes/ContratPrive/v1/actions/router.ts': ['contractListRequest'],
};

function sourceFiles(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) return path === TRANSPORT ? [] : sourceFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

/** Every string and template literal of a file's code, with its line. */
function literals(path: string): Array<{ text: string; line: number }> {
	const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
	const found: Array<{ text: string; line: number }> = [];
	const visit = (node: ts.Node) => {
		if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
			const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
			found.push({ text: node.text, line: line + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

/** The request names of the `RequestName` union and the API's error codes with their texts. */
function wireWords(): string[] {
	const types = readFileSync(join(TRANSPORT, 'types.ts'), 'utf8');
	const union = /export type RequestName =([^;]+);/.exec(types)?.[1] ?? '';
	const requests = [...union.matchAll(/'(\w+Request)'/g)].map((match) => match[1]);
	const apiErrors = readFileSync(join(TRANSPORT, 'api-errors.ts'), 'utf8');
	const table = /const API_ERROR_TEXTS[^\n]*\{\n([\s\S]*?)\n\};/.exec(apiErrors)?.[1] ?? '';
	const codes = [...table.matchAll(/^\t([A-Z][A-Z_]+):/gm)].map((match) => match[1]);
	return [...requests, ...codes];
}

describe('the wire format is known by nodes/ContratPrive/transport/ only', () => {
	const words = wireWords();
	const urls = Object.values(BASE_URLS);

	test('the words read from the transport are the 8 requests and the error codes', () => {
		expect(words.filter((word) => word.endsWith('Request'))).toHaveLength(8);
		expect(words).toEqual(expect.arrayContaining(['CONTRACT_NOT_FOUND', 'DAILY_QUOTA_EXCEEDED']));
		expect(urls.length).toBeGreaterThanOrEqual(2);
	});

	test('no code outside it names a request, an error code or a base URL', () => {
		const files = sourceFiles(NODES);
		expect(files.length).toBeGreaterThan(30);
		const found: string[] = [];
		for (const path of files) {
			const name = relative(ROOT, path).split('\\').join('/');
			const allowed = LISTED[name] ?? [];
			for (const { text, line } of literals(path)) {
				for (const word of words) {
					if (new RegExp(`\\b${word}\\b`).test(text) && !allowed.includes(word)) {
						found.push(`${name}:${line} names ${word}`);
					}
				}
				for (const url of urls) {
					if (text.includes(url)) found.push(`${name}:${line} holds the base URL ${url}`);
				}
			}
		}
		expect(found).toEqual([]);
	});

	test('each listed place still names what it is listed for, and wire-contract.md lists it', () => {
		const contract = readFileSync(join(TRANSPORT, 'wire-contract.md'), 'utf8');
		for (const [name, listed] of Object.entries(LISTED)) {
			const texts = literals(join(ROOT, name)).map(({ text }) => text);
			for (const word of listed) expect(texts.some((text) => text.includes(word))).toBe(true);
			expect(contract).toContain(name.replace('nodes/ContratPrive/', ''));
		}
	});
});
