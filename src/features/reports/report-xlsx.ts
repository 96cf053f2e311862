/**
 * Spreadsheets: the report's statistical tables (one sheet per table, the same tables as the DOCX annex)
 * and plain lists (participants and certificates keyed by CCCD). Text cells that a spreadsheet would
 * read as formulas are neutralised; numbers stay numbers. Reproducible like the DOCX.
 */
import ExcelJS from "exceljs";
import { neutralise } from "./csv";
import { reportsMessages as m } from "./reports.messages";
import { isMoney, reportTables, type Cell } from "./report-tables";
import type { ReportDocumentData } from "./report-types";
import { reproducibleOfficeFile } from "./zip-reproducible";

const FONT = { name: "Times New Roman", size: 12 };
const textCell = (v: Cell): Cell => (typeof v === "string" ? neutralise(v.normalize("NFC")) : v);

function newWorkbook(creator: string, at: Date): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = neutralise(creator);
  wb.lastModifiedBy = wb.creator;
  wb.created = at;
  wb.modified = at;
  return wb;
}

async function finish(wb: ExcelJS.Workbook, at: Date): Promise<Buffer> {
  return reproducibleOfficeFile(Buffer.from(await wb.xlsx.writeBuffer()), at);
}

/** The report's tables, one sheet each, with a title and period line above the header row. */
export async function buildReportXlsx(d: ReportDocumentData): Promise<Buffer> {
  const at = new Date(d.documentTime);
  const wb = newWorkbook(d.org.issuingBody, at);
  const subtitle = `${d.plan.title} — ${m.periodLabel(d.period)}. ${m.asOf(d.figures.asOf)}${d.frozen ? ` ${m.doc.frozenNote(d.frozen.version, d.frozen.sha256)}` : ` ${m.doc.draftNote}`}`;
  for (const t of reportTables(d)) {
    const ws = wb.addWorksheet(t.sheetName, { views: [{ state: "frozen", ySplit: 3 }] });
    ws.addRow([textCell(t.title)]).font = { ...FONT, bold: true, size: 13 };
    ws.addRow([textCell(subtitle)]).font = { ...FONT, italic: true };
    const header = ws.addRow(t.header.map(textCell));
    header.font = { ...FONT, bold: true };
    header.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
    t.rows.forEach((r, ri) => {
      const row = ws.addRow(r.map(textCell));
      row.font = { ...FONT, bold: t.strongRows.includes(ri) };
      r.forEach((v, ci) => {
        if (typeof v === "number") row.getCell(ci + 1).numFmt = isMoney(t, ri, ci) ? '#,##0 "đ"' : "#,##0";
      });
    });
    ws.getColumn(1).width = 6;
    ws.getColumn(2).width = t.key === "summary" ? 60 : 40;
    for (let c = 3; c <= t.header.length; c++) ws.getColumn(c).width = t.key === "summary" || t.key === "funding" ? 20 : 16;
  }
  if (d.figures.months.length === 0) wb.removeWorksheet(m.sheetNames.months);
  return finish(wb, at);
}

/**
 * A one-sheet list (header row, then rows). Columns in `textColumns` are written as text (CCCD numbers
 * keep their leading zeros); every text cell is neutralised. Not made reproducible (`at` is only its date).
 */
export async function buildListXlsx(sheetName: string, header: string[], rows: Cell[][], opts: { creator: string; at: Date; textColumns?: number[] }): Promise<Buffer> {
  const wb = newWorkbook(opts.creator, opts.at);
  const ws = wb.addWorksheet(sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  const head = ws.addRow(header.map(textCell));
  head.font = { ...FONT, bold: true };
  for (const r of rows) {
    const row = ws.addRow(r.map(textCell));
    row.font = FONT;
    for (const c of opts.textColumns ?? []) row.getCell(c + 1).numFmt = "@";
  }
  header.forEach((h, i) => (ws.getColumn(i + 1).width = Math.min(50, Math.max(10, h.length + 4))));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
  // Lists are made afresh at each download: no need to rewrite the zip for reproducible bytes.
  return Buffer.from(await wb.xlsx.writeBuffer());
}
