/**
 * Account slips (phiếu tài khoản): A4 pages of 8 slips (2 × 4) with dashed cut lines, one per trainee,
 * each with the name, login, one-time password, the site's address and a QR code to it. The trainer
 * prints them and hands them out at the first session. Pure: data in, PDF bytes out; the passwords
 * exist only in this document (see accounts.service.ts).
 */
import { PDFFont, PDFPage, StandardFonts, rgb } from "pdf-lib";
import { createDocument, drawQr, embedQr, embedTinos } from "../../lib/pdf";
import { t } from "../../messages";

export interface Slip {
  fullName: string;
  unitName: string | null;
  login: string;
  password: string;
}

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 28; // 10 mm: most office printers print to 5 mm
const COLS = 2;
const ROWS = 4;
const PAD = 12;
const QR_SIZE = 78;
const GREY = rgb(0.45, 0.45, 0.45);

/** `text` cut with "…" so it fits `width` at `size`. */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let s = text;
  while (s.length > 1 && font.widthOfTextAtSize(`${s}…`, size) > width) s = s.slice(0, -1);
  return `${s.trimEnd()}…`;
}

/** The largest size ≤ `max` (and ≥ `min`) at which `text` fits `width`. */
function sizeToFit(text: string, font: PDFFont, max: number, min: number, width: number): number {
  const w = font.widthOfTextAtSize(text, max);
  return w <= width ? max : Math.max(min, (max * width) / w);
}

function dashed(page: PDFPage, x1: number, y1: number, x2: number, y2: number): void {
  page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.5, color: GREY, dashArray: [4, 3] });
}

/** The PDF of `slips` for a course; `siteUrl` is printed on every slip and encoded in its QR code. */
export async function accountSlipsPdf(input: { courseTitle: string; siteUrl: string; slips: Slip[] }): Promise<Uint8Array> {
  const m = t.accounts.slip;
  const doc = await createDocument();
  doc.setTitle(`${m.docTitle} - ${input.courseTitle}`.normalize("NFC"));
  const fonts = await embedTinos(doc);
  const mono = await doc.embedFont(StandardFonts.CourierBold);
  const qr = embedQr(doc, input.siteUrl);
  const cellW = (PAGE[0] - 2 * MARGIN) / COLS;
  const cellH = (PAGE[1] - 2 * MARGIN) / ROWS;
  const inner = cellW - 2 * PAD;
  const perPage = COLS * ROWS;

  let page: PDFPage | null = null;
  input.slips.forEach((slip, i) => {
    const k = i % perPage;
    if (k === 0) {
      page = doc.addPage(PAGE);
      // Cut lines: the outline of the rows this page uses and every border between slips.
      const rows = Math.ceil(Math.min(perPage, input.slips.length - i) / COLS);
      const top = PAGE[1] - MARGIN;
      for (let c = 0; c <= COLS; c++) dashed(page, MARGIN + c * cellW, top - rows * cellH, MARGIN + c * cellW, top);
      for (let r = 0; r <= rows; r++) dashed(page, MARGIN, top - r * cellH, PAGE[0] - MARGIN, top - r * cellH);
    }
    const p = page!;
    const x = MARGIN + (k % COLS) * cellW + PAD;
    const top = PAGE[1] - MARGIN - Math.floor(k / COLS) * cellH - PAD;
    const text = (s: string, font: PDFFont, size: number, y: number, width = inner, color = rgb(0, 0, 0)) =>
      p.drawText(fit(s.normalize("NFC"), font, size, width), { x, y, size, font, color });

    text(m.heading, fonts.bold, 10, top - 10);
    text(input.courseTitle, fonts.italic, 9, top - 22, inner, GREY);
    const nameSize = sizeToFit(slip.fullName, fonts.bold, 14, 10, inner);
    text(slip.fullName, fonts.bold, nameSize, top - 42);
    if (slip.unitName) text(slip.unitName, fonts.regular, 9, top - 55);

    const left = inner - QR_SIZE - 8;
    text(m.login, fonts.regular, 9, top - 74, left);
    text(slip.login, mono, sizeToFit(slip.login, mono, 14, 8, left), top - 90, left);
    text(m.password, fonts.regular, 9, top - 108, left);
    text(slip.password, mono, 14, top - 124, left);
    drawQr(p, qr, x + inner - QR_SIZE, top - 62 - QR_SIZE, QR_SIZE);

    text(`${m.address} ${input.siteUrl}`, fonts.regular, 9, top - 152);
    text(m.firstLogin, fonts.italic, 8, top - 164, inner, GREY);
  });
  if (!input.slips.length) doc.addPage(PAGE);
  return doc.save();
}
