/**
 * Widths of the two header cells of an administrative document (NĐ 30): left the managing and issuing
 * bodies, right the national title and motto. Each line must print on one line in Word: with fixed
 * 40/60 % cells, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (13 pt bold, ~95 mm) got 95.2 mm after Word's
 * default 1.9 mm padding and broke before "NAM". Here the cells are sized from the measured text
 * (Times metrics): first within the text width; else the bodies at 12 pt (NĐ 30 allows 12–13 pt);
 * else the table reaches into the margins; else the national title at 12 pt too. Pure.
 */
import { PT_PER_MM, textWidthPt, type TextStyle } from "../../lib/text-metrics";

/** A header line and its font. */
export interface HeaderLine extends TextStyle {
  text: string;
}

/** Padding inside each header cell, left and right (set explicitly on the cells). */
export const HEADER_PADDING_MM = 1;
/** Spare room per line for rounding in Word's layout. */
const SLACK = 1.02;
/** How far the header table may reach into the left and right margins (30 and 15 mm): 15 and 10 mm stay. */
const MAX_OUT = { left: 15, right: 5 };

export interface HeaderLayout {
  /** Cell widths in mm (padding included). */
  leftMm: number;
  rightMm: number;
  /** How far the table starts left of the text area (its indent is minus this). */
  outLeftMm: number;
  left: HeaderLine[];
  right: HeaderLine[];
}

/** The width (mm) a cell needs so every line fits on one line. */
export function cellNeedMm(lines: HeaderLine[]): number {
  const widest = Math.max(0, ...lines.map((l) => textWidthPt(l.text, l) / PT_PER_MM));
  return widest * SLACK + 2 * HEADER_PADDING_MM;
}

const at12 = (lines: HeaderLine[], which: (l: HeaderLine) => boolean) => lines.map((l) => (which(l) && l.size > 12 ? { ...l, size: 12 } : l));

/**
 * The widths for `left` and `right` lines in a text area `textMm` wide. `bodies` picks the left lines
 * that may go down to 12 pt, `title` the right ones (the national title).
 */
export function headerLayout(left: HeaderLine[], right: HeaderLine[], textMm: number, opts: { bodies: (l: HeaderLine) => boolean; title: (l: HeaderLine) => boolean }): HeaderLayout {
  const smallBodies = at12(left, opts.bodies);
  const candidates: { left: HeaderLine[]; right: HeaderLine[]; room: number }[] = [
    { left, right, room: textMm },
    { left: smallBodies, right, room: textMm },
    { left: smallBodies, right, room: textMm + MAX_OUT.left + MAX_OUT.right },
    { left: smallBodies, right: at12(right, opts.title), room: textMm + MAX_OUT.left + MAX_OUT.right },
  ];
  const fit = candidates.find((c) => cellNeedMm(c.left) + cellNeedMm(c.right) <= c.room) ?? candidates[candidates.length - 1];
  const needL = cellNeedMm(fit.left);
  const needR = cellNeedMm(fit.right);
  const over = Math.max(0, needL + needR - textMm);
  const outLeft = Math.min(MAX_OUT.left, over);
  const total = Math.max(textMm, Math.min(needL + needR, textMm + MAX_OUT.left + MAX_OUT.right));
  // Spare room goes 40/60 like the usual template; a cell never gets less than it needs.
  const spare = Math.max(0, total - needL - needR);
  const leftMm = needL + spare * 0.4;
  return { leftMm, rightMm: total - leftMm, outLeftMm: outLeft, left: fit.left, right: fit.right };
}
