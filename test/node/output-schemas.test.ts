/**
 * The output schemas of the action node (nodes/ContratPrive/__schema__), checked both ways
 * against real outputs: every operation run through n8n-core's engine against the emulator,
 * in the situations that fill every field (production quota, deposit and bank account,
 * annexes, a signed contract with its audit log, a cancelled one, a skipped SMS...).
 *
 * - every item every operation outputs validates against its schema (no field missing, none
 *   that the schema does not describe, types and enums as described);
 * - every property of every schema holds a value (not null) in at least one of those items.
 *
 * So an output that changes without its schema, or a schema that promises a field no output
 * has, fails here.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import type { JsonSchema } from '../helpers/json-schema';
import { undescribedPaths, unseenPaths, validate } from '../helpers/json-schema';
import {
	actionOperations,
	actionSchema,
	actionSchemaFile,
	ACTION_SCHEMA_DIR,
	TRIGGER_SCHEMA_DIR,
	triggerSchemaFile,
	triggerVersions,
} from '../helpers/output-schemas';
import type { WireContract } from '../emulator/wire-reply';
import type { CreatedContract, SmsSentToAll } from '../helpers/outputs';
import { jsonAs } from '../helpers/outputs';
import type { RunNodeResult } from '../helpers/run-workflow';
import {
	byId,
	createContractViaApi,
	createParameters,
	leaseItem,
	leasePdf,
	parisDate,
	useNodeKit,
} from './contract.helpers';
import { SANDBOX_TEST_CARD } from '../emulator';
import { pdfFile } from '../fixtures/pdf';
import { VALID_IBAN } from '../fixtures/ibans';
import { ALICE, BOB } from '../fixtures/people';

const kit = useNodeKit();

/** Every item each operation output in this file, by "resource/operation". */
const outputs = new Map<string, unknown[]>();

/** Runs an operation, checks it succeeded, and keeps its items for the coverage check. */
async function run(
	resource: string,
	operation: string,
	parameters: INodeParameters,
	items: Parameters<typeof kit.run>[1] = [{ json: {} }],
	options: Parameters<typeof kit.run>[2] = {},
): Promise<RunNodeResult> {
	const result = await kit.run({ resource, operation, ...parameters }, items, options);
	expect(result.error).toBeUndefined();
	expect(result.items.length).toBeGreaterThan(0);
	const schema = actionSchema(resource, operation);
	for (const [index, item] of result.items.entries()) {
		expect({ item: index, errors: validate(schema, item.json) }).toEqual({
			item: index,
			errors: [],
		});
	}
	const key = `${resource}/${operation}`;
	outputs.set(key, [...(outputs.get(key) ?? []), ...result.items.map((item) => item.json)]);
	return result;
}

/** Every file under `dir`, as relative paths, sorted. */
function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
		.sort();
}

/** A contract with a deposit, bank account, reference and annex, sent through the API. */
async function createWithEverything(reference: string): Promise<WireContract> {
	const pdf = (await leasePdf()).toString('base64');
	const response = await kit.api('sandbox', 'contractCreateRequest', {
		contract: {
			label: 'Bail meublé - Lyon',
			lang: 'en',
			deadline: parisDate(30),
			reference,
			bankAccount: { iban: VALID_IBAN, bic: 'AGRIFRPP', holder: 'SCI Les Tilleuls' },
		},
		mainDocument: { name: 'lease.pdf', data: pdf },
		annexes: [{ name: 'inventory.pdf', data: pdf }],
		signatories: [
			{ ...ALICE, deposit: 150 },
			{ ...BOB, deposit: 0 },
		],
		notify: { signatory: false, owner: false },
		action: { submit: true },
	});
	expect(response.status).toBe(200);
	return response.body.contract;
}

const TEST_CARD = { card: SANDBOX_TEST_CARD, expiry: '12/39', cvc: '123' };

/** A signatory pays its deposit (if any) and signs, on the website. */
async function payAndSign(contractId: string, signatory: { id: string; deposit: number }) {
	const at = `/contracts/${contractId}/signatories/${signatory.id}`;
	if (signatory.deposit > 0)
		expect((await kit.control('POST', `${at}/pay`, TEST_CARD)).status).toBe(200);
	expect((await kit.control('POST', `${at}/sign`)).status).toBe(200);
}

async function payAndSignAll(contract: {
	id: string;
	signatories: Array<{ id: string; deposit: number }>;
}) {
	for (const signatory of contract.signatories) await payAndSign(contract.id, signatory);
}

describe('schema files', () => {
	test('one per operation of the action node and one per trigger version, and no other', () => {
		expect(filesUnder(ACTION_SCHEMA_DIR)).toEqual(actionOperations().map(actionSchemaFile).sort());
		expect(filesUnder(TRIGGER_SCHEMA_DIR)).toEqual(triggerVersions().map(triggerSchemaFile).sort());
		expect(actionOperations()).toHaveLength(8);
	});

	test.each(actionOperations().map((ref) => [actionSchemaFile(ref), ref] as const))(
		'%s: an object schema whose every field has a description',
		(file, ref) => {
			expect(existsSync(path.join(ACTION_SCHEMA_DIR, file))).toBe(true);
			const schema: JsonSchema = actionSchema(ref.resource, ref.operation, ref.version);
			expect(schema.type).toBe('object');
			expect(schema.description).toBeTruthy();
			expect(undescribedPaths(schema)).toEqual([]);
		},
	);
});

