/**
 * NĐ 30/2020/NĐ-CP (Phụ lục I) building blocks: the two-column header, centred title lines, the
 * signature block and page numbers. They draw on a page inside a box and return the lowest y used,
 * so the same code serves flowing documents ({@link PageFlow}) and fixed layouts (certificates).
 */
import type { PDFImage, PDFPage } from "pdf-lib";
import type { TinosFonts } from "./fonts";
import { ascent, drawLine, drawRule, leading, mm, nfc, PageFlow, textWidth, wrapText, type TextStyle } from "./layout";

export * from "./layout";

/** Header data: left column (bodies, number) and right column (national title, motto, place-date). */
export interface AdminHeader {
  /** Cơ quan chủ quản, e.g. "UBND XÃ TRIỆU SƠN" (printed upper case, regular). Optional. */
  managingBody?: string;
  /** Cơ quan ban hành (printed upper case, bold, short rule under). */
  issuingBody: string;
  /** Full number line, e.g. "Số: 05/BC-UBND". Optional. */
  numberLine?: string;
  /** Italic place-date line under the motto, e.g. "Triệu Sơn, ngày 05 tháng 3 năm 2026". Optional. */
  placeDate?: string;
}

/** Type sizes of the header (pt); defaults follow NĐ 30. */
export interface HeaderSizes {
  body: number; // managing/issuing body, 12–13
  nation: number; // national title, 12–13
  motto: number; // 13–14
  number: number; // "Số: …" and place-date, 13
}

/** Default header sizes. */
export const HEADER_SIZES: HeaderSizes = { body: 12.5, nation: 12.5, motto: 13, number: 13 };

/** Box a block is drawn in: left x, top y and width. */
export interface Box {
  x: number;
  top: number;
  width: number;
}

/** Draw centred wrapped lines from `top`; returns the new top (below the last line). */
function centred(page: PDFPage, text: string, style: TextStyle, x: number, top: number, width: number): number {
  const lines = wrapText(text, style, width);
  for (const line of lines) {
    drawLine(page, line, style, { x, y: top - ascent(style.size), width, align: "center" });
    top -= leading(style.size);
  }
  return top;
}

/** Widest of the given lines. */
const widest = (lines: string[], style: TextStyle): number => Math.max(0, ...lines.map((l) => textWidth(l, style)));

/**
 * Draw the two-column NĐ 30 header. Left column (≤ 40 % of the width, max 90 mm): managing body,
 * issuing body in bold with a short rule (1/3 of its line) under it, then the number line. Right column
 * (max 115 mm, flush right): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc" with
 * a rule as long as the motto, then the italic place-date. Returns the lowest y used.
 */
