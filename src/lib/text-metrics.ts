/**
 * Text widths in Times New Roman, measured with Tinos (its metric twin: the same advance widths), for
 * laying out Office files we cannot render ourselves: the DOCX header cells and XLSX column widths and
 * row heights. Word and Excel break lines by these widths, so a cell sized from them holds its text.
 */
import fontkit from "@pdf-lib/fontkit";
import { tinosBytes, type TinosFace } from "./pdf/fonts";

/** A font as the Office file sets it: Times New Roman at `size` points. */
export interface TextStyle {
  size: number;
  bold?: boolean;
  italic?: boolean;
}

/** Points per millimetre. */
export const PT_PER_MM = 72 / 25.4;

interface Metrics {
  unitsPerEm: number;
  glyphsForString(text: string): { advanceWidth: number }[];
}

const parsed = new Map<TinosFace, Metrics>();

function face(style: TextStyle): Metrics {
  const name: TinosFace = style.bold ? (style.italic ? "boldItalic" : "bold") : style.italic ? "italic" : "regular";
  let font = parsed.get(name);
  if (!font) {
    font = (fontkit as unknown as { create(b: Uint8Array): Metrics }).create(tinosBytes(name));
    parsed.set(name, font);
  }
  return font;
}

/** Width in points of one line of text (NFC; no kerning, as Word and Excel lay out by default). */
export function lineWidthPt(text: string, style: TextStyle): number {
  const font = face(style);
  const units = font.glyphsForString(text.normalize("NFC")).reduce((sum, g) => sum + g.advanceWidth, 0);
  return (units / font.unitsPerEm) * style.size;
}

/** Width in points of the widest line of a text that may hold line breaks. */
export function textWidthPt(text: string, style: TextStyle): number {
  return Math.max(0, ...text.split(/\r?\n/).map((line) => lineWidthPt(line, style)));
}

/** Width in points of the longest word (the least a wrapped cell must give). */
export function longestWordPt(text: string, style: TextStyle): number {
  return Math.max(0, ...text.split(/\s+/).map((word) => lineWidthPt(word, style)));
}

/**
 * How many lines a text takes when wrapped at `widthPt`, word by word (greedy, as Word and Excel do);
 * a word wider than the line is cut over as many lines as it needs.
 */
export function wrappedLineCount(text: string, style: TextStyle, widthPt: number): number {
  const space = lineWidthPt(" ", style);
  let lines = 0;
  for (const paragraph of text.split(/\r?\n/)) {
    let used = -1;
    lines += 1;
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const w = lineWidthPt(word, style);
      if (used < 0) {
        const extra = Math.max(0, Math.ceil(w / widthPt) - 1);
        lines += extra;
        used = w - extra * widthPt;
      } else if (used + space + w <= widthPt) {
        used += space + w;
      } else {
        const extra = Math.max(0, Math.ceil(w / widthPt) - 1);
        lines += 1 + extra;
        used = w - extra * widthPt;
      }
    }
  }
  return lines;
}
