/**
 * The policies a request declares (transport/requests.ts) and the one request function applies
 * (transport/request.ts): how it may be sent again, and how a write is read back.
 */
import type { FailedRequest } from './failure';
import type { Outcome, OutcomeFacts } from './outcomes';

/** What a read-back found after a write whose outcome was unknown. */
export type ReadBack<Reply> =
	/** The write was carried out: its result, in the shape of the reply. */
	| { done: Reply }
	/** It was not carried out, and sending it again is safe; `outcome` when no retry is left. */
	| { notDone: string; outcome: Outcome; facts?: OutcomeFacts }
	/** It was not carried out, and sending it again cannot help. */
	| { failed: Outcome; facts?: OutcomeFacts };

/**
 * How a request may be sent again. Every policy sends again a request that provably never
 * reached Contrat-Privé (not sent, or rate-limited), within `options.retry`.
 * - `read`: it changes nothing, so it is also sent again after any other transient failure.
 * - `write`: nothing can read it back (an SMS sent); after an uncertain outcome it is never sent
 *   again, and the error says `unconfirmed`.
 * - `write with read-back`: after an uncertain outcome, `readBack` says whether it was done (its
 *   result is returned), not done (sent again), or failed; `lookupFailed` when the read fails.
 */
export type RequestPolicy<Reply> =
	| { kind: 'read' }
	| { kind: 'write'; unconfirmed: Outcome }
	| {
			kind: 'write with read-back';
			readBack: (cause: FailedRequest) => Promise<ReadBack<Reply>>;
			lookupFailed: Outcome;
			facts?: OutcomeFacts;
	  };

export const READ = { kind: 'read' } as const;