export function drawAdminHeader(
  page: PDFPage,
  fonts: TinosFonts,
  header: AdminHeader,
  box: Box,
  sizes: HeaderSizes = HEADER_SIZES,
): number {
  const leftW = Math.min(box.width * 0.4, mm(90));
  const rightW = Math.min(box.width - leftW, mm(115));
  const rightX = box.x + box.width - rightW;

  // Left column.
  let yl = box.top;
  if (header.managingBody) {
    yl = centred(page, header.managingBody.toLocaleUpperCase("vi"), { font: fonts.regular, size: sizes.body }, box.x, yl, leftW);
  }
  const issuing = { font: fonts.bold, size: sizes.body };
  const issuingLines = wrapText(header.issuingBody.toLocaleUpperCase("vi"), issuing, leftW);
  yl = centred(page, issuingLines.join("\n"), issuing, box.x, yl, leftW);
  const ruleW = Math.max(widest(issuingLines.slice(-1), issuing) / 3, mm(15));
  yl -= 3;
  drawRule(page, box.x + (leftW - ruleW) / 2, box.x + (leftW + ruleW) / 2, yl);

  // Right column.
  const nation = { font: fonts.bold, size: sizes.nation };
  const motto = { font: fonts.bold, size: sizes.motto };
  let yr = centred(page, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", nation, rightX, box.top, rightW);
  yr = centred(page, "Độc lập - Tự do - Hạnh phúc", motto, rightX, yr, rightW);
  const mottoW = textWidth("Độc lập - Tự do - Hạnh phúc", motto);
  yr -= 3;
  drawRule(page, rightX + (rightW - mottoW) / 2, rightX + (rightW + mottoW) / 2, yr);

  // Number line and place-date share one row below both rules.
  let y = Math.min(yl, yr) - mm(3);
  const rowTop = y;
  if (header.numberLine) {
    y = Math.min(y, centred(page, header.numberLine, { font: fonts.regular, size: sizes.number }, box.x, rowTop, leftW));
  }
  if (header.placeDate) {
    y = Math.min(y, centred(page, header.placeDate, { font: fonts.italic, size: sizes.number }, rightX, rowTop, rightW));
  }
  return y;
}

/**
 * Centred bold title and subtitle lines (type of document and its subject), written into a flow.
 * `sizes` are [title, subtitle] in pt (default 14 and 14; NĐ 30 allows 13–14). Lines are balanced,
 * so a wrapped title never leaves one word alone on its last line.
 */
export function flowTitle(flow: PageFlow, title: string, subtitles: string[] = [], sizes: [number, number] = [14, 14]): void {
  flow.text(title, { font: flow.fonts.bold, size: sizes[0] }, { align: "center", balanced: true });
  for (const sub of subtitles) flow.text(sub, { font: flow.fonts.bold, size: sizes[1] }, { align: "center", balanced: true });
}

/** Signature block data. */
export interface SignatureBlock {
  /** Italic place-date line above the block. Optional. */
  placeDate?: string;
  /** Authority prefix: "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "TL. …". Optional. */
  prefix?: string;
  /** Position, e.g. "PHÓ CHỦ TỊCH" or "NGƯỜI QUẢN LÝ LỚP". */
  title: string;
  /** Signer's full name (bold). May be empty to leave the line blank. */
  name: string;
  /** Signature and/or seal image drawn in the signature space (under the text). */
  image?: PDFImage;
}

/** Options for {@link drawSignatureBlock}. */
export interface SignatureOptions {
  /** Body size (pt) for place-date, prefix and title; the name uses the same size. Default 13. */
  size?: number;
  /** Height left for signature and seal. Default 28 mm. */
  space?: number;
}

/** Height in pt that {@link drawSignatureBlock} will use for `block` in a box `width` wide. */
export function measureSignatureBlock(fonts: TinosFonts, block: SignatureBlock, width: number, options: SignatureOptions = {}): number {
  const size = options.size ?? 13;
  const lines = (text: string | undefined, style: TextStyle): number => (text ? wrapText(text, style, width).length * leading(style.size) : 0);
  return (
    lines(block.placeDate, { font: fonts.italic, size }) +
    lines(block.prefix?.toLocaleUpperCase("vi"), { font: fonts.bold, size }) +
    lines(block.title.toLocaleUpperCase("vi"), { font: fonts.bold, size }) +
    (options.space ?? mm(28)) +
    lines(block.name, { font: fonts.bold, size: size + 0.5 })
  );
}

/**
 * Draw a signature block centred in `box`: italic place-date, bold upper-case prefix and title, blank
 * space (the optional image is fitted into it, below the title), bold name. Returns the lowest y used.
 */
export function drawSignatureBlock(
  page: PDFPage,
  fonts: TinosFonts,
  block: SignatureBlock,
  box: Box,
  options: SignatureOptions = {},
): number {
  const size = options.size ?? 13;
  const space = options.space ?? mm(28);
  let y = box.top;
  if (block.placeDate) y = centred(page, block.placeDate, { font: fonts.italic, size }, box.x, y, box.width);
  const bold = { font: fonts.bold, size };
  if (block.prefix) y = centred(page, block.prefix.toLocaleUpperCase("vi"), bold, box.x, y, box.width);
  y = centred(page, block.title.toLocaleUpperCase("vi"), bold, box.x, y, box.width);
  if (block.image) {
    const img = block.image;
    const scale = Math.min((space - 4) / img.height, box.width / img.width);
    const w = img.width * scale;
    const h = img.height * scale;
    page.drawImage(img, { x: box.x + (box.width - w) / 2, y: y - 2 - h, width: w, height: h });
  }
  y -= space;
  if (block.name) y = centred(page, nfc(block.name), { font: fonts.bold, size: size + 0.5 }, box.x, y, box.width);
  return y;
}

/**
 * Number pages centred in the top margin (NĐ 30: Arabic numerals, not on the first page by default).
 */
export function addPageNumbers(pages: PDFPage[], fonts: TinosFonts, options: { skipFirst?: boolean; size?: number } = {}): void {
  const size = options.size ?? 13;
  const skipFirst = options.skipFirst ?? true;
  pages.forEach((page, i) => {
    if (skipFirst && i === 0) return;
    const { width, height } = page.getSize();
    drawLine(page, String(i + 1), { font: fonts.regular, size }, { x: 0, y: height - mm(12), width, align: "center" });
  });
}
