/** Course factory for tests: writes through the real service. */
import { eq } from "drizzle-orm";
import { attendanceMarks, courseSessions, enrollments, users } from "../../src/db/schema";
import { updateCheckinSettings } from "../../src/features/attendance/attendance.service";
import { getCourse } from "../../src/features/courses/courses.service";
import { addSessions } from "../../src/features/courses/sessions.service";
import { createCourse, type CourseInput } from "../../src/features/courses/courses.service";
import { joinFullName } from "../../src/lib/vietnamese";
import type { TestContext } from "./app";

export async function makeCourse(ctx: TestContext, actorId: number, over: Partial<CourseInput> = {}) {
  return createCourse(
    ctx.handle.db,
    {
      title: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại", kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
      venue: "Hội trường UBND xã Triệu Sơn", capacity: null, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
      trainerIds: [], targetCategoryIds: [], funding: [], ...over,
    },
    { id: actorId },
  );
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/**
 * Today's times (Vietnam) of a session whose check-in is open now, at any hour: it starts in 15 minutes
 * (check-in opens 30 minutes before by default), or, in the last quarter hour of the day, started 5 minutes
 * ago (it closes 30 minutes after the start).
 */
export function sessionOpenNow(now = Date.now()): { date: string; startTime: string; endTime: string } {
  const vn = new Date(now + 7 * 3_600_000);
  const minutes = vn.getUTCHours() * 60 + vn.getUTCMinutes();
  const last = 23 * 60 + 59;
  const start = minutes + 15 < last ? minutes + 15 : minutes - 5;
  return { date: vn.toISOString().slice(0, 10), startTime: hhmm(start), endTime: hhmm(Math.min(start + 180, last)) };
}

const HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"];
const TEN = ["Hà", "Ưng", "Thủy", "Khải", "Việt", "Ánh", "Trường", "Giang", "Dũng", "Hằng"];

/** A training course with two sessions and `n` trainees present at both (`absentEvery`-th person absent); `people` in roster order. */
export async function eligibleClass(ctx: TestContext, actorId: number, n: number, title: string, absentEvery = 0) {
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, actorId, { title });
  const sessions = await db.insert(courseSessions).values([
    { courseId: course.id, date: "2026-04-06", startTime: "07:30", endTime: "11:00" },
    { courseId: course.id, date: "2026-04-07", startTime: "07:30", endTime: "11:00" },
  ]).returning();
  const people = Array.from({ length: n }, (_, i) => ({ ho: HO[i % HO.length], tenDem: `Văn ${i + 1}`, ten: TEN[Math.floor(i / HO.length) % TEN.length] }));
  const rows = await db
    .insert(users)
    .values(people.map((p, i) => ({ ...p, fullName: joinFullName(p), role: "trainee" as const, dateOfBirth: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}` })))
    .returning({ id: users.id, fullName: users.fullName });
  await db.insert(enrollments).values(rows.map((r) => ({ courseId: course.id, userId: r.id, status: "enrolled" as const })));
  await db.insert(attendanceMarks).values(rows.flatMap((r, i) => sessions.map((s): typeof attendanceMarks.$inferInsert => ({ sessionId: s.id, userId: r.id, status: absentEvery && i % absentEvery === 0 ? "A" : "P", source: "rollcall" }))));
  return { course, sessions, userIds: rows.map((r) => r.id), people: rows.map((r) => ({ userId: r.id, fullName: r.fullName })) };
}

/** A course taught by `trainerId` with the given sessions and check-in rules; returns the course and session ids. */
export async function checkinCourse(
  ctx: TestContext, adminId: number, trainerId: number, sessions: { date: string; startTime: string; endTime: string }[],
  rules = { checkinOpensBefore: 1440, checkinClosesAfter: 30, lateAfterMinutes: 15 },
) {
  const c = await makeCourse(ctx, adminId, { trainerIds: [trainerId] });
  for (const s of sessions) {
    await addSessions(ctx.handle.db, await getCourse(ctx.handle.db, c.id), { ...s, venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: adminId });
  }
  await updateCheckinSettings(ctx.handle.db, c.id, rules, { id: adminId });
  const ids = (await ctx.handle.db.select({ id: courseSessions.id }).from(courseSessions).where(eq(courseSessions.courseId, c.id)).orderBy(courseSessions.date, courseSessions.startTime)).map((s) => s.id);
  return { id: c.id, sessionIds: ids };
}
