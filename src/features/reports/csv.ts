/** CSV writing and spreadsheet-formula neutralisation for exports. Pure. */

import { safeCell } from "../../lib/spreadsheet";

/** Formula neutralisation for exports (one rule for the whole app: src/lib/spreadsheet.ts). */
export const neutralise = (value: string): string => safeCell(value);

/**
 * Excel splits a CSV on ";" where that is the list separator (decimal-comma locales such as Vietnamese),
 * and LibreOffice may split on ";" and tabs too: then "Phó phòng;=HYPERLINK(…)" inside one field starts
 * a cell of its own, a formula. What follows such a separator is neutralised like a cell's start.
 */
const neutraliseSplits = (s: string): string => s.replace(/([;\t]\s*)(?=[=+\-@])/g, "$1'");

function csvCell(value: string | number | null | undefined): string {
  if (value == null) return "";
  const s = typeof value === "number" ? String(value) : neutraliseSplits(neutralise(value.normalize("NFC")));
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with CRLF line ends and a UTF-8 BOM (Excel then reads Vietnamese correctly). */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): Buffer {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(","));
  return Buffer.from("\uFEFF" + lines.join("\r\n") + "\r\n", "utf8");
}
