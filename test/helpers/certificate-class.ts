/** A training class for the certificate tests: sessions, enrolled trainees and their attendance, written directly. */
import { eq } from "drizzle-orm";
import { attendanceMarks, courseSessions, enrollments, users } from "../../src/db/schema";
import { joinFullName } from "../../src/lib/vietnamese";
import { makeUser, type TestContext } from "./app";
import { makeCourse } from "./courses";

export type Person = { ho: string; tenDem: string; ten: string; dateOfBirth?: string | null; gender?: string; login?: boolean };

/**
 * A training course with `sessions` sessions and enrolled trainees, all present at every session
 * unless `absent` says how many sessions a person missed (by index).
 */
export async function trainingClass(ctx: TestContext, actorId: number, people: Person[], opts: { sessions?: number; absent?: Record<number, number>; title?: string; trainerIds?: number[] } = {}) {
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, actorId, { title: opts.title ?? "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", trainerIds: opts.trainerIds ?? [] });
  const n = opts.sessions ?? 4;
  const sessions = await db
    .insert(courseSessions)
    .values(Array.from({ length: n }, (_, i) => ({ courseId: course.id, date: `2026-03-${String(2 + i).padStart(2, "0")}`, startTime: "07:30", endTime: "11:00" })))
    .returning();
  const trainees = [];
  for (const [i, p] of people.entries()) {
    let id: number;
    let login: string | null = null;
    let password = "";
    if (p.login) {
      const u = await makeUser(ctx, "trainee", { ho: p.ho, tenDem: p.tenDem, ten: p.ten });
      id = u.id;
      login = u.login;
      password = u.password;
      await db.update(users).set({ dateOfBirth: p.dateOfBirth === undefined ? "1990-05-17" : p.dateOfBirth, gender: p.gender ?? "Nữ", unitCode: "X-TRIEUSON", ethnicityCode: "01" }).where(eq(users.id, id));
    } else {
      const [u] = await db
        .insert(users)
        .values({ ho: p.ho, tenDem: p.tenDem, ten: p.ten, fullName: joinFullName(p), role: "trainee", dateOfBirth: p.dateOfBirth === undefined ? "1988-11-02" : p.dateOfBirth, gender: p.gender ?? "Nam", unitCode: "X-TRIEUSON", ethnicityCode: "01" })
        .returning();
      id = u.id;
    }
    await db.insert(enrollments).values({ courseId: course.id, userId: id, status: "enrolled", source: "admin" });
    const missed = opts.absent?.[i] ?? 0;
    await db.insert(attendanceMarks).values(sessions.map((s, k): typeof attendanceMarks.$inferInsert => ({ sessionId: s.id, userId: id, status: k < missed ? "A" : "P", source: "rollcall" })));
    trainees.push({ id, login, password, fullName: joinFullName(p) });
  }
  return { course, sessions, trainees };
}
