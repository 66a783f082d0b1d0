import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as connection from './connection/Connection.resource';
import * as contract from './contract/Contract.resource';
import * as signatory from './signatory/Signatory.resource';

/**
 * What version 1 adds to the base description in ContratPrive.node.ts. The node's name, display
 * name, group, icon and subtitle are written there only: n8n resolves `file:` icons relative to
 * that file, and n8n's lint expects a description that names the node in a file named after it.
 */
export const versionDescription = {
	version: 1,
	defaults: {
		name: 'Contrat-Privé',
	},
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [
		{
			name: 'contratPriveApi',
			required: true,
		},
	],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Connection', value: 'connection' },
				{ name: 'Contract', value: 'contract' },
				{ name: 'Signatory', value: 'signatory' },
			],
			default: 'contract',
		},
		...connection.description,
		...contract.description,
		...signatory.description,
	],
} satisfies Partial<INodeTypeDescription>;
