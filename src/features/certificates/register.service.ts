/**
 * The register book "SỔ CẤP GIẤY CHỨNG NHẬN" of a year: one row per certificate in number order,
 * from the snapshots (what was printed), with re-issues and revocations noted; PDF (A4 landscape,
 * NĐ 30 header, ruled table with the header row repeated) and XLSX.
 */
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { certificates } from "../../db/schema";
import {
  A4_LANDSCAPE, addPageNumbers, createDocument, drawAdminHeader, drawTable, embedTinos, flowTitle, mm, PageFlow, setReproducibleMetadata, type TableColumn,
} from "../../lib/pdf";
import { todayIso } from "../../lib/time";
import { formatDate } from "../../lib/vietnamese";
import { documentOrgOn } from "../settings/settings.service";
import { certificatesMessages as m } from "./certificates.messages";
import { vnDay, type CertificateSnapshot } from "./snapshot";
import { tableWorkbook, type ColumnKind } from "../../lib/spreadsheet";

/** One register row (all text, as printed). */
export interface RegisterEntry {
  id: number;
  status: string;
  number: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  ethnicity: string;
  unit: string;
  course: string;
  period: string;
  result: string;
  issueDate: string;
  note: string;
}

/** The register rows of a year, ordered by series then number. */
export async function registerEntries(db: Db, year: number): Promise<RegisterEntry[]> {
  const rows = await db.select().from(certificates).where(eq(certificates.year, year)).orderBy(asc(certificates.series), asc(certificates.seq));
  const ids = rows.map((r) => r.id);
  const prevIds = rows.map((r) => r.previousId).filter((x): x is number => x !== null);
  const [previous, successors] = await Promise.all([
    prevIds.length ? db.select({ id: certificates.id, number: certificates.number }).from(certificates).where(inArray(certificates.id, prevIds)) : [],
    ids.length ? db.select({ previousId: certificates.previousId, number: certificates.number, issuedAt: certificates.issuedAt, snapshot: certificates.snapshot }).from(certificates).where(inArray(certificates.previousId, ids)) : [],
  ]);
  return rows.map((r) => {
    const s = r.snapshot as unknown as CertificateSnapshot;
    const notes: string[] = [];
    if (r.previousId !== null && r.reissueReason) {
      notes.push(m.reissueOf(previous.find((p) => p.id === r.previousId)?.number ?? "", r.reissueReason));
    }
    const next = successors.find((x) => x.previousId === r.id);
    if (r.status === "superseded" && next) notes.push(m.supersededBy(next.number, formatDate((next.snapshot as unknown as CertificateSnapshot).issueDate)));
    if (r.status === "revoked") notes.push(m.revokedNote(vnDay(r.revokedAt), r.revokeReason ?? ""));
    return {
      id: r.id,
      status: r.status,
      number: r.number,
      fullName: s.person.fullName,
      dateOfBirth: formatDate(s.person.dateOfBirth),
      gender: s.person.gender ?? "",
      ethnicity: s.person.ethnicity ?? "",
      unit: s.person.unit,
      course: s.course.title,
      period: s.course.startDate === s.course.endDate ? formatDate(s.course.startDate) : `${formatDate(s.course.startDate)} - ${formatDate(s.course.endDate)}`,
      result: s.result,
      issueDate: formatDate(s.issueDate),
      note: notes.join("; "),
    };
  });
}

const cells = (e: RegisterEntry): string[] => [e.number, e.fullName, e.dateOfBirth, e.gender, e.ethnicity, e.unit, e.course, e.period, e.result, e.issueDate, "", e.note];

/** The date a register is printed as of: today, or 31 December for a past year. */
const documentDate = (year: number, today: string): string => (year < Number(today.slice(0, 4)) ? `${year}-12-31` : today);

/** The register PDF of a year (an empty register prints its header and an empty table). */
export async function registerPdf(db: Db, year: number, today = todayIso()): Promise<Uint8Array> {
  const entries = await registerEntries(db, year);
  const date = documentDate(year, today);
  const org = await documentOrgOn(db, date);
  const doc = await createDocument();
  setReproducibleMetadata(doc, `${m.registerDocTitle} ${year}`, date, { year, entries, org });
  const fonts = await embedTinos(doc);
  const flow = new PageFlow(doc, fonts, { size: A4_LANDSCAPE });
  flow.y = drawAdminHeader(flow.page, fonts, { managingBody: org.managingBody, issuingBody: org.issuingBody }, { x: flow.left, top: flow.y, width: flow.width }) - mm(6);
  flowTitle(flow, m.registerDocTitle, [m.registerYear(year)]);
  flow.space(mm(3));
  // mm, scaled to the text width: a number like "001/GCN-VHTT" and dd/mm/yyyy dates fit on one line at 10 pt.
  const widths = [27, 30, 22, 11, 12, 24, 34, 23, 12, 22, 17, 30];
  const columns: TableColumn[] = m.registerColumns.map((header, i) => ({ header, width: widths[i], align: [2, 3, 9].includes(i) ? "center" : "left" }));
  drawTable(flow, { columns, rows: entries.map(cells), fontSize: 10, headerFontSize: 10, padding: 3, minRowHeight: mm(10) });
  addPageNumbers(flow.pages, fonts);
  return doc.save();
}

/** The register XLSX of a year (same rows as the PDF; birth and issue dates as date cells). */
export async function registerXlsx(db: Db, year: number): Promise<Buffer> {
  const entries = await registerEntries(db, year);
  const kinds: Record<number, ColumnKind> = { 2: "date", 9: "date" };
  // A number (015/GCN-UBND) is never broken; long course titles and notes wrap.
  const maxWidths: Record<number, number> = { 0: 60, 6: 36, 11: 36 };
  return tableWorkbook({
    name: m.registerSheet,
    titleLines: [m.registerDocTitle, m.registerYear(year)],
    columns: m.registerColumns.map((header, i) => ({ header, kind: kinds[i], maxWidth: maxWidths[i] })),
    rows: entries.map(cells),
    freezeColumns: 2,
  });
}
