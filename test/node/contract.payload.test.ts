/**
 * Contract › Create: PAYLOAD_TOO_LARGE. Each document passes the node's 20 MB check, but six of
 * them (a main document and five annexes of 19 MB) make a request body over the server's limit.
 */
import { makePdfOfSize, pdfFile } from '../fixtures/pdf';
import { createParameters, expectNoSecret, useNodeKit } from './contract.helpers';

const kit = useNodeKit();

test('PAYLOAD_TOO_LARGE: documents each under 20 MB, a body over the server limit', async () => {
	const document = await makePdfOfSize(19 * 1024 * 1024);
	const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
	const binary: Record<string, ReturnType<typeof pdfFile>> = {
		data: pdfFile(document, 'main.pdf'),
	};
	for (const name of names) binary[name] = pdfFile(document, `${name}.pdf`);

	const result = await kit.run(
		createParameters({ additionalFields: { annexes: names.join(',') } }),
		[{ json: {}, binary }],
	);
	expect(result.error?.message).toBe('The documents together are too large for Contrat-Privé');
	expect(result.error?.description).toContain('fewer or smaller annexes');
	expect(result.error?.httpCode).toBe('413');
	expect(kit.emulator.requestCount({ requestName: 'contractCreateRequest', status: 413 })).toBe(1);
	expect(result.error!.json).not.toContain('JVBERi0');
	expectNoSecret(result);
}, 120_000);
