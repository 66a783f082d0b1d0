/** The documents of the benchmarks. */
import { randomBytes } from 'node:crypto';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';

/**
 * `count` different complete PDFs of about `size` bytes each (the item number written inside the
 * payload stream of `signablePdfOfSize`), so that no two items share a buffer.
 */
export async function distinctPdfs(count: number, size: number): Promise<Buffer[]> {
	const base = await signablePdfOfSize(size);
	const pdfs: Buffer[] = [];
	for (let index = 0; index < count; index++) {
		const pdf = Buffer.from(base);
		pdf.writeUInt32BE(index, Math.floor(pdf.length / 2));
		pdfs.push(pdf);
	}
	return pdfs;
}

/**
 * A PDF of about `size` bytes whose bulk survives the emulator's signing (pdf-lib loads the
 * original and saves it again with a watermark and a last page): the bytes are a stream object
 * referenced from the catalog, not padding after %%EOF, which a re-save drops. Random, so that
 * nothing along the way could shrink it.
 */
export async function signablePdfOfSize(size: number): Promise<Buffer> {
	const doc = await PDFDocument.create();
	const font = await doc.embedFont(StandardFonts.Helvetica);
	doc.addPage([595.28, 841.89]).drawText('Large contract', { x: 60, y: 760, size: 16, font });
	const shell = Buffer.from(await doc.save({ useObjectStreams: false }));
	const payload = Math.max(0, size - shell.length - 200);
	const ref = doc.context.register(doc.context.stream(randomBytes(payload)));
	doc.catalog.set(PDFName.of('BenchPayload'), ref);
	return Buffer.from(await doc.save({ useObjectStreams: false }));
}
