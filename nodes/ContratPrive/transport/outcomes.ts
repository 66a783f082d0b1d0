/**
 * Writes whose outcome is uncertain. A write that fails after it may have reached Contrat-Privé
 * (timeout, dropped connection, server error, unreadable reply) is never simply sent again: it
 * is read back first, when a read can tell, and the error says what is known and what to do.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { classify, deliveryOf, isTransientFailure, safeMessage } from './errors';
import { send } from './http';
import { Attempts, settle } from './retry';
import type { ContratPriveContext, RequestName, RequestOptions } from './types';
import { MAX_CODE_ATTEMPTS, MAX_SMS_PER_SIGNATORY } from './types';

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
export const OUTCOME_TEXTS = {
	createUnconfirmed: {
		message: 'Contrat-Privé did not confirm that the contract was created',
		known: () =>
			'The contract may have been created all the same. It was not sent again, so that it cannot be sent twice.',
		advice: () =>
			'Look for it (Contract › Get Many) before running this item again. With a Reference, the node checks by itself and never creates a contract twice.',
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
			`Checked by its reference "${facts.reference}": no such contract was created.`,
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
			`Checked: the contract is ${facts.status}, so it cannot be cancelled any more.`,
		advice: () =>
			'Only a contract out for signature and not yet signed by everyone can be cancelled.',
	},
	cancelNotDone: {
		message: 'Contrat-Privé did not cancel the contract',
		known: () => 'Checked: the contract is still out for signature.',
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
			`Checked: the signatory has not signed${facts.signatory ?? ''}. The code was not sent again, because a wrong code counts against the ${MAX_CODE_ATTEMPTS} attempts a signatory has.`,
		advice: () => 'Run this item again once Contrat-Privé answers.',
	},
} satisfies Record<string, OutcomeText>;

export type Outcome = keyof typeof OUTCOME_TEXTS;

/** What reading back after an uncertain write found. */
export type ReadBack<T> =
	/** The write was carried out: its result. */
	| { done: T }
	/** It was not carried out, and sending it again is safe; `outcome` when no retry is left. */
	| { notDone: string; outcome: Outcome; facts?: OutcomeFacts }
	/** It was not carried out, and sending it again cannot help. */
	| { failed: Outcome; facts?: OutcomeFacts };

export type UncertainWrite<T> =
	/** No read can tell: the outcome reported when the write may have been carried out. */
	| { unconfirmed: Outcome }
	/** A read that tells; `lookupFailed` is reported when that read fails too. */
	| {
			readBack: (cause: unknown) => Promise<ReadBack<T>>;
			lookupFailed: Outcome;
			facts?: OutcomeFacts;
	  };

/**
 * Sends a write at most once in effect. With `options.retry`, a failure that leaves the outcome
 * unknown is read back: a write found done returns `{ found }`; one found not done is sent
 * again within the retry policy. Without `options.retry`, any failure is thrown as it is.
 */
export async function writeAtMostOnce<T>(
	context: ContratPriveContext,
	requestName: RequestName,
	body: IDataObject,
	options: RequestOptions,
	write: UncertainWrite<T>,
): Promise<{ sent: any } | { found: T }> {
	const attempts = new Attempts(context, requestName, options.retry);
	for (;;) {
		const sent = await settle(send(context, requestName, body, options, attempts));
		if ('value' in sent) return { sent: sent.value };
		const cause = sent.error;
		if (!options.retry || deliveryOf(cause) !== 'unknown') throw cause;
		const fail = (outcome: Outcome, facts: OutcomeFacts = {}, tried?: Attempts) =>
			outcomeError(context, cause, requestName, options, OUTCOME_TEXTS[outcome], facts, tried);

		if ('unconfirmed' in write) throw fail(write.unconfirmed);
		const check = await settle(write.readBack(cause));
		if ('error' in check) {
			throw fail(write.lookupFailed, { ...write.facts, lookupError: safeMessage(check.error) });
		}
		const found = check.value;
		if ('done' in found) return { found: found.done };
		if ('failed' in found) throw fail(found.failed, found.facts);
		if (!(await attempts.next(`${safeMessage(cause)}; ${found.notDone}`))) {
			throw fail(found.outcome, found.facts, attempts);
		}
	}
}

/** A write that no read can check (an SMS sent): sent once, reported unconfirmed if uncertain. */
export async function writeUnchecked(
	context: ContratPriveContext,
	requestName: RequestName,
	body: IDataObject,
	options: RequestOptions,
	unconfirmed: Outcome,
): Promise<any> {
	const result = await writeAtMostOnce<never>(context, requestName, body, options, { unconfirmed });
	return 'sent' in result ? result.sent : result.found;
}

/**
 * The error for a write whose outcome is unknown or was checked: it keeps the HTTP code of the
 * failure, says what is known, and what to do.
 */
function outcomeError(
	context: ContratPriveContext,
	cause: unknown,
	requestName: RequestName,
	options: RequestOptions,
	text: OutcomeText,
	facts: OutcomeFacts,
	attempts: Attempts | undefined,
): NodeApiError {
	const causeError = cause as Partial<NodeApiError> & { message?: string };
	const description = [
		`${safeMessage(cause)}.`.replace(/\.\.$/, '.'),
		text.known(facts),
		text.advice(facts),
		attempts && attempts.count > 1 ? attempts.summary() : '',
	]
		.filter(Boolean)
		.join(' ');
	const details: JsonObject = { code: 'OUTCOME_UNKNOWN', message: text.message, requestName };
	const error = new NodeApiError(context.getNode(), details, {
		message: text.message,
		description,
		httpCode: causeError.httpCode ?? undefined,
		itemIndex: options.itemIndex,
	});
	// NodeApiError swaps messages of known connection codes for generic ones: keep ours.
	error.message = text.message;
	error.description = description;
	return classify(error, 'unknown', isTransientFailure(cause));
}
