/**
 * The report's statistical tables, described once and printed twice: as the DOCX annex and as one XLSX
 * sheet each. Pure: from the document data (live or frozen snapshot) to rows of cells. (Tables of
 * figures; the reports' database tables are defined with the schema.)
 */
import { reportsMessages as m } from "./reports.messages";
import { DIMENSIONS, MEASURES, type ReportDocumentData } from "./report-types";

export type Cell = string | number | null;

export interface ReportTable {
  key: string;
  title: string;
  sheetName: string;
  header: string[];
  rows: Cell[][];
  /** Rows printed bold (group headings, totals), by index into rows. */
  strongRows: number[];
  /** Columns holding money (đồng), from row `moneyFromRow` on. */
  moneyColumns: number[];
  moneyFromRow: number;
  /** Printed in the DOCX annex too (the monthly table is in the XLSX only). */
  inDocx: boolean;
}

function summary(d: ReportDocumentData): ReportTable {
  const f = d.figures;
  const taskTitle = (num: number) => d.plan.tasks.find((t) => t.number === num)?.title ?? m.taskHeading(num);
  const rows: Cell[][] = [];
  const strong: number[] = [];
  const group = (tt: string, label: string) => {
    strong.push(rows.length);
    rows.push([tt, label, null]);
  };
  const item = (tt: string, figure: string, value: number | null) => rows.push([tt, m.figures[figure] ?? figure, value]);
  group("1", taskTitle(1));
  item("1.1", "t1.conferences", f.task1.conferences);
  item("1.2", "t1.sessions", f.task1.sessions);
  item("1.3", "t1.participantTimes", f.task1.participantTimes);
  item("1.4", "t1.uniquePersons", f.task1.uniquePersons);
  item("1.5", "t1.personSessions", f.task1.personSessions);
  group("2", taskTitle(2));
  rows.push(["2.1", m.radioProgrammes, d.narrative.radioProgrammes]);
  group("3", taskTitle(3));
  const t3 = ["classes", "sessions", "trainingDays", "calendarDays", "participantTimes", "uniquePersons", "personSessions", "classesEnded", "enrolledInEnded", "completed", "certified"] as const;
  t3.forEach((k, i) => item(`3.${i + 1}`, `t3.${k}`, f.task3[k]));
  group("", m.overallGroup);
  item("", "overall.participantTimes", f.overall.participantTimes);
  item("", "overall.uniquePersons", f.overall.uniquePersons);
  group("4", taskTitle(4));
  const moneyStart = rows.length;
  item("4.1", "t4.total", f.task4.total);
  ["state", "business", "social", "other"].forEach((s, i) => item(`4.${i + 2}`, `t4.${s}`, f.task4.bySource[s] ?? 0));
  return {
    key: "summary", title: m.doc.summaryTable, sheetName: m.sheetNames.summary, header: [m.tt, m.figure, m.value], rows, strongRows: strong,
    moneyColumns: [2], moneyFromRow: moneyStart, inDocx: true,
  };
}

/** Whether a cell holds money. */
export const isMoney = (t: ReportTable, row: number, col: number): boolean => row >= t.moneyFromRow && t.moneyColumns.includes(col);

/** All tables, in annex order. */
export function reportTables(d: ReportDocumentData): ReportTable[] {
  const tables: ReportTable[] = [summary(d)];
  for (const dim of DIMENSIONS) {
    const b = d.figures.breakdowns[dim];
    const rows: Cell[][] = b.rows.map((r, i) => [i + 1, r.label, ...MEASURES.map((k) => r.values[k])]);
    rows.push(["", m.total, ...MEASURES.map((k) => b.total[k])]);
    tables.push({
      key: dim, title: m.dimensions[dim], sheetName: m.sheetNames[dim], header: [m.tt, m.dimensionColumn[dim], ...MEASURES.map((k) => m.measures[k])],
      rows, strongRows: [rows.length - 1], moneyColumns: [], moneyFromRow: 0, inDocx: true,
    });
  }
  const sources = ["state", "business", "social", "other"];
  const fundingRows: Cell[][] = sources.map((s, i) => [i + 1, m.fundingSources[s], d.figures.task4.bySource[s] ?? 0]);
  fundingRows.push(["", m.total, d.figures.task4.total]);
  tables.push({ key: "funding", title: m.doc.fundingTable, sheetName: m.sheetNames.funding, header: [m.tt, m.source, m.amount], rows: fundingRows, strongRows: [fundingRows.length - 1], moneyColumns: [2], moneyFromRow: 0, inDocx: true });
  const monthRows: Cell[][] = d.figures.months.map((x, i) => [i + 1, m.monthLabel(x.key), x.t1Times, x.t3Times]);
  tables.push({ key: "months", title: m.chartMonths, sheetName: m.sheetNames.months, header: [m.tt, m.date, m.seriesT1, m.seriesT3], rows: monthRows, strongRows: [], moneyColumns: [], moneyFromRow: 0, inDocx: false });
  return tables;
}
