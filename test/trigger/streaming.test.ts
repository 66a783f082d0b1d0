/**
 * The trigger's signed document when the reply carrying it breaks off mid-download, cut on the
 * wire by a proxy in front of the emulator (test/helpers/cutting-proxy.ts). The trigger's failure
 * policy applies (test/trigger/failures.test.ts): a broken reply is a transient fault, so the
 * poll is quiet the first two times and reports a clear error the third; its state is untouched
 * and no binary of a broken reply is emitted. The next poll that gets the whole reply emits the
 * signed contract once, with the signed PDF byte for byte as the emulator keeps it.
 */
import { createHash } from 'node:crypto';

import type { CuttingProxy } from '../helpers/cutting-proxy';
import { startCuttingProxy } from '../helpers/cutting-proxy';
import { storedBinaryFiles } from '../helpers/environment';
import { runPoll } from '../helpers/poll';
import { readBinary } from '../helpers/run-workflow';
import { KEYS } from '../fixtures/accounts';
import { numberedPerson } from '../fixtures/people';
import { signablePdfOfSize } from '../fixtures/pdf';
import {
	DEADLINE,
	N8nInstance,
	contractEventsOf,
	nodeData,
	useTriggerKit,
} from './trigger.helpers';

const kit = useTriggerKit();
let proxy: CuttingProxy;
let pdf: Buffer;

beforeAll(async () => {
	proxy = await startCuttingProxy(Number(new URL(kit.emulator.url).port));
	// Large enough that the cut falls inside the signed PDF's base64.
	pdf = await signablePdfOfSize(3_000_000);
});
afterAll(async () => await proxy.close());

/** Past the headers and the contract's fields: inside the document's base64. */
const MID_DOCUMENT = 1_000_000;
/** The trigger's version 1 reads its timeout in seconds. */
const STALL_TIMEOUT_SECONDS = 3;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** An n8n instance whose trigger reaches the emulator through the cutting proxy. */
function instanceThroughProxy(options: Record<string, unknown> = {}): N8nInstance {
	const credentials = { ...kit.credentials(), baseUrl: proxy.url(kit.emulator.baseUrls.sandbox) };
	return new N8nInstance(
		async (staticData, activation) =>
			await runPoll({
				node: {
					parameters: {
						events: ['signatorySigned', 'contractSigned'],
						options: { downloadSignedDocument: true, ...options },
					},
				},
				credentials,
				staticData,
				mode: 'trigger',
				activation,
				binaryDataMode: 'filesystem',
			}),
	);
}

/** A pending contract whose document is `pdf`, signed once the trigger tracks it. */
async function signedContractTracked(n8n: N8nInstance) {
	const created = await kit.api('contractCreateRequest', {
		contract: { label: 'Bail commercial - Nantes', lang: 'fr', deadline: DEADLINE },
		mainDocument: { name: 'bail.pdf', data: pdf.toString('base64') },
		signatories: [numberedPerson(1)],
		notify: { signatory: false, owner: false },
		action: { submit: true },
	});
	expect(created.status).toBe(200);
	const contract = created.body.contract;
	const activation = await n8n.activate();
	expect(activation.error).toBeUndefined();
	await kit.signAll(contract.id);
	return contract as { id: string; signatories: Array<{ id: string }> };
}

/** The signed PDF as the emulator keeps it (asked over its control API, not through the proxy). */
async function emulatorsSignedPdf(contractId: string): Promise<Buffer> {
	const view = await kit.view(contractId);
	const signed = view.mainDocument.data.sign?.content;
	if (signed === undefined) throw new Error(`contract ${contractId} has no signed PDF yet`);
	return Buffer.from(signed, 'base64');
}

