/**
 * What the editor should show, derived from the node descriptions n8n serves
 * (/types/nodes.json, the package's built descriptions as n8n loaded them) with
 * n8n-workflow's own display rules: no hand-typed lists.
 */
import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

/** n8n appends this resource and operation to nodes whose credential authenticates generically. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

export interface Operation {
	resource: string;
	operation: string;
	/** The operation's action text: its row in the nodes panel and the node's default name. */
	action: string;
}

/** A parameter the node panel must show: label `displayName` for the input `name`. */
export interface ExpectedParameter {
	name: string;
	displayName: string;
	type: INodeProperties['type'];
}

function optionsOf(
	property: INodeProperties | undefined,
): Array<{ value: string; action?: string }> {
	return ((property?.options ?? []) as Array<{ value: unknown; action?: string }>)
		.filter((o) => typeof o.value === 'string' && o.value !== CUSTOM_API_CALL)
		.map((o) => ({ value: o.value as string, action: o.action }));
}

/** Every resource/operation pair of the action node, with its action text. */
export function operationsOf(description: INodeTypeDescription): Operation[] {
	const resources = optionsOf(description.properties.find((p) => p.name === 'resource'));
	return resources.flatMap(({ value: resource }) => {
		const operation = description.properties.find(
			(p) =>
				p.name === 'operation' &&
				(p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource),
		);
		return optionsOf(operation).map((o) => {
			if (!o.action) throw new Error(`${resource}/${o.value} has no action text`);
			return { resource, operation: o.value, action: o.action };
		});
	});
}

/** The parameters shown for these values (the others at their defaults). */
export function visibleParameters(
	description: INodeTypeDescription,
	values: INodeParameters,
): ExpectedParameter[] {
	const parameters =
		NodeHelpers.getNodeParameters(description.properties, values, true, false, null, description) ??
		values;
	return description.properties
		.filter((p) => p.type !== 'hidden')
		.filter((p) => NodeHelpers.displayParameter(parameters, p, null, description))
		.map((p) => ({ name: p.name, displayName: p.displayName, type: p.type }));
}
