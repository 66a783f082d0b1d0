import eslint from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importPlugin from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

import { scannerToolsRequire } from './test/scan/scanner-tools.mjs';

// `n8n-node lint`'s rule sets (@n8n/node-cli's configs/eslint: @eslint/js recommended,
// typescript-eslint recommended, import-x recommended with the TypeScript resolver,
// prefer-spread off, no-console) on every TypeScript file, tests included, and on what n8n
// loads the rule sets that n8n's verification scanner applies: the community plugin and
// eslint-plugin-n8n-nodes-base, with the same rules switched off (scanner/scanner.mjs
// `buildScanConfig` in @n8n/scan-community-package, pinned in test/scan/scanner/package.json).
// The n8n-nodes-base plugin cannot be a devDependency (its preinstall refuses npm): it is
// loaded from the scanner tools' cache install.
const n8nNodesBase = scannerToolsRequire()('eslint-plugin-n8n-nodes-base');

const SHIPPED = ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'];

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'test-results/**',
			'bench/results*.json',
		],
	},
	{
		files: ['**/*.ts'],
		extends: [
			eslint.configs.recommended,
			tseslint.configs.recommended,
			importPlugin.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
		},
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		// The MCP SDK's wildcard export gives `./dist/esm/*.d.ts` as the types of a subpath, so the
		// `.js` subpaths Node needs (e.g. client/sse.js) have no types path the resolver accepts;
		// TypeScript finds them through the SDK's typesVersions.
		files: ['test/**/*.ts'],
		rules: { 'import-x/no-unresolved': ['error', { ignore: ['^@modelcontextprotocol/sdk/'] }] },
	},
	{
		files: ['package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: SHIPPED,
		...n8nCommunityNodesPlugin.configs.recommended,
	},
	{
		files: SHIPPED,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { 'no-console': 'error' },
	},
	{
		files: ['package.json'],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Not valid for community nodes
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// The community plugin's credential-password-field rule is more accurate
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Inputs and outputs can be NodeConnectionTypes instead of the string "main"
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// An API may have a maximum, so maxValue is valid
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);
