/**
 * Unit tests of the trigger's pure logic (nodes/ContratPrive/trigger/changes.ts, state.ts): events of one
 * contract, reconciliation of a poll, cursor, filters, static data round-trip.
 */
import type {
	EmitConfig,
	ObservedContract,
	ObservedSignatory,
	TrackedContract,
	TriggerEvent,
	TriggerState,
} from '../../nodes/ContratPrive/trigger/changes';
import {
	advanceCursor,
	departedContracts,
	departedLookup,
	diffContract,
	emptyState,
	isNewByCursor,
	matchesFilters,
	needsDetails,
	reconcile,
	selectedEvents,
	trackContract,
} from '../../nodes/ContratPrive/trigger/changes';
import {
	readFailureCount,
	readState,
	writeFailureCount,
	writeState,
} from '../../nodes/ContratPrive/trigger/state';

const T0 = '2026-12-01T09:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function sig(
	id: string,
	status: ObservedSignatory['status'] = 'pending',
	signedAt?: string | null,
): ObservedSignatory {
	const s: ObservedSignatory = { id, firstName: 'F' + id, lastName: 'L' + id, status };
	if (signedAt !== undefined) s.signedAt = signedAt;
	return s;
}

function contract(
	id: string,
	status: ObservedContract['status'],
	signatories: ObservedSignatory[] = [sig(`${id}-s1`)],
	extra: Partial<ObservedContract> = {},
): ObservedContract {
	return {
		id,
		label: `Label ${id}`,
		reference: `REF-${id}`,
		status,
		createdAt: extra.createdAt ?? at(0),
		updatedAt: extra.updatedAt ?? at(0),
		deadline: '2026-12-31',
		signatories,
		...extra,
	};
}

const tracked = (c: ObservedContract): TrackedContract => trackContract(c);
const names = (change: ReturnType<typeof diffContract>) =>
	change?.events.map((e) => (e.signatory ? `${e.event}:${e.signatory.id}` : e.event)) ?? [];

const config = (events: TriggerEvent[], extra: Partial<EmitConfig> = {}): EmitConfig => ({
	events: new Set(events),
	filters: {},
	downloadSignedDocument: false,
	...extra,
});

