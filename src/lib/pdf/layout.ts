/**
 * Low-level layout primitives: units, A4 sizes and margins, NFC text, wrapping, aligned lines, rules,
 * and {@link PageFlow}, a top-down cursor that adds pages as content runs out.
 */
import { deflateSync } from "node:zlib";
import {
  beginText,
  endText,
  moveText,
  PDFArray,
  PDFContentStream,
  PDFDocument,
  PDFFont,
  PDFName,
  PDFPage,
  PDFRef,
  rgb,
  setFontAndSize,
  showText,
  type Color,
} from "pdf-lib";
import type { TinosFonts } from "./fonts";

/** Points per millimetre. */
export const PT_PER_MM = 72 / 25.4;
/** Millimetres to points. */
export const mm = (v: number): number => v * PT_PER_MM;

/** A4 portrait [width, height] in points. */
export const A4_PORTRAIT: [number, number] = [595.28, 841.89];
/** A4 landscape [width, height] in points. */
export const A4_LANDSCAPE: [number, number] = [841.89, 595.28];

/** Page margins in points. */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** NĐ 30/2020 portrait margins, its minimums: top/bottom 20 mm, left (binding) 30 mm, right 15 mm. */
export const MARGINS_PORTRAIT: Margins = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
/**
 * Landscape margins. NĐ 30 gives top/bottom 20–25, left 30–35 and right 15–20 mm without naming the
 * orientation; the 30 mm side is the binding edge. We keep the binding on the left edge of the page as
 * it is read: our landscape documents are a ledger (the register book, bound on its short side and
 * opened flat) and lists signed at the table and filed flat in the class folder, punched on the left
 * like the portrait pages around them. Top and bottom take the 20 mm minimum so a page holds the most
 * rows; that leaves 252 × 170 mm of text area.
 */
export const MARGINS_LANDSCAPE: Margins = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };

/** Black, the only colour NĐ 30 documents use. */
export const BLACK: Color = rgb(0, 0, 0);

/** Font and size of a run of text. */
export interface TextStyle {
  font: PDFFont;
  size: number;
}

/** Horizontal alignment inside a box. */
export type Align = "left" | "center" | "right";

/** Normalise to NFC (input may arrive as NFD; pdf-lib draws combining marks unpositioned). */
export const nfc = (s: string): string => s.normalize("NFC");

const widthCache = new Map<string, Map<string, number>>();

/**
 * Width of `text` in points, cached per face by its PDF name across documents (labels, words and names
 * repeat on every page, and issuing writes one small PDF per certificate). Measuring embeds nothing.
 */
export function textWidth(text: string, style: TextStyle): number {
  let cache = widthCache.get(style.font.name);
  if (!cache) widthCache.set(style.font.name, (cache = new Map<string, number>()));
  let w = cache.get(text);
  if (w === undefined) {
    if (cache.size > 20000) cache.clear();
    w = style.font.widthOfTextAtSize(nfc(text), 1);
    cache.set(text, w);
  }
  return w * style.size;
}

/**
 * Wrap `text` to lines no wider than `maxWidth`. Honours "\n"; breaks only at spaces, never inside a
 * word (a register number, a date or a syllable is one word): a single word wider than `maxWidth`
 * gets a line of its own and overflows, so callers that must stay inside a box pick a size with
 * {@link fitWordsSize} first. Returns at least one (possibly empty) line.
 */
export function wrapText(text: string, style: TextStyle, maxWidth: number): string[] {
  const out: string[] = [];
  const space = textWidth(" ", style);
  for (const para of nfc(text).split("\n")) {
    let line = "";
    let lineW = 0;
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const w = textWidth(word, style);
      if (line && lineW + space + w <= maxWidth) {
        line += " " + word;
        lineW += space + w;
        continue;
      }
      if (line) out.push(line);
      line = word;
      lineW = w;
    }
    out.push(line);
  }
  return out;
}

/** Width of the widest single word of `text` (what a box must hold for no word to break). */
export function longestWord(text: string, style: TextStyle): number {
  return Math.max(0, ...nfc(text).split(/\s+/).filter(Boolean).map((w) => textWidth(w, style)));
}

/**
 * The type size, at most `style.size` and at least `min`, at which every word of `text` fits
 * `maxWidth` (a word too long for its cell is set smaller rather than broken). Rounded down to 0.1 pt.
 */
export function fitWordsSize(text: string, style: TextStyle, maxWidth: number, min = style.size * 0.6): number {
  const w = longestWord(text, style);
  if (w <= maxWidth || w === 0) return style.size;
  return Math.max(min, Math.floor(((style.size * maxWidth) / w) * 10) / 10);
}

/**
 * Wrap like {@link wrapText}, then narrow the measure as far as the line count allows, so the lines
 * come out even and no line holds one lonely word under a long one (centred titles).
 */
export function wrapBalanced(text: string, style: TextStyle, maxWidth: number): string[] {
  const lines = wrapText(text, style, maxWidth);
  if (lines.length < 2 || text.includes("\n")) return lines;
  let lo = Math.max(longestWord(text, style), maxWidth / lines.length);
  let hi = maxWidth;
  // Narrowest width that still gives the same number of lines (the count only grows as width shrinks).
  for (let i = 0; i < 20 && hi - lo > 0.5; i++) {
    const mid = (lo + hi) / 2;
    if (wrapText(text, style, mid).length > lines.length) lo = mid;
    else hi = mid;
  }
  return wrapText(text, style, hi);
}

