import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalidInput } from '../../helpers/validation';
import { signContract } from '../../transport';
import {
	contractLocator,
	getContractId,
	getSignatoryId,
	signatorySelector,
} from '../common.descriptions';

const properties: INodeProperties[] = [
	contractLocator,
	signatorySelector,
	{
		displayName: 'SMS Code',
		name: 'code',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: 'e.g. 482913',
		description:
			'The code the signatory received by SMS (always 0000 on the sandbox). Usually an expression reading what the signatory typed in your form.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['signatory'], operation: ['sign'] } },
	properties,
);

interface Input {
	contractId: string;
	signatoryId: string;
	code: string;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const raw = this.getNodeParameter('code', itemIndex, '');
	const code =
		typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.replace(/\s+/g, '') : '';
	if (!/^\d{4,8}$/.test(code)) {
		throw invalidInput(
			this,
			itemIndex,
			'SMS Code',
			code ? 'must be 4 to 8 digits' : 'is empty',
			'Contrat-Privé SMS codes are made of digits only.',
		);
	}
	return {
		contractId: getContractId(this, itemIndex),
		signatoryId: getSignatoryId(this, itemIndex),
		code,
	};
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const result = await signContract.call(
		this,
		input.contractId,
		input.signatoryId,
		input.code,
		{ itemIndex },
	);
	return [{ json: { contractId: input.contractId, ...result } }];
}
