/**
 * Where the package's output schemas are, as n8n looks them up (n8n-core's
 * nodes-loader/output-schema-resolver and the server's `/schemas` route): in `__schema__` next
 * to the node file, `v<major.minor.patch>/<resource>/<operation>.json` for the action node and
 * `v<major.minor.patch>.json` for the trigger, which has neither resource nor operation.
 *
 * Each node has its own folder: in a shared one, an action node saved without resource and
 * operation (both at their defaults) would be given the trigger's `v1.0.0.json` by n8n's AI
 * features, which look schemas up from the stored parameters.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeTypeDescription } from 'n8n-workflow';

import { ContratPrive } from '../../nodes/ContratPrive/ContratPrive.node';
import { ContratPriveTrigger } from '../../nodes/ContratPriveTrigger/ContratPriveTrigger.node';
import type { JsonSchema } from './json-schema';

const NODES = path.resolve(__dirname, '..', '..', 'nodes');
export const ACTION_SCHEMA_DIR = path.join(NODES, 'ContratPrive', '__schema__');
export const TRIGGER_SCHEMA_DIR = path.join(NODES, 'ContratPriveTrigger', '__schema__');

/** "1" → "1.0.0", "1.1" → "1.1.0": how n8n names a version's folder and URL segment. */
export function padVersion(version: number | string): string {
	return String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');
}

export interface OperationRef {
	version: number;
	resource: string;
	operation: string;
}

/** Every resource and operation of every version of the action node, from its description. */
export function actionOperations(): OperationRef[] {
	const refs: OperationRef[] = [];
	const node = new ContratPrive();
	for (const [version, type] of Object.entries(node.nodeVersions)) {
		const properties = (type.description as INodeTypeDescription).properties;
		const resources = properties.find((property) => property.name === 'resource');
		for (const resource of resources?.options ?? []) {
			const resourceName = (resource as { value: string }).value;
			const operations = properties.find(
				(property) =>
					property.name === 'operation' &&
					property.displayOptions?.show?.resource?.includes(resourceName),
			);
			for (const operation of operations?.options ?? []) {
				refs.push({
					version: Number(version),
					resource: resourceName,
					operation: (operation as { value: string }).value,
				});
			}
		}
	}
	return refs;
}

/** Every version of the trigger. */
export function triggerVersions(): number[] {
	const { version } = new ContratPriveTrigger().description;
	return Array.isArray(version) ? version : [version];
}

/** The schema file of an action operation, relative to ACTION_SCHEMA_DIR. */
export const actionSchemaFile = (ref: OperationRef) =>
	`v${padVersion(ref.version)}/${ref.resource}/${ref.operation}.json`;

/** The schema file of a trigger version, relative to TRIGGER_SCHEMA_DIR. */
export const triggerSchemaFile = (version: number) => `v${padVersion(version)}.json`;

export function readSchema(dir: string, file: string): JsonSchema {
	return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as JsonSchema;
}

export const actionSchema = (resource: string, operation: string, version = 1) =>
	readSchema(ACTION_SCHEMA_DIR, actionSchemaFile({ version, resource, operation }));

export const triggerSchema = (version: number) =>
	readSchema(TRIGGER_SCHEMA_DIR, triggerSchemaFile(version));
