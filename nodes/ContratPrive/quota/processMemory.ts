/**
 * What one n8n process knows about the accounts it works for, shared by every execution in it
 * (a module's state lives as long as the process): the contracts it created or found by
 * reference, a lock per reference, the size of each account's listing and its daily limit.
 *
 * An account is a base URL and an owner (apiUser): a key pair works on one platform only.
 * Nothing here is ever wrong for long: contracts are never deleted, so "a contract with this
 * reference exists" stays true; sizes and limits only steer how requests are spent.
 */

import type { IDataObject } from 'n8n-workflow';

import { resolveBaseUrl } from '../transport/urls';
import type { ContratPriveContext } from '../transport/types';
import { CREDENTIAL_TYPE } from '../transport/types';

/** Past this many references, the oldest ones are forgotten (a re-run then looks them up). */
const MAX_REFERENCES = 100_000;

const contractsByReference = new Map<string, string[]>();
const referenceLocks = new Map<string, Promise<void>>();
const listingTotals = new Map<string, number>();
const dailyLimits = new Map<string, number>();

export function accountKey(baseUrl: string, apiUser: string): string {
	return `${baseUrl}\n${apiUser}`;
}

/** The account of a node's credential; undefined when its base URL is refused. */
export async function accountOf(context: ContratPriveContext): Promise<string | undefined> {
	const credentials: IDataObject = await context.getCredentials(CREDENTIAL_TYPE);
	const base = resolveBaseUrl(credentials);
	return 'url' in base ? accountKey(base.url, String(credentials.apiUser ?? '')) : undefined;
}

const referenceKey = (account: string, reference: string) => `${account}\n${reference}`;

/**
 * Runs `work` while no other execution of this process works on the same reference of the same
 * account: the next one starts once `work` has ended (in call order), and then sees what it
 * remembered.
 */
export async function withReferenceLock<T>(
	account: string,
	reference: string,
	work: () => Promise<T>,
): Promise<T> {
	const key = referenceKey(account, reference);
	const before = referenceLocks.get(key) ?? Promise.resolve();
	let release!: () => void;
	const mine = new Promise<void>((resolve) => (release = resolve));
	const tail = before.then(() => mine);
	referenceLocks.set(key, tail);
	await before;
	try {
		return await work();
	} finally {
		release();
		if (referenceLocks.get(key) === tail) referenceLocks.delete(key);
	}
}

/** The contracts with this reference that this process created or found, newest first. */
export function knownContracts(account: string, reference: string): string[] {
	return contractsByReference.get(referenceKey(account, reference)) ?? [];
}

/** Remembers that a contract with this reference exists (newest first). */
export function rememberContract(account: string, reference: string, contractId: string): void {
	const key = referenceKey(account, reference);
	const ids = contractsByReference.get(key) ?? [];
	contractsByReference.delete(key);
	contractsByReference.set(key, [contractId, ...ids.filter((id) => id !== contractId)]);
	if (contractsByReference.size > MAX_REFERENCES) {
		contractsByReference.delete(contractsByReference.keys().next().value as string);
	}
}

/** Forgets a contract the API no longer knows (e.g. an emulator that was reset). */
export function forgetContract(account: string, reference: string, contractId: string): void {
	const key = referenceKey(account, reference);
	const ids = (contractsByReference.get(key) ?? []).filter((id) => id !== contractId);
	if (ids.length) contractsByReference.set(key, ids);
	else contractsByReference.delete(key);
}

/** The account's number of contracts when a listing last reported it. */
export function knownListingTotal(account: string): number | undefined {
	return listingTotals.get(account);
}

export function rememberListingTotal(account: string, total: number): void {
	listingTotals.set(account, total);
}

/** The account's daily request limit as a connection check last reported it. */
export function knownDailyLimit(account: string): number | undefined {
	return dailyLimits.get(account);
}

export function rememberDailyLimit(account: string, limit: number): void {
	if (Number.isInteger(limit) && limit > 0) dailyLimits.set(account, limit);
}

/** Empties everything: tests and benchmarks that measure a fresh process. */
export function forgetEverything(): void {
	contractsByReference.clear();
	listingTotals.clear();
	dailyLimits.clear();
}
