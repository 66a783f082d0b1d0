/** The documents inside a contract read with contractDetailRequest (only it has contents). */
import type { Contract, StoredDocument } from './types';

/** A copy of the contract without any base64 document content. */
export function withoutDocumentContents(contract: Contract): Contract {
	const strip = <T extends StoredDocument>(document: T): T => {
		const copy = { ...document };
		delete copy.content;
		return copy;
	};
	const copy: Contract = { ...contract };
	const main = contract.mainDocument?.data;
	if (main) {
		const data = strip(main);
		if (main.sign) data.sign = strip(main.sign);
		copy.mainDocument = { ...contract.mainDocument, data };
	}
	if (Array.isArray(contract.annexes)) copy.annexes = contract.annexes.map(strip);
	return copy;
}
