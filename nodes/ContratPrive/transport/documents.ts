/** The documents inside a contract read with contractDetailRequest (only it has contents). */
import type { Contract, ContractDocuments, StoredDocument } from './types';

/** The documents carried by a contract from `getContract` (only it has contents). */
export function contractDocuments(contract: Contract): ContractDocuments {
	const main = contract.mainDocument?.data;
	const sign = main?.sign;
	const documents: ContractDocuments = { annexes: [] };
	if (main?.content) documents.original = { fileName: main.name, base64: main.content };
	if (sign?.content) {
		const base = (main?.name ?? 'contract').replace(/\.pdf$/i, '');
		const fileName = sign.name && sign.name !== main?.name ? sign.name : `${base}-signed.pdf`;
		documents.signed = { fileName, base64: sign.content };
	}
	for (const annex of contract.annexes ?? []) {
		if (annex.content) documents.annexes.push({ fileName: annex.name, base64: annex.content });
	}
	return documents;
}

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
