/**
 * Fault injection: every operation of the node × every fault kind of the emulator (500, 502,
 * 503, timeout, reset, malformed), injected before the emulator processed the request or after
 * it did (only the response fails), once or on every attempt; plus connection refused, for a
 * moment or for good.
 *
 * For each cell the node runs through n8n-core's engine against the production platform of the
 * emulator (real SMS codes, SMS and attempt limits) and the test checks:
 * - the outcome: success after retry, or a clear error saying what is known;
 * - the emulator's state: never a duplicate contract, an extra SMS or an extra sign attempt, and
 *   the number of requests of the faulty kind the node sent.
 *
 * The figures go to test-results/fault-matrix.json and to the console.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../helpers/run-workflow';
import type { Item } from './contract.helpers';
import {
	byId,
	createContractViaApi,
	createParameters,
	expectNoSecret,
	FAILURE_KINDS,
	FAST_RETRIES,
	leaseItem,
	useNodeKit,
} from './contract.helpers';
import { PRODUCTION_KEYS } from '../fixtures/accounts';

const kit = useNodeKit();

const PLATFORM = 'production';
const FAST = FAST_RETRIES;
const MAX_ATTEMPTS = FAST.maxRetries + 1;

const KINDS = FAILURE_KINDS;
type Kind = (typeof KINDS)[number] | 'refused';
type When = 'before' | 'after' | 'no connection';
type Count = 'once' | 'persistent';

interface Context {
	contractId?: string;
	signatoryIds?: string[];
	code?: string;
}

interface Effects {
	/** Contracts that exist after the run and did not before. */
	created: number;
	/** SMS sent during the run. */
	sms: number;
	/** Sign attempts (signed or failed) during the run. */
	signAttempts: number;
	/** Cancellations during the run. */
	cancels: number;
}

interface Expectation extends Effects {
	outcome: 'success' | 'error';
	/** Requests of the faulty kind the node sends. */
	requests: number;
	/** The error message, when the outcome is an error. */
	message?: RegExp;
}

interface Operation {
	name: string;
	/** The request the faults are injected into. */
	requestName: string;
	setup(): Promise<Context>;
	parameters(context: Context): INodeParameters;
	items(): Promise<Item[]>;
	/** What one processing of the request does. */
	once: Effects;
	expect(when: When, count: Count): Expectation;
}

const NONE: Effects = { created: 0, sms: 0, signAttempts: 0, cancels: 0 };
const REFERENCE = 'DEAL-2026-0042';

async function pendingContract(): Promise<Context> {
	const contract = await createContractViaApi(kit, PLATFORM);
	return { contractId: contract.id, signatoryIds: contract.signatories.map((s) => s.id) };
}

/** A read succeeds after one fault; after a fault on every attempt it fails, attempts bounded. */
function read(when: When, count: Count): Expectation {
	if (count === 'persistent') {
		return { ...NONE, outcome: 'error', requests: when === 'no connection' ? 0 : MAX_ATTEMPTS };
	}
	return { ...NONE, outcome: 'success', requests: when === 'no connection' ? 1 : 2 };
}