const fontKeys = new WeakMap<PDFPage, Map<PDFFont, PDFName>>();

/** The page's resource name for `font`, added once per page and font. */
function fontKey(page: PDFPage, font: PDFFont): PDFName {
  let keys = fontKeys.get(page);
  if (!keys) fontKeys.set(page, (keys = new Map<PDFFont, PDFName>()));
  let key = keys.get(font);
  if (!key) keys.set(font, (key = page.node.newFontDictionary(font.name, font.ref)));
  return key;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * Show `text` (already NFC) with its baseline origin at (x, y), in the default black fill. Unlike
 * `page.drawText`, which adds two new font resource entries per call, this reuses one entry per font
 * and page and emits only BT/Tf/Td/Tj/ET.
 */
export function showTextAt(page: PDFPage, text: string, font: PDFFont, size: number, x: number, y: number): void {
  page.pushOperators(beginText(), setFontAndSize(fontKey(page, font), size), moveText(r2(x), r2(y)), showText(font.encodeText(text)), endText());
}

/** Draw one line with its baseline at `y`, aligned inside [x, x + width]. Returns the drawn width. */
export function drawLine(
  page: PDFPage,
  text: string,
  style: TextStyle,
  box: { x: number; y: number; width?: number; align?: Align },
): number {
  const s = nfc(text);
  const w = textWidth(s, style);
  const width = box.width ?? 0;
  const align = box.align ?? "left";
  const x = align === "center" ? box.x + (width - w) / 2 : align === "right" ? box.x + width - w : box.x;
  if (s) showTextAt(page, s, style.font, style.size, x, box.y);
  return w;
}

/**
 * Compress a finished page's content streams now, with Node's native zlib; pdf-lib would deflate them
 * with pako at save time, several times slower. Only for pages that are complete: anything drawn on the
 * page afterwards is lost. Same bytes for the same content.
 */
export function finishPage(page: PDFPage): void {
  const context = page.doc.context;
  const contents = page.node.Contents();
  const refs = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of("Contents"))];
  for (const ref of refs) {
    if (!(ref instanceof PDFRef)) continue;
    const stream = context.lookup(ref);
    if (stream instanceof PDFContentStream) {
      context.assign(ref, context.stream(deflateSync(stream.getUnencodedContents()), { Filter: "FlateDecode" }));
    }
  }
}

/** Horizontal rule from x1 to x2 at height y. */
export function drawRule(page: PDFPage, x1: number, x2: number, y: number, thickness = 0.6): void {
  page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color: BLACK });
}

/** Default line height: 1.2 × size (between NĐ 30's single and 1.5 spacing). */
export const leading = (size: number): number => size * 1.2;

/** Distance from the top of a line box to its baseline for Tinos (ascender ≈ 0.891 em). */
export const ascent = (size: number): number => size * 0.9;

/** Options for a {@link PageFlow}. */
export interface FlowOptions {
  size?: [number, number];
  margins?: Margins;
  /** Called after each page is added (e.g. to draw a repeated header). */
  onNewPage?: (page: PDFPage, flow: PageFlow) => void;
}

/**
 * A top-down writing cursor over the pages of one document. `y` is the top of the free space;
 * drawing methods move it down, and {@link PageFlow.ensure} starts a new page when space runs out.
 */
export class PageFlow {
  readonly pages: PDFPage[] = [];
  readonly size: [number, number];
  readonly margins: Margins;
  page!: PDFPage;
  y = 0;
  onNewPage?: (page: PDFPage, flow: PageFlow) => void;

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: TinosFonts,
    options: FlowOptions = {},
  ) {
    this.size = options.size ?? A4_PORTRAIT;
    this.margins = options.margins ?? (this.size[0] > this.size[1] ? MARGINS_LANDSCAPE : MARGINS_PORTRAIT);
    this.onNewPage = options.onNewPage;
    this.newPage();
  }

  /** Left edge of the text area. */
  get left(): number {
    return this.margins.left;
  }
  /** Width of the text area. */
  get width(): number {
    return this.size[0] - this.margins.left - this.margins.right;
  }
  /** Lowest y content may reach. */
  get bottom(): number {
    return this.margins.bottom;
  }

  /** Add a page and put the cursor at its top margin. */
  newPage(): PDFPage {
    this.page = this.doc.addPage(this.size);
    this.pages.push(this.page);
    this.y = this.size[1] - this.margins.top;
    this.onNewPage?.(this.page, this);
    return this.page;
  }

  /** Make sure `height` points fit below the cursor; start a new page if not. True if a page was added. */
  ensure(height: number): boolean {
    if (this.y - height >= this.bottom - 0.01) return false;
    this.newPage();
    return true;
  }

  /** Move the cursor down. */
  space(height: number): void {
    this.y -= height;
  }

  /**
   * Draw wrapped text inside the text area (or an inset of it), moving the cursor down; lines that do
   * not fit go to the next page.
   */
  text(text: string, style: TextStyle, opts: { align?: Align; indent?: number; lineHeight?: number; balanced?: boolean } = {}): void {
    const indent = opts.indent ?? 0;
    const lh = opts.lineHeight ?? leading(style.size);
    const wrap = opts.balanced ? wrapBalanced : wrapText;
    for (const line of wrap(text, style, this.width - indent)) {
      this.ensure(lh);
      drawLine(this.page, line, style, {
        x: this.left + indent,
        y: this.y - ascent(style.size),
        width: this.width - indent,
        align: opts.align,
      });
      this.y -= lh;
    }
  }
}