describe('diffContract: events of one contract', () => {
	test('no change: null', () => {
		const c = contract('a', 'pending');
		expect(diffContract(tracked(c), c)).toBeNull();
	});

	test('new draft: contractCreated only', () => {
		const change = diffContract(undefined, contract('a', 'draft'));
		expect(names(change)).toEqual(['contractCreated']);
		expect(change!.previousStatus).toBeNull();
	});

	test('new contract sent at creation: contractCreated then contractSent', () => {
		expect(names(diffContract(undefined, contract('a', 'pending')))).toEqual([
			'contractCreated',
			'contractSent',
		]);
	});

	test('draft validated on the website: contractSent', () => {
		const before = contract('a', 'draft');
		const change = diffContract(tracked(before), contract('a', 'pending'));
		expect(names(change)).toEqual(['contractSent']);
		expect(change!.previousStatus).toBe('draft');
	});

	test('one of two signatories signed: signatorySigned with that signatory', () => {
		const before = contract('a', 'pending', [sig('s1'), sig('s2')]);
		const change = diffContract(
			tracked(before),
			contract('a', 'pending', [sig('s1'), sig('s2', 'signed')]),
		);
		expect(names(change)).toEqual(['signatorySigned:s2']);
		expect(change!.unresolved).toEqual({ sent: false, signatureOrder: false });
	});

	test('pending → signed between polls: remaining signatorySigned events, then contractSigned', () => {
		const before = contract('a', 'pending', [sig('s1', 'signed'), sig('s2'), sig('s3')]);
		const after = contract('a', 'signed', [
			sig('s1', 'signed', at(1)),
			sig('s2', 'signed', at(30)),
			sig('s3', 'signed', at(20)),
		]);
		expect(names(diffContract(tracked(before), after))).toEqual([
			'signatorySigned:s3',
			'signatorySigned:s2',
			'contractSigned',
		]);
	});

	test('two signatures without signing times: order unresolved', () => {
		const before = contract('a', 'pending', [sig('s1'), sig('s2')]);
		const change = diffContract(
			tracked(before),
			contract('a', 'signed', [sig('s1', 'signed'), sig('s2', 'signed')]),
		);
		expect(change!.unresolved.signatureOrder).toBe(true);
		expect(names(change)).toEqual(['signatorySigned:s1', 'signatorySigned:s2', 'contractSigned']);
	});

	test('created, sent and signed between polls', () => {
		expect(names(diffContract(undefined, contract('a', 'signed', [sig('s1', 'signed')])))).toEqual([
			'contractCreated',
			'contractSent',
			'signatorySigned:s1',
			'contractSigned',
		]);
	});

	test('pending → cancelled', () => {
		const before = contract('a', 'pending');
		expect(names(diffContract(tracked(before), contract('a', 'cancelled')))).toEqual([
			'contractCancelled',
		]);
	});

	test('partly signed, then cancelled', () => {
		const before = contract('a', 'pending', [sig('s1'), sig('s2')]);
		expect(
			names(
				diffContract(tracked(before), contract('a', 'cancelled', [sig('s1', 'signed'), sig('s2')])),
			),
		).toEqual(['signatorySigned:s1', 'contractCancelled']);
	});

	test('draft → cancelled: only a sent contract can be cancelled, so it was sent', () => {
		expect(
			names(diffContract(tracked(contract('a', 'draft')), contract('a', 'cancelled'))),
		).toEqual(['contractSent', 'contractCancelled']);
	});

	test('pending → expired', () => {
		const before = contract('a', 'pending');
		expect(names(diffContract(tracked(before), contract('a', 'expired')))).toEqual([
			'contractExpired',
		]);
	});

	test('draft → expired from a summary: sending unresolved, no contractSent', () => {
		const change = diffContract(tracked(contract('a', 'draft')), contract('a', 'expired'));
		expect(names(change)).toEqual(['contractExpired']);
		expect(change!.unresolved.sent).toBe(true);
	});

	test('draft → expired, details say never sent: contractExpired only', () => {
		const change = diffContract(
			tracked(contract('a', 'draft')),
			contract('a', 'expired', undefined, { detailed: true, submitted: false }),
		);
		expect(names(change)).toEqual(['contractExpired']);
		expect(change!.unresolved.sent).toBe(false);
	});

	test('draft → expired, details say it was validated first: contractSent then contractExpired', () => {
		const change = diffContract(
			tracked(contract('a', 'draft')),
			contract('a', 'expired', undefined, { detailed: true, submitted: true }),
		);
		expect(names(change)).toEqual(['contractSent', 'contractExpired']);
	});

	test('draft → signed (validated and signed between polls)', () => {
		expect(
			names(
				diffContract(
					tracked(contract('a', 'draft')),
					contract('a', 'signed', [sig('a-s1', 'signed')]),
				),
			),
		).toEqual(['contractSent', 'signatorySigned:a-s1', 'contractSigned']);
	});

	test('a locked signatory is tracked but is no event', () => {
		const before = contract('a', 'pending', [sig('s1'), sig('s2')]);
		expect(
			diffContract(tracked(before), contract('a', 'pending', [sig('s1', 'locked'), sig('s2')])),
		).toBeNull();
	});
});

describe('cursor', () => {
	test('new by createdAt, ties resolved by the ids seen at the newest instant', () => {
		const state: TriggerState = {
			...emptyState(),
			newestCreatedAt: at(10),
			idsAtNewestCreatedAt: ['x'],
		};
		expect(isNewByCursor(state, { id: 'y', createdAt: at(11) })).toBe(true);
		expect(isNewByCursor(state, { id: 'y', createdAt: at(9) })).toBe(false);
		expect(isNewByCursor(state, { id: 'x', createdAt: at(10) })).toBe(false);
		expect(isNewByCursor(state, { id: 'y', createdAt: at(10) })).toBe(true);
		// Same instant written differently.
		expect(isNewByCursor(state, { id: 'x', createdAt: at(10).replace('.000Z', 'Z') })).toBe(false);
		expect(isNewByCursor(emptyState(), { id: 'x', createdAt: at(0) })).toBe(true);
	});

	test('advance keeps every id at the newest instant', () => {
		const next = advanceCursor({ newestCreatedAt: at(10), idsAtNewestCreatedAt: ['x'] }, [
			{ id: 'x', createdAt: at(10) },
			{ id: 'y', createdAt: at(10) },
			{ id: 'w', createdAt: at(5) },
		]);
		expect(next).toEqual({ newestCreatedAt: at(10), idsAtNewestCreatedAt: ['x', 'y'] });
		expect(advanceCursor(next, [{ id: 'z', createdAt: at(12) }])).toEqual({
			newestCreatedAt: at(12),
			idsAtNewestCreatedAt: ['z'],
		});
		expect(advanceCursor(emptyState(), [])).toEqual({
			newestCreatedAt: null,
			idsAtNewestCreatedAt: [],
		});
	});
});