const operations: Operation[] = [
	{
		name: 'Connection › Check',
		requestName: 'checkConnexionRequest',
		setup: async () => ({}),
		parameters: () => ({ resource: 'connection', operation: 'check', options: FAST }),
		items: async () => [{ json: {} }],
		once: NONE,
		expect: read,
	},
	{
		name: 'Contract › Get',
		requestName: 'contractDetailRequest',
		setup: pendingContract,
		parameters: (context) => ({
			resource: 'contract',
			operation: 'get',
			contractId: byId(context.contractId!),
			options: FAST,
		}),
		items: async () => [{ json: {} }],
		once: NONE,
		expect: read,
	},
	{
		name: 'Contract › Get Many',
		requestName: 'contractListRequest',
		setup: pendingContract,
		parameters: () => ({
			resource: 'contract',
			operation: 'getMany',
			returnAll: true,
			options: FAST,
		}),
		items: async () => [{ json: {} }],
		once: NONE,
		expect: read,
	},
	{
		name: 'Contract › Create (reference)',
		requestName: 'contractCreateRequest',
		setup: async () => ({}),
		parameters: () =>
			createParameters({ additionalFields: { reference: REFERENCE }, options: FAST }),
		items: async () => [await leaseItem()],
		once: { ...NONE, created: 1 },
		expect: (when, count) => {
			const done = { ...NONE, created: 1, outcome: 'success' as const };
			if (when === 'after') return { ...done, requests: 1 };
			if (when === 'no connection') {
				// The refusal hits the reference lookup first (a read): retried, then one create.
				return count === 'once'
					? { ...done, requests: 1 }
					: { ...NONE, outcome: 'error', requests: 0, message: /^Could not reach/ };
			}
			// Before: nothing was created; the lookup by reference shows it, and it is sent again.
			return count === 'once'
				? { ...done, requests: 2 }
				: {
						...NONE,
						outcome: 'error',
						requests: MAX_ATTEMPTS,
						message: /^Contrat-Privé did not create the contract$/,
					};
		},
	},
	{
		name: 'Contract › Create (no reference)',
		requestName: 'contractCreateRequest',
		setup: async () => ({}),
		parameters: () => createParameters({ options: FAST }),
		items: async () => [await leaseItem()],
		once: { ...NONE, created: 1 },
		expect: (when, count) => {
			if (when === 'no connection') {
				return count === 'once'
					? { ...NONE, created: 1, outcome: 'success', requests: 1 }
					: { ...NONE, outcome: 'error', requests: 0, message: /^Could not reach/ };
			}
			// The outcome is unknown: reported, never sent again.
			return {
				...NONE,
				created: when === 'after' ? 1 : 0,
				outcome: 'error',
				requests: 1,
				message: /^Contrat-Privé did not confirm that the contract was created$/,
			};
		},
	},
	{
		name: 'Contract › Cancel',
		requestName: 'contractCancelRequest',
		setup: pendingContract,
		parameters: (context) => ({
			resource: 'contract',
			operation: 'cancel',
			contractId: byId(context.contractId!),
			reason: 'Offer withdrawn',
			options: FAST,
		}),
		items: async () => [{ json: {} }],
		once: { ...NONE, cancels: 1 },
		expect: (when, count) => {
			const done = { ...NONE, cancels: 1, outcome: 'success' as const };
			if (when === 'after') return { ...done, requests: 1 };
			if (when === 'no connection') {
				return count === 'once'
					? { ...done, requests: 1 }
					: { ...NONE, outcome: 'error', requests: 0, message: /^Could not reach/ };
			}
			// Before: read back, still pending, so sent again.
			return count === 'once'
				? { ...done, requests: 2 }
				: {
						...NONE,
						outcome: 'error',
						requests: MAX_ATTEMPTS,
						message: /^Contrat-Privé did not cancel the contract$/,
					};
		},
	},
	{
		name: 'Signatory › Send SMS Code',
		requestName: 'signatorySendSmsRequest',
		setup: pendingContract,
		parameters: (context) => ({
			resource: 'signatory',
			operation: 'sendSms',
			contractId: byId(context.contractId!),
			signatoryId: context.signatoryIds![0],
			options: FAST,
		}),
		items: async () => [{ json: {} }],
		once: { ...NONE, sms: 1 },
		expect: (when, count) => {
			if (when === 'no connection') {
				return count === 'once'
					? { ...NONE, sms: 1, outcome: 'success', requests: 1 }
					: { ...NONE, outcome: 'error', requests: 0, message: /^Could not reach/ };
			}
			return {
				...NONE,
				sms: when === 'after' ? 1 : 0,
				outcome: 'error',
				requests: 1,
				message: /^Contrat-Privé did not confirm that the SMS code was sent$/,
			};
		},
	},
	{
		name: 'Signatory › Send SMS Code to All',
		requestName: 'signatorySendAllSmsRequest',
		setup: pendingContract,
		parameters: (context) => ({
			resource: 'signatory',
			operation: 'sendSmsToAll',
			contractId: byId(context.contractId!),
			options: FAST,
		}),
		items: async () => [{ json: {} }],
		once: { ...NONE, sms: 2 },
		expect: (when, count) => {
			if (when === 'no connection') {
				return count === 'once'
					? { ...NONE, sms: 2, outcome: 'success', requests: 1 }
					: { ...NONE, outcome: 'error', requests: 0, message: /^Could not reach/ };
			}
			return {
				...NONE,
				sms: when === 'after' ? 2 : 0,
				outcome: 'error',
				requests: 1,
				message: /^Contrat-Privé did not confirm that the SMS codes were sent$/,
			};
		},
	},
	{
		name: 'Signatory › Sign',
		requestName: 'signatorySignRequest',
		setup: async () => {
			const context = await pendingContract();
			const sent = await kit.api(PLATFORM, 'signatorySendSmsRequest', {
				contractId: context.contractId,
				signatoryId: context.signatoryIds![0],
			});
			expect(sent.status).toBe(200);
			const code = await kit.lastSmsCode(context.contractId!, context.signatoryIds![0]);
			return { ...context, code };
		},
		parameters: (context) => ({
			resource: 'signatory',
			operation: 'sign',
			contractId: byId(context.contractId!),
			signatoryId: context.signatoryIds![0],
			code: context.code!,
			options: FAST,
		}),
		items: async () => [{ json: {} }],
		once: { ...NONE, signAttempts: 1 },
		expect: (when, count) => {
			if (when === 'no connection') {
				return count === 'once'
					? { ...NONE, signAttempts: 1, outcome: 'success', requests: 1 }
					: { ...NONE, outcome: 'error', requests: 0, message: /^Could not reach/ };
			}
			// After: read back, signed: done. Before: read back, not signed: the code is not
			// sent again (a wrong code would count against the 5 attempts).
			return when === 'after'
				? { ...NONE, signAttempts: 1, outcome: 'success', requests: 1 }
				: {
						...NONE,
						outcome: 'error',
						requests: 1,
						message: /^Contrat-Privé did not record the signature$/,
					};
		},
	},
];

