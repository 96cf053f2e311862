/** CSV writing and spreadsheet-formula neutralisation for exports. Pure. */

/**
 * A cell that a spreadsheet would read as a formula (= + - @, or a leading tab/CR) gets a leading
 * apostrophe, so "=HYPERLINK(…)" typed into a name field stays text (CSV/formula injection).
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

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
