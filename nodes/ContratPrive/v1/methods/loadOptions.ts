import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getContract } from '../transport';

export async function getSignatories(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const contractId = this.getNodeParameter('contractId', undefined, { extractValue: true });
	if (typeof contractId !== 'string' || !contractId.trim()) return [];

	const contract = await getContract.call(this, contractId.trim());
	return contract.signatories.map((signatory) => ({
		name: `${signatory.firstName} ${signatory.lastName} (${signatory.status})`,
		value: signatory.id,
		description: signatory.email,
	}));
}
