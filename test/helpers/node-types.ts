/**
 * The node types a harness workflow knows: the package's nodes (loaded lazily from the TS
 * sources, so the harness compiles and runs before a node file exists), the test-only input
 * node, and whatever a test passes in.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

/** The package name n8n prefixes community node types with. */
export const PACKAGE_NAME = 'n8n-nodes-contrat-prive';
export const ACTION_NODE_TYPE = `${PACKAGE_NAME}.contratPrive`;
export const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.contratPriveTrigger`;
export const INPUT_NODE_TYPE = 'test.input';
export const INPUT_NODE_NAME = 'Input';

export type AnyNodeType = INodeType | IVersionedNodeType;

/** An item for the input node; binaries are stored through `prepareBinaryData`. */
export interface InputItem {
	json: IDataObject;
	binary?: Record<string, { data: Buffer; fileName: string; mimeType: string }>;
}

interface PackageNode {
	type: string;
	file: string;
	exportName: string;
}

const PACKAGE_NODES: PackageNode[] = [
	{ type: ACTION_NODE_TYPE, file: '../../nodes/ContratPrive/ContratPrive.node', exportName: 'ContratPrive' },
	{
		type: TRIGGER_NODE_TYPE,
		file: '../../nodes/ContratPriveTrigger/ContratPriveTrigger.node',
		exportName: 'ContratPriveTrigger',
	},
];

const packageNodeCache = new Map<string, AnyNodeType>();

function loadPackageNode(fullType: string): AnyNodeType | undefined {
	const entry = PACKAGE_NODES.find((node) => node.type === fullType);
	if (!entry) return undefined;
	const cached = packageNodeCache.get(fullType);
	if (cached) return cached;
	// Required lazily: the node files may not exist yet while the harness is used.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(entry.file) as Record<string, new () => AnyNodeType>;
	const NodeClass = module[entry.exportName];
	if (typeof NodeClass !== 'function') {
		throw new Error(`${entry.file} does not export a class "${entry.exportName}"`);
	}
	const instance = new NodeClass();
	packageNodeCache.set(fullType, instance);
	return instance;
}

/** `contratPrive` → `n8n-nodes-contrat-prive.contratPrive`; other names are kept. */
export function fullNodeType(type: string): string {
	return PACKAGE_NODES.some((node) => node.type === `${PACKAGE_NAME}.${type}`)
		? `${PACKAGE_NAME}.${type}`
		: type;
}

/** The test-only start node: emits `items`, storing binaries with the real binary helpers. */
export function createInputNodeType(items: InputItem[]): INodeType {
	return {
		description: {
			displayName: 'Test Input',
			name: INPUT_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Emits the items given to the harness',
			defaults: { name: INPUT_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const output: INodeExecutionData[] = [];
			for (const item of items) {
				const entry: INodeExecutionData = { json: structuredClone(item.json), pairedItem: { item: 0 } };
				if (item.binary) {
					entry.binary = {};
					for (const [property, file] of Object.entries(item.binary)) {
						entry.binary[property] = await this.helpers.prepareBinaryData(
							file.data,
							file.fileName,
							file.mimeType,
						);
					}
				}
				output.push(entry);
			}
			return [output];
		},
	};
}

/**
 * `INodeTypes` as n8n's server implements it: `getByNameAndVersion` of a VersionedNodeType
 * returns `nodeVersions[version]` (NodeHelpers.getVersionedNodeType). Short names of the
 * package's nodes (`contratPrive`) resolve to the same node as the full ones.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly extra: Record<string, AnyNodeType>;

	constructor(extra: Record<string, AnyNodeType> = {}) {
		this.extra = extra;
	}

	getByName(nodeType: string): AnyNodeType {
		const full = fullNodeType(nodeType);
		const found = this.extra[nodeType] ?? this.extra[full] ?? loadPackageNode(full);
		if (!found) throw new Error(`Unknown node type "${nodeType}"`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}