describe('every output validates against its schema', () => {
	test('Connection › Check, sandbox (no quota) and production (quota)', async () => {
		await run('connection', 'check', {});
		await run('connection', 'check', {}, [{ json: {} }], { platform: 'production' });
	});

	test('Contract › Create: sent with a deposit, bank account, reference and annex; a draft; re-runs finding it signed, then cancelled', async () => {
		const annex = pdfFile(await leasePdf(), 'inventory.pdf');
		const item = await leaseItem();
		item.binary = { ...item.binary, annex };
		const parameters = createParameters({
			signatories: { signatory: [{ ...ALICE, deposit: 150 }, { ...BOB }] },
			bankAccount: { iban: VALID_IBAN, bic: 'AGRIFRPP', holder: 'SCI Les Tilleuls' },
			additionalFields: { reference: 'DEAL-42', annexes: 'annex' },
		});
		const first = await run('contract', 'create', parameters, [item]);
		const created = jsonAs<CreatedContract>(first.items[0]);
		expect(created).toMatchObject({ alreadyExisted: false, reference: 'DEAL-42' });
		await payAndSignAll(created);
		const signed = await run('contract', 'create', parameters, [item]);
		expect(signed.items[0].json).toMatchObject({ alreadyExisted: true, status: 'signed' });

		const draft = createParameters({ action: 'draft', additionalFields: { reference: 'DEAL-43' } });
		const sent = await run('contract', 'create', draft, [await leaseItem()]);
		const id = jsonAs<CreatedContract>(sent.items[0]).id;
		expect((await kit.control('POST', `/contracts/${id}/validate`)).status).toBe(200);
		expect((await kit.api('sandbox', 'contractCancelRequest', { contractId: id })).status).toBe(
			200,
		);
		const cancelled = await run('contract', 'create', draft, [await leaseItem()]);
		expect(cancelled.items[0].json).toMatchObject({ alreadyExisted: true, status: 'cancelled' });
	});

	test('Contract › Get: signed, with bank account, annex, audit log and documents; cancelled; pending', async () => {
		const signed = await createWithEverything('DEAL-7');
		await payAndSignAll(signed);
		const result = await run('contract', 'get', {
			contractId: byId(signed.id),
			options: { includeAuditLog: true, downloadDocuments: true },
		});
		expect(Object.keys(result.items[0].binary ?? {}).sort()).toEqual([
			'annex_0',
			'original',
			'signed',
		]);
		const cancelled = await createContractViaApi(kit);
		expect(
			(await kit.api('sandbox', 'contractCancelRequest', { contractId: cancelled.id })).status,
		).toBe(200);
		await run('contract', 'get', { contractId: byId(cancelled.id) });
		const pending = await createContractViaApi(kit);
		await run('contract', 'get', { contractId: byId(pending.id) });
	});

	test('Contract › Get Many: contracts with and without a reference', async () => {
		await createContractViaApi(kit, 'sandbox', { reference: 'DEAL-8' });
		await createContractViaApi(kit);
		const result = await run('contract', 'getMany', { returnAll: true });
		expect(result.items).toHaveLength(2);
	});

	test('Contract › Cancel: one signatory had signed; a bank account, a reference and an annex', async () => {
		const contract = await createWithEverything('DEAL-9');
		await payAndSign(contract.id, contract.signatories[0]);
		await run('contract', 'cancel', { contractId: byId(contract.id), reason: 'Offer withdrawn' });
	});

	test('Signatory › Send SMS Code, sandbox (no SMS limit) and production (SMS left)', async () => {
		const sandbox = await createContractViaApi(kit);
		await run('signatory', 'sendSms', {
			contractId: byId(sandbox.id),
			signatoryId: sandbox.signatories[0].id,
		});
		const production = await createContractViaApi(kit, 'production');
		await run(
			'signatory',
			'sendSms',
			{ contractId: byId(production.id), signatoryId: production.signatories[0].id },
			[{ json: {} }],
			{ platform: 'production' },
		);
	});

	test('Signatory › Send SMS Code to All, one signatory already signed (skipped)', async () => {
		const contract = await createContractViaApi(kit);
		await run('signatory', 'sign', {
			contractId: byId(contract.id),
			signatoryId: contract.signatories[0].id,
			code: '0000',
		});
		const result = await run('signatory', 'sendSmsToAll', { contractId: byId(contract.id) });
		expect(jsonAs<SmsSentToAll>(result.items[0]).skipped).toHaveLength(1);
	});

	test('Signatory › Sign, the last signatory: the contract is signed', async () => {
		const contract = await createContractViaApi(kit, 'sandbox', {
			signatories: [{ ...ALICE, deposit: 0 }],
		});
		await run('signatory', 'sign', {
			contractId: byId(contract.id),
			signatoryId: contract.signatories[0].id,
			code: '0000',
		});
	});
});

describe('every property of every schema appears in a real output', () => {
	test.each(actionOperations().map((ref) => [`${ref.resource}/${ref.operation}`, ref] as const))(
		'%s',
		(key, ref) => {
			const items = outputs.get(key) ?? [];
			expect(items.length).toBeGreaterThan(0);
			expect(unseenPaths(actionSchema(ref.resource, ref.operation, ref.version), items)).toEqual(
				[],
			);
		},
	);
});
