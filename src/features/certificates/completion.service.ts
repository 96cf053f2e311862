/**
 * Completion of a training course: the rule (course columns), trainer approvals, and each trainee's
 * result with its explanation in words (evaluateCompletion). The whole-class view uses the attendance
 * and quiz summaries; the per-trainee check used when issuing reads only that trainee's rows, so a
 * bulk issue of hundreds of certificates does not re-read the whole class for each one.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  attendanceMarks, certificates, completionApprovals, courseSessions, courses, enrollments, quizAttempts, quizzes,
  type MarkStatus,
} from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound, ValidationError } from "../../lib/errors";
import { birthKnown } from "../../lib/vietnamese";
import { attendanceByUser, attendanceRate, type AttendanceRate } from "../attendance";
import { classPeople, inClass } from "../enrollment";
import { finalGrade, quizResultsByUser, type GradingMethod } from "../quizzes";
import { certificatesMessages as m } from "./certificates.messages";
import { evaluateCompletion, type CompletionResult, type CompletionRule } from "./eligibility";

type Actor = { id: number; ip?: string | null };

/** The course columns the rule is made of. */
export interface CourseRuleRow {
  id: number;
  kind: string;
  minAttendanceRate: number;
  countExcused: boolean;
  requiredQuizId: number | null;
  completionApprovalRequired: boolean;
}

/** The required quiz's columns the rule uses. */
export type RuleQuiz = { id: number; title: string; passMark: number; gradingMethod: string };

/** The rule of a course, with the required quiz's pass mark (undefined when the quiz is gone). */
export async function ruleOf(db: Db, course: CourseRuleRow): Promise<CompletionRule & { quiz: RuleQuiz | null }> {
  const [quiz] = course.requiredQuizId
    ? await db.select({ id: quizzes.id, title: quizzes.title, passMark: quizzes.passMark, gradingMethod: quizzes.gradingMethod }).from(quizzes)
      .where(and(eq(quizzes.id, course.requiredQuizId), eq(quizzes.courseId, course.id)))
    : [];
  return ruleFrom(course, quiz ?? null);
}

/** The rule of a course whose required quiz (of this course) was read: null when there is none. */
export function ruleFrom(course: CourseRuleRow, quiz: RuleQuiz | null): CompletionRule & { quiz: RuleQuiz | null } {
  return {
    minAttendanceRate: course.minAttendanceRate,
    countExcused: course.countExcused,
    quizRequired: course.requiredQuizId !== null,
    quizPassMark: quiz?.passMark,
    approvalRequired: course.completionApprovalRequired,
    quiz,
  };
}

/** The quizzes of a course, for the rule form. */
export async function courseQuizzes(db: Db, courseId: number) {
  return db.select({ id: quizzes.id, title: quizzes.title, passMark: quizzes.passMark }).from(quizzes).where(eq(quizzes.courseId, courseId)).orderBy(asc(quizzes.id));
}

export interface RuleInput {
  /** 0..1 */
  minAttendanceRate: number;
  countExcused: boolean;
  requiredQuizId: number | null;
  completionApprovalRequired: boolean;
}

/** Saves a course's completion rule. Throws ValidationError when the quiz is not the course's. */
export async function updateRule(db: Db, courseId: number, input: RuleInput, actor: Actor): Promise<void> {
  if (input.requiredQuizId !== null) {
    const [quiz] = await db.select({ id: quizzes.id }).from(quizzes).where(and(eq(quizzes.id, input.requiredQuizId), eq(quizzes.courseId, courseId)));
    if (!quiz) throw new ValidationError({ requiredQuizId: m.badQuiz });
  }
  await db.transaction(async (tx) => {
    await tx.update(courses).set({ ...input, updatedAt: new Date() }).where(eq(courses.id, courseId));
    await audit(tx, { actorId: actor.id, action: "completion.rule", targetType: "course", targetId: courseId, details: { ...input }, ip: actor.ip });
  });
}

/**
 * Records (or clears, with null) a trainer's decision on one trainee. Throws NotFound when the person
 * is not enrolled in the course.
 */
export async function setApproval(db: Db, courseId: number, userId: number, approved: boolean | null, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [enr] = await tx.select({ id: enrollments.id }).from(enrollments).where(and(inClass(courseId), eq(enrollments.userId, userId)));
    if (!enr) throw new NotFound(m.notEnrolled);
    const where = and(eq(completionApprovals.courseId, courseId), eq(completionApprovals.userId, userId));
    if (approved === null) await tx.delete(completionApprovals).where(where);
    else {
      await tx
        .insert(completionApprovals)
        .values({ courseId, userId, approved, decidedBy: actor.id, decidedAt: new Date() })
        .onConflictDoUpdate({ target: [completionApprovals.courseId, completionApprovals.userId], set: { approved, decidedBy: actor.id, decidedAt: new Date() } });
    }
    await audit(tx, { actorId: actor.id, action: "completion.approval", targetType: "course", targetId: courseId, details: { userId, approved }, ip: actor.ip });
  });
}

/** A trainee's completion: counts, quiz grade, approval and the verdict with its explanation. */
export interface TraineeCompletion {
  attendance: AttendanceRate;
  quizPercent: number | null;
  approved: boolean | null;
  result: CompletionResult;
}

/**
 * One trainee's completion, reading only their rows (used inside the issuing transaction).
 * The same pure functions as the class view (attendanceRate, finalGrade, evaluateCompletion).
 */
