/**
 * Every XLSX the app writes goes through {@link addTableSheet}: one printed table per sheet, laid out
 * as offices print (DOMAIN.md, "Spreadsheets people print"): title lines merged across the table and
 * wrapped, a header row repeated on each printed page, dates as date cells (dd/mm/yyyy), numbers as
 * numbers, CCCD and phones as text; column widths measured from the content with the Times metrics
 * (names were cut off with fixed widths) and a row height wherever a cell wraps (wrapped text without
 * one overprinted the next row); A4, portrait or landscape by the table's width, fitted to the width,
 * page numbers in the footer.
 */
import ExcelJS from "exceljs";
import { longestWordPt, textWidthPt, wrappedLineCount, type TextStyle } from "./text-metrics";

/**
 * Cells for XLSX/CSV exports. Text a spreadsheet could take for a formula (= + - @, or a leading tab or
 * carriage return, which some programs strip before parsing) gets a leading apostrophe, so a name typed
 * as "=HYPERLINK(…)" stays text when the office opens, edits and re-saves the file (CSV injection).
 */
export function safeCell(value: string | null | undefined): string {
  const s = (value ?? "").normalize("NFC");
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** How a column's cells are written and shown. */
export type ColumnKind = "text" | "int" | "decimal" | "percent" | "money" | "date";

/** A column of a printed table. */
export interface SheetColumn {
  header: string;
  /** Default "text". Date cells take "yyyy-mm-dd" or "dd/mm/yyyy" strings; anything else in them stays text. */
  kind?: ColumnKind;
  /** A kind per row (e.g. money from some row on); overrides `kind` where it returns one. */
  kindOf?: (row: number) => ColumnKind | undefined;
  /** Text wraps at this width (characters) instead of widening the column; default 45. */
  maxWidth?: number;
  align?: "left" | "center" | "right";
}

export type SheetValue = string | number | null | undefined;

/** One sheet: title lines, a header row, rows, lines under the table. */
export interface SheetTableSpec {
  name: string;
  /** Lines above the table, merged across it; the first is the bold title. */
  titleLines?: string[];
  columns: SheetColumn[];
  rows: SheetValue[][];
  /** Rows printed bold (totals, group headings), by index into rows. */
  strongRows?: number[];
  footLines?: string[];
  /** Columns kept visible when scrolling right (e.g. TT and the name). */
  freezeColumns?: number;
  autoFilter?: boolean;
}

const FONT_NAME = "Times New Roman";
/** Body, header and title fonts (points). */
export const SHEET_FONTS = { body: 12, title: 13 } as const;
const NUMFMT: Record<Exclude<ColumnKind, "text">, string> = {
  int: "#,##0", decimal: "0.00", percent: "0.0%", money: '#,##0 "đ"', date: "dd/mm/yyyy",
};
/** Example of each format as shown, to measure numbers and dates. */
const sample = (kind: ColumnKind, v: number | string): string => {
  if (typeof v === "string") return v;
  if (kind === "percent") return `${(v * 100).toFixed(1)}%`;
  if (kind === "decimal") return v.toFixed(2);
  const grouped = Math.round(v).toLocaleString("en-US");
  return kind === "money" ? `${grouped} đ` : kind === "int" ? grouped : String(v);
};

/**
 * Column widths are in "characters" of the workbook's default font (Calibri 11: 7 px a character, 5 px of
 * that is the cell's padding); 1 px = 0.75 pt. These convert both ways for a given text width.
 */
const PX_PER_CHAR = 7;
const PADDING_PX = 5;
/** Room a column of width `w` leaves for text, in points. */
export const columnTextWidthPt = (w: number): number => (w * PX_PER_CHAR - PADDING_PX) * 0.75;
/** The width a column needs for text `pt` wide, with 4% and 2 px spare for rounding. */
const widthForPt = (pt: number): number => Math.ceil(((pt * 1.04) / 0.75 + PADDING_PX + 2) / PX_PER_CHAR * 4) / 4;
/** Height in points of `lines` lines at `size` pt (Excel gives 12 pt Times New Roman 15.75 pt). */
export const rowHeightFor = (lines: number, size: number): number => Math.ceil(lines * size * 1.32 + 2);

/** A4 printable width in points with the margins below (portrait; landscape uses the page height). */
const MARGIN_IN = { left: 0.6, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 };
const PORTRAIT_PT = (210 / 25.4 - MARGIN_IN.left - MARGIN_IN.right) * 72;

/** A calendar date written "yyyy-mm-dd" or "dd/mm/yyyy" as a date cell (midnight UTC: Excel dates have no zone). */
function dateValue(v: string): Date | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const vn = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : [];
  if (!y) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(m) - 1 ? date : null;
}

/** A new workbook with fixed author and dates (reproducible files pass the document's time). */
export function newWorkbook(creator: string, at = new Date()): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = safeCell(creator);
  wb.lastModifiedBy = wb.creator;
  wb.created = at;
  wb.modified = at;
  return wb;
}

/** The workbook's bytes. */
export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface Prepared {
  value: ExcelJS.CellValue;
  shown: string;
  numFmt?: string;
}