describe('reconcile: one poll', () => {
	const none = new Map<string, ObservedContract | null>();

	function stateOf(open: ObservedContract[], newest: ObservedContract): TriggerState {
		const state = emptyState();
		for (const c of open) state.openContracts[c.id] = trackContract(c);
		return { ...state, newestCreatedAt: newest.createdAt, idsAtNewestCreatedAt: [newest.id] };
	}

	test('nothing changed: no change, same state', () => {
		const a = contract('a', 'pending', undefined, { createdAt: at(1) });
		const b = contract('b', 'draft', undefined, { createdAt: at(2) });
		const state = stateOf([a, b], b);
		const outcome = reconcile(state, { open: [b, a], recent: [b], lookedUp: none });
		expect(outcome.changes).toEqual([]);
		expect(outcome.next).toEqual(state);
	});

	test('new contracts: open ones tracked, finished ones reported and forgotten; creation order', () => {
		const a = contract('a', 'pending', undefined, { createdAt: at(1) });
		const state = stateOf([a], a);
		const d = contract('d', 'draft', undefined, { createdAt: at(4) });
		const c = contract('c', 'cancelled', undefined, { createdAt: at(3) });
		const b = contract('b', 'signed', [sig('b-s1', 'signed')], { createdAt: at(2) });
		const outcome = reconcile(state, { open: [d, a], recent: [d, c, b, a], lookedUp: none });
		expect(outcome.changes.map((ch) => [ch.contract.id, ...names(ch)])).toEqual([
			['b', 'contractCreated', 'contractSent', 'signatorySigned:b-s1', 'contractSigned'],
			['c', 'contractCreated', 'contractSent', 'contractCancelled'],
			['d', 'contractCreated'],
		]);
		expect(Object.keys(outcome.next.openContracts).sort()).toEqual(['a', 'd']);
		expect(outcome.next.newestCreatedAt).toBe(at(4));
		expect(outcome.next.idsAtNewestCreatedAt).toEqual(['d']);
	});

	test('an old finished contract at the cursor is not new', () => {
		const old = contract('old', 'signed', [sig('o', 'signed')], { createdAt: at(5) });
		const state: TriggerState = {
			...emptyState(),
			newestCreatedAt: at(5),
			idsAtNewestCreatedAt: ['old'],
		};
		const outcome = reconcile(state, { open: [], recent: [old], lookedUp: none });
		expect(outcome.changes).toEqual([]);
	});

	test('a contract created at the very instant of the newest one is still new', () => {
		const old = contract('old', 'signed', [sig('o', 'signed')], { createdAt: at(5) });
		const twin = contract('twin', 'cancelled', undefined, { createdAt: at(5) });
		const state: TriggerState = {
			...emptyState(),
			newestCreatedAt: at(5),
			idsAtNewestCreatedAt: ['old'],
		};
		const outcome = reconcile(state, { open: [], recent: [twin, old], lookedUp: none });
		expect(outcome.changes.map((ch) => ch.contract.id)).toEqual(['twin']);
		expect(outcome.next.idsAtNewestCreatedAt).toEqual(['old', 'twin']);
	});

	test('an open contract the state does not know is new even if older than the cursor', () => {
		const late = contract('late', 'pending', undefined, { createdAt: at(1) });
		const state: TriggerState = {
			...emptyState(),
			newestCreatedAt: at(5),
			idsAtNewestCreatedAt: ['n'],
		};
		const outcome = reconcile(state, { open: [late], recent: [], lookedUp: none });
		expect(outcome.changes.map((ch) => names(ch))).toEqual([['contractCreated', 'contractSent']]);
		expect(outcome.next.openContracts.late).toBeDefined();
	});

	test('departed contracts are the tracked ones neither list shows; their look-up decides', () => {
		const a = contract('a', 'pending', undefined, { createdAt: at(1) });
		const b = contract('b', 'pending', undefined, { createdAt: at(2) });
		const c = contract('c', 'pending', undefined, { createdAt: at(3) });
		const state = stateOf([a, b, c], c);
		const observation = { open: [c], recent: [c] };
		expect(departedContracts(state, observation).sort()).toEqual(['a', 'b']);

		const lookedUp = new Map<string, ObservedContract | null>([
			['a', contract('a', 'signed', [sig('a-s1', 'signed')], { createdAt: at(1) })],
			// Still pending: the list walk missed it; it stays tracked, no event.
			['b', b],
		]);
		const outcome = reconcile(state, { ...observation, lookedUp });
		expect(outcome.changes.map((ch) => [ch.contract.id, ...names(ch)])).toEqual([
			['a', 'signatorySigned:a-s1', 'contractSigned'],
		]);
		expect(Object.keys(outcome.next.openContracts).sort()).toEqual(['b', 'c']);
	});

	test('a departed contract the API no longer knows is dropped; one not read is kept', () => {
		const a = contract('a', 'pending', undefined, { createdAt: at(1) });
		const b = contract('b', 'pending', undefined, { createdAt: at(2) });
		const state = stateOf([a, b], b);
		const outcome = reconcile(state, { open: [], recent: [], lookedUp: new Map([['a', null]]) });
		expect(outcome.changes).toEqual([]);
		expect(Object.keys(outcome.next.openContracts)).toEqual(['b']);
	});

	test('the latest read wins: recent over open, look-ups over both', () => {
		const a = contract('a', 'pending', [sig('s1'), sig('s2')], { createdAt: at(1) });
		const state = stateOf([a], a);
		const openRead = contract('a', 'pending', [sig('s1', 'signed'), sig('s2')], {
			createdAt: at(1),
		});
		const recentRead = contract('a', 'signed', [sig('s1', 'signed'), sig('s2', 'signed')], {
			createdAt: at(1),
		});
		const detail = contract(
			'a',
			'signed',
			[sig('s1', 'signed', at(50)), sig('s2', 'signed', at(40))],
			{ createdAt: at(1), detailed: true, submitted: true },
		);
		const first = reconcile(state, {
			open: [openRead],
			recent: [recentRead],
			lookedUp: new Map(),
		});
		expect(names(first.changes[0])).toEqual([
			'signatorySigned:s1',
			'signatorySigned:s2',
			'contractSigned',
		]);
		expect(first.changes[0].unresolved.signatureOrder).toBe(true);
		const second = reconcile(state, {
			open: [openRead],
			recent: [recentRead],
			lookedUp: new Map([['a', detail]]),
		});
		expect(names(second.changes[0])).toEqual([
			'signatorySigned:s2',
			'signatorySigned:s1',
			'contractSigned',
		]);
		expect(second.next.openContracts).toEqual({});
	});
});

