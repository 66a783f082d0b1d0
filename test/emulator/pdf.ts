/**
 * PDF generation with pdf-lib: the tiny document used by bulk seeding and the
 * signed PDF (original pages, TEST watermark in sandbox, Contrat-Privé last page).
 */
import { PDFDocument, PDFFont, PDFPage, StandardFonts, degrees, rgb } from 'pdf-lib';

const A4: [number, number] = [595.28, 841.89];

/** A one-page PDF with a line of text. */
export async function makeSimplePdf(text: string): Promise<Buffer> {
	const doc = await PDFDocument.create();
	const font = await doc.embedFont(StandardFonts.Helvetica);
	const page = doc.addPage(A4);
	page.drawText(winAnsi(text), { x: 60, y: 760, size: 14, font });
	return Buffer.from(await doc.save());
}

// Characters Helvetica (WinAnsi) can encode besides Latin-1.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

const TRANSLIT: Record<string, string> = {
	Ł: 'L',
	ł: 'l',
	Đ: 'D',
	đ: 'd',
	Ħ: 'H',
	ħ: 'h',
	ı: 'i',
	Ŀ: 'L',
	ŀ: 'l',
	ŉ: "'n",
	Ŧ: 'T',
	ŧ: 't',
	'\u2013': '-',
	'\u2212': '-',
};

/** Makes text drawable with a standard font: accents kept when WinAnsi has them. */
export function winAnsi(text: string): string {
	let out = '';
	for (const ch of text.replace(/[\r\n\t\u2028\u2029]+/g, ' ')) {
		const c = ch.codePointAt(0) ?? 0;
		if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || CP1252_EXTRA.has(ch)) {
			out += ch;
			continue;
		}
		const stripped = (TRANSLIT[ch] ?? ch).normalize('NFD').replace(/[\u0300-\u036f]/g, '');
		out += /^[\x20-\x7e]+$/.test(stripped) ? stripped : '?';
	}
	return out;
}

function fit(text: string, font: PDFFont, size: number, width: number): string {
	let t = winAnsi(text);
	if (font.widthOfTextAtSize(t, size) <= width) return t;
	while (t.length > 1 && font.widthOfTextAtSize(`${t}...`, size) > width) t = t.slice(0, -1);
	return `${t}...`;
}

export interface SignedPdfInput {
	platform: 'sandbox' | 'production';
	original: Buffer;
	originalName: string;
	originalSha256: string;
	contractId: string;
	label: string;
	reference: string | null;
	lang: 'fr' | 'en';
	signatories: { name: string; signedAt: string }[];
	timestampedAt: string;
}

function watermark(page: PDFPage, font: PDFFont, bold: PDFFont): void {
	const { width, height } = page.getSize();
	const size = Math.min(width, height) / 3.2;
	const textWidth = bold.widthOfTextAtSize('TEST', size);
	// Diagonal watermark across the page.
	const angle = Math.atan2(height, width);
	const cx = width / 2 - (Math.cos(angle) * textWidth) / 2 + (Math.sin(angle) * size) / 3;
	const cy = height / 2 - (Math.sin(angle) * textWidth) / 2 - (Math.cos(angle) * size) / 3;
	page.drawText('TEST', {
		x: cx,
		y: cy,
		size,
		font: bold,
		rotate: degrees((angle * 180) / Math.PI),
		color: rgb(0.85, 0.1, 0.1),
		opacity: 0.18,
	});
	// Text extractors do not read diagonal words back reliably: a horizontal
	// banner at the bottom of every page says it too.
	page.drawText('TEST - Contrat-Privé sandbox: signature and timestamp are not legally valid', {
		x: 20,
		y: 12,
		size: 8,
		font,
		color: rgb(0.85, 0.1, 0.1),
	});
}

/** Builds the signed PDF: original pages (+ watermark in sandbox) and the Contrat-Privé page. */
export async function buildSignedPdf(input: SignedPdfInput): Promise<Buffer> {
	let doc: PDFDocument;
	let originalReadable = true;
	try {
		doc = await PDFDocument.load(input.original, { ignoreEncryption: true, updateMetadata: false });
		if (doc.getPageCount() === 0) throw new Error('no pages');
	} catch {
		// A file with the %PDF- magic that pdf-lib cannot parse: keep going with
		// a stand-in page rather than failing the signature.
		originalReadable = false;
		doc = await PDFDocument.create();
	}
	const font = await doc.embedFont(StandardFonts.Helvetica);
	const bold = await doc.embedFont(StandardFonts.HelveticaBold);

	if (!originalReadable) {
		const p = doc.addPage(A4);
		p.drawText(fit(`Original document: ${input.originalName}`, font, 11, A4[0] - 120), {
			x: 60,
			y: 760,
			size: 11,
			font,
		});
		p.drawText('(its pages could not be rendered by the emulator)', {
			x: 60,
			y: 742,
			size: 11,
			font,
		});
	}

	const fr = input.lang === 'fr';
	const page = doc.addPage(A4);
	const [w] = A4;
	const maxW = w - 120;
	let y = 770;
	const line = (text: string, size = 10, f: PDFFont = font, gap = 6) => {
		page.drawText(fit(text, f, size, maxW), { x: 60, y, size, font: f, color: rgb(0.1, 0.1, 0.1) });
		y -= size + gap;
	};
	line('Contrat-Privé', 26, bold, 14);
	line(
		fr ? 'Certificat de signature électronique' : 'Electronic signature certificate',
		14,
		bold,
		16,
	);
	line(`${fr ? 'Contrat' : 'Contract'}: ${input.label}`);
	if (input.reference) line(`${fr ? 'Référence' : 'Reference'}: ${input.reference}`);
	line(`${fr ? 'Identifiant' : 'Contract ID'}: ${input.contractId}`);
	line(`${fr ? 'Plateforme' : 'Platform'}: ${input.platform}`, 10, font, 14);
	line(fr ? 'Signataires' : 'Signatories', 12, bold, 8);
	for (const s of input.signatories) {
		line(`${s.name} - ${fr ? 'signé le' : 'signed at'} ${s.signedAt}`, 10, font, 5);
	}
	y -= 10;
	line(fr ? 'Document original' : 'Original document', 12, bold, 8);
	line(`${fr ? 'Nom' : 'Name'}: ${input.originalName}`);
	line(`SHA-256: ${input.originalSha256}`, 9, font, 14);
	line(fr ? 'Horodatage' : 'Timestamp', 12, bold, 8);
	line(
		`${input.timestampedAt} (${
			input.platform === 'sandbox'
				? fr
					? 'horodatage fictif, sans valeur légale'
					: 'fake timestamp, not legally valid'
				: fr
					? 'horodatage émulé'
					: 'emulated timestamp'
		})`,
	);

	if (input.platform === 'sandbox') {
		for (const p of doc.getPages()) watermark(p, font, bold);
	}
	return Buffer.from(await doc.save());
}
