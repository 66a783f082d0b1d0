import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

import { scannerToolsRequire } from './test/scan/scanner-tools.mjs';

// The rule sets that n8n's verification scanner and `n8n-node lint` apply on top of the community
// plugin, with the same rules switched off (scanner/scanner.mjs `buildScanConfig` in
// @n8n/scan-community-package, pinned in test/scan/scanner/package.json). The plugin cannot be a
// devDependency (its preinstall refuses npm): it is loaded from the scanner tools' cache install.
const n8nNodesBase = scannerToolsRequire()('eslint-plugin-n8n-nodes-base');

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
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommended,
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
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
