import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validatorFor, readBoolean } from '../../helpers/validation';
import { getContractDocuments, withoutDocumentContents } from '../../../transport';
import { fieldLabel } from '../../helpers/fields';
import { getContractId, getOptions } from '../../helpers/parameters';
import { batchingOption, contractLocator, optionsCollection } from '../common.descriptions';
import type { ItemRequest } from '../operation';

const properties: INodeProperties[] = [
	contractLocator,
	optionsCollection([
		batchingOption,
		{
			displayName: 'Download Documents',
			name: 'downloadDocuments',
			type: 'boolean',
			default: false,
			description:
				'Whether to output the PDFs as binary data: "original" (the document sent), "signed" (once everyone has signed) and "annex_0", "annex_1"... (the annexes).',
		},
		{
			displayName: 'Include Audit Log',
			name: 'includeAuditLog',
			type: 'boolean',
			default: false,
			description:
				'Whether to include the contract history (created, sent, SMS, signatures...) as "log"',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contract'], operation: ['get'] } },
	properties,
);

/** Binary property names of the downloaded documents. */
export const BINARY_ORIGINAL = 'original';
export const BINARY_SIGNED = 'signed';
export const binaryAnnex = (index: number) => `annex_${index}`;

interface Input {
	contractId: string;
	downloadDocuments: boolean;
	includeAuditLog: boolean;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
	const validator = validatorFor(this, itemIndex);
	const options = getOptions(this, itemIndex, description, validator);
	const option = (name: string) => fieldLabel(description, 'options', name);
	return {
		contractId: getContractId(this, itemIndex, description),
		downloadDocuments: readBoolean(
			validator,
			option('downloadDocuments'),
			options.downloadDocuments,
			false,
		),
		includeAuditLog: readBoolean(
			validator,
			option('includeAuditLog'),
			options.includeAuditLog,
			false,
		),
	};
}

/** Reading contracts: no order to keep between items. */
export const serialKey = (): undefined => undefined;

export async function execute(
	this: IExecuteFunctions,
	input: Input,
	request: ItemRequest,
): Promise<INodeExecutionData[]> {
	// The documents go from the reply into n8n's binary data as they arrive, never held whole;
	// without Download Documents they are read and dropped.
	const { contract, documents } = await getContractDocuments.call(
		this,
		input.contractId,
		input.downloadDocuments ? ['original', 'signed', 'annex'] : [],
		request,
	);

	const json = withoutDocumentContents(contract);
	if (!input.includeAuditLog) delete json.log;
	const result: INodeExecutionData = { json: json as unknown as IDataObject };

	if (input.downloadDocuments) {
		const binary: IBinaryKeyData = {};
		if (documents.original) binary[BINARY_ORIGINAL] = documents.original;
		if (documents.signed) binary[BINARY_SIGNED] = documents.signed;
		for (const [index, annex] of documents.annexes.entries()) binary[binaryAnnex(index)] = annex;
		result.binary = binary;
	}
	return [result];
}