/** What the emulator holds for the production owner: contracts, SMS, sign attempts, cancels. */
async function measure(): Promise<Effects> {
	let created = 0;
	let signAttempts = 0;
	let cancels = 0;
	for (const contract of await listAll()) {
		created += 1;
		const view = await kit.control('GET', `/contracts/${contract.id}`);
		const log = view.body.contract.log as Array<{ event: string }>;
		signAttempts += log.filter((e) => e.event === 'signed' || e.event === 'sign_failed').length;
		cancels += log.filter((e) => e.event === 'cancelled').length;
	}
	return { created, sms: kit.emulator.outbox().sms.length, signAttempts, cancels };
}

async function listAll(): Promise<Array<{ id: string }>> {
	const list = await kit.api(PLATFORM, 'contractListRequest', { limit: 100 });
	expect(list.status).toBe(200);
	return list.body.contracts;
}

// ---------------------------------------------------------------------------------------------
// Connection refused: a TCP proxy to the emulator that is not listening, for a while or for good

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

function proxy(targetPort: number): {
	listen(port: number): Promise<void>;
	close(): Promise<void>;
} {
	const sockets = new Set<Socket>();
	let server: Server | undefined;
	return {
		async listen(port) {
			server = createServer((client) => {
				const upstream = connect(targetPort, '127.0.0.1');
				for (const socket of [client, upstream]) {
					sockets.add(socket);
					socket.on('close', () => sockets.delete(socket));
					socket.on('error', () => {
						client.destroy();
						upstream.destroy();
					});
				}
				client.pipe(upstream).pipe(client);
			});
			await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			if (server) await new Promise((resolve) => server!.close(resolve));
		},
	};
}

// ---------------------------------------------------------------------------------------------

interface Cell {
	operation: string;
	request: string;
	fault: Kind;
	when: When;
	count: Count;
	expected: 'success' | 'error';
	outcome: 'success' | 'error';
	error?: string;
	/** Requests of the faulty kind the node sent (and the emulator received). */
	requests: number;
	/** All requests the emulator received from the node. */
	allRequests: number;
	created: number;
	duplicates: number;
	sms: number;
	extraSms: number;
	signAttempts: number;
	extraSignAttempts: number;
	cancels: number;
	ms: number;
}

const cells: Cell[] = [];

async function runCell(operation: Operation, fault: Kind, when: When, count: Count) {
	kit.emulator.reset();
	kit.emulator.clock.set(new Date());
	const context = await operation.setup();
	const before = await measure();
	kit.emulator.resetRequestLog();

	const started = Date.now();
	let result;
	if (fault === 'refused') {
		// The credential points at a port nobody listens on. "once": the port opens 250 ms after
		// the run starts, while the node waits before its first retry (500 to 1,000 ms).
		const port = await freePort();
		const gate = proxy(kit.emulator.port);
		const parameters = operation.parameters(context);
		if (count === 'once')
			parameters.options = { ...(parameters.options as object), retryDelay: 1000 };
		const items = await operation.items();
		const run = runNode({
			node: { parameters },
			credentials: {
				platform: 'custom',
				baseUrl: `http://127.0.0.1:${port}/${PLATFORM}/api`,
				...PRODUCTION_KEYS,
			},
			items,
		});
		if (count === 'once') {
			await new Promise((resolve) => setTimeout(resolve, 250));
			await gate.listen(port);
		}
		result = await run;
		await gate.close();
		// The refusal happened, and was retried.
		expect(result.logs.some((line) => line.includes('(ECONNREFUSED)); attempt 2'))).toBe(true);
	} else {
		const added = await kit.control('POST', '/faults', {
			kind: fault,
			count: count === 'once' ? 1 : 100,
			requestName: operation.requestName,
			after: when === 'after',
		});
		expect(added.status).toBe(200);
		result = await kit.run(operation.parameters(context), await operation.items(), {
			platform: PLATFORM,
		});
		await kit.control('DELETE', '/faults');
	}
	const ms = Date.now() - started;
	const requests = kit.emulator.requestCount({ requestName: operation.requestName });
	const allRequests = kit.emulator.requests.length;
	const after = await measure();

	const effects: Effects = {
		created: after.created - before.created,
		sms: after.sms - before.sms,
		signAttempts: after.signAttempts - before.signAttempts,
		cancels: after.cancels - before.cancels,
	};
	const outcome = result.error ? 'error' : 'success';
	const cell: Cell = {
		operation: operation.name,
		request: operation.requestName,
		fault,
		when,
		count,
		expected: operation.expect(when, count).outcome,
		outcome,
		...(result.error ? { error: result.error.message } : {}),
		requests,
		allRequests,
		created: effects.created,
		duplicates: Math.max(0, effects.created - operation.once.created),
		sms: effects.sms,
		extraSms: Math.max(0, effects.sms - operation.once.sms),
		signAttempts: effects.signAttempts,
		extraSignAttempts: Math.max(0, effects.signAttempts - operation.once.signAttempts),
		cancels: effects.cancels,
		ms,
	};
	cells.push(cell);

	const expected = operation.expect(when, count);
	expect({ outcome, ...effects, requests }).toEqual({
		outcome: expected.outcome,
		created: expected.created,
		sms: expected.sms,
		signAttempts: expected.signAttempts,
		cancels: expected.cancels,
		requests: expected.requests,
	});
	if (expected.message) expect(result.error?.message).toMatch(expected.message);
	if (result.error) {
		// A clear error: what happened, and what to do.
		expect(result.error.name).toBe('NodeApiError');
		expect(result.error.description).toEqual(expect.any(String));
		expect(result.error.context?.itemIndex).toBe(0);
	} else {
		expect(result.items).toHaveLength(1);
	}
	expectNoSecret(result);
	expect(kit.emulator.internalErrors).toEqual([]);
}

