/**
 * A course's attendance as a whole: the grid of marks (people × sessions) with each person's rate,
 * what the course page shows, the trainee's open sessions for code check-in, and the check-in settings.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attendanceMarks, courseSessions, courses, enrollments, type MarkStatus } from "../../db/schema";
import type { SessionUser } from "../../lib/auth";
import { audit } from "../../lib/audit";
import { NotFound } from "../../lib/errors";
import { todayIso } from "../../lib/time";
import { attendanceRate, type AttendanceRate } from "./attendance-rate";
import { checkinOpen } from "./checkin-token";
import { enrolledPeople } from "./rollcall.service";
import { type Read, uncached } from "../../lib/read-cache";

/**
 * Everything about a course's marks: its sessions in date order (cancelled ones included, flagged),
 * the enrolled people in roster order, each with their marks by session id and their rate (over all
 * scheduled, non-cancelled sessions: unmarked = not attended; E per the course setting).
 */
export async function courseAttendance(db: Db, course: { id: number; countExcused: boolean; sessions: (typeof courseSessions.$inferSelect)[] }) {
  const { sessions } = course; // as getCourse gives them: by date, start time, id
  const [people, marks] = await Promise.all([
    enrolledPeople(db, course.id),
    sessions.length
      ? db.select({ sessionId: attendanceMarks.sessionId, userId: attendanceMarks.userId, status: attendanceMarks.status }).from(attendanceMarks).where(inArray(attendanceMarks.sessionId, sessions.map((s) => s.id)))
      : [],
  ]);
  const byUser = new Map<number, Map<number, MarkStatus>>();
  for (const x of marks) {
    if (!byUser.has(x.userId)) byUser.set(x.userId, new Map());
    byUser.get(x.userId)!.set(x.sessionId, x.status);
  }
  const rows = people.map((p) => {
    const own = byUser.get(p.userId) ?? new Map<number, MarkStatus>();
    return { ...p, marks: own, rate: attendanceRate(sessions, own, course.countExcused) };
  });
  return { countExcused: course.countExcused, sessions, rows };
}

export type CourseAttendance = Awaited<ReturnType<typeof courseAttendance>>;

/** What the course page shows about attendance. */
export interface CoursePageAttendance {
  countExcused: boolean;
  /** Managers: every enrolled trainee's rate, in roster order. */
  rates: { userId: number; fullName: string; rate: AttendanceRate }[] | null;
  /** An enrolled trainee: their own rate and their mark per session id. */
  mine: { rate: AttendanceRate; marks: Record<number, MarkStatus> } | null;
  /** A trainee: whether one of this course's sessions is open for check-in now (link to the code form). */
  checkinOpenNow: boolean;
}

interface PageCourse {
  id: number;
  countExcused: boolean;
  checkinOpensBefore: number;
  checkinClosesAfter: number;
  sessions: (typeof courseSessions.$inferSelect)[];
}

/**
 * Attendance data for GET /courses/:id: all rates for managers, one's own rate for an enrolled trainee.
 * `read` may serve the marks from the page cache (lib/read-cache.ts); the clock is applied after.
 */
export async function attendanceForCoursePage(db: Db, course: PageCourse, user: SessionUser, canManage: boolean, enrolled: boolean, now = new Date(), read: Read = uncached): Promise<CoursePageAttendance> {
  if (canManage) {
    const grid = await read(`attendance-grid:${course.id}`, () => courseAttendance(db, course));
    return { countExcused: course.countExcused, rates: grid.rows.map((r) => ({ userId: r.userId, fullName: r.fullName, rate: r.rate })), mine: null, checkinOpenNow: false };
  }
  if (!enrolled) return { countExcused: course.countExcused, rates: null, mine: null, checkinOpenNow: false };
  const ids = course.sessions.map((s) => s.id);
  const own = ids.length
    ? await read(`own-marks:${course.id}:${user.id}`, () => db.select({ sessionId: attendanceMarks.sessionId, status: attendanceMarks.status }).from(attendanceMarks).where(and(eq(attendanceMarks.userId, user.id), inArray(attendanceMarks.sessionId, ids))))
    : [];
  const marks = Object.fromEntries(own.map((x) => [x.sessionId, x.status])) as Record<number, MarkStatus>;
  const rules = { opensMinutesBefore: course.checkinOpensBefore, closesMinutesAfter: course.checkinClosesAfter };
  const checkinOpenNow = course.sessions.some((s) => !s.cancelled && !marks[s.id] && checkinOpen(s, rules, now).open);
  return { countExcused: course.countExcused, rates: null, mine: { rate: attendanceRate(course.sessions, marks, course.countExcused), marks }, checkinOpenNow };
}

/**
 * The sessions a trainee may check in to at `now` with a code: their enrolled courses' sessions from
 * yesterday to tomorrow (check-in may open up to a day ahead) that are not cancelled, not yet marked
 * for them, and open for check-in.
 */
export async function openSessionsFor(db: Db, userId: number, now = new Date()) {
  const today = todayIso(now);
  const yesterday = todayIso(new Date(now.getTime() - 86_400_000));
  const tomorrow = todayIso(new Date(now.getTime() + 86_400_000));
  const rows = await db
    .select({
      id: courseSessions.id, date: courseSessions.date, startTime: courseSessions.startTime, endTime: courseSessions.endTime, cancelled: courseSessions.cancelled,
      courseTitle: courses.title, opensBefore: courses.checkinOpensBefore, closesAfter: courses.checkinClosesAfter,
    })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .innerJoin(courseSessions, eq(courseSessions.courseId, courses.id))
    .leftJoin(attendanceMarks, and(eq(attendanceMarks.sessionId, courseSessions.id), eq(attendanceMarks.userId, userId)))
    .where(and(eq(enrollments.userId, userId), eq(enrollments.status, "enrolled"), eq(courseSessions.cancelled, false), inArray(courseSessions.date, [yesterday, today, tomorrow]), isNull(attendanceMarks.id)))
    .orderBy(asc(courseSessions.date), asc(courseSessions.startTime));
  return rows.filter((s) => checkinOpen(s, { opensMinutesBefore: s.opensBefore, closesMinutesAfter: s.closesAfter }, now).open);
}

/** The check-in rules of a course, in minutes. */
export interface CheckinSettings {
  checkinOpensBefore: number;
  checkinClosesAfter: number;
  lateAfterMinutes: number;
}

/** Saves a course's check-in rules (audited). */
export async function updateCheckinSettings(db: Db, courseId: number, input: CheckinSettings, actor: { id: number; ip?: string | null }): Promise<void> {
  await db.transaction(async (tx) => {
    const done = await tx.update(courses).set({ ...input, updatedAt: new Date() }).where(eq(courses.id, courseId)).returning({ id: courses.id });
    if (!done.length) throw new NotFound();
    await audit(tx, { actorId: actor.id, action: "attendance.settings", targetType: "course", targetId: courseId, details: { ...input }, ip: actor.ip });
  });
}