/** The poll after the failures: the signed contract, once, with its PDF whole. */
async function expectCaughtUp(
	n8n: N8nInstance,
	contract: { id: string; signatories: Array<{ id: string }> },
) {
	const caughtUp = await n8n.poll();
	expect(caughtUp.error).toBeUndefined();
	expect(contractEventsOf(caughtUp)).toEqual([
		`${contract.id} signatorySigned:${contract.signatories[0].id}`,
		`${contract.id} contractSigned`,
	]);
	const signed = caughtUp.items![0][1];
	expect(signed.binary?.signedDocument.mimeType).toBe('application/pdf');
	const received = await readBinary(signed, 'signedDocument');
	const kept = await emulatorsSignedPdf(contract.id);
	expect(received.length).toBe(kept.length);
	expect(sha256(received)).toBe(sha256(kept));
	expect(nodeData(n8n.memory).consecutiveFailures).toBeUndefined();
	// No event lost, none twice: everything emitted since activation is this one poll's.
	expect(contractEventsOf(n8n.emitted)).toEqual(contractEventsOf(caughtUp));
}

describe('the signed document, its reply broken mid-download', () => {
	test('dropped three polls in a row: quiet twice, a clear error the third, then the PDF whole', async () => {
		const n8n = instanceThroughProxy();
		const contract = await signedContractTracked(n8n);
		const before = JSON.stringify(nodeData(n8n.memory));
		const filesBefore = await storedBinaryFiles();
		proxy.cut({
			requestName: 'contractDetailRequest',
			direction: 'download',
			how: 'drop',
			after: MID_DOCUMENT,
			times: 3,
		});

		for (const attempt of [1, 2, 3]) {
			const failed = await n8n.poll();
			expect(proxy.made.at(-1)).toBe('contractDetailRequest download drop');
			expect(failed.items).toBeNull();
			const { consecutiveFailures, ...state } = nodeData(n8n.memory);
			expect(consecutiveFailures).toBe(attempt);
			expect(JSON.stringify(state)).toBe(before);
			if (attempt < 3) {
				expect(failed.error).toBeUndefined();
				expect(failed.logs.join('\n')).toContain(
					"poll failed (Contrat-Privé's reply to contractDetailRequest broke off before it was complete); nothing is lost",
				);
			} else {
				expect(failed.error?.message).toBe(
					"Contrat-Privé's reply to contractDetailRequest broke off before it was complete",
				);
				const description = String((failed.error as { description?: string }).description);
				expect(description).toContain('No document of this reply was kept.');
				expect(description).toContain('This is failed poll number 3 in a row. Nothing is lost');
				expect(JSON.stringify(failed.error)).not.toContain(KEYS.sandbox.apiKey);
			}
		}
		expect(n8n.emitted).toEqual([]);
		// Nothing of the three broken downloads was left in n8n's binary data.
		expect(await storedBinaryFiles()).toEqual(filesBefore);

		await expectCaughtUp(n8n, contract);
		// The folder checked is where the whole PDF did go.
		expect((await storedBinaryFiles()).length).toBeGreaterThan(filesBefore.length);
	}, 60_000);

	test('stalled mid-document: the timeout ends the poll quietly, the next one emits the PDF whole', async () => {
		const n8n = instanceThroughProxy({ timeout: STALL_TIMEOUT_SECONDS });
		const contract = await signedContractTracked(n8n);
		const before = JSON.stringify(nodeData(n8n.memory));
		const filesBefore = await storedBinaryFiles();
		proxy.cut({
			requestName: 'contractDetailRequest',
			direction: 'download',
			how: 'stall',
			after: MID_DOCUMENT,
		});

		const failed = await n8n.poll();
		expect(proxy.made.at(-1)).toBe('contractDetailRequest download stall');
		expect(failed.error).toBeUndefined();
		expect(failed.items).toBeNull();
		expect(failed.logs.join('\n')).toContain(
			'poll failed (Contrat-Privé stopped sending its reply to contractDetailRequest); nothing is lost',
		);
		const { consecutiveFailures, ...state } = nodeData(n8n.memory);
		expect(consecutiveFailures).toBe(1);
		expect(JSON.stringify(state)).toBe(before);
		expect(n8n.emitted).toEqual([]);
		expect(await storedBinaryFiles()).toEqual(filesBefore);

		await expectCaughtUp(n8n, contract);
	}, 60_000);
});