function prepare(col: SheetColumn, row: number, v: SheetValue): Prepared {
  const kind = col.kindOf?.(row) ?? col.kind ?? "text";
  if (v === null || v === undefined || v === "") return { value: null, shown: "" };
  if (kind === "date" && typeof v === "string") {
    const d = dateValue(v);
    return d ? { value: d, shown: "00/00/0000", numFmt: NUMFMT.date } : { value: safeCell(v), shown: v };
  }
  if (typeof v === "number") return { value: v, shown: sample(kind === "text" || kind === "date" ? "int" : kind, v), numFmt: kind === "text" || kind === "date" ? undefined : NUMFMT[kind] };
  return { value: safeCell(v), shown: safeCell(v), numFmt: kind === "text" ? "@" : undefined };
}

/**
 * Adds one printed table as a sheet: merged, wrapped title lines; the header row (bold, wrapped,
 * repeated on every page, frozen); the rows; the foot lines. Returns the sheet.
 */
export function addTableSheet(wb: ExcelJS.Workbook, spec: SheetTableSpec): ExcelJS.Worksheet {
  const n = spec.columns.length;
  const body: TextStyle = { size: SHEET_FONTS.body };
  const bold: TextStyle = { size: SHEET_FONTS.body, bold: true };
  const cells = spec.rows.map((r, ri) => spec.columns.map((c, ci) => prepare(c, ri, r[ci])));
  const strong = new Set(spec.strongRows ?? []);

  // Widths: the widest cell up to the column's cap (then it wraps), at least the header's longest word.
  const widths = spec.columns.map((c, ci) => {
    const cap = c.maxWidth ?? 45;
    const widest = Math.max(0, ...cells.map((r, ri) => textWidthPt(r[ci].shown, strong.has(ri) ? bold : body)));
    const header = Math.min(textWidthPt(c.header, bold), Math.max(longestWordPt(c.header, bold), columnTextWidthPt(cap)));
    return Math.max(4, Math.min(cap, widthForPt(widest)), widthForPt(Math.max(header, longestWordPt(c.header, bold))));
  });
  const totalPt = widths.reduce((s, w) => s + w * PX_PER_CHAR * 0.75, 0);
  const orientation = totalPt <= PORTRAIT_PT ? "portrait" : "landscape";
  const spanPt = columnTextWidthPt(widths.reduce((s, w) => s + w, 0));

  const ws = wb.addWorksheet(spec.name.slice(0, 31), {
    pageSetup: { paperSize: 9, orientation, fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: MARGIN_IN, horizontalCentered: true },
    headerFooter: { oddFooter: "&C&\"Times New Roman\"&10&P/&N" },
  });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));

  const mergedLine = (text: string, style: TextStyle, align: "center" | "left") => {
    const row = ws.addRow([safeCell(text)]);
    if (n > 1) ws.mergeCells(row.number, 1, row.number, n);
    const cell = row.getCell(1);
    cell.font = { name: FONT_NAME, size: style.size, bold: style.bold, italic: style.italic };
    cell.alignment = { horizontal: align, vertical: "middle", wrapText: true };
    row.height = rowHeightFor(wrappedLineCount(text, style, spanPt), style.size);
  };
  (spec.titleLines ?? []).forEach((line, i) => mergedLine(line, i === 0 ? { size: SHEET_FONTS.title, bold: true } : body, "center"));
  if (spec.titleLines?.length) ws.addRow([]);

  const border = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } } as const;
  const head = ws.addRow(spec.columns.map((c) => safeCell(c.header)));
  head.height = rowHeightFor(Math.max(...spec.columns.map((c, i) => wrappedLineCount(c.header, bold, columnTextWidthPt(widths[i])))), SHEET_FONTS.body);
  head.eachCell((cell) => {
    cell.font = { name: FONT_NAME, size: SHEET_FONTS.body, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.border = border;
  });

  cells.forEach((r, ri) => {
    const row = ws.addRow(r.map((c) => c.value));
    const style = strong.has(ri) ? bold : body;
    let lines = 1;
    r.forEach((c, ci) => {
      const cell = row.getCell(ci + 1);
      const col = spec.columns[ci];
      cell.font = { name: FONT_NAME, size: SHEET_FONTS.body, bold: style.bold };
      cell.border = border;
      if (c.numFmt) cell.numFmt = c.numFmt;
      const numeric = typeof c.value === "number" || c.value instanceof Date;
      cell.alignment = { vertical: "top", wrapText: true, horizontal: col.align ?? (numeric ? (c.value instanceof Date ? "center" : "right") : "left") };
      lines = Math.max(lines, wrappedLineCount(c.shown, style, columnTextWidthPt(widths[ci])));
    });
    row.height = rowHeightFor(lines, SHEET_FONTS.body);
  });

  if (spec.footLines?.length) {
    ws.addRow([]);
    for (const line of spec.footLines) mergedLine(line, body, "left");
  }
  ws.views = [{ state: "frozen", xSplit: spec.freezeColumns ?? 0, ySplit: head.number }];
  ws.pageSetup.printTitlesRow = `${head.number}:${head.number}`;
  if (spec.autoFilter) ws.autoFilter = { from: { row: head.number, column: 1 }, to: { row: head.number, column: n } };
  return ws;
}

/** A one-sheet workbook's bytes (roster, register, lists). */
export async function tableWorkbook(spec: SheetTableSpec, creator = "taphuan"): Promise<Buffer> {
  const wb = newWorkbook(creator);
  addTableSheet(wb, spec);
  return workbookBytes(wb);
}
