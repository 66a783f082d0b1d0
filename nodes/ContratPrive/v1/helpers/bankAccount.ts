/** The bank account that receives deposits (Contract › Create), checked. */
import type { IDataObject } from 'n8n-workflow';

import type { NewContract, NewSignatory } from '../../transport';
import type { Validator } from './validation';
import { EXAMPLE_IBAN, readBic, readIban, readText } from './validation';

/** The API accepts account holders of at most this many characters (wire-contract.md). */
const MAX_HOLDER_LENGTH = 140;

/** The labels that name the bank account's fields in validation errors. */
export interface BankAccountLabels {
	iban: string;
	bic: string;
	holder: string;
}

/** The bank account, required as soon as one signatory pays a deposit; undefined without IBAN. */
export function readBankAccount(
	validator: Validator,
	labels: BankAccountLabels,
	value: unknown,
	signatories: NewSignatory[],
): NewContract['bankAccount'] {
	const bankAccountParameter = (value ?? {}) as IDataObject;
	const withDeposit = signatories.findIndex((signatory) => (signatory.deposit ?? 0) > 0);
	const ibanGiven = readText(validator, labels.iban, bankAccountParameter.iban, {
		required: false,
	});
	if (withDeposit >= 0 && !ibanGiven) {
		throw validator.fail(
			labels.iban,
			`is required because signatory ${withDeposit + 1} pays a deposit`,
			`Add the bank account that receives deposits (IBAN and account holder), e.g. IBAN ${EXAMPLE_IBAN}.`,
		);
	}
	if (!ibanGiven) return undefined;
	const iban = readIban(validator, labels.iban, ibanGiven);
	const holder = readText(validator, labels.holder, bankAccountParameter.holder, {
		required: false,
		max: MAX_HOLDER_LENGTH,
	});
	if (!holder) {
		throw validator.fail(
			labels.holder,
			withDeposit >= 0
				? `is required because signatory ${withDeposit + 1} pays a deposit`
				: 'is required with an IBAN',
		);
	}
	const bic = readBic(validator, labels.bic, bankAccountParameter.bic);
	return { iban, holder, ...(bic ? { bic } : {}) };
}
