import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as connection from './connection/Connection.resource';
import * as contract from './contract/Contract.resource';
import * as signatory from './signatory/Signatory.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Contrat-Privé',
	name: 'contratPrive',
	group: ['output'],
	version: 1,
	subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
	description:
		'Send contracts for e-signature with Contrat-Privé, sign by SMS code and download signed PDFs',
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
};