describe('fault injection matrix', () => {
	for (const operation of operations) {
		describe(operation.name, () => {
			test.each(
				KINDS.flatMap((kind) =>
					(['before', 'after'] as const).flatMap((when) =>
						(['once', 'persistent'] as const).map((count) => [kind, when, count] as const),
					),
				),
			)('%s %s processing, %s', async (kind, when, count) => {
				await runCell(operation, kind, when, count);
			});

			test.each(['once', 'persistent'] as const)('connection refused, %s', async (count) => {
				await runCell(operation, 'refused', 'no connection', count);
			});
		});
	}
});

afterAll(async () => {
	if (cells.length === 0) return;
	const sum = (key: keyof Cell) => cells.reduce((total, cell) => total + Number(cell[key]), 0);
	const summary = {
		cells: cells.length,
		operations: operations.length,
		faultKinds: [...KINDS, 'refused'],
		expectedSuccess: cells.filter((cell) => cell.expected === 'success').length,
		expectedError: cells.filter((cell) => cell.expected === 'error').length,
		succeeded: cells.filter((cell) => cell.outcome === 'success').length,
		failedWithClearError: cells.filter((cell) => cell.outcome === 'error').length,
		unexpectedOutcomes: cells.filter((cell) => cell.outcome !== cell.expected).length,
		duplicateContracts: sum('duplicates'),
		extraSms: sum('extraSms'),
		extraSignAttempts: sum('extraSignAttempts'),
		requestsToEmulator: sum('allRequests'),
		slowestCellMs: Math.max(...cells.map((cell) => cell.ms)),
	};
	const byOperation = operations.map((operation) => {
		const mine = cells.filter((cell) => cell.operation === operation.name);
		const total = (key: keyof Cell) => mine.reduce((t, cell) => t + Number(cell[key]), 0);
		return {
			operation: operation.name,
			cells: mine.length,
			success: mine.filter((cell) => cell.outcome === 'success').length,
			error: mine.filter((cell) => cell.outcome === 'error').length,
			unexpected: mine.filter((cell) => cell.outcome !== cell.expected).length,
			duplicates: total('duplicates'),
			extraSms: total('extraSms'),
			extraSignAttempts: total('extraSignAttempts'),
			maxAttempts: Math.max(...mine.map((cell) => cell.requests)),
		};
	});
	const directory = join(__dirname, '..', '..', 'test-results');
	await mkdir(directory, { recursive: true });
	await writeFile(
		join(directory, 'fault-matrix.json'),
		JSON.stringify({ options: FAST, summary, byOperation, cells }, null, 2),
	);
	console.log(
		`Fault matrix: ${summary.cells} cells; ${summary.succeeded} succeeded (after retry or by checking), ${summary.failedWithClearError} failed with a clear error, ${summary.unexpectedOutcomes} unexpected; ${summary.duplicateContracts} duplicate contracts, ${summary.extraSms} extra SMS, ${summary.extraSignAttempts} extra sign attempts`,
	);
	console.table(byOperation);
});
