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

/** NĐ 30/2020 portrait margins: top/bottom 20 mm, left 30 mm, right 15 mm. */
export const MARGINS_PORTRAIT: Margins = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
/**
 * Landscape annex margins (NĐ 30 fixes only portrait ones): top 20 mm, bottom 15 mm, left 20 mm,
 * right 15 mm — keeps a binding edge and leaves 262 mm of table width.
 */
export const MARGINS_LANDSCAPE: Margins = { top: mm(20), bottom: mm(15), left: mm(20), right: mm(15) };

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

const widthCache = new WeakMap<PDFFont, Map<string, number>>();

/** Width of `text` in points (cached per font: labels and words repeat on every page). */
export function textWidth(text: string, style: TextStyle): number {
  let cache = widthCache.get(style.font);
  if (!cache) widthCache.set(style.font, (cache = new Map()));
  let w = cache.get(text);
  if (w === undefined) {
    if (cache.size > 20000) cache.clear();
    w = style.font.widthOfTextAtSize(nfc(text), 1);
    cache.set(text, w);
  }
  return w * style.size;
}

/**
 * Wrap `text` to lines no wider than `maxWidth`. Honours "\n"; breaks on spaces; a word longer than
 * the width is broken between characters. Returns at least one (possibly empty) line.
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
      if (w <= maxWidth) {
        line = word;
        lineW = w;
        continue;
      }
      // Overlong word: hard-break between characters.
      line = "";
      lineW = 0;
      for (const ch of Array.from(word)) {
        const cw = textWidth(ch, style);
        if (line && lineW + cw > maxWidth) {
          out.push(line);
          line = "";
          lineW = 0;
        }
        line += ch;
        lineW += cw;
      }
    }
    out.push(line);
  }
  return out;
}

const fontKeys = new WeakMap<PDFPage, Map<PDFFont, PDFName>>();

/** The page's resource name for `font`, added once per page and font. */
function fontKey(page: PDFPage, font: PDFFont): PDFName {
  let keys = fontKeys.get(page);
  if (!keys) fontKeys.set(page, (keys = new Map()));
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
  text(text: string, style: TextStyle, opts: { align?: Align; indent?: number; lineHeight?: number } = {}): void {
    const indent = opts.indent ?? 0;
    const lh = opts.lineHeight ?? leading(style.size);
    for (const line of wrapText(text, style, this.width - indent)) {
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
