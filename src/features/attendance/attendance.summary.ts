/** Attendance rate of every participant of a course (all scheduled, non-cancelled sessions count). */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attendanceMarks, courseSessions, courses, enrollments, type MarkStatus } from "../../db/schema";
import { NotFound } from "../../lib/errors";
import { attendanceRate, type AttendanceRate } from "./attendance-rate";

/** userId → attended/scheduled/rate for the enrolled participants of a course. */
export async function attendanceByUser(db: Db, courseId: number): Promise<Map<number, AttendanceRate>> {
  const [course] = await db.select({ countExcused: courses.countExcused }).from(courses).where(eq(courses.id, courseId));
  if (!course) throw new NotFound();
  const sessions = await db.select({ id: courseSessions.id, cancelled: courseSessions.cancelled }).from(courseSessions).where(eq(courseSessions.courseId, courseId));
  const people = await db.select({ userId: enrollments.userId }).from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.status, "enrolled")));
  const marks = sessions.length
    ? await db.select({ sessionId: attendanceMarks.sessionId, userId: attendanceMarks.userId, status: attendanceMarks.status }).from(attendanceMarks).where(inArray(attendanceMarks.sessionId, sessions.map((s) => s.id)))
    : [];
  const byUser = new Map<number, Map<number, MarkStatus>>();
  for (const m of marks) {
    if (!byUser.has(m.userId)) byUser.set(m.userId, new Map());
    byUser.get(m.userId)!.set(m.sessionId, m.status);
  }
  const out = new Map<number, AttendanceRate>();
  for (const p of people) out.set(p.userId, attendanceRate(sessions, byUser.get(p.userId) ?? new Map(), course.countExcused));
  return out;
}
