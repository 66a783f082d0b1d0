/**
 * Sample documents to send, for the example workflows: not part of the
 * Contrat-Privé API.
 *
 *   GET /_samples/contract.pdf                 a two-page sample contract
 *   GET /_samples/contract.pdf?title=…&party=…  with that title and party name on page 1
 *
 * The parameters are plain text (at most 120 characters each), drawn with a
 * standard font; the file name in Content-Disposition is `contract.pdf`.
 */
import type { FastifyInstance } from 'fastify';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { winAnsi } from './pdf';

export const SAMPLE_PDF_PATH = '/_samples/contract.pdf';
const MAX_TEXT = 120;
const A4: [number, number] = [595.28, 841.89];
const CACHE_MAX = 100;

const cache = new Map<string, Buffer>();

/** A two-page sample contract; `%PDF-` … `%%EOF`, readable by pdftotext. */
export async function makeSampleContract(title: string, party: string): Promise<Buffer> {
	const key = `${title}\n${party}`;
	const cached = cache.get(key);
	if (cached) return cached;
	const doc = await PDFDocument.create();
	doc.setTitle(winAnsi(title));
	doc.setProducer('Contrat-Privé emulator');
	const font = await doc.embedFont(StandardFonts.Helvetica);
	const bold = await doc.embedFont(StandardFonts.HelveticaBold);
	const dark = rgb(0.1, 0.1, 0.1);

	const first = doc.addPage(A4);
	let y = 770;
	const line = (text: string, size = 11, f = font, gap = 8) => {
		first.drawText(winAnsi(text), { x: 60, y, size, font: f, color: dark });
		y -= size + gap;
	};
	line(title, 18, bold, 18);
	if (party) line(`Between the company and ${party}`, 12, font, 18);
	for (const text of [
		'Article 1 - Purpose. This sample document stands for the contract your',
		'CRM, HR or ERP system would produce for this row.',
		'Article 2 - Signature. The parties sign electronically through Contrat-Privé;',
		'the signed copy carries a certificate page and a timestamp.',
	]) {
		line(text);
	}
	const second = doc.addPage(A4);
	second.drawText('Article 3 - Annex. Sample text, page 2.', {
		x: 60,
		y: 770,
		size: 11,
		font,
		color: dark,
	});
	const bytes = Buffer.from(await doc.save({ useObjectStreams: false }));
	if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
	cache.set(key, bytes);
	return bytes;
}

function textParam(value: unknown, fallback: string): string | undefined {
	if (value === undefined) return fallback;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text.length > MAX_TEXT) return undefined;
	return text || fallback;
}

export function registerSamples(app: FastifyInstance): void {
	app.get(SAMPLE_PDF_PATH, async (req, reply) => {
		const query = (req.query ?? {}) as Record<string, unknown>;
		const title = textParam(query.title, 'Sample contract');
		const party = textParam(query.party, '');
		if (title === undefined || party === undefined) {
			return reply.code(400).send({
				error: {
					code: 'VALIDATION_ERROR',
					message: `title and party must be text of at most ${MAX_TEXT} characters`,
				},
			});
		}
		const pdf = await makeSampleContract(title, party);
		return reply
			.header('content-type', 'application/pdf')
			.header('content-disposition', 'attachment; filename="contract.pdf"')
			.header('x-content-type-options', 'nosniff')
			.send(pdf);
	});
}
