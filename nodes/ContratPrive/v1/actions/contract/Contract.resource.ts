import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations = { cancel, create, get, getMany } satisfies ResourceOperations<'contract'>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contract'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a contract that is out for signature',
				action: 'Cancel a contract',
			},
			{
				name: 'Create',
				value: 'create',
				description:
					'Create a contract from a PDF and send it for signature, or save it as a draft',
				action: 'Create a contract',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a contract, with its documents and audit log if wanted',
				action: 'Get a contract',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List contracts, newest first',
				action: 'Get many contracts',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...cancel.description,
];
