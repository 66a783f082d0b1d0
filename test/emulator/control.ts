/**
 * The website, stood in for by a control API (not part of the real API):
 * outbox, clock, draft validation, deposit payment, website signing, faults,
 * reset, bulk seeding and internal views. Control calls never touch quotas.
 */
import { addDays, iso, parisDate, parseDuration } from './clock';
import {
	ApiError,
	contractNotFound,
	invalidState,
	signatoryNotFound,
	validationError,
} from './errors';
import { JsonObject, luhnIsValid, optString, prop, reqBool, reqString } from './rules/validation';
import {
	ContractRec,
	ContractStatus,
	FAULT_KINDS,
	Fault,
	FaultKind,
	Platform,
	SignatoryRec,
	contractView,
	deadlineEndOf,
	isPlatform,
	logEvent,
	makeDoc,
	newId,
	ownerKey,
	refreshExpiry,
} from './store';
import { quotaState } from './api';
import {
	Env,
	checkCanSign,
	ensureSignedPdf,
	markSigned,
	sendOutgoingNotifications,
	signingLink,
	signResult,
} from './workflow';

export const SANDBOX_TEST_CARD = '4706750000000009';

function getContract(env: Env, id: string): ContractRec {
	const c = env.store.contracts.get(id);
	if (!c) throw contractNotFound();
	refreshExpiry(c, env.clock.nowMs());
	return c;
}

function getSignatory(c: ContractRec, sid: string): SignatoryRec {
	const s = c.signatories.find((x) => x.id === sid);
	if (!s) throw signatoryNotFound();
	return s;
}

// ---------------------------------------------------------------- clock

export function controlClock(env: Env, body: JsonObject): { now: string } {
	const advance = prop(body, 'advance');
	const to = prop(body, 'to');
	if (advance !== undefined && to !== undefined) {
		throw validationError('advance', 'give either advance or to, not both');
	}
	if (advance !== undefined) {
		if (typeof advance === 'number' && Number.isFinite(advance)) {
			return { now: iso(env.clock.advance(advance).getTime()) };
		}
		if (typeof advance !== 'string') {
			throw validationError('advance', 'advance must be an ISO 8601 duration such as P1D or PT2H');
		}
		let ms: number;
		try {
			ms = parseDuration(advance);
		} catch {
			throw validationError('advance', 'advance must be an ISO 8601 duration such as P1D or PT2H');
		}
		return { now: iso(env.clock.advance(ms).getTime()) };
	}
	if (to !== undefined) {
		const ms = typeof to === 'string' ? Date.parse(to) : NaN;
		if (!Number.isFinite(ms)) throw validationError('to', 'to must be an ISO 8601 date-time');
		return { now: iso(env.clock.set(ms).getTime()) };
	}
	return { now: iso(env.clock.nowMs()) };
}

// ---------------------------------------------------------------- website actions

export function validateDraft(env: Env, id: string) {
	const c = getContract(env, id);
	if (c.status !== 'draft')
		throw invalidState(c.status, `Only a draft can be validated; this one is ${c.status}`);
	const now = env.clock.nowMs();
	c.status = 'pending';
	c.submittedAt = now;
	logEvent(c, now, 'validated', `owner:${c.owner}`, 'draft validated on the website');
	sendOutgoingNotifications(env, c, 'validate', now);
	return { contract: contractView(c, false) };
}

/** Expiry `MM/YY` still valid at `now` (valid through the end of that month). */
function expiryInFuture(expiry: string, now: number): boolean {
	const m = /^(\d{2})\/(\d{2})$/.exec(expiry);
	if (!m) return false;
	const month = Number(m[1]);
	if (month < 1 || month > 12) return false;
	const year = 2000 + Number(m[2]);
	const today = parisDate(now);
	const current = `${today.slice(0, 7)}`;
	const card = `${year}-${String(month).padStart(2, '0')}`;
	return card >= current;
}

