/**
 * The failure class of a failed request is a field of its error (`failure`), kept in the error
 * n8n stores, and the debug log prints it with each failed attempt.
 */
import type { INodeParameters } from 'n8n-workflow';

import { byId, FAST_RETRIES, useNodeKit } from './contract.helpers';

const kit = useNodeKit();

const check: INodeParameters = {
	resource: 'connection',
	operation: 'check',
	options: FAST_RETRIES,
};

async function fault(body: Record<string, unknown>) {
	const added = await kit.control('POST', '/faults', body);
	expect(added.status).toBe(200);
}

test("a server error: unknown delivery, transient, in the error and in every attempt's log line", async () => {
	await fault({ kind: '503', count: 100, requestName: 'checkConnexionRequest' });
	const result = await kit.run(check, [{ json: {} }]);

	expect(result.error?.stored.failure).toEqual({ delivery: 'unknown', transient: true });
	const failed = result.logs.filter((line) =>
		line.includes(
			'checkConnexionRequest failed (unknown, transient: Contrat-Privé had a server error)',
		),
	);
	expect(failed).toHaveLength(FAST_RETRIES.maxRetries + 1);
});

test('an answer refusing the request: rejected, final, not sent again', async () => {
	const result = await kit.run(
		{
			resource: 'contract',
			operation: 'get',
			contractId: byId('ctr_unknown'),
			options: FAST_RETRIES,
		},
		[{ json: {} }],
	);

	expect(result.error?.httpCode).toBe('404');
	expect(result.error?.stored.failure).toEqual({ delivery: 'rejected', transient: false });
	expect(
		result.logs.some((line) =>
			line.includes(
				'contractDetailRequest failed (rejected, final: Contract not found); not sent again',
			),
		),
	).toBe(true);
	expect(kit.emulator.requestCount({ requestName: 'contractDetailRequest' })).toBe(1);
});

test('a rate limit: not sent, sent again after the wait, and the log says so', async () => {
	await fault({ kind: '429', count: 1, requestName: 'checkConnexionRequest' });
	const result = await kit.run(check, [{ json: {} }]);

	expect(result.error).toBeUndefined();
	expect(
		result.logs.some((line) =>
			line.includes('checkConnexionRequest rate-limited (HTTP 429); sent again'),
		),
	).toBe(true);
	expect(kit.emulator.requestCount({ requestName: 'checkConnexionRequest' })).toBe(2);
});
