import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as sendSms from './sendSms.operation';
import * as sendSmsToAll from './sendSmsToAll.operation';
import * as sign from './sign.operation';

export const operations = { sendSms, sendSmsToAll, sign } satisfies ResourceOperations<'signatory'>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['signatory'] } },
		options: [
			{
				name: 'Send SMS Code',
				value: 'sendSms',
				description: 'Send the signing code by SMS to one signatory (white-label signing)',
				action: 'Send the SMS code to a signatory',
			},
			{
				name: 'Send SMS Code to All',
				value: 'sendSmsToAll',
				description: 'Send the signing code by SMS to every signatory who has not signed yet',
				action: 'Send the SMS code to all signatories',
			},
			{
				name: 'Sign',
				value: 'sign',
				description: 'Sign the contract for a signatory with the SMS code they received',
				action: 'Sign a contract for a signatory',
			},
		],
		default: 'sendSms',
	},
	...sendSms.description,
	...sendSmsToAll.description,
	...sign.description,
];
