import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as check from './check.operation';

export const operations = { check } satisfies ResourceOperations<'connection'>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connection'] } },
		options: [
			{
				name: 'Check',
				value: 'check',
				description:
					'Check the keys and see the platform, the owner account and the daily quota left',
				action: 'Check the connection',
			},
		],
		default: 'check',
	},
	...check.description,
];
