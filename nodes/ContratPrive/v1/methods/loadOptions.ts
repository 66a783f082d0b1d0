import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getContract } from '../../transport';

/** The signatories of the contract chosen in the node, to pick one. */
export async function getSignatories(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let contractId: unknown;
	try {
		contractId = this.getNodeParameter('contractId', '', { extractValue: true });
	} catch {
		// An expression that reads data known only when the workflow runs, e.g. another
		// node's output: there is no contract to list yet.
		return [];
	}
	if (typeof contractId !== 'string' || !contractId.trim()) return [];

	const contract = await getContract.call(this, contractId.trim());
	return contract.signatories.map((signatory) => ({
		name: `${signatory.firstName} ${signatory.lastName} (${signatory.status})`,
		value: signatory.id,
		description: signatory.email,
	}));
}
