/** The bank account that receives deposits (Contract › Create), checked. */
import type { IDataObject } from 'n8n-workflow';

import type { NewContract, NewSignatory } from '../../transport';
import type { Check } from './validation';
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
	check: Check,
	labels: BankAccountLabels,
	value: unknown,
	signatories: NewSignatory[],
): NewContract['bankAccount'] {
	const bankAccountParameter = (value ?? {}) as IDataObject;
	const withDeposit = signatories.findIndex((signatory) => (signatory.deposit ?? 0) > 0);
	const ibanGiven = readText(check, labels.iban, bankAccountParameter.iban, { required: false });
	if (withDeposit >= 0 && !ibanGiven) {
		throw check.fail(
			labels.iban,
			`is required because signatory ${withDeposit + 1} pays a deposit`,
			`Add the bank account that receives deposits (IBAN and account holder), e.g. IBAN ${EXAMPLE_IBAN}.`,
		);
	}
	if (!ibanGiven) return undefined;
	const iban = readIban(check, labels.iban, ibanGiven);
	const holder = readText(check, labels.holder, bankAccountParameter.holder, {
		required: false,
		max: MAX_HOLDER_LENGTH,
	});
	if (!holder) {
		throw check.fail(
			labels.holder,
			withDeposit >= 0
				? `is required because signatory ${withDeposit + 1} pays a deposit`
				: 'is required with an IBAN',
		);
	}
	const bic = readBic(check, labels.bic, bankAccountParameter.bic);
	return { iban, holder, ...(bic ? { bic } : {}) };
}
