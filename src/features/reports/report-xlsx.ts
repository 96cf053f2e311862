/**
 * Spreadsheets: the report's statistical tables (one sheet per table, the same tables as the DOCX annex)
 * and plain lists (participants and certificates keyed by CCCD). Text cells that a spreadsheet would
 * read as formulas are neutralised; numbers stay numbers. Reproducible like the DOCX.
 */
import { addTableSheet, newWorkbook, tableWorkbook, workbookBytes, type SheetColumn } from "../../lib/spreadsheet";
import { reportsMessages as m } from "./reports.messages";
import { isMoney, reportTables, type Cell } from "./figure-tables";
import type { ReportDocumentData } from "./report-types";
import { reproducibleOfficeFile } from "./zip-reproducible";

/** The report's tables, one sheet each, with a title and period line above the header row. */
export async function buildReportXlsx(d: ReportDocumentData): Promise<Buffer> {
  const at = new Date(d.documentTime);
  const wb = newWorkbook(d.org.issuingBody, at);
  const subtitle = `${d.plan.title} — ${m.periodLabel(d.period)}. ${m.asOf(d.figures.asOf)}${d.frozen ? ` ${m.doc.frozenNote(d.frozen.version, d.frozen.sha256)}` : ` ${m.doc.draftNote}`}`;
  for (const t of reportTables(d)) {
    if (t.key === "months" && d.figures.months.length === 0) continue;
    const columns: SheetColumn[] = t.header.map((header, ci) => ({
      header,
      kind: ci === 0 ? "text" : ci === 1 ? "text" : "int",
      kindOf: ci >= 2 ? (ri: number) => (isMoney(t, ri, ci) ? "money" : undefined) : undefined,
      align: ci === 0 ? "center" : undefined,
      maxWidth: ci === 1 ? 50 : 18,
    }));
    addTableSheet(wb, { name: t.sheetName, titleLines: [t.title, subtitle], columns, rows: t.rows, strongRows: t.strongRows, freezeColumns: 2 });
  }
  return reproducibleOfficeFile(await workbookBytes(wb), at);
}

/**
 * A one-sheet list (header row, then rows) keyed by CCCD. The columns in `kinds` get that kind (the
 * CCCD stays text, keeping its leading zero; dates become date cells); text is neutralised.
 * Not made reproducible (`at` is only its date).
 */
export async function buildListXlsx(sheetName: string, header: string[], rows: Cell[][], opts: { creator: string; kinds: Record<number, SheetColumn["kind"]> }): Promise<Buffer> {
  return tableWorkbook({ name: sheetName, columns: header.map((h, i) => ({ header: h, kind: opts.kinds[i] ?? "text" })), rows, autoFilter: true, freezeColumns: 2 }, opts.creator);
}
