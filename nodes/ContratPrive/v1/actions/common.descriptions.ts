import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalidInput } from '../helpers/validation';

export const contractLocator: INodeProperties = {
	displayName: 'Contract',
	name: 'contractId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The contract to work on',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: {
				searchListMethod: 'searchContracts',
				searchable: true,
				searchFilterRequired: false,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. ctr_8f2b1c9a0d3e4f56',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\S+$',
						errorMessage: 'A contract ID has no spaces',
					},
				},
			],
		},
	],
};

export const signatorySelector: INodeProperties = {
	displayName: 'Signatory Name or ID',
	name: 'signatoryId',
	type: 'options',
	typeOptions: {
		loadOptionsMethod: 'getSignatories',
		loadOptionsDependsOn: ['contractId.value'],
	},
	default: '',
	required: true,
	description:
		'The signatory, among those of the chosen contract. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** The contract ID of an item, from either mode of the resource locator. */
export function getContractId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('contractId', itemIndex, '', { extractValue: true });
	const contractId = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (!contractId) throw invalidInput(context, itemIndex, 'Contract', 'is empty');
	return contractId;
}

export function getSignatoryId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('signatoryId', itemIndex, '');
	const signatoryId = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (!signatoryId) throw invalidInput(context, itemIndex, 'Signatory', 'is empty');
	return signatoryId;
}