export async function completionOf(db: Db, course: CourseRuleRow, userId: number): Promise<TraineeCompletion> {
  const rule = await ruleOf(db, course);
  const sessions = await db.select({ id: courseSessions.id, cancelled: courseSessions.cancelled }).from(courseSessions).where(eq(courseSessions.courseId, course.id));
  const marks = sessions.length
    ? await db.select({ sessionId: attendanceMarks.sessionId, status: attendanceMarks.status }).from(attendanceMarks)
      .where(and(eq(attendanceMarks.userId, userId), inArray(attendanceMarks.sessionId, sessions.map((s) => s.id))))
    : [];
  const attempts = rule.quiz
    ? await db
        .select({ percent: quizAttempts.percent })
        .from(quizAttempts)
        .where(and(eq(quizAttempts.quizId, rule.quiz.id), eq(quizAttempts.userId, userId), inArray(quizAttempts.status, ["submitted", "expired"])))
        .orderBy(asc(quizAttempts.attemptNo))
    : [];
  const [approval] = await db.select({ approved: completionApprovals.approved }).from(completionApprovals).where(and(eq(completionApprovals.courseId, course.id), eq(completionApprovals.userId, userId)));
  return completionFrom(course, rule, { sessions, marks, attempts, approved: approval ? approval.approved : null });
}

/**
 * One trainee's completion from their rows (the issuing transaction reads them in one statement):
 * the course's sessions, the trainee's marks, attempts at the required quiz and the trainer's decision.
 */
export function completionFrom(
  course: CourseRuleRow,
  rule: CompletionRule & { quiz: RuleQuiz | null },
  rows: { sessions: { id: number; cancelled: boolean }[]; marks: { sessionId: number; status: MarkStatus }[]; attempts: { percent: number | null }[]; approved: boolean | null },
): TraineeCompletion {
  const attendance = attendanceRate(rows.sessions, new Map<number, MarkStatus>(rows.marks.map((r) => [r.sessionId, r.status])), course.countExcused);
  const quizPercent = rule.quiz ? finalGrade(rows.attempts.map((a) => a.percent ?? 0), rule.quiz.gradingMethod as GradingMethod) : null;
  const { approved } = rows;
  const result = evaluateCompletion({ rule, attendance, quizPercent, approved });
  return { attendance, quizPercent, approved, result };
}

/** Whether the person is in the course's class (inClass). */
export async function isEnrolled(db: Db, courseId: number, userId: number): Promise<boolean> {
  const [row] = await db.select({ id: enrollments.id }).from(enrollments).where(and(inClass(courseId), eq(enrollments.userId, userId)));
  return !!row;
}

/** Person columns shown on completion pages and rosters: the members of the class (enrollment's classPeople). */
export const enrolledPeople = classPeople;

/** One row of the class completion table. */
export type ClassCompletionRow = Awaited<ReturnType<typeof enrolledPeople>>[number] &
  TraineeCompletion & { certificate: { id: number; number: string; status: string; revokeReason: string | null } | null; canIssue: boolean; revoked: boolean };

/**
 * Whether a row waits for its first certificate: eligible and never issued one. Someone whose
 * certificate was revoked is not waiting: issuing again is an explicit action with a reason.
 */
export const awaitsCertificate = (r: Pick<ClassCompletionRow, "result" | "certificate">): boolean => r.result.eligible && !r.certificate;

/**
 * Every enrolled trainee of a course in roster order, with attendance, quiz grade, approval, the verdict
 * explained in words, and their newest certificate. `canIssue`: eligible, never issued one, birth date
 * or year known; `revoked`: their certificate was revoked (and none is valid). Throws NotFound for an unknown course.
 */
export async function classCompletion(db: Db, course: CourseRuleRow): Promise<{ rule: Awaited<ReturnType<typeof ruleOf>>; rows: ClassCompletionRow[] }> {
  const rule = await ruleOf(db, course);
  const [people, attendance, quiz, approvals, certs] = await Promise.all([
    enrolledPeople(db, course.id),
    attendanceByUser(db, course.id),
    rule.quiz ? quizResultsByUser(db, rule.quiz.id) : Promise.resolve(null),
    db.select().from(completionApprovals).where(eq(completionApprovals.courseId, course.id)),
    db.select({ id: certificates.id, userId: certificates.userId, number: certificates.number, status: certificates.status, revokeReason: certificates.revokeReason })
      .from(certificates).where(eq(certificates.courseId, course.id)).orderBy(asc(certificates.id)),
  ]);
  const rows = people.map((p) => {
    const att = attendance.get(p.userId) ?? { attended: 0, scheduled: 0, rate: 0, absent: 0 };
    const quizPercent = quiz?.results.get(p.userId)?.percent ?? null;
    const a = approvals.find((x) => x.userId === p.userId);
    const approved = a ? a.approved : null;
    const result = evaluateCompletion({ rule, attendance: att, quizPercent, approved });
    const mine = certs.filter((c) => c.userId === p.userId);
    const certificate = mine.find((c) => c.status === "valid") ?? mine[mine.length - 1] ?? null;
    const canIssue = course.kind === "training" && awaitsCertificate({ result, certificate }) && birthKnown(p);
    return { ...p, attendance: att, quizPercent, approved, result, certificate, canIssue, revoked: certificate?.status === "revoked" };
  });
  return { rule, rows };
}
