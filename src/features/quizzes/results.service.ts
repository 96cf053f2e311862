/**
 * Results of a quiz for its trainers: each trainee's grade by the quiz's grading method, passed or
 * not, and per-question facility and discrimination; the same as an XLSX workbook.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attemptAnswers, questions, quizAttempts, quizQuestions } from "../../db/schema";
import { classPeople } from "../enrollment";
import { gradeLayout } from "./attempt-layout";
import { closeExpiredAttempts } from "./attempts.service";
import { finalGrade, passed, questionStats, type GradingMethod } from "./grading";
import { quizzesMessages as m } from "./quizzes.messages";
import type { QuizRow } from "./quizzes.service";
export { safeCell } from "../../lib/spreadsheet";
import { addTableSheet, newWorkbook, workbookBytes } from "../../lib/spreadsheet";

export interface TraineeResult {
  userId: number;
  fullName: string;
  unitName: string | null;
  attempts: number;
  percent: number | null;
  passed: boolean;
}

export interface QuestionResult {
  questionId: number;
  kind: string;
  title: string | null;
  text: string;
  attempts: number;
  facility: number;
  discrimination: number | null;
}

/**
 * Every member of the class (inClass: the same people the completion page counts), with or without
 * attempts, in roster order; statistics over all finished attempts. Expired open attempts are closed first.
 */
export async function quizResults(db: Db, quiz: QuizRow, now: Date): Promise<{ trainees: TraineeResult[]; questions: QuestionResult[]; finishedAttempts: number }> {
  await closeExpiredAttempts(db, { quizId: quiz.id }, now);
  const finished = await db.select().from(quizAttempts)
    .where(and(eq(quizAttempts.quizId, quiz.id), inArray(quizAttempts.status, ["submitted", "expired"])))
    .orderBy(asc(quizAttempts.userId), asc(quizAttempts.attemptNo));
  const people = await classPeople(db, quiz.courseId);

  const trainees = people.map((p) => {
    const percents = finished.filter((a) => a.userId === p.userId).map((a) => a.percent ?? 0);
    const percent = finalGrade(percents, quiz.gradingMethod as GradingMethod);
    return { userId: p.userId, fullName: p.fullName, unitName: p.unitName, attempts: percents.length, percent, passed: passed(percent, quiz.passMark) };
  });
  return { trainees, questions: await itemAnalysis(db, quiz, finished), finishedAttempts: finished.length };
}

// Re-grades each finished attempt per question (fractions are not stored) and feeds questionStats.
async function itemAnalysis(db: Db, quiz: QuizRow, finished: (typeof quizAttempts.$inferSelect)[]): Promise<QuestionResult[]> {
  if (!finished.length) return [];
  const qids = [...new Set(finished.flatMap((a) => a.layout.map((l) => l.questionId)))];
  const [bank, answers, fixed] = await Promise.all([
    db.select().from(questions).where(inArray(questions.id, qids)),
    db.select().from(attemptAnswers).where(inArray(attemptAnswers.attemptId, finished.map((a) => a.id))),
    db.select({ questionId: quizQuestions.questionId }).from(quizQuestions).where(eq(quizQuestions.quizId, quiz.id)).orderBy(asc(quizQuestions.position)),
  ]);
  const sources = bank.map((q) => ({ id: q.id, kind: q.kind as "single", choices: q.choices, ignoreCase: q.ignoreCase, ignoreTones: q.ignoreTones }));
  const rows = finished.map((a) => ({
    userScorePercent: a.percent ?? 0,
    questionFractions: gradeLayout(a.layout, sources, answers.filter((x) => x.attemptId === a.id)).fractions,
  }));
  const stats = questionStats(rows);
  // The quiz's own order first (fixed quizzes), then any other question by id (random draws, removed ones).
  const order = new Map(fixed.map((f, i) => [f.questionId, i]));
  const rank = (id: number) => order.get(id) ?? fixed.length + id;
  return bank.filter((q) => stats[String(q.id)]).sort((a, b) => rank(a.id) - rank(b.id)).map((q) => ({
    questionId: q.id, kind: q.kind, title: q.title, text: q.text, ...stats[String(q.id)],
  }));
}

/** The results as an XLSX workbook: one sheet per trainee, one per question. */
export async function resultsWorkbook(quiz: QuizRow, courseTitle: string, data: Awaited<ReturnType<typeof quizResults>>): Promise<Buffer> {
  const wb = newWorkbook("taphuan");
  const title = `${m.resultsTitle}: ${quiz.title}`;
  addTableSheet(wb, {
    name: m.sheetResults,
    titleLines: [title, courseTitle, `${m.methodLabel(m.gradingMethods[quiz.gradingMethod] ?? quiz.gradingMethod)}; ${m.passMarkLabel(quiz.passMark)}`],
    columns: [
      { header: m.tt, kind: "int", align: "center" }, { header: m.fullName }, { header: m.unit, maxWidth: 30 },
      { header: m.attempts, kind: "int" }, { header: m.finalGrade, kind: "decimal" }, { header: m.result },
    ],
    rows: data.trainees.map((r, i) => [
      i + 1, r.fullName, r.unitName ?? "", r.attempts,
      r.percent === null ? null : Math.round(r.percent * 100) / 100,
      r.percent === null ? m.noGrade : r.passed ? m.passed : m.notPassed,
    ]),
    freezeColumns: 2,
  });
  addTableSheet(wb, {
    name: m.sheetStats,
    titleLines: [`${m.sheetStats}: ${quiz.title}`],
    columns: [
      { header: m.tt, kind: "int", align: "center" }, { header: m.question, maxWidth: 60 }, { header: m.kind },
      { header: m.attempts, kind: "int" }, { header: m.facility, kind: "decimal" }, { header: m.discrimination, kind: "decimal" },
    ],
    rows: data.questions.map((q, i) => [
      i + 1, q.title ? `${q.title}: ${q.text}` : q.text, m.kinds[q.kind] ?? q.kind, q.attempts,
      Math.round(q.facility * 1000) / 10, q.discrimination === null ? null : Math.round(q.discrimination * 100) / 100,
    ]),
  });
  return workbookBytes(wb);
}
