/**
 * Class roster "DANH SÁCH HỌC VIÊN" (enrolled participants) as PDF (NĐ 30 annex style, A4 landscape,
 * src/lib/pdf renderRoster) and XLSX, sorted by tên, then tên đệm, then họ (Vietnamese collation).
 */
import type { Db } from "../../db/client";
import { renderRoster, type RosterRow } from "../../lib/pdf";
import { tableWorkbook, type ColumnKind } from "../../lib/spreadsheet";
import { todayIso } from "../../lib/time";
import { formatBirth, formatDate } from "../../lib/vietnamese";
import { getCourse } from "../courses";
import { documentOrgOn } from "../settings";
import { certificatesMessages as m } from "./certificates.messages";
import { enrolledPeople } from "./completion.service";

/** Everything a roster prints: header, subtitle lines and rows in roster order. */
export async function rosterData(db: Db, courseId: number, today = todayIso()) {
  const course = await getCourse(db, courseId);
  const [people, org] = await Promise.all([enrolledPeople(db, courseId), documentOrgOn(db, today)]);
  const lines = [course.title];
  const when = course.startDate && course.endDate ? m.rosterDates(formatDate(course.startDate), formatDate(course.endDate)) : "";
  const where = course.venue ? m.rosterVenue(course.venue) : "";
  const detail = [when, where].filter(Boolean).join("; ");
  const rows: RosterRow[] = people.map((p) => ({
    fullName: p.fullName,
    dateOfBirth: p.dateOfBirth ?? undefined,
    birthYear: p.birthYear ?? undefined,
    gender: p.gender ?? undefined,
    ethnicity: p.ethnicityName ?? undefined,
    position: p.position ?? undefined,
    unit: p.unitName ?? undefined,
    category: p.categoryName ?? undefined,
  }));
  return { course, org, today, subtitles: detail ? [...lines, detail] : lines, rows };
}

/** The roster PDF. */
export async function rosterPdf(db: Db, courseId: number): Promise<{ bytes: Uint8Array; title: string }> {
  const d = await rosterData(db, courseId);
  const bytes = await renderRoster({
    managingBody: d.org.managingBody,
    issuingBody: d.org.issuingBody,
    place: d.org.placeName,
    documentDate: d.today,
    title: m.rosterDocTitle,
    subtitles: d.subtitles,
    rows: d.rows,
    signer: { prefix: d.org.signerPrefix, title: d.org.signerTitle, name: d.org.signerName },
  });
  return { bytes, title: d.course.title };
}

/** The roster XLSX (same rows and order as the PDF; birth dates as date cells). */
export async function rosterXlsx(db: Db, courseId: number): Promise<{ bytes: Buffer; title: string }> {
  const d = await rosterData(db, courseId);
  const kinds: Record<number, ColumnKind> = { 0: "int", 2: "date" };
  const bytes = await tableWorkbook({
    name: m.rosterSheet,
    titleLines: [m.rosterDocTitle, ...d.subtitles],
    columns: m.rosterColumns.map((header, i) => ({ header, kind: kinds[i], align: i === 0 ? "center" : undefined })),
    rows: d.rows.map((r, i) => [i + 1, r.fullName, r.dateOfBirth ?? formatBirth(r), r.gender ?? "", r.ethnicity ?? "", r.position ?? "", r.unit ?? "", r.category ?? "", ""]),
    footLines: [m.total(d.rows.length)],
    freezeColumns: 2,
  });
  return { bytes, title: d.course.title };
}
