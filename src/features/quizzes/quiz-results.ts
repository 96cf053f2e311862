/** Final quiz grades per trainee, by the quiz's grading method, from finished attempts. */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { quizAttempts, quizzes } from "../../db/schema";
import { NotFound } from "../../lib/errors";
import { closeExpiredAttempts } from "./attempts.service";
import { finalGrade, passed, type GradingMethod } from "./grading";

export interface QuizResult {
  /** Final percent (0..100, unrounded) or null without a finished attempt. */
  percent: number | null;
  passed: boolean;
  attempts: number;
}

/**
 * userId → final grade for every user with at least one finished (submitted or expired) attempt.
 * Open attempts past their deadline are closed and graded first, so a grade is never missing only
 * because nobody touched an attempt after its time ran out.
 */
export async function quizResultsByUser(db: Db, quizId: number, now: Date = new Date()): Promise<{ passMark: number; results: Map<number, QuizResult> }> {
  const [quiz] = await db.select().from(quizzes).where(eq(quizzes.id, quizId));
  if (!quiz) throw new NotFound();
  await closeExpiredAttempts(db, { quizId }, now);
  const rows = await db
    .select({ userId: quizAttempts.userId, percent: quizAttempts.percent })
    .from(quizAttempts)
    .where(and(eq(quizAttempts.quizId, quizId), inArray(quizAttempts.status, ["submitted", "expired"])))
    .orderBy(asc(quizAttempts.userId), asc(quizAttempts.attemptNo));
  const perUser = new Map<number, number[]>();
  for (const r of rows) {
    if (!perUser.has(r.userId)) perUser.set(r.userId, []);
    perUser.get(r.userId)!.push(r.percent ?? 0);
  }
  const results = new Map<number, QuizResult>();
  for (const [userId, percents] of perUser) {
    const percent = finalGrade(percents, quiz.gradingMethod as GradingMethod);
    results.set(userId, { percent, passed: passed(percent, quiz.passMark), attempts: percents.length });
  }
  return { passMark: quiz.passMark, results };
}
