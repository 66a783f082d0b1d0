/** The 8 requests of the Contrat-Privé API, and the bodies they send. */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dropDocuments } from './downloads';
import { safeMessage } from './errors';
import { apiRequest } from './http';
import { writeAtMostOnce, writeUnchecked } from './outcomes';
import type {
	ConnectionInfo,
	Contract,
	ContractFilter,
	ContractList,
	ContratPriveContext,
	CreateOptions,
	CreateResult,
	NewContract,
	RequestOptions,
	SignResult,
} from './types';
import { MAX_LIST_PAGE_SIZE } from './types';

export async function checkConnection(
	this: ContratPriveContext,
	options?: RequestOptions,
): Promise<ConnectionInfo> {
	const connection = await apiRequest.call(this, 'checkConnexionRequest', {}, options);
	// Any JSON reply is not a connection: a server that is not the API may answer 200 too.
	if (connection?.platform !== 'sandbox' && connection?.platform !== 'production') {
		throw new NodeOperationError(
			this.getNode(),
			'This URL does not answer like the Contrat-Privé API',
			{
				description:
					"Its reply to checkConnexionRequest names no platform. Check the credential's platform or base URL.",
				itemIndex: options?.itemIndex,
			},
		);
	}
	return connection;
}

/** The body of contractCreateRequest; its documents are streamed as it is sent (body-stream.ts). */
function createBody(input: NewContract): IDataObject {
	const contract: IDataObject = {
		label: input.label,
		lang: input.language,
		deadline: input.deadline,
	};
	if (input.reference) contract.reference = input.reference;
	if (input.bankAccount) contract.bankAccount = { ...input.bankAccount };

	const notify: IDataObject = { signatory: input.notifySignatories, owner: input.notifyOwner };
	if (input.submit && input.message) notify.submitMessage = input.message;

	const body: IDataObject = {
		contract,
		mainDocument: { name: input.document.fileName, data: input.document.content },
		signatories: input.signatories.map((signatory) => {
			const wire: IDataObject = {
				firstName: signatory.firstName,
				lastName: signatory.lastName,
				email: signatory.email,
				phone: signatory.phone,
			};
			if (signatory.deposit) wire.deposit = signatory.deposit;
			return wire;
		}),
		notify,
		action: { submit: input.submit },
	};
	if (input.annexes.length) {
		body.annexes = input.annexes.map((annex) => ({ name: annex.fileName, data: annex.content }));
	}
	return body;
}

/**
 * Creates a contract without ever creating it twice.
 *
 * Without a reference, a failure that leaves the outcome unknown (timeout, dropped connection,
 * server error, unreadable reply) is reported as such and nothing is sent again.
 *
 * With a reference, the contracts with that reference are listed first: with
 * `skipIfReferenceExists` the newest one is read and returned (list + details: two requests, as
 * many as list + create on the first run); otherwise the list is the baseline. After a
 * failure whose outcome is unknown, the reference is looked up again: a contract that was not in
 * the baseline is the one this call created, and is returned; if there is none, the request was
 * not carried out and is sent again (within `options.retry`).
 *
 * A contract found by reference after a failure comes from contractDetailRequest, read without
 * its document contents.
 */
export async function createContractAtMostOnce(
	this: ContratPriveContext,
	input: NewContract,
	options: CreateOptions = {},
): Promise<CreateResult> {
	const requestOptions: RequestOptions = {
		itemIndex: options.itemIndex,
		timeout: options.timeout,
		retry: options.retry,
	};
	const reference = input.reference;
	const body = createBody(input);
	const created = (response: any): CreateResult => ({
		contract: response.contract as Contract,
		alreadyExisted: false,
	});

	if (!reference) {
		return created(
			await writeUnchecked(
				this,
				'contractCreateRequest',
				body,
				requestOptions,
				'createUnconfirmed',
			),
		);
	}

	const byReference = async () =>
		await listContracts.call(
			this,
			{ reference },
			{ offset: 0, limit: MAX_LIST_PAGE_SIZE },
			requestOptions,
		);
	const details = async (id: string) => await getContract.call(this, id, requestOptions);

	const baseline = await byReference();
	if (options.skipIfReferenceExists !== false && baseline.contracts.length > 0) {
		return { contract: await details(baseline.contracts[0].id), alreadyExisted: true };
	}
	const known = new Set(baseline.contracts.map((contract) => contract.id));

	const result = await writeAtMostOnce<string>(
		this,
		'contractCreateRequest',
		body,
		requestOptions,
		{
			lookupFailed: 'createLookupFailed',
			facts: { reference },
			readBack: async (cause) => {
				const found = (await byReference()).contracts.find((contract) => !known.has(contract.id));
				if (!found) {
					return {
						notDone: 'checked by reference: not created',
						outcome: 'createNotDone',
						facts: { reference },
					};
				}
				this.logger.info(
					`Contrat-Privé: contractCreateRequest failed (${safeMessage(cause)}), but the contract ${found.id} was created: found by its reference`,
				);
				return { done: found.id };
			},
		},
	);
	if ('sent' in result) return created(result.sent);
	return { contract: await details(result.found), alreadyExisted: false };
}

