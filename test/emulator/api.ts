/**
 * The eight requests of the wire contract. Order of checks: body is JSON,
 * request name known, key pair, daily quota, parameters, state. Parameters are
 * all validated before anything changes, so a rejected request changes nothing
 * (except the quota counter, which counts every authenticated request).
 */
import { addDays, iso, isCalendarDate, parisDate, parseBound, startOfParisDay } from './clock';
import {
	ApiError,
	contractNotFound,
	invalidState,
	signatoryNotFound,
	validationError,
} from './errors';
import {
	JsonObject,
	base64DecodedSize,
	decodeBase64,
	isObject,
	join,
	optAmount,
	optBic,
	optInt,
	optObject,
	optString,
	pdfIsComplete,
	prop,
	reqArray,
	reqBool,
	reqEmail,
	reqIban,
	reqObject,
	reqPhone,
	reqString,
} from './rules/validation';
import {
	Account,
	CONTRACT_STATUSES,
	ContractRec,
	ContractStatus,
	Platform,
	SignatoryRec,
	StoredDoc,
	contractSummary,
	contractView,
	deadlineEndOf,
	logEvent,
	makeDoc,
	newId,
	ownerKey,
	refreshExpiry,
} from './store';
import {
	DAILY_QUOTA,
	Env,
	SMS_LIMIT,
	checkCanSendSms,
	ensureSignedPdf,
	parseSmsCode,
	requirePending,
	sendOutgoingNotifications,
	sendSms,
	signWithSmsCode,
	smsBlocker,
	signResult,
} from './workflow';

export const REQUEST_NAMES = [
	'checkConnexionRequest',
	'contractCreateRequest',
	'contractListRequest',
	'contractDetailRequest',
	'contractCancelRequest',
	'signatorySendSmsRequest',
	'signatorySendAllSmsRequest',
	'signatorySignRequest',
] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];
const isRequestName = (s: string): s is RequestName =>
	(REQUEST_NAMES as readonly string[]).includes(s);

/** Largest document accepted, after base64 decoding. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ANNEXES = 10;
export const MAX_SIGNATORIES = 20;

interface Call {
	env: Env;
	platform: Platform;
	owner: Account;
	body: JsonObject;
	now: number;
}

export interface ApiResult {
	status: number;
	body: unknown;
}

/** Parses a request body: must be a JSON object. */
export function parseJsonBody(raw: Buffer | string | undefined): JsonObject {
	const text = raw === undefined ? '' : typeof raw === 'string' ? raw : raw.toString('utf8');
	if (text.trim() === '') throw validationError('body', 'The request body must be a JSON object');
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw validationError('body', 'The request body is not valid JSON');
	}
	if (!isObject(body)) throw validationError('body', 'The request body must be a JSON object');
	return body;
}

/** Handles one API request; throws ApiError for every documented failure. */
export async function handleApi(
	env: Env,
	platform: Platform,
	requestName: string,
	raw: Buffer | string | undefined,
): Promise<ApiResult> {
	const body = parseJsonBody(raw);
	if (!isRequestName(requestName)) {
		throw new ApiError(404, 'UNKNOWN_REQUEST', `Unknown request: ${requestName}`);
	}
	const account = env.store.authenticate(prop(body, 'apiUser'), prop(body, 'apiKey'));
	if (!account) throw new ApiError(401, 'INVALID_CREDENTIALS', 'Unknown or missing key pair');
	if (account.platform !== platform) {
		throw new ApiError(
			401,
			'WRONG_PLATFORM',
			`This key pair belongs to the ${account.platform} platform`,
			{ platform: account.platform },
		);
	}
	const now = env.clock.nowMs();
	countQuota(env, account, now);
	const call: Call = { env, platform, owner: account, body, now };
	switch (requestName) {
		case 'checkConnexionRequest':
			return ok(checkConnexion(call));
		case 'contractCreateRequest':
			return ok(createContract(call));
		case 'contractListRequest':
			return ok(listContracts(call));
		case 'contractDetailRequest':
			return ok(await contractDetail(call));
		case 'contractCancelRequest':
			return ok(cancelContract(call));
		case 'signatorySendSmsRequest':
			return ok(sendOneSms(call));
		case 'signatorySendAllSmsRequest':
			return ok(sendAllSms(call));
		case 'signatorySignRequest':
			return ok(await signWithCode(call));
	}
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });

// ---------------------------------------------------------------- quota

/** Today's counter of an owner, its limit (DAILY_QUOTA unless the service changed it) and reset. */
export function quotaState(env: Env, account: Account, now: number) {
	const today = parisDate(now);
	const key = ownerKey(account.platform, account.apiUser);
	let q = env.store.quotas.get(key);
	if (!q || q.day !== today) {
		q = { day: today, used: 0 };
		env.store.quotas.set(key, q);
	}
	const limit = env.store.quotaLimits.get(key) ?? DAILY_QUOTA;
	return { q, limit, resetAt: iso(startOfParisDay(addDays(today, 1))) };
}

function countQuota(env: Env, account: Account, now: number): void {
	if (account.platform !== 'production') return;
	const { q, limit, resetAt } = quotaState(env, account, now);
	if (q.used >= limit) {
		throw new ApiError(
			429,
			'DAILY_QUOTA_EXCEEDED',
			`Daily quota of ${limit} requests reached; it resets at midnight Europe/Paris`,
			{ resetAt, limit },
		);
	}
	q.used += 1;
}

// ---------------------------------------------------------------- helpers

/**
 * Reads `contractId` (and `signatoryId` when `withSignatory`) and the other
 * parameters first (`readParams`), then looks the contract up: parameters are
 * checked before state.
 */
function lookup<P>(
	call: Call,
	withSignatory: boolean,
	readParams: () => P,
): { c: ContractRec; s: SignatoryRec; params: P } {
	const id = reqString(prop(call.body, 'contractId'), 'contractId', { max: 200 });
	const sid = withSignatory
		? reqString(prop(call.body, 'signatoryId'), 'signatoryId', { max: 200 })
		: null;
	const params = readParams();
	const c = call.env.store.contracts.get(id);
	if (!c || c.platform !== call.platform || c.owner !== call.owner.apiUser) {
		throw contractNotFound();
	}
	refreshExpiry(c, call.now);
	let s = c.signatories[0];
	if (sid !== null) {
		const found = c.signatories.find((x) => x.id === sid);
		if (!found) throw signatoryNotFound();
		s = found;
	}
	return { c, s, params };
}

const noParams = () => null;

const ownerActor = (call: Call) => `owner:${call.owner.apiUser}`;

// ---------------------------------------------------------------- requests

function checkConnexion(call: Call) {
	let quota = null;
	if (call.platform === 'production') {
		const { q, limit, resetAt } = quotaState(call.env, call.owner, call.now);
		quota = { limit, used: q.used, remaining: Math.max(0, limit - q.used), resetAt };
	}
	return {
		platform: call.platform,
		owner: { apiUser: call.owner.apiUser, name: call.owner.name, email: call.owner.email },
		quota,
	};
}

function readDocument(v: unknown, field: string): StoredDoc {
	const o = reqObject(v, field);
	const name = reqString(prop(o, 'name'), join(field, 'name'), { max: 255 });
	const dataField = join(field, 'data');
	const data = prop(o, 'data');
	if (data === undefined || data === null)
		throw validationError(dataField, `${dataField} is required`);
	if (typeof data !== 'string') {
		throw validationError(dataField, `${dataField} must be a base64 string`);
	}
	if (base64DecodedSize(data) > MAX_DOCUMENT_BYTES + 3) {
		throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `${dataField} is larger than 20 MB`, {
			field: dataField,
			limit: MAX_DOCUMENT_BYTES,
		});
	}
	const bytes = decodeBase64(data);
	if (!bytes || bytes.length === 0) {
		throw validationError(dataField, `${dataField} is not a base64 string`);
	}
	if (bytes.length > MAX_DOCUMENT_BYTES) {
		throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `${dataField} is larger than 20 MB`, {
			field: dataField,
			limit: MAX_DOCUMENT_BYTES,
		});
	}
	if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
		throw validationError(dataField, `${dataField} is not a PDF document`);
	}
	if (!pdfIsComplete(bytes)) {
		throw validationError(
			dataField,
			`${dataField} is not a complete PDF document: it has no %%EOF end marker`,
		);
	}
	return makeDoc(name, bytes);
}