describe('what the user receives', () => {
	test('filters: case-insensitive contains; a null reference fails a reference filter', () => {
		const c = contract('a', 'pending', undefined, {
			label: 'Bail meublé - Lyon',
			reference: 'DEAL-42',
		});
		expect(matchesFilters(c, {})).toBe(true);
		expect(matchesFilters(c, { labelContains: 'MEUBLÉ' })).toBe(true);
		expect(matchesFilters(c, { referenceContains: 'deal' })).toBe(true);
		expect(matchesFilters(c, { referenceContains: 'deal', labelContains: 'paris' })).toBe(false);
		expect(matchesFilters({ ...c, reference: null }, { referenceContains: 'deal' })).toBe(false);
	});

	test('selected events keep their order and honour the filters', () => {
		const change = diffContract(undefined, contract('a', 'signed', [sig('a-s1', 'signed')]))!;
		expect(
			selectedEvents(change, config(['contractSigned', 'contractCreated'])).map((e) => e.event),
		).toEqual(['contractCreated', 'contractSigned']);
		expect(
			selectedEvents(change, config(['contractSigned'], { filters: { labelContains: 'nope' } })),
		).toEqual([]);
	});

	test('details are read only when what the user receives depends on them', () => {
		const draft = tracked(contract('a', 'draft'));
		const expired = diffContract(draft, contract('a', 'expired'))!;
		expect(needsDetails(expired, config(['contractExpired']))).toBe(false);
		expect(needsDetails(expired, config(['contractSent']))).toBe(true);
		expect(
			needsDetails(expired, config(['contractSent'], { filters: { labelContains: 'nope' } })),
		).toBe(false);

		const signed = diffContract(
			tracked(contract('b', 'pending')),
			contract('b', 'signed', [sig('b-s1', 'signed')]),
		)!;
		expect(needsDetails(signed, config(['contractSigned']))).toBe(false);
		expect(needsDetails(signed, config(['contractSigned'], { downloadSignedDocument: true }))).toBe(
			true,
		);
		expect(
			needsDetails(signed, config(['signatorySigned'], { downloadSignedDocument: true })),
		).toBe(false);

		const two = diffContract(
			tracked(contract('c', 'pending', [sig('1'), sig('2')])),
			contract('c', 'pending', [sig('1', 'signed'), sig('2', 'signed')]),
		)!;
		expect(needsDetails(two, config(['signatorySigned']))).toBe(true);
		expect(needsDetails(two, config(['contractSigned']))).toBe(false);
	});

	test('a departed contract is read in one request, with details only when they may be needed', () => {
		const pending = tracked(contract('a', 'pending'));
		const draft = tracked(contract('a', 'draft'));
		expect(departedLookup(pending, config(['contractSigned']))).toBe('summary');
		expect(
			departedLookup(pending, config(['contractSigned'], { downloadSignedDocument: true })),
		).toBe('details');
		expect(departedLookup(draft, config(['contractExpired']))).toBe('summary');
		expect(departedLookup(draft, config(['contractSent']))).toBe('details');
	});
});