export function payDeposit(env: Env, id: string, sid: string, body: JsonObject) {
	const c = getContract(env, id);
	const s = getSignatory(c, sid);
	const now = env.clock.nowMs();
	const card = reqString(prop(body, 'card'), 'card', { max: 40 }).replace(/[\s-]/g, '');
	if (!/^\d{12,19}$/.test(card)) throw validationError('card', 'card must be a card number');
	const expiry = reqString(prop(body, 'expiry'), 'expiry', { max: 5 });
	if (!/^\d{2}\/\d{2}$/.test(expiry)) throw validationError('expiry', 'expiry must be MM/YY');
	if (!expiryInFuture(expiry, now)) throw validationError('expiry', 'the card has expired');
	const cvc = prop(body, 'cvc');
	if (typeof cvc !== 'string' || !/^\d{3}$/.test(cvc))
		throw validationError('cvc', 'cvc must be 3 digits');

	if (c.status !== 'pending') throw invalidState(c.status, `The contract is ${c.status}`);
	if (s.status !== 'pending') throw invalidState(s.status, `The signatory is ${s.status}`);
	if (s.deposit <= 0) throw invalidState(s.status, 'This signatory has no deposit to pay');
	if (s.depositPaid) throw invalidState(s.status, 'The deposit is already paid');

	const accepted = c.platform === 'sandbox' ? card === SANDBOX_TEST_CARD : luhnIsValid(card);
	if (!accepted) {
		throw new ApiError(
			402,
			'PAYMENT_DECLINED',
			c.platform === 'sandbox'
				? `Card declined: the sandbox only accepts the test card ${SANDBOX_TEST_CARD}`
				: 'Card declined',
		);
	}
	s.depositPaid = true;
	logEvent(
		c,
		now,
		'deposit_paid',
		`signatory:${s.id}`,
		`deposit of ${s.deposit.toFixed(2)} EUR paid by card ending ${card.slice(-4)}`,
	);
	return { contract: contractView(c, false) };
}

export async function signOnWebsite(env: Env, id: string, sid: string) {
	const c = getContract(env, id);
	const s = getSignatory(c, sid);
	const now = env.clock.nowMs();
	checkCanSign(env, c, s, now);
	markSigned(env, c, s, `signatory:${s.id}`, 'signed on the website', now);
	const pdf = ensureSignedPdf(c);
	if (pdf) await pdf;
	return signResult(c, s);
}

/** Full internal view (documents included), for tests. */
export async function internalView(env: Env, id: string) {
	const c = getContract(env, id);
	const pdf = ensureSignedPdf(c);
	if (pdf) await pdf;
	return {
		platform: c.platform,
		owner: c.owner,
		notify: { ...c.notify },
		deadlineEnd: iso(c.deadlineEnd),
		signatories: c.signatories.map((s) => ({
			id: s.id,
			lastCode: s.lastCode,
			signingUrl: signingLink(env, c, s),
		})),
		contract: contractView(c, true),
	};
}

// ---------------------------------------------------------------- faults

export function addFault(env: Env, body: JsonObject): { fault: Fault; faults: Fault[] } {
	const countV = prop(body, 'count');
	const count = countV === undefined ? 1 : countV;
	if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100000) {
		throw validationError('count', 'count must be a positive integer');
	}
	const kind = prop(body, 'kind');
	if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
		throw validationError('kind', `kind must be one of ${FAULT_KINDS.join(', ')}`);
	}
	const requestName = optString(prop(body, 'requestName'), 'requestName', { max: 100 }) ?? null;
	const platformV = optString(prop(body, 'platform'), 'platform');
	if (platformV !== undefined && !isPlatform(platformV)) {
		throw validationError('platform', 'platform must be sandbox or production');
	}
	const afterV = prop(body, 'after');
	const after = afterV === undefined ? false : reqBool(afterV, 'after');
	const skipV = prop(body, 'skip');
	const skip = skipV === undefined ? 0 : skipV;
	if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0 || skip > 100000) {
		throw validationError('skip', 'skip must be an integer between 0 and 100000');
	}
	const fault: Fault = {
		id: ++env.store.faultSeq,
		kind: kind as FaultKind,
		remaining: count,
		requestName,
		platform: (platformV as Platform | undefined) ?? null,
		after,
		skip,
	};
	env.store.faults.push(fault);
	return { fault: { ...fault }, faults: env.store.faults.map((f) => ({ ...f })) };
}

