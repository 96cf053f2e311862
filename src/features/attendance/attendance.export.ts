/**
 * Documents of a course's attendance: the sign-in sheet (DANH SÁCH KÝ NHẬN, PDF, NĐ 30 layout) and the
 * XLSX of all marks (one row per person, one column per session, the rate).
 */
import ExcelJS from "exceljs";
import type { Db } from "../../db/client";
import { renderSignInSheet, type SignInSession } from "../../lib/pdf";
import { todayIso } from "../../lib/time";
import { formatDate } from "../../lib/vietnamese";
import { orgSettingsOn } from "../settings/settings.service";
import { attendanceMessages as m } from "./attendance.messages";
import type { CourseAttendance } from "./attendance.service";
import { enrolledPeople } from "./rollcall.service";
export { safeCell as neutraliseCell } from "../../lib/spreadsheet";
import { safeCell as neutraliseCell } from "../../lib/spreadsheet";


interface SheetCourse {
  id: number;
  title: string;
  venue: string | null;
  sessions: { date: string; startTime: string; cancelled: boolean }[];
}

/** Session columns of the sheet: non-cancelled sessions; the start time is added where a date has several. */
export function signInSessions(sessions: SheetCourse["sessions"]): SignInSession[] {
  const live = sessions.filter((s) => !s.cancelled);
  const perDate = new Map<string, number>();
  for (const s of live) perDate.set(s.date, (perDate.get(s.date) ?? 0) + 1);
  return live.map((s) => ({ date: s.date, label: (perDate.get(s.date) ?? 0) > 1 ? s.startTime : undefined }));
}

/**
 * The sign-in sheet of a course as PDF bytes: header of the organisation settings in force `today`,
 * course title, venue and dates, enrolled people sorted by given name, one signature column per
 * scheduled session. Returns null when the course has no session to sign for.
 */
export async function signInSheetPdf(db: Db, course: SheetCourse, today = todayIso()): Promise<Uint8Array | null> {
  const sessions = signInSessions(course.sessions);
  if (!sessions.length) return null;
  const [org, people] = await Promise.all([orgSettingsOn(db, today), enrolledPeople(db, course.id)]);
  return renderSignInSheet({
    managingBody: org.managingBody || undefined,
    issuingBody: org.issuingBody,
    place: org.placeName,
    documentDate: today,
    courseTitle: course.title,
    venue: course.venue ?? undefined,
    startDate: sessions[0].date,
    endDate: sessions[sessions.length - 1].date,
    sessions,
    people: people.map((p) => ({ fullName: p.fullName, unit: p.unitName ?? undefined })),
  });
}

/** The XLSX of all marks of a course: title, header, one row per person, the legend. */
export async function marksWorkbook(courseTitle: string, grid: CourseAttendance): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "taphuan";
  const ws = wb.addWorksheet(m.xlsxSheet, { views: [{ state: "frozen", xSplit: 2, ySplit: 2 }] });
  const fixed = [m.tt, m.fullName, m.dateOfBirth, m.unit];
  const sessionHeads = grid.sessions.map((s, i) => neutraliseCell(m.xlsxSession(i + 1, formatDate(s.date), s.startTime) + (s.cancelled ? ` ${m.xlsxCancelled}` : "")));
  const header = [...fixed, ...sessionHeads, m.attended, m.rate];
  ws.addRow([neutraliseCell(courseTitle)]).font = { bold: true, size: 13 };
  ws.mergeCells(1, 1, 1, header.length);
  const head = ws.addRow(header);
  head.font = { bold: true };
  grid.rows.forEach((p, i) => {
    ws.addRow([
      i + 1,
      neutraliseCell(p.fullName),
      formatDate(p.dateOfBirth),
      neutraliseCell(p.unitName ?? ""),
      ...grid.sessions.map((s) => m.abbr[p.marks.get(s.id) ?? ""] ?? ""),
      `${p.rate.attended}/${p.rate.scheduled}`,
      p.rate.rate,
    ]);
  });
  const rateCol = ws.getColumn(header.length);
  rateCol.numFmt = "0.0%";
  ws.getColumn(1).width = 5;
  ws.getColumn(2).width = 28;
  ws.getColumn(3).width = 12;
  ws.getColumn(4).width = 28;
  for (let c = 5; c <= header.length; c++) ws.getColumn(c).width = 12;
  for (let c = 5; c < 5 + grid.sessions.length; c++) ws.getColumn(c).alignment = { horizontal: "center" };
  // Column styles reach every cell, the header included: its wrapping is set last.
  head.alignment = { wrapText: true, vertical: "middle", horizontal: "center" };
  ws.addRow([]);
  ws.addRow([m.legend]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
