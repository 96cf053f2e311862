/**
 * The register book "SỔ CẤP GIẤY CHỨNG NHẬN" of a year as PDF, A4 landscape: NĐ 30 header, title,
 * one line per certificate in number order under a heading for each run of the same course (course
 * and period are printed once per run instead of on every line, so a page holds 12 or more entries),
 * then the totals, the closing line ("Sổ này có … trang, … giấy chứng nhận") and the head's signature.
 */
import type { Db } from "../../db/client";
import {
  A4_LANDSCAPE, addPageNumbers, createDocument, drawAdminHeader, drawFoot, drawTable, embedTinos, flowTitle, mm, PageFlow, planFoot, setReproducibleMetadata,
  type TableColumn, type TableRow,
} from "../../lib/pdf";
import { todayIso } from "../../lib/time";
import { documentOrgOn } from "../settings";
import { certificatesMessages as m } from "./certificates.messages";
import { registerEntries, type RegisterEntry } from "./register.service";
import { registerMessages as rm } from "./register.messages";

/** Table rows: a heading whenever the course (or its period) changes, then the entries. */
export function registerRows(entries: RegisterEntry[]): TableRow[] {
  const rows: TableRow[] = [];
  let group = "";
  for (const e of entries) {
    const heading = rm.group(e.course, e.period);
    if (heading !== group) rows.push({ span: heading });
    group = heading;
    rows.push([e.number, e.fullName, e.dateOfBirth, e.gender, e.ethnicity, e.unit, e.result, e.issueDate, "", e.note]);
  }
  return rows;
}

/** Totals lines of a register: count, number range, and how many are valid, revoked, re-issued. */
export function registerTotals(entries: RegisterEntry[]): string[] {
  const count = (status: string) => entries.filter((e) => e.status === status).length;
  const reissued = entries.filter((e) => e.reissue).length;
  const lines = [rm.total(entries.length)];
  if (entries.length) lines[0] += ` ${rm.range(entries[0].number, entries[entries.length - 1].number)}`;
  lines.push(rm.breakdown(count("valid"), count("revoked"), reissued, count("superseded")));
  return lines;
}

/** The date a register is printed as of: today, or 31 December for a past year. */
export const registerDate = (year: number, today: string): string => (year < Number(today.slice(0, 4)) ? `${year}-12-31` : today);

const COLUMNS: Omit<TableColumn, "header">[] = [
  { keep: true }, // number: one word, never broken
  { keep: true }, // name
  { align: "center", keep: true }, // date of birth
  { align: "center" },
  { align: "center" },
  { keep: true }, // unit
  {}, // result
  { align: "center", keep: true }, // issue date
  { width: 25 }, // the recipient signs here: 25 × 10 mm
  { minWidth: 35, maxWidth: 55 }, // notes: long ones wrap
];

/** The register PDF of a year (an empty register prints its header, an empty table and the totals). */
export async function registerPdf(db: Db, year: number, today = todayIso()): Promise<Uint8Array> {
  const entries = await registerEntries(db, year);
  const date = registerDate(year, today);
  const org = await documentOrgOn(db, date);
  const doc = await createDocument();
  setReproducibleMetadata(doc, `${m.registerDocTitle} ${year}`, date, { year, entries, org });
  const fonts = await embedTinos(doc);
  const flow = new PageFlow(doc, fonts, { size: A4_LANDSCAPE });
  flow.y = drawAdminHeader(flow.page, fonts, { managingBody: org.managingBody, issuingBody: org.issuingBody }, { x: flow.left, top: flow.y, width: flow.width }) - mm(4);
  // One title line ("… NĂM 2026") and 2 pt padding (two lines of notes fit a 10 mm row): room for 12 entries on page 1.
  flowTitle(flow, `${m.registerDocTitle} ${m.registerYear(year).toLocaleUpperCase("vi")}`);
  flow.space(mm(2));
  const columns = rm.pdfColumns.map((header, i) => ({ header, ...COLUMNS[i] }));
  // The closing line counts the pages: measured with a placeholder now, written once the last page is known.
  const signer = { prefix: org.signerPrefix, title: org.signerTitle, name: org.signerName };
  const base = { place: org.placeName, documentDate: date };
  const foot = planFoot(flow, base, [...registerTotals(entries), rm.closing(999, entries.length)], signer);
  drawTable(flow, { columns, rows: registerRows(entries), fontSize: 10, headerFontSize: 10, padding: 2, minRowHeight: mm(10), keepWithNext: foot.height });
  flow.ensure(foot.height);
  const lines = [...registerTotals(entries), rm.closing(flow.pages.length, entries.length)];
  drawFoot(flow, { ...foot, lines });
  addPageNumbers(flow.pages, fonts);
  return doc.save();
}
