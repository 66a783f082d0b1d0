/**
 * The part of JSON Schema our output schemas use (nodes/ContratPrive/__schema__), checked both
 * ways:
 *
 * - `validate`: a value against a schema. Keywords: type (one or a list), properties, required,
 *   additionalProperties (false or a schema), items, enum, format "date-time" and "date",
 *   minimum. Any other keyword is refused, so that a schema never relies on a check that is
 *   silently skipped.
 * - `unseenPaths`: the properties a schema describes (paths like `signatories[].email`) that
 *   none of the values fills with something other than null (a property typed null alone
 *   only has to be there).
 */

export interface JsonSchema {
	$schema?: string;
	title?: string;
	description?: string;
	type?: JsonType | JsonType[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	additionalProperties?: boolean | JsonSchema;
	items?: JsonSchema;
	enum?: unknown[];
	format?: 'date-time' | 'date';
	minimum?: number;
	examples?: unknown[];
}

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

const KNOWN_KEYWORDS = new Set<string>([
	'$schema',
	'title',
	'description',
	'type',
	'properties',
	'required',
	'additionalProperties',
	'items',
	'enum',
	'format',
	'minimum',
	'examples',
]);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function typeOf(value: unknown): JsonType {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value as JsonType;
}

function typeMatches(expected: JsonType, value: unknown): boolean {
	const actual = typeOf(value);
	return actual === expected || (expected === 'number' && actual === 'integer');
}

const show = (path: string) => path || '(the item)';

/** Every way `value` breaks `schema`, as "path: problem"; empty when it is valid. */
export function validate(schema: JsonSchema, value: unknown, path = ''): string[] {
	const unknown = Object.keys(schema).filter((keyword) => !KNOWN_KEYWORDS.has(keyword));
	if (unknown.length) return [`${show(path)}: schema keyword(s) not supported: ${unknown}`];

	if (schema.type !== undefined) {
		const types = Array.isArray(schema.type) ? schema.type : [schema.type];
		if (!types.some((type) => typeMatches(type, value))) {
			return [`${show(path)}: is ${typeOf(value)} ${JSON.stringify(value)}, expected ${types}`];
		}
	}
	if (schema.enum && !schema.enum.some((option) => option === value)) {
		return [`${show(path)}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
	}

	const errors: string[] = [];
	if (typeof value === 'string' && schema.format) {
		const pattern = schema.format === 'date' ? DATE : DATE_TIME;
		if (!pattern.test(value) || Number.isNaN(Date.parse(value))) {
			errors.push(`${show(path)}: "${value}" is not a ${schema.format}`);
		}
	}
	if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
		errors.push(`${show(path)}: ${value} is below ${schema.minimum}`);
	}
	if (Array.isArray(value) && schema.items) {
		value.forEach((entry, index) =>
			errors.push(...validate(schema.items!, entry, `${path}[${index}]`)),
		);
	}
	if (typeOf(value) === 'object') {
		const object = value as Record<string, unknown>;
		const properties = schema.properties ?? {};
		for (const name of schema.required ?? []) {
			if (!(name in object)) errors.push(`${show(path)}: required property "${name}" is missing`);
		}
		for (const [name, entry] of Object.entries(object)) {
			const at = path ? `${path}.${name}` : name;
			if (name in properties) errors.push(...validate(properties[name], entry, at));
			else if (schema.additionalProperties === false)
				errors.push(`${show(path)}: property "${name}" is not in the schema`);
			else if (typeof schema.additionalProperties === 'object')
				errors.push(...validate(schema.additionalProperties, entry, at));
		}
	}
	return errors;
}

/** Every property the schema describes (nested ones too), as `a.b`, `list[].c`. */
export function schemaPaths(
	schema: JsonSchema,
	prefix = '',
): Array<{ path: string; schema: JsonSchema }> {
	const paths: Array<{ path: string; schema: JsonSchema }> = [];
	for (const [name, property] of Object.entries(schema.properties ?? {})) {
		const at = prefix ? `${prefix}.${name}` : name;
		paths.push({ path: at, schema: property }, ...schemaPaths(property, at));
	}
	if (schema.items) paths.push(...schemaPaths(schema.items, `${prefix}[]`));
	return paths;
}

/** Every property the value holds, as schemaPaths writes them; `filled`: those not null. */
export function valuePaths(
	value: unknown,
	prefix = '',
	into = { present: new Set<string>(), filled: new Set<string>() },
): { present: Set<string>; filled: Set<string> } {
	if (Array.isArray(value)) {
		for (const entry of value) valuePaths(entry, `${prefix}[]`, into);
	} else if (typeOf(value) === 'object') {
		for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
			if (entry === undefined) continue;
			const at = prefix ? `${prefix}.${name}` : name;
			into.present.add(at);
			if (entry !== null) into.filled.add(at);
			valuePaths(entry, at, into);
		}
	}
	return into;
}

/**
 * Properties of the schema (paths) that no value fills: absent everywhere or always null —
 * except a property whose only type is null, which only has to be there.
 */
export function unseenPaths(schema: JsonSchema, values: unknown[]): string[] {
	const seen = { present: new Set<string>(), filled: new Set<string>() };
	for (const value of values) valuePaths(value, '', seen);
	return schemaPaths(schema)
		.filter(({ path, schema: property }) =>
			property.type === 'null' ? !seen.present.has(path) : !seen.filled.has(path),
		)
		.map(({ path }) => path);
}

/** Properties without a description: every field the editor shows should say what it is. */
export function undescribedPaths(schema: JsonSchema, prefix = ''): string[] {
	const missing: string[] = [];
	for (const [name, property] of Object.entries(schema.properties ?? {})) {
		const at = prefix ? `${prefix}.${name}` : name;
		if (!property.description?.trim()) missing.push(at);
		missing.push(...undescribedPaths(property, at));
	}
	if (schema.items) missing.push(...undescribedPaths(schema.items, `${prefix}[]`));
	return missing;
}
