/**
 * What issuing reads inside its transaction, in two statements whether for one trainee or a batch: the
 * trainees' enrollment rows locked (serialising two issues for the same person), then in one statement the course, its
 * sessions and required quiz, the person with their unit and ethnicity names, their earlier
 * certificates of the course, attendance marks, quiz attempts and the trainer's approval. These were
 * twelve statements, each costing ~1 ms of CPU on the embedded database; the bulk job issues hundreds.
 * The lock is its own statement on purpose: a statement's snapshot is taken when it starts, so reads
 * made in the statement that waited for the lock would miss the certificate the other issuer committed.
 */
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jsonList } from "../../db/json";
import { attendanceMarks, certificates, completionApprovals, courseSessions, courses, enrollments, ethnicities, quizAttempts, quizzes, units, users, type MarkStatus } from "../../db/schema";

/**
 * Locks the people's "enrolled" rows of the course until commit, in user id order (two batches that
 * share people lock them in the same order: no deadlock); returns the ids that have one.
 */
export async function lockEnrollments(tx: Db, courseId: number, userIds: number[]): Promise<Set<number>> {
  const rows = await tx.select({ userId: enrollments.userId }).from(enrollments)
    .where(and(eq(enrollments.courseId, courseId), inArray(enrollments.userId, userIds), eq(enrollments.status, "enrolled")))
    .orderBy(enrollments.userId).for("update");
  return new Set(rows.map((r) => r.userId));
}

/** The person as printed on a certificate (see snapshot.ts). */
export interface IssuePerson {
  fullName: string;
  ho: string;
  tenDem: string | null;
  ten: string;
  dateOfBirth: string | null;
  birthYear: number | null;
  gender: string | null;
  position: string | null;
  unit: string | null;
  ethnicity: string | null;
}

/** Everything about a course and one trainee that issuing them a certificate needs. */
export interface IssueContext {
  course: typeof courses.$inferSelect;
  quiz: { id: number; title: string; passMark: number; gradingMethod: string } | null;
  /** Every session of the course, cancelled ones too, by date and start time. */
  sessions: { id: number; cancelled: boolean; date: string; venue: string | null }[];
  person: IssuePerson | null;
  /** Their certificates of the course, newest first. */
  previous: { id: number; status: string }[];
  marks: { sessionId: number; status: MarkStatus }[];
  /** Submitted or expired attempts at the required quiz, in attempt order. */
  attempts: { percent: number | null }[];
  approved: boolean | null;
}

/**
 * `(subquery)` as one select field. Nested in another SQL so that Drizzle qualifies its columns with
 * their table: at the top level of a one-table select it writes bare names ("id"), which inside a
 * subquery would mean the subquery's own table.
 */
const scalar = <T>(query: SQL): SQL<T> => sql<T>`(${query})`;

/**
 * Reads the {@link IssueContext} of a course and each of `userIds` in one statement (a row per person,
 * the course's columns repeated); empty for an unknown course.
 */
export async function issueContexts(tx: Db, courseId: number, userIds: number[]): Promise<Map<number, IssueContext>> {
  const userId = sql<number>`u.id`;
  const rows = await tx
    .select({
      userId,
      course: courses,
      quiz: scalar<IssueContext["quiz"]>(sql`select json_build_object('id', ${quizzes.id}, 'title', ${quizzes.title}, 'passMark', ${quizzes.passMark}, 'gradingMethod', ${quizzes.gradingMethod})
        from ${quizzes} where ${quizzes.id} = ${courses.requiredQuizId} and ${quizzes.courseId} = ${courses.id}`),
      sessions: jsonList<IssueContext["sessions"][number]>(
        sql`json_build_object('id', ${courseSessions.id}, 'cancelled', ${courseSessions.cancelled}, 'date', ${courseSessions.date}, 'venue', ${courseSessions.venue})`,
        sql`from ${courseSessions} where ${courseSessions.courseId} = ${courses.id}`,
        sql`${courseSessions.date}, ${courseSessions.startTime}, ${courseSessions.id}`,
      ),
      person: scalar<IssuePerson | null>(sql`select json_build_object('fullName', ${users.fullName}, 'ho', ${users.ho}, 'tenDem', ${users.tenDem}, 'ten', ${users.ten},
          'dateOfBirth', ${users.dateOfBirth}, 'birthYear', ${users.birthYear}, 'gender', ${users.gender}, 'position', ${users.position}, 'unit', ${units.name}, 'ethnicity', ${ethnicities.name})
        from ${users} left join ${units} on ${units.code} = ${users.unitCode} left join ${ethnicities} on ${ethnicities.code} = ${users.ethnicityCode} where ${users.id} = ${userId}`),
      previous: jsonList<IssueContext["previous"][number]>(
        sql`json_build_object('id', ${certificates.id}, 'status', ${certificates.status})`,
        sql`from ${certificates} where ${certificates.courseId} = ${courses.id} and ${certificates.userId} = ${userId}`,
        sql`${certificates.id} desc`,
      ),
      marks: jsonList<IssueContext["marks"][number]>(
        sql`json_build_object('sessionId', ${attendanceMarks.sessionId}, 'status', ${attendanceMarks.status})`,
        sql`from ${attendanceMarks} join ${courseSessions} on ${courseSessions.id} = ${attendanceMarks.sessionId} where ${courseSessions.courseId} = ${courses.id} and ${attendanceMarks.userId} = ${userId}`,
      ),
      attempts: jsonList<IssueContext["attempts"][number]>(
        sql`json_build_object('percent', ${quizAttempts.percent})`,
        sql`from ${quizAttempts} where ${quizAttempts.quizId} = ${courses.requiredQuizId} and ${quizAttempts.userId} = ${userId} and ${quizAttempts.status} in ('submitted', 'expired')`,
        sql`${quizAttempts.attemptNo}`,
      ),
      approved: scalar<boolean | null>(sql`select ${completionApprovals.approved} from ${completionApprovals} where ${completionApprovals.courseId} = ${courses.id} and ${completionApprovals.userId} = ${userId}`),
    })
    .from(courses)
    .crossJoin(sql`unnest(${sql.param(userIds)}::int[]) as u(id)`)
    .where(eq(courses.id, courseId));
  return new Map(rows.map(({ userId: id, ...ctx }) => [Number(id), ctx]));
}