export async function listContracts(
	this: ContratPriveContext,
	filter: ContractFilter,
	page: { offset: number; limit: number },
	options?: RequestOptions,
): Promise<ContractList> {
	const wireFilter: IDataObject = {};
	if (filter.statuses?.length) wireFilter.status = filter.statuses;
	if (filter.createdFrom) wireFilter.createdFrom = filter.createdFrom;
	if (filter.createdTo) wireFilter.createdTo = filter.createdTo;
	if (filter.reference) wireFilter.reference = filter.reference;

	const body: IDataObject = { offset: page.offset, limit: page.limit };
	if (Object.keys(wireFilter).length) body.filter = wireFilter;
	return await apiRequest.call(this, 'contractListRequest', body, options);
}

export async function getContract(
	this: ContratPriveContext,
	contractId: string,
	options?: RequestOptions,
): Promise<Contract> {
	// Its documents are dropped as they arrive: callers that want them use getContractDocuments.
	const response = await apiRequest.call(
		this,
		'contractDetailRequest',
		{ contractId },
		{ ...options, streamReply: dropDocuments },
	);
	return response.contract as Contract;
}

/**
 * Cancels a pending contract. With `options.retry`, a failure that leaves the outcome unknown is
 * resolved by reading the contract: cancelled means done; still pending means the request was
 * not carried out, and it is sent again (a second cancel could not do anything more anyway).
 * A contract read back this way comes without its document contents.
 */
export async function cancelContract(
	this: ContratPriveContext,
	contractId: string,
	reason: string | undefined,
	options: RequestOptions = {},
): Promise<Contract> {
	const body: IDataObject = { contractId };
	if (reason) body.reason = reason;
	const result = await writeAtMostOnce<Contract>(this, 'contractCancelRequest', body, options, {
		lookupFailed: 'cancelLookupFailed',
		readBack: async () => {
			const current = await getContract.call(this, contractId, options);
			if (current.status === 'cancelled') return { done: current };
			if (current.status === 'pending') {
				return { notDone: 'checked: still pending', outcome: 'cancelNotDone' };
			}
			return { failed: 'cancelImpossible', facts: { status: current.status } };
		},
	});
	return 'sent' in result ? (result.sent.contract as Contract) : result.found;
}

export async function sendSms(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	options: RequestOptions = {},
): Promise<{ signatoryId: string; sent: boolean; remainingSms: number | null }> {
	const body = { contractId, signatoryId };
	return await writeUnchecked(this, 'signatorySendSmsRequest', body, options, 'smsUnconfirmed');
}

export async function sendSmsToAll(
	this: ContratPriveContext,
	contractId: string,
	options: RequestOptions = {},
): Promise<{ sent: string[]; skipped: Array<{ signatoryId: string; reason: string }> }> {
	const body = { contractId };
	return await writeUnchecked(
		this,
		'signatorySendAllSmsRequest',
		body,
		options,
		'smsToAllUnconfirmed',
	);
}

/**
 * Signs with an SMS code. With `options.retry`, a failure that leaves the outcome unknown is
 * resolved by reading the contract: a signed signatory means done. Otherwise the code is not sent
 * again, since a wrong code counts against the 5 attempts a signatory has.
 */
export async function signContract(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	code: string,
	options: RequestOptions = {},
): Promise<SignResult> {
	const body = { contractId, signatoryId, code };
	const result = await writeAtMostOnce<SignResult>(this, 'signatorySignRequest', body, options, {
		lookupFailed: 'signLookupFailed',
		readBack: async () => {
			const current = await getContract.call(this, contractId, options);
			const signatory = current.signatories?.find((candidate) => candidate.id === signatoryId);
			if (signatory?.status === 'signed') {
				return {
					done: {
						signatory: { id: signatory.id, status: signatory.status, signedAt: signatory.signedAt },
						contract: { id: current.id, status: current.status },
					},
				};
			}
			const state = signatory
				? ` (${signatory.status}, ${signatory.failedAttempts} failed attempt(s) so far)`
				: '';
			return { failed: 'signNotDone', facts: { signatory: state } };
		},
	});
	return 'sent' in result ? (result.sent as SignResult) : result.found;
}
