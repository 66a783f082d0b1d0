/**
 * Every parameter the editor shows (the action node's version description, the trigger's, the
 * credential's), walked recursively: no secret in a default, description or placeholder, an
 * `action` text for every operation, Title Case display names (n8n's convention).
 */
import type { ICredentialType, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { ContratPriveApi } from '../../credentials/ContratPriveApi.credentials';
import { ContratPrive } from '../../nodes/ContratPrive/ContratPrive.node';
import { ContratPriveTrigger } from '../../nodes/ContratPriveTrigger/ContratPriveTrigger.node';
import { DEMO_ACCOUNTS } from '../emulator';

const actionNode = new ContratPrive();
const versionDescription = actionNode.nodeVersions[1].description;
const triggerDescription = new ContratPriveTrigger().description;
const credential: ICredentialType = new ContratPriveApi();

const DESCRIPTIONS: Array<[string, INodeTypeDescription | ICredentialType]> = [
	['Contrat-Privé (v1)', versionDescription],
	['Contrat-Privé Trigger', triggerDescription],
	['Contrat-Privé API credential', credential],
];

/** Every string in a description, with its path (`properties[3].options[0].description`). */
function strings(value: unknown, path = ''): Array<[string, string]> {
	if (typeof value === 'string') return [[path, value]];
	if (Array.isArray(value))
		return value.flatMap((entry, index) => strings(entry, `${path}[${index}]`));
	if (value && typeof value === 'object') {
		return Object.entries(value).flatMap(([key, entry]) =>
			strings(entry, path ? `${path}.${key}` : key),
		);
	}
	return [];
}

interface Found {
	path: string;
	property: INodeProperties;
}

/** Every parameter, at any depth: collections, fixed collections, resource locator modes. */
function parameters(list: INodeProperties[], path = 'properties'): Found[] {
	const found: Found[] = [];
	list.forEach((property, index) => {
		const here = `${path}[${index}]`;
		found.push({ path: here, property });
		if (property.type === 'collection' && Array.isArray(property.options)) {
			found.push(...parameters(property.options as INodeProperties[], `${here}.options`));
		}
		if (property.type === 'fixedCollection' && Array.isArray(property.options)) {
			(
				property.options as Array<{ displayName: string; name: string; values: INodeProperties[] }>
			).forEach((group, groupIndex) => {
				const groupPath = `${here}.options[${groupIndex}]`;
				found.push({
					path: groupPath,
					property: {
						displayName: group.displayName,
						name: group.name,
						type: 'collection',
						default: {},
					},
				});
				found.push(...parameters(group.values, `${groupPath}.values`));
			});
		}
		for (const [modeIndex, mode] of (property.modes ?? []).entries()) {
			found.push({
				path: `${here}.modes[${modeIndex}]`,
				property: { ...mode, type: 'string', default: '' } as INodeProperties,
			});
		}
	});
	return found;
}

/** The choices of options and multiOptions parameters. */
function choices(found: Found[]) {
	return found.flatMap(({ path, property }) =>
		(property.type === 'options' || property.type === 'multiOptions') &&
		Array.isArray(property.options)
			? (property.options as Array<{ name: string; value: unknown; action?: string }>).map(
					(choice, index) => ({ path: `${path}.options[${index}]`, property, choice }),
				)
			: [],
	);
}

// ---------------------------------------------------------------------------------------------
// What a secret looks like

const DEMO_SECRETS = Object.values(DEMO_ACCOUNTS).map((account) => account.apiKey);

function entropy(text: string): number {
	const counts = new Map<string, number>();
	for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
	let bits = 0;
	for (const count of counts.values())
		bits -= (count / text.length) * Math.log2(count / text.length);
	return bits;
}

const SECRET_PATTERNS: RegExp[] = [
	/-----BEGIN [A-Z ]*PRIVATE KEY-----/,
	/\b[sprk]k_(live|test)_[A-Za-z0-9]{8,}/,
	/\bBearer\s+[A-Za-z0-9._~+/-]{16,}/,
	/\b(api_?key|api_?user|secret|token|password)\s*[:=]\s*['"]?[A-Za-z0-9._~+/-]{8,}/i,
	/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // a JWT
];

/** Why a text looks like it holds a secret, or undefined. */
function secretIn(text: string): string | undefined {
	for (const secret of DEMO_SECRETS)
		if (text.includes(secret)) return `the demo API key "${secret}"`;
	for (const pattern of SECRET_PATTERNS) if (pattern.test(text)) return `it matches ${pattern}`;
	// A long random-looking token: letters and digits mixed, high entropy (a key, a hash).
	for (const token of text.match(/[A-Za-z0-9_+=-]{24,}/g) ?? []) {
		const digits = token.replace(/\D/g, '').length;
		const letters = token.replace(/[^A-Za-z]/g, '').length;
		if (digits >= 3 && letters >= 3 && entropy(token) >= 3.5) {
			return `the token "${token}" looks random (entropy ${entropy(token).toFixed(2)} bits)`;
		}
	}
	return undefined;
}

describe('secret detector (sanity)', () => {
	test.each([
		['the demo key', 'e.g. demo-sandbox-key'],
		['a 32-character hex key', 'e.g. 3f9a7c1e5b2d8f4a6c0e9b7d5f3a1c8e'],
		['a base62 key', 'Xk9f2LmQ8vR3tY7wZ1aB4cD6eF0gH5jK'],
		['an assignment', 'apiKey=prod-4f8a9c2e71'],
	])('flags %s', (_case, text) => {
		expect(secretIn(text)).toBeDefined();
	});

	test.each([
		['an example IBAN', 'e.g. FR7630006000011234567890189'],
		['an example contract ID', 'e.g. ctr_8f2b1c9a0d3e4f56'],
		['a URL', 'http://127.0.0.1:8787/sandbox/api'],
		[
			'a repository URL',
			'https://github.com/n8n-nodes-contrat-prive/n8n-nodes-contrat-prive#credentials',
		],
		['prose', 'The private key of the owner account ("apiKey")'],
	])('lets %s through', (_case, text) => {
		expect(secretIn(text)).toBeUndefined();
	});
});

// ---------------------------------------------------------------------------------------------
// Title Case, the n8n way: every word capitalised except short function words inside

const MINOR_WORDS = new Set([
	'a',
	'an',
	'and',
	'as',
	'at',
	'but',
	'by',
	'for',
	'from',
	'in',
	'into',
	'nor',
	'of',
	'on',
	'or',
	'per',
	'the',
	'to',
	'via',
	'vs',
	'with',
]);
/** n8n writes these in capitals. */
const ACRONYMS = ['ID', 'URL', 'API', 'SMS', 'JSON', 'IBAN', 'BIC', 'PDF', 'EUR'];

function titleCaseProblem(text: string): string | undefined {
	const words = text.split(/\s+/).filter(Boolean);
	for (const [index, raw] of words.entries()) {
		const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
		if (!word) continue;
		const lower = word.toLowerCase();
		// Short function words are lower case, except first and last ("Trigger On").
		if (index > 0 && index < words.length - 1 && MINOR_WORDS.has(lower)) {
			if (word !== lower) return `"${word}" should be lower case`;
			continue;
		}
		if (/^\p{Ll}/u.test(word)) return `"${word}" should start with a capital`;
		const acronym = ACRONYMS.find((candidate) => candidate.toLowerCase() === lower);
		if (acronym && word !== acronym) return `"${word}" should be "${acronym}"`;
	}
	return undefined;
}

describe('Title Case checker (sanity)', () => {
	test.each([
		'Signatory Name or ID',
		'Send SMS Code to All',
		'Deposit (EUR)',
		'Signatories (JSON)',
		'Contrat-Privé',
		'Trigger On',
	])('accepts "%s"', (text) => expect(titleCaseProblem(text)).toBeUndefined());
	test.each(['Signatory name', 'Send SMS Code To All', 'Contract Id', 'by ID', 'Save As Draft'])(
		'refuses "%s"',
		(text) => expect(titleCaseProblem(text)).toBeDefined(),
	);
});

// ---------------------------------------------------------------------------------------------

describe.each(DESCRIPTIONS)('%s: parameters', (_name, description) => {
	const found = parameters(description.properties);

	test('it has parameters to check', () => {
		expect(found.length).toBeGreaterThan(3);
	});

	test('no default, description, placeholder or hint holds a secret', () => {
		const problems: string[] = [];
		for (const { path, property } of found) {
			for (const key of ['default', 'description', 'placeholder', 'hint', 'displayName'] as const) {
				for (const [subPath, text] of strings(property[key], `${path}.${key}`)) {
					const why = secretIn(text);
					if (why) problems.push(`${subPath}: ${why}`);
				}
			}
		}
		// And nowhere else in the description either (test requests, rules, notices, options).
		for (const [path, text] of strings(description)) {
			const why = secretIn(text);
			if (why) problems.push(`${path}: ${why}`);
		}
		expect([...new Set(problems)]).toEqual([]);
	});

	test('a password field has an empty default', () => {
		for (const { path, property } of found) {
			if (property.typeOptions?.password) expect([path, property.default]).toEqual([path, '']);
		}
	});

	test('every display name is Title Case (notices excepted: they are sentences)', () => {
		const problems: string[] = [];
		for (const { path, property } of found) {
			if (property.type === 'notice') continue;
			const problem = titleCaseProblem(property.displayName);
			if (problem) problems.push(`${path} "${property.displayName}": ${problem}`);
		}
		for (const { path, choice } of choices(found)) {
			const problem = titleCaseProblem(choice.name);
			if (problem) problems.push(`${path} "${choice.name}": ${problem}`);
		}
		expect(problems).toEqual([]);
	});
});

describe('Contrat-Privé (v1): operations', () => {
	const found = parameters(versionDescription.properties);
	const operationParameters = found.filter(({ property }) => property.name === 'operation');
	const resources = (
		versionDescription.properties.find((property) => property.name === 'resource')!
			.options as Array<{
			value: string;
		}>
	).map((option) => option.value);

	test('each resource has an operation parameter, its default one of its choices', () => {
		for (const resource of resources) {
			const operation = operationParameters.find(({ property }) =>
				property.displayOptions?.show?.resource?.includes(resource),
			);
			expect(operation).toBeDefined();
			const values = (operation!.property.options as Array<{ value: string }>).map(
				(option) => option.value,
			);
			expect(values).toContain(operation!.property.default);
		}
		expect(resources.sort()).toEqual(['connection', 'contract', 'signatory']);
	});

	test('every operation has an action text: a sentence, unique within the node', () => {
		const actions: string[] = [];
		for (const { property } of operationParameters) {
			for (const option of property.options as Array<{
				name: string;
				action?: string;
				description?: string;
			}>) {
				expect({ operation: option.name, action: option.action }).toEqual({
					operation: option.name,
					action: expect.stringMatching(/^[A-Z][a-z]+ .{3,}$/),
				});
				expect(option.description).toBeTruthy();
				actions.push(option.action!);
			}
		}
		expect(actions.length).toBeGreaterThanOrEqual(8);
		expect(new Set(actions).size).toBe(actions.length);
	});

	test('every parameter is shown for one resource and operation at least (none is orphaned)', () => {
		for (const property of versionDescription.properties) {
			if (property.name === 'resource' || property.name === 'operation') continue;
			const show = property.displayOptions?.show;
			expect({ name: property.name, resource: show?.resource, operation: show?.operation }).toEqual(
				{
					name: property.name,
					resource: expect.any(Array),
					operation: expect.any(Array),
				},
			);
		}
	});
});

describe('Contrat-Privé API credential', () => {
	test('the API key is a password field with no default; the keys are required', () => {
		const apiKey = credential.properties.find((property) => property.name === 'apiKey')!;
		expect(apiKey).toMatchObject({
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		});
		const apiUser = credential.properties.find((property) => property.name === 'apiUser')!;
		expect(apiUser).toMatchObject({ default: '', required: true });
	});

	test('the keys go in the request body only, from the credential', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: {
				body: { apiKey: '={{$credentials.apiKey}}', apiUser: '={{$credentials.apiUser}}' },
			},
		});
	});
});