function createContract(call: Call) {
	const { body, now, env } = call;
	const today = parisDate(now);

	const contractIn = reqObject(prop(body, 'contract'), 'contract');
	const label = reqString(prop(contractIn, 'label'), 'contract.label', { max: 255 });
	const lang = prop(contractIn, 'lang');
	if (lang === undefined || lang === null)
		throw validationError('contract.lang', 'contract.lang is required');
	if (lang !== 'fr' && lang !== 'en')
		throw validationError('contract.lang', 'contract.lang must be "fr" or "en"');
	const deadlineV = prop(contractIn, 'deadline');
	const deadline = reqString(deadlineV, 'contract.deadline');
	if (!isCalendarDate(deadline)) {
		throw validationError('contract.deadline', 'contract.deadline must be a date YYYY-MM-DD');
	}
	if (deadline < today) {
		throw validationError(
			'contract.deadline',
			`contract.deadline must be today (${today}) or later`,
		);
	}
	const reference =
		optString(prop(contractIn, 'reference'), 'contract.reference', { max: 255 }) ?? null;
	const bankIn = optObject(prop(contractIn, 'bankAccount'), 'contract.bankAccount');
	let bankAccount: ContractRec['bankAccount'] = null;
	if (bankIn) {
		const iban = reqIban(prop(bankIn, 'iban'), 'contract.bankAccount.iban');
		const bic = optBic(prop(bankIn, 'bic'), 'contract.bankAccount.bic');
		const holder = reqString(prop(bankIn, 'holder'), 'contract.bankAccount.holder', { max: 140 });
		bankAccount = { iban, bic, holder };
	}

	const mainDocument = readDocument(prop(body, 'mainDocument'), 'mainDocument');
	const annexesIn = prop(body, 'annexes');
	const annexes: StoredDoc[] = [];
	if (annexesIn !== undefined && annexesIn !== null) {
		const list = reqArray(annexesIn, 'annexes', 0, MAX_ANNEXES);
		list.forEach((a, i) => annexes.push(readDocument(a, `annexes[${i}]`)));
	}

	const signIn = reqArray(prop(body, 'signatories'), 'signatories', 1, MAX_SIGNATORIES);
	const signatories: SignatoryRec[] = signIn.map((v, i) => {
		const f = `signatories[${i}]`;
		const o = reqObject(v, f);
		return {
			id: '',
			firstName: reqString(prop(o, 'firstName'), `${f}.firstName`, { max: 100 }),
			lastName: reqString(prop(o, 'lastName'), `${f}.lastName`, { max: 100 }),
			email: reqEmail(prop(o, 'email'), `${f}.email`),
			phone: reqPhone(prop(o, 'phone'), `${f}.phone`),
			deposit: optAmount(prop(o, 'deposit'), `${f}.deposit`),
			depositPaid: false,
			status: 'pending',
			signedAt: null,
			smsSent: 0,
			failedAttempts: 0,
			lastCode: null,
		};
	});
	if (signatories.some((s) => s.deposit > 0) && !bankAccount) {
		throw validationError(
			'contract.bankAccount',
			'contract.bankAccount is required when a signatory has a deposit',
		);
	}

	const notifyIn = reqObject(prop(body, 'notify'), 'notify');
	const notify = {
		signatory: reqBool(prop(notifyIn, 'signatory'), 'notify.signatory'),
		owner: reqBool(prop(notifyIn, 'owner'), 'notify.owner'),
		submitMessage:
			optString(prop(notifyIn, 'submitMessage'), 'notify.submitMessage', { max: 5000, min: 0 }) ??
			null,
	};
	const actionIn = reqObject(prop(body, 'action'), 'action');
	const submit = reqBool(prop(actionIn, 'submit'), 'action.submit');

	// Every parameter is valid: from here on, the state changes.
	const c: ContractRec = {
		id: newId('ctr'),
		platform: call.platform,
		owner: call.owner.apiUser,
		label,
		lang,
		reference,
		status: submit ? 'pending' : 'draft',
		createdAt: now,
		updatedAt: now,
		submittedAt: submit ? now : null,
		completedAt: null,
		cancelledAt: null,
		deadline,
		deadlineEnd: deadlineEndOf(deadline),
		bankAccount,
		signatories: signatories.map((s) => ({ ...s, id: newId('sig') })),
		mainDocument,
		annexes,
		sign: null,
		signPromise: null,
		notify,
		log: [],
	};
	logEvent(
		c,
		now,
		'created',
		ownerActor(call),
		submit ? 'created in submit mode' : 'created as a draft',
	);
	if (submit) {
		logEvent(c, now, 'submitted', ownerActor(call), 'sent to the signatories');
		sendOutgoingNotifications(env, c, 'submit', now);
	}
	env.store.add(c);
	return { contract: contractView(c, false) };
}

