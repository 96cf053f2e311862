/**
 * Documents of a course's attendance: the sign-in sheet (DANH SÁCH KÝ NHẬN, PDF, NĐ 30 layout) and the
 * XLSX of all marks (one row per person, one column per session, the rate).
 */
import type { Db } from "../../db/client";
import { renderSignInSheet, type SignInSession } from "../../lib/pdf";
import { todayIso } from "../../lib/time";
import { formatBirth, formatDate } from "../../lib/vietnamese";
import { documentOrgOn } from "../settings";
import { attendanceMessages as m } from "./attendance.messages";
import type { CourseAttendance } from "./attendance.service";
import { enrolledPeople } from "./rollcall.service";
export { safeCell as neutraliseCell } from "../../lib/spreadsheet";
import { tableWorkbook, type SheetColumn } from "../../lib/spreadsheet";

interface SheetCourse {
  id: number;
  title: string;
  venue: string | null;
  sessions: { date: string; startTime: string; cancelled: boolean }[];
  /** The course's trainers; the first one manages the class and signs the sheet. */
  trainers?: { fullName: string }[];
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
 * scheduled session, the first trainer's name under "NGƯỜI QUẢN LÝ LỚP". Returns null when the course
 * has no session to sign for.
 */
export async function signInSheetPdf(db: Db, course: SheetCourse, today = todayIso()): Promise<Uint8Array | null> {
  const sessions = signInSessions(course.sessions);
  if (!sessions.length) return null;
  const [org, people] = await Promise.all([documentOrgOn(db, today), enrolledPeople(db, course.id)]);
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
    managerName: course.trainers?.[0]?.fullName,
  });
}

/** The XLSX of all marks of a course: title, header, one row per person, the legend. */
export async function marksWorkbook(courseTitle: string, grid: CourseAttendance): Promise<Buffer> {
  const sessionHeads = grid.sessions.map((s, i) => m.xlsxSession(i + 1, formatDate(s.date), s.startTime) + (s.cancelled ? ` ${m.xlsxCancelled}` : ""));
  const columns: SheetColumn[] = [
    { header: m.tt, kind: "int", align: "center" },
    { header: m.fullName },
    { header: m.dateOfBirth, kind: "date" },
    { header: m.unit, maxWidth: 30 },
    ...sessionHeads.map((header): SheetColumn => ({ header, align: "center" })),
    { header: m.xlsxAttended, kind: "int" },
    { header: m.xlsxScheduled, kind: "int" },
    { header: m.rate, kind: "percent" },
  ];
  return tableWorkbook({
    name: m.xlsxSheet,
    titleLines: [courseTitle],
    columns,
    rows: grid.rows.map((p, i) => [
      i + 1, p.fullName, p.dateOfBirth ?? formatBirth(p), p.unitName ?? "",
      ...grid.sessions.map((s) => m.abbr[p.marks.get(s.id) ?? ""] ?? ""),
      p.rate.attended, p.rate.scheduled, p.rate.rate,
    ]),
    footLines: [m.legend],
    freezeColumns: 2,
  });
}