describe('static data', () => {
	test('round-trips through JSON; anything else starts over', () => {
		const a = contract('a', 'pending', [sig('s1'), sig('s2', 'locked')], { createdAt: at(1) });
		const state: TriggerState = {
			...emptyState(),
			openContracts: { a: trackContract(a) },
			newestCreatedAt: at(1),
			idsAtNewestCreatedAt: ['a'],
		};
		const data: Record<string, unknown> = {};
		writeState(data, state);
		expect(readState(JSON.parse(JSON.stringify(data)))).toEqual(state);

		expect(readState({})).toBeUndefined();
		expect(readState({ ...data, version: 99 })).toBeUndefined();
		expect(readState({ ...data, openContracts: { a: { status: 'signed' } } })).toBeUndefined();
		expect(readState({ ...data, idsAtNewestCreatedAt: 'a' })).toBeUndefined();
	});

	test('a version 1 state (open contracts under "activeContracts") is read, and rewritten as version 2', () => {
		const a = contract('a', 'pending', [sig('s1')], { createdAt: at(1) });
		const version1 = {
			version: 1,
			activeContracts: { a: trackContract(a) },
			newestCreatedAt: at(1),
			idsAtNewestCreatedAt: ['a'],
		};
		const state = readState(JSON.parse(JSON.stringify(version1)));
		expect(state).toEqual({
			version: 2,
			openContracts: { a: trackContract(a) },
			newestCreatedAt: at(1),
			idsAtNewestCreatedAt: ['a'],
		});

		const data: Record<string, unknown> = { ...version1 };
		writeState(data, { ...state!, openContracts: {} });
		expect(data).toEqual({ ...state, openContracts: {} });
	});

	test('writing an equal state changes nothing (no needless save)', () => {
		const data: Record<string, unknown> = {};
		writeState(data, emptyState());
		const observed = new Proxy(data, {
			set() {
				throw new Error('unexpected write');
			},
		});
		expect(() => writeState(observed, emptyState())).not.toThrow();
	});

	test('failure counter', () => {
		const data: Record<string, unknown> = {};
		expect(readFailureCount(data)).toBe(0);
		writeFailureCount(data, 2);
		expect(readFailureCount(data)).toBe(2);
		writeFailureCount(data, 0);
		expect(data).toEqual({});
	});
});
