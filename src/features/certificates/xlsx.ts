/**
 * XLSX tables for rosters and the register: title lines, a bold header row, text cells. Every text
 * cell that a spreadsheet could read as a formula (= + - @, tab, CR) is neutralised with a leading
 * apostrophe (OWASP "CSV injection"), since these files are opened, edited and re-saved in Excel.
 */
import ExcelJS from "exceljs";
export { safeCell } from "../../lib/spreadsheet";
import { safeCell } from "../../lib/spreadsheet";


/** Input of {@link tableWorkbook}. */
export interface SheetTable {
  sheet: string;
  /** Lines above the table (the first one bold), e.g. the document title and the course. */
  titleLines: string[];
  columns: { header: string; width: number }[];
  /** Numbers stay numbers (TT); strings are neutralised. */
  rows: (string | number | null)[][];
  /** Lines under the table, e.g. "Tổng số: 25 người". */
  footLines?: string[];
}

/** One-sheet workbook: titles, header row (frozen), rows; printed A4 landscape, fitted to width. */
export async function tableWorkbook(table: SheetTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "taphuan";
  const ws = wb.addWorksheet(table.sheet.slice(0, 31), {
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = table.columns.map((c) => ({ width: c.width }));
  table.titleLines.forEach((line, i) => {
    const row = ws.addRow([safeCell(line)]);
    ws.mergeCells(row.number, 1, row.number, table.columns.length);
    row.getCell(1).alignment = { horizontal: "center" };
    row.getCell(1).font = { bold: i === 0, size: i === 0 ? 14 : 12 };
  });
  if (table.titleLines.length) ws.addRow([]);
  const head = ws.addRow(table.columns.map((c) => safeCell(c.header)));
  head.font = { bold: true };
  head.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
  ws.views = [{ state: "frozen", ySplit: head.number }];
  const border = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } } as const;
  head.eachCell((cell) => (cell.border = border));
  for (const r of table.rows) {
    const row = ws.addRow(r.map((v) => (typeof v === "number" ? v : safeCell(v))));
    row.alignment = { vertical: "top", wrapText: true };
    for (let i = 1; i <= table.columns.length; i++) row.getCell(i).border = border;
  }
  if (table.footLines?.length) {
    ws.addRow([]);
    for (const line of table.footLines) ws.addRow([safeCell(line)]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