/** Takes one use of the first pending fault that matches this API request. */
export function takeFault(env: Env, platform: Platform, requestName: string): Fault | null {
	const faults = env.store.faults;
	const i = faults.findIndex(
		(f) =>
			(f.requestName === null || f.requestName === requestName) &&
			(f.platform === null || f.platform === platform),
	);
	if (i === -1) return null;
	const f = faults[i];
	if (f.skip > 0) {
		f.skip -= 1;
		return null;
	}
	f.remaining -= 1;
	if (f.remaining <= 0) faults.splice(i, 1);
	return { ...f };
}

// ---------------------------------------------------------------- seed

export interface SeedOptions {
	platform: Platform;
	apiUser: string;
	count: number;
	status?: ContractStatus;
	/** createdAt of the first contract (Date or ISO); the next ones follow one second apart. */
	createdFrom?: Date | string;
	label?: string;
	/** References are `${referencePrefix}-1` (the oldest) … ; default SEED. */
	referencePrefix?: string;
}

const SEED_STATUSES: readonly ContractStatus[] = [
	'signed',
	'cancelled',
	'expired',
	'pending',
	'draft',
];

export function parseSeedBody(body: JsonObject): SeedOptions {
	const platform = reqString(prop(body, 'platform'), 'platform');
	if (!isPlatform(platform))
		throw validationError('platform', 'platform must be sandbox or production');
	const apiUser = reqString(prop(body, 'apiUser'), 'apiUser');
	const count = prop(body, 'count');
	if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100000) {
		throw validationError('count', 'count must be an integer between 1 and 100000');
	}
	const status = optString(prop(body, 'status'), 'status');
	if (status !== undefined && !(SEED_STATUSES as readonly string[]).includes(status)) {
		throw validationError('status', `status must be one of ${SEED_STATUSES.join(', ')}`);
	}
	const createdFrom = optString(prop(body, 'createdFrom'), 'createdFrom');
	if (createdFrom !== undefined && !Number.isFinite(Date.parse(createdFrom))) {
		throw validationError('createdFrom', 'createdFrom must be an ISO 8601 date-time');
	}
	const label = optString(prop(body, 'label'), 'label', { max: 200 });
	const referencePrefix = optString(prop(body, 'referencePrefix'), 'referencePrefix', { max: 200 });
	return {
		platform,
		apiUser,
		count,
		status: status as ContractStatus | undefined,
		createdFrom,
		label,
		referencePrefix,
	};
}

/**
 * Creates many contracts at once (one signatory each, a shared tiny PDF).
 * Signed contracts get their signed PDF lazily, on detail. Returns ids in
 * creation order.
 */
