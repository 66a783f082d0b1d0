/**
 * The texts of a write whose outcome is uncertain (see the write policies in request.ts): what is
 * known, and what to do, for each situation.
 */
import { MAX_CODE_ATTEMPTS, MAX_SMS_PER_SIGNATORY } from '../transport/types';

/** What the texts below may mention. */
export interface OutcomeFacts {
	/** The error of the read-back that failed too. */
	lookupError?: string;
	reference?: string;
	/** The contract's status, as read back. */
	status?: string;
	/** The signatory as read back, e.g. " (pending, 1 failed attempt(s) so far)". */
	signatory?: string;
}

interface OutcomeText {
	message: string;
	known: (facts: OutcomeFacts) => string;
	advice: (facts: OutcomeFacts) => string;
}

const SMS_LIMIT = `Contrat-Privé sends at most ${MAX_SMS_PER_SIGNATORY} SMS per signatory and contract`;

/** Every text of an uncertain write, by situation. */
const OUTCOME_TEXTS = {
	createUnconfirmed: {
		message: 'Contrat-Privé did not confirm that the contract was created',
		known: () =>
			'The contract may have been created all the same. It was not sent again, so that it cannot be sent twice.',
		advice: () =>
			'Look for it (Contract › Get Many) before running this item again. With a Reference, the node looks it up first and never creates a contract twice.',
	},
	createLookupFailed: {
		message: 'Contrat-Privé did not confirm that the contract was created',
		known: (facts) =>
			`The contract may have been created; looking it up by its reference failed too (${facts.lookupError}).`,
		advice: (facts) =>
			`Running this item again is safe while "Skip If Reference Exists" is on: the node looks for the reference "${facts.reference}" first.`,
	},
	createNotDone: {
		message: 'Contrat-Privé did not create the contract',
		known: (facts) =>
			`Read back by its reference "${facts.reference}": no such contract was created.`,
		advice: () => 'Running this item again is safe.',
	},
	cancelLookupFailed: {
		message: 'Contrat-Privé did not confirm that the contract was cancelled',
		known: (facts) =>
			`It may have been cancelled; reading it back failed too (${facts.lookupError}).`,
		advice: () => 'Check its status (Contract › Get) before running this item again.',
	},
	cancelImpossible: {
		message: 'Contrat-Privé did not cancel the contract',
		known: (facts) =>
			`Read back: the contract is ${facts.status}, so it cannot be cancelled any more.`,
		advice: () =>
			'Only a contract out for signature and not yet signed by everyone can be cancelled.',
	},
	cancelNotDone: {
		message: 'Contrat-Privé did not cancel the contract',
		known: () => 'Read back: the contract is still out for signature.',
		advice: () => 'Running this item again is safe.',
	},
	smsUnconfirmed: {
		message: 'Contrat-Privé did not confirm that the SMS code was sent',
		known: () => `The SMS may have been sent all the same. It was not sent again: ${SMS_LIMIT}.`,
		advice: () => 'Ask the signatory whether a code arrived before sending another one.',
	},
	smsToAllUnconfirmed: {
		message: 'Contrat-Privé did not confirm that the SMS codes were sent',
		known: () => `The SMS may have been sent all the same. They were not sent again: ${SMS_LIMIT}.`,
		advice: () => 'Ask the signatories whether a code arrived before sending more.',
	},
	signLookupFailed: {
		message: 'Contrat-Privé did not confirm the signature',
		known: (facts) =>
			`The signatory may have signed; reading the contract back failed too (${facts.lookupError}).`,
		advice: () => 'Check the contract (Contract › Get) before trying the code again.',
	},
	signNotDone: {
		message: 'Contrat-Privé did not record the signature',
		known: (facts) =>
			`Read back: the signatory has not signed${facts.signatory ?? ''}. The code was not sent again, because a wrong code counts against the ${MAX_CODE_ATTEMPTS} attempts a signatory has.`,
		advice: () => 'Run this item again once Contrat-Privé answers.',
	},
} satisfies Record<string, OutcomeText>;

export type Outcome = keyof typeof OUTCOME_TEXTS;

/** The text of an outcome, with the facts filled in. */
export function outcomeText(
	outcome: Outcome,
	facts: OutcomeFacts = {},
): { message: string; known: string; advice: string } {
	const text: OutcomeText = OUTCOME_TEXTS[outcome];
	return { message: text.message, known: text.known(facts), advice: text.advice(facts) };
}
