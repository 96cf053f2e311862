/** CSV writing and spreadsheet-formula neutralisation for exports. Pure. */

import { safeCell } from "../../lib/spreadsheet";

/** Formula neutralisation for exports (one rule for the whole app: src/lib/spreadsheet.ts). */
export const neutralise = (value: string): string => safeCell(value);

function csvCell(value: string | number | null | undefined): string {
  if (value == null) return "";
  const s = typeof value === "number" ? String(value) : neutralise(value.normalize("NFC"));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with CRLF line ends and a UTF-8 BOM (Excel then reads Vietnamese correctly). */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): Buffer {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(","));
  return Buffer.from("\uFEFF" + lines.join("\r\n") + "\r\n", "utf8");
}
