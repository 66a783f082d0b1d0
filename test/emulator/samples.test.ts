/** GET /_samples/contract.pdf: the sample document the example workflows send. */
import { execFileSync } from 'child_process';
import { PDFDocument } from 'pdf-lib';
import { Emulator, startEmulator } from './index';

const hasPdftotext = (() => {
	try {
		execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

describe('sample PDF route', () => {
	let sb: Emulator;
	beforeAll(async () => {
		sb = await startEmulator({ port: 0 });
	});
	afterAll(async () => {
		await sb.close();
	});

	it('serves a two-page PDF the API accepts, outside the request log', async () => {
		const res = await fetch(`${sb.url}/_samples/contract.pdf`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toBe('attachment; filename="contract.pdf"');
		const pdf = Buffer.from(await res.arrayBuffer());
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		expect(pdf.subarray(-6).toString()).toContain('%%EOF');
		expect((await PDFDocument.load(pdf)).getPageCount()).toBe(2);
		expect(sb.requestCount()).toBe(0);
	});

	it('puts the title and the party on the first page', async () => {
		const res = await fetch(
			`${sb.url}/_samples/contract.pdf?title=${encodeURIComponent('Contrat de travail - Élodie Petit')}&party=${encodeURIComponent('Élodie Petit')}`,
		);
		expect(res.status).toBe(200);
		const pdf = Buffer.from(await res.arrayBuffer());
		const doc = await PDFDocument.load(pdf);
		expect(doc.getTitle()).toBe('Contrat de travail - Élodie Petit');
		if (hasPdftotext) {
			const text = execFileSync('pdftotext', ['-l', '1', '-', '-'], { input: pdf }).toString();
			expect(text).toContain('Contrat de travail - Élodie Petit');
			expect(text).toContain('Between the company and Élodie Petit');
		}
	});

	it('refuses a title over 120 characters or given twice', async () => {
		const long = await fetch(`${sb.url}/_samples/contract.pdf?title=${'x'.repeat(121)}`);
		expect(long.status).toBe(400);
		expect(((await long.json()) as { error: { code: string } }).error.code).toBe(
			'VALIDATION_ERROR',
		);
		const twice = await fetch(`${sb.url}/_samples/contract.pdf?title=a&title=b`);
		expect(twice.status).toBe(400);
	});
});
