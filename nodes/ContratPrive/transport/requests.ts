/**
 * The 8 requests of the Contrat-Privé API: for each, the body it sends and the policy it
 * declares (a read, a write nothing can read back, or a write with its read-back), handed to the
 * one request function (request.ts).
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { safeMessage } from '../delivery/failure';
import type { RequestOptions } from '../delivery/options';
import type { RequestPolicy } from '../delivery/policy';
import { READ } from '../delivery/policy';
import {
	accountOf,
	rememberContract,
	rememberDailyLimit,
	withReferenceLock,
} from '../quota/processMemory';
import type { CreateOptions, ReferenceReads } from '../quota/referenceContracts';
import { contractsOfReference } from '../quota/referenceContracts';
import { apiErrorCode } from './api-errors';
import { dropDocuments } from './documents';
import { request } from './request';
import type {
	ConnectionInfo,
	Contract,
	ContractFilter,
	ContractList,
	ContratPriveContext,
	CreateResult,
	NewContract,
	SignResult,
} from './types';
import { MAX_LIST_PAGE_SIZE } from './types';

type Sent = { contract: Contract };

export async function checkConnection(
	this: ContratPriveContext,
	options?: RequestOptions,
): Promise<ConnectionInfo> {
	const reply = await request<Partial<ConnectionInfo>>(
		this,
		'checkConnexionRequest',
		{},
		READ,
		options,
	);
	// Any JSON reply is not a connection: a server that is not the API may answer 200 too.
	if (reply.platform !== 'sandbox' && reply.platform !== 'production') {
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
	// Every check that reports the account's limit teaches it to the process (the trigger's spacing).
	const connection = reply as ConnectionInfo;
	const account = connection.quota ? await accountOf(this) : undefined;
	if (account) rememberDailyLimit(account, Number(connection.quota?.limit));
	return connection;
}

export async function listContracts(
	this: ContratPriveContext,
	filter: ContractFilter,
	page: { offset: number; limit: number },
	options?: RequestOptions,
): Promise<ContractList> {
	const { statuses, createdFrom, createdTo, reference } = filter;
	const wireFilter: IDataObject = {};
	if (statuses?.length) wireFilter.status = [...statuses];
	if (createdFrom) wireFilter.createdFrom = createdFrom;
	if (createdTo) wireFilter.createdTo = createdTo;
	if (reference) wireFilter.reference = reference;
	const body: IDataObject = { offset: page.offset, limit: page.limit };
	if (Object.keys(wireFilter).length) body.filter = wireFilter;
	return await request<ContractList>(this, 'contractListRequest', body, READ, options);
}

/**
 * The whole contract, without the contents of its documents: they are dropped as the reply
 * arrives (getContractDocuments, in documents.ts, keeps them).
 */
export async function getContract(
	this: ContratPriveContext,
	contractId: string,
	options?: RequestOptions,
): Promise<Contract> {
	const body = { contractId };
	const streamed = { ...options, streamReply: dropDocuments };
	return (await request<Sent>(this, 'contractDetailRequest', body, READ, streamed)).contract;
}

function createBody(input: NewContract): IDataObject {
	const { label, language, deadline, reference, bankAccount, document, annexes } = input;
	const contract: IDataObject = { label, lang: language, deadline };
	if (reference) contract.reference = reference;
	if (bankAccount) contract.bankAccount = { ...bankAccount };
	const notify: IDataObject = { signatory: input.notifySignatories, owner: input.notifyOwner };
	if (input.submit && input.message) notify.submitMessage = input.message;
	const body: IDataObject = {
		contract,
		// The documents' bytes are read and base64-encoded as the request is sent (streaming/json-body.ts).
		mainDocument: { name: document.fileName, data: document.content as unknown as IDataObject },
		signatories: input.signatories.map(({ firstName, lastName, email, phone, deposit }) =>
			deposit
				? { firstName, lastName, email, phone, deposit }
				: { firstName, lastName, email, phone },
		),
		notify,
		action: { submit: input.submit },
	};
	if (annexes.length) {
		body.annexes = annexes.map((annex) => ({
			name: annex.fileName,
			data: annex.content as unknown as IDataObject,
		}));
	}
	return body;
}

/**
 * Creates a contract without ever creating it twice. Without a reference it is a write nothing
 * can check.
 *
 * With a reference, no other execution of this n8n process works on the same reference of the
 * same account meanwhile (quota/processMemory.ts), and the contracts with that reference are
 * found first (quota/referenceContracts.ts). With `skipIfReferenceExists` the newest is
 * returned; otherwise they are the baseline, and the read-back after an unknown outcome looks
 * for a contract of that reference that was not in it.
 */
