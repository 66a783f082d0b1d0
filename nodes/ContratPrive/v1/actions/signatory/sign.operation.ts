import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { expressionHint, validatorFor } from '../../helpers/validation';
import { signContract } from '../../../transport';
import { fieldLabel } from '../../helpers/fields';
import { getContractId, getSignatoryId } from '../../helpers/parameters';
import { contractLocator, optionsCollection, signatorySelector } from '../common.descriptions';
import type { ItemRequest } from '../operation';

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
	optionsCollection(),
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

const CODE_HINT = 'Contrat-Privé SMS codes are made of 4 to 8 digits.';

/** The SMS code, checked; the message never shows the code itself. */
function readCode(this: IExecuteFunctions, itemIndex: number): string {
	const validator = validatorFor(this, itemIndex);
	const field = fieldLabel(description, 'code');
	const raw = this.getNodeParameter('code', itemIndex, '') as unknown;
	if (raw === null || raw === undefined) {
		throw validator.fail(
			field,
			raw === null ? 'is empty (null)' : 'is empty',
			expressionHint('the code'),
		);
	}
	let code: string;
	if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) code = String(raw);
	else if (typeof raw === 'string') code = raw.replace(/\s+/g, '');
	else
		throw validator.fail(
			field,
			`must be digits, not ${typeof raw === 'object' ? 'an object or a list' : `a ${typeof raw}`}`,
			CODE_HINT,
		);
	if (!code) throw validator.fail(field, 'is empty', CODE_HINT);
	if (!/^\d{4,8}$/.test(code)) throw validator.fail(field, 'must be 4 to 8 digits', CODE_HINT);
	return code;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const code = readCode.call(this, itemIndex);
	return {
		contractId: getContractId(this, itemIndex, description),
		signatoryId: getSignatoryId(this, itemIndex, description),
		code,
	};
}

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	const result = await signContract.call(
		this,
		input.contractId,
		input.signatoryId,
		input.code,
		request,
	);
	return [{ json: { contractId: input.contractId, ...result } }];
}
