/**
 * What a trainee does next, for the start page: today's sessions (with check-in), open quizzes, their
 * certificates and courses open for enrollment. Only the trainee's own rows, and of other courses only
 * those open for enrollment.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lte, notExists, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attendanceMarks, certificates, courseSessions, courses, enrollments, quizAttempts, quizzes } from "../../db/schema";
import { todayIso } from "../../lib/time";
import { checkinOpen } from "../attendance";

/** Enrollments that make a course "mine" (a waitlisted or pending person is not in the class yet). */
const enrolledIn = (userId: number) =>
  and(eq(enrollments.userId, userId), eq(enrollments.status, "enrolled"), notInArray(courses.status, ["draft", "cancelled"]));

/** The start page's lists for one trainee at `now`. */
export async function traineeHome(db: Db, userId: number, now = new Date()) {
  const today = todayIso(now);
  const [sessions, openQuizzes, certs, openCourses] = await Promise.all([
    db
      .select({
        id: courseSessions.id, courseId: courses.id, courseTitle: courses.title, startTime: courseSessions.startTime, endTime: courseSessions.endTime,
        date: courseSessions.date, venue: sql<string | null>`coalesce(${courseSessions.venue}, ${courses.venue})`, mark: attendanceMarks.status,
        opensBefore: courses.checkinOpensBefore, closesAfter: courses.checkinClosesAfter,
      })
      .from(enrollments)
      .innerJoin(courses, eq(courses.id, enrollments.courseId))
      .innerJoin(courseSessions, eq(courseSessions.courseId, courses.id))
      .leftJoin(attendanceMarks, and(eq(attendanceMarks.sessionId, courseSessions.id), eq(attendanceMarks.userId, userId)))
      .where(and(enrolledIn(userId), eq(courseSessions.date, today), eq(courseSessions.cancelled, false)))
      .orderBy(asc(courseSessions.startTime), asc(courses.title)),
    db
      .select({ id: quizzes.id, title: quizzes.title, closesAt: quizzes.closesAt, courseTitle: courses.title, finished: sql<number>`count(${quizAttempts.id}) filter (where ${quizAttempts.status} <> 'open')::int` })
      .from(enrollments)
      .innerJoin(courses, eq(courses.id, enrollments.courseId))
      .innerJoin(quizzes, eq(quizzes.courseId, courses.id))
      .leftJoin(quizAttempts, and(eq(quizAttempts.quizId, quizzes.id), eq(quizAttempts.userId, userId)))
      .where(and(enrolledIn(userId), or(isNull(quizzes.opensAt), lte(quizzes.opensAt, now)), or(isNull(quizzes.closesAt), gt(quizzes.closesAt, now))))
      .groupBy(quizzes.id, courses.title)
      // Hidden once every allowed attempt is finished; an attempt in progress keeps it (to resume).
      .having(or(isNull(quizzes.maxAttempts), sql`count(${quizAttempts.id}) filter (where ${quizAttempts.status} <> 'open') < ${quizzes.maxAttempts}`))
      .orderBy(sql`${quizzes.closesAt} asc nulls last`, asc(quizzes.title)),
    db
      .select({ id: certificates.id, number: certificates.number, courseTitle: courses.title })
      .from(certificates)
      .innerJoin(courses, eq(courses.id, certificates.courseId))
      .where(and(eq(certificates.userId, userId), eq(certificates.status, "valid")))
      .orderBy(desc(certificates.issuedAt), desc(certificates.id)),
    db
      .select({ id: courses.id, title: courses.title, venue: courses.venue, enrollCloses: courses.enrollCloses })
      .from(courses)
      .where(and(
        eq(courses.status, "open"),
        or(isNull(courses.enrollOpens), lte(courses.enrollOpens, today)),
        or(isNull(courses.enrollCloses), sql`${courses.enrollCloses} >= ${today}`),
        notExists(db.select({ one: sql`1` }).from(enrollments).where(and(
          eq(enrollments.courseId, courses.id), eq(enrollments.userId, userId), inArray(enrollments.status, ["enrolled", "pending", "waitlisted"]),
        ))),
      ))
      .orderBy(sql`${courses.enrollCloses} asc nulls last`, asc(courses.title))
      .limit(10),
  ]);
  return {
    today: sessions.map(({ opensBefore, closesAfter, ...s }) => ({
      ...s,
      checkinOpen: !s.mark && checkinOpen(s, { opensMinutesBefore: opensBefore, closesMinutesAfter: closesAfter }, now).open,
    })),
    quizzes: openQuizzes,
    certificates: certs,
    openCourses,
  };
}
