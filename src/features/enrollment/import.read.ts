/**
 * Roster import, reading: CSV text and spreadsheet cells → raw table rows, and the header row found in
 * them. Pure: the service reads the file and passes its text or cells.
 */
import { HttpError } from "../../lib/errors";
import { cleanText, formatDate } from "../../lib/vietnamese";
import { importMessages as m } from "./import.messages";

/** At most this many data rows per file. */
export const MAX_ROWS = 10_000;
/** The header may sit below a few title lines ("DANH SÁCH HỌC VIÊN …"). */
export const HEADER_SCAN = 10;

/** A whole-file problem (unreadable, too many rows, no header): nothing of the file is shown. */
export class RosterFileError extends HttpError {
  constructor(message: string, status = 422) {
    super(status, message);
  }
}

/** One cell as read from a file: text, number, boolean, a date (Excel date cells) or empty. */
export type RawCell = string | number | boolean | Date | null;
/** One row of a file with its line number (spreadsheet row, or CSV line where the record starts). */
export interface RawRow {
  line: number;
  cells: RawCell[];
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** Turns an exceljs cell value (rich text, hyperlink, formula, error…) into a plain RawCell. */
export function cellValue(v: unknown): RawCell {
  if (v == null) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return o.richText.map((r: { text?: unknown }) => (typeof r?.text === "string" ? r.text : "")).join("");
    if ("formula" in o || "sharedFormula" in o) return cellValue(o.result);
    if ("text" in o) return cellValue(o.text); // hyperlink: the shown text (itself maybe rich text)
    if ("error" in o) return null;
  }
  return null;
}

/** Delimiter of a CSV: the most frequent of ; , tab on the first non-empty line, outside quotes. */
function detectDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  const outside = first.replace(/"[^"]*"/g, "");
  const count = (c: string) => outside.split(c).length - 1;
  return [";", "\t"].reduce((best, c) => (count(c) > count(best) ? c : best), ",");
}

/**
 * RFC 4180 CSV (quoted fields, "" escapes, quoted line breaks; CRLF, LF or CR) with ; , or tab as
 * delimiter and an optional BOM. Blank lines are skipped. Throws RosterFileError beyond `maxRecords`.
 */
export function parseCsv(input: string, maxRecords = MAX_ROWS + HEADER_SCAN): RawRow[] {
  const text = input.replace(/^\uFEFF/, "");
  const delim = detectDelimiter(text);
  const rows: RawRow[] = [];
  let line = 1;
  let startLine = 1;
  let field = "";
  let cells: RawCell[] = [];
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    cells.push(field);
    field = "";
    if (cells.some((c) => String(c).trim() !== "")) {
      if (rows.length >= maxRecords) throw new RosterFileError(m.tooManyRows);
      rows.push({ line: startLine, cells });
    }
    cells = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === delim) {
      cells.push(field);
      field = "";
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== "" || cells.length) endRecord();
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Cells

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A Date from an Excel date cell (UTC midnight: serial numbers carry no time zone) → its calendar day,
 * read in UTC so the server's zone never shifts it. A value a second short of midnight (float error) is the next day.
 */
export function excelDay(d: Date): string {
  const day = new Date(Math.floor((d.getTime() + 1000) / 86_400_000) * 86_400_000);
  return `${day.getUTCFullYear()}-${pad2(day.getUTCMonth() + 1)}-${pad2(day.getUTCDate())}`;
}

/** A cell as text, NFC and trimmed; date cells as dd/mm/yyyy. */
export function cellText(c: RawCell | undefined): string {
  if (c == null) return "";
  if (c instanceof Date) return formatDate(excelDay(c));
  if (typeof c === "number") return Number.isInteger(c) ? c.toFixed(0) : String(c);
  return cleanText(String(c));
}