export async function createContractAtMostOnce(
	this: ContratPriveContext,
	input: NewContract,
	options: CreateOptions = {},
): Promise<CreateResult> {
	const { skipIfReferenceExists, lookup, ...requestOptions } = options;
	const { reference } = input;
	const body = createBody(input);
	if (!reference) {
		const policy = { kind: 'write', unconfirmed: 'createUnconfirmed' } as const;
		const reply = await request<Sent>(this, 'contractCreateRequest', body, policy, requestOptions);
		return { contract: reply.contract, alreadyExisted: false };
	}
	const account = (await accountOf(this)) ?? '';
	return await withReferenceLock(account, reference, async () => {
		const page = { offset: 0, limit: MAX_LIST_PAGE_SIZE };
		const reads: ReferenceReads = {
			ids: async () => {
				const list = await listContracts.call(this, { reference }, page, requestOptions);
				return list.contracts.map((contract) => contract.id);
			},
			details: async (id) =>
				await getContract.call(this, id, requestOptions).catch((error: unknown) => {
					if (apiErrorCode(error) === 'CONTRACT_NOT_FOUND') return undefined;
					throw error;
				}),
		};
		const skipIfExists = skipIfReferenceExists !== false;
		const found = await contractsOfReference(account, reference, { skipIfExists, lookup }, reads);
		if ('existing' in found) return { contract: found.existing, alreadyExisted: true };
		const policy: RequestPolicy<Sent> = {
			kind: 'write with read-back',
			lookupFailed: 'createLookupFailed',
			facts: { reference },
			readBack: async (cause) => {
				const created = (await reads.ids()).find((id) => !found.known.has(id));
				if (!created) {
					return {
						notDone: 'read back: not created',
						outcome: 'createNotDone',
						facts: { reference },
					};
				}
				this.logger.info(
					`Contrat-Privé: contractCreateRequest failed (${safeMessage(cause)}), but the contract ${created} was created: found by its reference`,
				);
				return { done: { contract: await getContract.call(this, created, requestOptions) } };
			},
		};
		const reply = await request(this, 'contractCreateRequest', body, policy, requestOptions);
		rememberContract(account, reference, reply.contract.id);
		lookup?.created?.(reference, reply.contract.id);
		return { contract: reply.contract, alreadyExisted: false };
	});
}

/**
 * Cancels a contract out for signature. Read back: cancelled is done; still pending was not
 * carried out, and is sent again (a second cancel could not do anything more anyway).
 */
export async function cancelContract(
	this: ContratPriveContext,
	contractId: string,
	reason: string | undefined,
	options: RequestOptions = {},
): Promise<Contract> {
	const body: IDataObject = reason ? { contractId, reason } : { contractId };
	const policy: RequestPolicy<Sent> = {
		kind: 'write with read-back',
		lookupFailed: 'cancelLookupFailed',
		readBack: async () => {
			const contract = await getContract.call(this, contractId, options);
			if (contract.status === 'cancelled') return { done: { contract } };
			if (contract.status === 'pending') {
				return { notDone: 'read back: still pending', outcome: 'cancelNotDone' };
			}
			return { failed: 'cancelImpossible', facts: { status: contract.status } };
		},
	};
	return (await request(this, 'contractCancelRequest', body, policy, options)).contract;
}

export async function sendSms(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	options: RequestOptions = {},
): Promise<{ signatoryId: string; sent: boolean; remainingSms: number | null }> {
	const body = { contractId, signatoryId };
	const policy = { kind: 'write', unconfirmed: 'smsUnconfirmed' } as const;
	return await request(this, 'signatorySendSmsRequest', body, policy, options);
}

export async function sendSmsToAll(
	this: ContratPriveContext,
	contractId: string,
	options: RequestOptions = {},
): Promise<{ sent: string[]; skipped: Array<{ signatoryId: string; reason: string }> }> {
	const body = { contractId };
	const policy = { kind: 'write', unconfirmed: 'smsToAllUnconfirmed' } as const;
	return await request(this, 'signatorySendAllSmsRequest', body, policy, options);
}

/**
 * Signs with an SMS code. Read back: a signed signatory is done; otherwise the code is not sent
 * again, since a wrong code counts against the attempts a signatory has.
 */
export async function signContract(
	this: ContratPriveContext,
	contractId: string,
	signatoryId: string,
	code: string,
	options: RequestOptions = {},
): Promise<SignResult> {
	const body = { contractId, signatoryId, code };
	const policy: RequestPolicy<SignResult> = {
		kind: 'write with read-back',
		lookupFailed: 'signLookupFailed',
		readBack: async () => {
			const contract = await getContract.call(this, contractId, options);
			const signatory = contract.signatories?.find((candidate) => candidate.id === signatoryId);
			if (signatory?.status !== 'signed') {
				const state = signatory
					? ` (${signatory.status}, ${signatory.failedAttempts} failed attempt(s) so far)`
					: '';
				return { failed: 'signNotDone', facts: { signatory: state } };
			}
			const { id, status, signedAt } = signatory;
			return {
				done: {
					signatory: { id, status, signedAt },
					contract: { id: contract.id, status: contract.status },
				},
			};
		},
	};
	return await request(this, 'signatorySignRequest', body, policy, options);
}
