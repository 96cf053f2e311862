/**
 * Cells for XLSX/CSV exports. Text a spreadsheet could take for a formula (= + - @, or a leading tab or
 * carriage return, which some programs strip before parsing) gets a leading apostrophe, so a name typed
 * as "=HYPERLINK(…)" stays text when the office opens, edits and re-saves the file (CSV injection).
 */
export function safeCell(value: string | null | undefined): string {
  const s = (value ?? "").normalize("NFC");
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
