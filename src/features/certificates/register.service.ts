/**
 * The register book "SỔ CẤP GIẤY CHỨNG NHẬN" of a year: one row per certificate in number order,
 * from the snapshots (what was printed), with re-issues and revocations noted, and its XLSX (the PDF
 * is register-pdf.ts).
 */
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { certificates } from "../../db/schema";
import { formatBirth, formatDate } from "../../lib/vietnamese";
import { certificatesMessages as m } from "./certificates.messages";
import { vnDay, type CertificateSnapshot } from "./snapshot";
import { tableWorkbook, type ColumnKind } from "../../lib/spreadsheet";

/** One register row (all text, as printed). */
export interface RegisterEntry {
  id: number;
  status: string;
  /** Re-issued in place of an earlier certificate. */
  reissue: boolean;
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
    ids.length
      ? db.select({ previousId: certificates.previousId, number: certificates.number, issuedAt: certificates.issuedAt, snapshot: certificates.snapshot })
        .from(certificates).where(inArray(certificates.previousId, ids))
      : [],
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
      reissue: r.previousId !== null,
      number: r.number,
      fullName: s.person.fullName,
      dateOfBirth: formatBirth(s.person),
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

/** The register XLSX of a year (same rows as the PDF). */
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
