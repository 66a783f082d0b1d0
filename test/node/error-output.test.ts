/**
 * "On Error: Continue (using error output)": failed items leave on the node's error output,
 * the others on the main output, each paired with its input item.
 */
import { INPUT_NODE_NAME, runWorkflow } from '../helpers';
import { createParameters, leaseItem, useNodeKit } from './contract.helpers';

const kit = useNodeKit();
const NAME = 'Contrat-Privé';

describe('error output', () => {
	test('an invalid item goes to the error output, the valid ones are sent', async () => {
		const result = await runWorkflow(
			[
				{
					name: NAME,
					type: 'contratPrive',
					parameters: createParameters({ label: '={{ $json.label }}' }),
					onError: 'continueErrorOutput',
				},
			],
			[[INPUT_NODE_NAME, NAME]],
			{
				credentials: kit.credentials(),
				items: [
					await leaseItem({ label: 'Bail OK' }),
					await leaseItem({ label: '' }),
					await leaseItem({ label: 'Bail OK 2' }),
				],
			},
		);
		expect(result.status).toBe('success');
		const ok = result.output(NAME, 0);
		const failed = result.output(NAME, 1);
		expect(ok.map((i) => [i.json.label, i.pairedItem])).toEqual([
			['Bail OK', { item: 0 }],
			['Bail OK 2', { item: 2 }],
		]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toEqual({ error: 'Item 1: "Label" is empty' });
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest' })).toBe(2);
	});

	test('an API error (unknown keys) goes to the error output', async () => {
		const result = await runWorkflow(
			[
				{
					name: NAME,
					type: 'contratPrive',
					parameters: { resource: 'connection', operation: 'check' },
					onError: 'continueErrorOutput',
				},
			],
			[[INPUT_NODE_NAME, NAME]],
			{
				credentials: kit.credentials('sandbox', { apiUser: 'nobody', apiKey: 'not-a-key' }),
			},
		);
		expect(result.status).toBe('success');
		expect(result.output(NAME, 0)).toEqual([]);
		expect(result.output(NAME, 1).map((i) => i.json)).toEqual([
			{ error: 'Contrat-Privé does not know this API key pair' },
		]);
	});

	test('"continue (regular output)" keeps { error, description, errorCode } on the main output', async () => {
		const result = await runWorkflow(
			[
				{
					name: NAME,
					type: 'contratPrive',
					parameters: { resource: 'connection', operation: 'check' },
					onError: 'continueRegularOutput',
				},
			],
			[[INPUT_NODE_NAME, NAME]],
			{
				credentials: kit.credentials('sandbox', { apiUser: 'nobody', apiKey: 'not-a-key' }),
			},
		);
		expect(result.output(NAME, 0).map((i) => i.json)).toEqual([
			{
				error: 'Contrat-Privé does not know this API key pair',
				description: expect.stringContaining('Copy API User and API Key again'),
				errorCode: 'INVALID_CREDENTIALS',
			},
		]);
		expect(result.output(NAME, 0)[0].error).toBeUndefined();
	});
});