export function seed(env: Env, opts: SeedOptions): { ids: string[] } {
	if (!isPlatform(opts.platform))
		throw validationError('platform', 'platform must be sandbox or production');
	const account = env.store.account(opts.platform, opts.apiUser);
	if (!account) throw validationError('apiUser', `no ${opts.platform} account ${opts.apiUser}`);
	if (!Number.isInteger(opts.count) || opts.count < 1)
		throw validationError('count', 'count must be >= 1');
	const status = opts.status ?? 'pending';
	const now = env.clock.nowMs();
	const step = 1000;
	const first =
		opts.createdFrom !== undefined
			? new Date(opts.createdFrom).getTime()
			: now - opts.count * step - (status === 'expired' ? 2 * 86400000 : 0);
	if (!Number.isFinite(first))
		throw validationError('createdFrom', 'createdFrom must be a date-time');
	const doc = makeDoc('seed.pdf', env.tinyPdf);
	const label = opts.label ?? 'Seeded contract';
	const owner = `owner:${account.apiUser}`;
	const today = parisDate(now);
	const ids: string[] = [];
	for (let i = 0; i < opts.count; i++) {
		const createdAt = first + i * step;
		const createdDay = parisDate(createdAt);
		let deadline = addDays(createdDay > today ? createdDay : today, 30);
		const sigId = newId('sig');
		const c: ContractRec = {
			id: newId('ctr'),
			platform: opts.platform,
			owner: account.apiUser,
			label: `${label} #${i + 1}`,
			lang: 'fr',
			reference: `${opts.referencePrefix ?? 'SEED'}-${i + 1}`,
			status,
			createdAt,
			updatedAt: createdAt,
			submittedAt: status === 'draft' ? null : createdAt,
			completedAt: null,
			cancelledAt: null,
			deadline,
			deadlineEnd: 0,
			bankAccount: null,
			signatories: [
				{
					id: sigId,
					firstName: 'Seed',
					lastName: `Signatory ${i + 1}`,
					email: `seed-${i + 1}@example.com`,
					phone: '+33600000000',
					deposit: 0,
					depositPaid: false,
					status: 'pending',
					signedAt: null,
					smsSent: 0,
					failedAttempts: 0,
					lastCode: null,
				},
			],
			mainDocument: doc,
			annexes: [],
			sign: null,
			signPromise: null,
			notify: { signatory: false, owner: false, submitMessage: null },
			log: [{ at: createdAt, event: 'created', actor: owner, detail: 'seeded' }],
		};
		if (status !== 'draft') {
			c.log.push({ at: createdAt, event: 'submitted', actor: owner, detail: 'seeded' });
		}
		if (status === 'signed') {
			const at = createdAt + 60000;
			c.signatories[0].status = 'signed';
			c.signatories[0].signedAt = at;
			c.completedAt = at;
			c.updatedAt = at;
			c.log.push(
				{ at, event: 'signed', actor: `signatory:${sigId}`, detail: 'seeded' },
				{ at, event: 'completed', actor: 'system', detail: 'every signatory has signed' },
			);
		} else if (status === 'cancelled') {
			const at = createdAt + 60000;
			c.cancelledAt = at;
			c.updatedAt = at;
			c.log.push({ at, event: 'cancelled', actor: owner, detail: 'seeded' });
		} else if (status === 'expired') {
			deadline = createdDay;
			if (deadlineEndOf(deadline) > now) deadline = addDays(today, -1);
			c.deadline = deadline;
			const at = deadlineEndOf(deadline);
			c.updatedAt = Math.max(createdAt, at);
			c.log.push({
				at,
				event: 'expired',
				actor: 'system',
				detail: `deadline ${deadline} is over (Europe/Paris)`,
			});
		}
		c.deadlineEnd = deadlineEndOf(c.deadline);
		env.store.add(c);
		ids.push(c.id);
	}
	return { ids };
}

// ---------------------------------------------------------------- quota

export interface QuotaSettings {
	/** Default: the production demo owner. */
	apiUser?: string;
	/** The account's daily limit, as the service sets it on request; default 1,000. */
	limit?: number;
	/** Requests already counted today, e.g. spent by other workflows. */
	used?: number;
}

/**
 * Sets a production owner's daily limit and/or today's counter (what other workflows spent);
 * returns the quota as checkConnexionRequest would report it, without counting a request.
 */
export function setQuota(
	env: Env,
	settings: QuotaSettings,
): { limit: number; used: number; remaining: number; resetAt: string } {
	const apiUser = settings.apiUser ?? 'demo-production-user';
	const account = env.store.account('production', apiUser);
	if (!account) throw validationError('apiUser', `no production account ${apiUser}`);
	const whole = (value: unknown, field: string, min: number) => {
		if (value === undefined) return undefined;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
			throw validationError(field, `${field} must be an integer of at least ${min}`);
		}
		return value;
	};
	const limit = whole(settings.limit, 'limit', 1);
	const used = whole(settings.used, 'used', 0);
	const key = ownerKey('production', apiUser);
	if (limit !== undefined) env.store.quotaLimits.set(key, limit);
	const state = quotaState(env, account, env.clock.nowMs());
	if (used !== undefined) state.q.used = used;
	return {
		limit: state.limit,
		used: state.q.used,
		remaining: Math.max(0, state.limit - state.q.used),
		resetAt: state.resetAt,
	};
}

export function parseQuotaBody(body: JsonObject): QuotaSettings {
	return {
		apiUser: optString(prop(body, 'apiUser'), 'apiUser'),
		limit: prop(body, 'limit') as number | undefined,
		used: prop(body, 'used') as number | undefined,
	};
}