function listContracts(call: Call) {
	const { body } = call;
	const filter = optObject(prop(body, 'filter'), 'filter');
	let statuses: Set<ContractStatus> | null = null;
	let from = -Infinity;
	let to = Infinity;
	let reference: string | null = null;
	if (filter) {
		const st = prop(filter, 'status');
		if (st !== undefined && st !== null) {
			const list = reqArray(st, 'filter.status', 0, 10);
			statuses = new Set(
				list.map((s, i) => {
					if (typeof s !== 'string' || !(CONTRACT_STATUSES as readonly string[]).includes(s)) {
						throw validationError(
							`filter.status[${i}]`,
							`filter.status[${i}] must be one of ${CONTRACT_STATUSES.join(', ')}`,
						);
					}
					return s as ContractStatus;
				}),
			);
		}
		const bound = (key: 'createdFrom' | 'createdTo', end: boolean): number | undefined => {
			const v = optString(prop(filter, key), `filter.${key}`, { max: 64 });
			if (v === undefined) return undefined;
			const ms = parseBound(v, end);
			if (ms === null) {
				throw validationError(
					`filter.${key}`,
					`filter.${key} must be an ISO 8601 date or date-time`,
				);
			}
			return ms;
		};
		reference = optString(prop(filter, 'reference'), 'filter.reference', { max: 255 }) ?? null;
		from = bound('createdFrom', false) ?? from;
		to = bound('createdTo', true) ?? to;
	}
	const offset = optInt(prop(body, 'offset'), 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
	const limit = optInt(prop(body, 'limit'), 'limit', 1, 100, 50);

	const matching: ContractRec[] = [];
	for (const c of call.env.store.ownerContracts(call.platform, call.owner.apiUser)) {
		refreshExpiry(c, call.now);
		if (statuses && !statuses.has(c.status)) continue;
		if (c.createdAt < from || c.createdAt > to) continue;
		if (reference !== null && c.reference !== reference) continue;
		matching.push(c);
	}
	matching.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
	return {
		total: matching.length,
		offset,
		limit,
		contracts: matching.slice(offset, offset + limit).map(contractSummary),
	};
}

async function contractDetail(call: Call) {
	const { c } = lookup(call, false, noParams);
	const pdf = ensureSignedPdf(c);
	if (pdf) await pdf;
	return { contract: contractView(c, true) };
}

function cancelContract(call: Call) {
	const { c, params: reason } = lookup(
		call,
		false,
		() => optString(prop(call.body, 'reason'), 'reason', { max: 1000 }) ?? null,
	);
	if (c.status !== 'pending') {
		throw invalidState(
			c.status,
			`Only a pending contract can be cancelled; this one is ${c.status}`,
		);
	}
	c.status = 'cancelled';
	c.cancelledAt = call.now;
	logEvent(
		c,
		call.now,
		'cancelled',
		ownerActor(call),
		reason ? `reason: ${reason}` : 'no reason given',
	);
	return { contract: contractView(c, false) };
}

function sendOneSms(call: Call) {
	const { c, s } = lookup(call, true, noParams);
	checkCanSendSms(c, s, call.now);
	sendSms(call.env, c, s, ownerActor(call), call.now);
	return {
		signatoryId: s.id,
		sent: true,
		remainingSms: c.platform === 'production' ? SMS_LIMIT - s.smsSent : null,
	};
}

function sendAllSms(call: Call) {
	const { c } = lookup(call, false, noParams);
	requirePending(c, call.now);
	const sent: string[] = [];
	const skipped: { signatoryId: string; reason: string }[] = [];
	for (const s of c.signatories) {
		const reason = smsBlocker(c, s);
		if (reason) {
			skipped.push({ signatoryId: s.id, reason });
		} else {
			sendSms(call.env, c, s, ownerActor(call), call.now);
			sent.push(s.id);
		}
	}
	return { sent, skipped };
}

async function signWithCode(call: Call) {
	const { c, s, params: codeV } = lookup(call, true, () => parseSmsCode(prop(call.body, 'code')));
	await signWithSmsCode(
		call.env,
		c,
		s,
		codeV,
		'signed through the API with the SMS code',
		call.now,
	);
	return signResult(c, s);
}
