/**
 * n8n adds "Custom API Call" to Resource and Operation of a node whose credential signs
 * requests (our credential's `authenticate`). Chosen in this node, it says where such calls are
 * made instead of failing on a missing parameter; nothing is sent.
 */
import { useNodeKit } from './contract.helpers';

const kit = useNodeKit();

describe('Custom API Call', () => {
	test.each([
		['as the resource', { resource: '__CUSTOM_API_CALL__' }],
		['as the operation', { resource: 'contract', operation: '__CUSTOM_API_CALL__' }],
	])(
		'%s: a clear error pointing to the HTTP Request node, no request',
		async (_name, parameters) => {
			kit.emulator.resetRequestLog();
			const result = await kit.run(parameters, [{ json: {} }]);
			expect(result.error?.message).toBe(
				'Custom API calls are made with the HTTP Request node, not this node',
			);
			expect(result.error?.description).toContain('Predefined Credential Type');
			expect(kit.emulator.requests).toEqual([]);
		},
	);
});
