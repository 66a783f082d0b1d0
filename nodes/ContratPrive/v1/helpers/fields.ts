/**
 * How a field is named in an error: its display names from the top of the operation's
 * description down, joined by " › " (e.g. "Options › Batching › Parallel Requests"), read when
 * the error is made, so that a field renamed in a description is renamed in every message.
 */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

/** The display names along a path of parameter names, e.g. ['bankAccount', 'iban']. */
export function displayNamesOf(properties: INodeProperties[], path: string[]): string[] {
	const names: string[] = [];
	let level: Array<INodeProperties | INodePropertyCollection> = properties;
	for (const name of path) {
		const found = level.find((property) => property.name === name);
		if (!found) throw new Error(`No parameter "${name}" in ${path.join('.')}`);
		names.push(found.displayName);
		const children: unknown[] =
			'values' in found ? found.values : 'options' in found ? (found.options ?? []) : [];
		level = children.filter(
			(child): child is INodeProperties | INodePropertyCollection =>
				typeof child === 'object' && child !== null && 'displayName' in child,
		);
	}
	return names;
}

/**
 * The name of a field in an error, e.g. fieldLabel(description, 'options', 'requestTimeout'). A
 * name repeated at the next level (a fixed collection's one group, "Batching › Batching") is
 * given once.
 */
export function fieldLabel(properties: INodeProperties[], ...path: string[]): string {
	const names = displayNamesOf(properties, path);
	return names.filter((name, index) => name !== names[index - 1]).join(' › ');
}
