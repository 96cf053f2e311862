/**
 * What the attempt and result pages show. The page of an open attempt is built from choice texts only:
 * fractions, feedback and accepted short answers never leave the server before review is allowed.
 * A question's name ("Q6 Sai") is for the bank only and never reaches a trainee: it can give the answer away.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attemptAnswers, questions } from "../../db/schema";
import type { SessionUser } from "../../lib/auth";
import { indexesToPositions } from "./attempt-layout";
import { getOwnAttempt, layoutQuestions, type AttemptRow } from "./attempts.service";
import { gradeQuestion, normalizeAnswer, type QuestionResponse } from "./grading";
import { getQuiz, type QuizRow } from "./quizzes.service";

type QuestionRow = typeof questions.$inferSelect;

/** One question as an open attempt shows it: text, choice texts in display order, the saved answer. */
export interface TakeItem {
  no: number;
  questionId: number;
  kind: string;
  text: string;
  textFormat: string;
  mark: number;
  options: { pos: number; text: string }[];
  selected: number[];
  typed: string;
}

/** One question of a review (only when the quiz allows full review). */
export interface ReviewItem {
  no: number;
  kind: string;
  text: string;
  textFormat: string;
  mark: number;
  earned: number;
  options: { text: string; correct: boolean; chosen: boolean; feedback: string | null }[];
  typed: string | null;
  accepted: { text: string; fraction: number }[];
  feedback: string | null;
  generalFeedback: string | null;
}

async function savedAnswers(db: Db, attemptId: number): Promise<Map<number, QuestionResponse>> {
  const rows = await db.select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, attemptId));
  return new Map(rows.map((r) => [r.questionId, r.response]));
}

/** Builds the take page of an open attempt (answers re-rendered from what was saved). */
export function takeItems(attempt: AttemptRow, bank: Map<number, QuestionRow>, saved: Map<number, QuestionResponse>): TakeItem[] {
  return attempt.layout.flatMap((l, i) => {
    const q = bank.get(l.questionId);
    if (!q) return [];
    const r = saved.get(l.questionId);
    const options = l.choiceOrder.filter((ci) => ci < q.choices.length).map((ci, pos) => ({ pos, text: q.choices[ci].text }));
    return [{
      no: i + 1, questionId: q.id, kind: q.kind, text: q.text, textFormat: q.textFormat, mark: l.mark, options,
      selected: r && "choiceIndexes" in r ? indexesToPositions(l.choiceOrder, r.choiceIndexes) : [],
      typed: r && "text" in r ? r.text : "",
    }];
  });
}

/** Builds the review of a finished attempt: the person's answers, the right ones, feedback. */
export function reviewItems(attempt: AttemptRow, bank: Map<number, QuestionRow>, saved: Map<number, QuestionResponse>): ReviewItem[] {
  return attempt.layout.flatMap((l, i) => {
    const q = bank.get(l.questionId);
    if (!q) return [];
    const r = saved.get(l.questionId);
    const chosen = r && "choiceIndexes" in r ? r.choiceIndexes : [];
    const typed = r && "text" in r ? r.text : null;
    const gradable = { kind: q.kind as "single", choices: q.choices, ignoreCase: q.ignoreCase, ignoreTones: q.ignoreTones };
    let feedback: string | null = null;
    if (q.kind === "short" && typed) {
      const given = normalizeAnswer(typed, q);
      feedback = q.choices.find((c) => normalizeAnswer(c.text, q) === given)?.feedback ?? null;
    }
    return [{
      no: i + 1, kind: q.kind, text: q.text, textFormat: q.textFormat, mark: l.mark,
      earned: gradeQuestion(gradable, r) * l.mark,
      options: q.kind === "short" ? [] : l.choiceOrder.filter((ci) => ci < q.choices.length).map((ci) => ({
        text: q.choices[ci].text, correct: q.choices[ci].fraction > 0, chosen: chosen.includes(ci),
        feedback: chosen.includes(ci) ? q.choices[ci].feedback ?? null : null,
      })),
      typed,
      accepted: q.kind === "short" ? q.choices.filter((c) => c.fraction > 0).map((c) => ({ text: c.text, fraction: c.fraction })) : [],
      feedback,
      generalFeedback: q.generalFeedback,
    }];
  });
}

export type AttemptPage =
  | { open: true; attempt: AttemptRow; quiz: QuizRow; items: TakeItem[] }
  | { open: false; attempt: AttemptRow; quiz: QuizRow; review: ReviewItem[] | null };

/**
 * The user's own attempt as a page: the form while it is open, else the result, with the review only
 * when the quiz's review mode is "full". NotFound for anyone else's attempt.
 */
export async function attemptPage(db: Db, user: SessionUser, attemptId: number, now: Date): Promise<AttemptPage> {
  const attempt = await getOwnAttempt(db, user, attemptId, now);
  const quiz = await getQuiz(db, attempt.quizId);
  const [bank, saved] = await Promise.all([layoutQuestions(db, attempt), savedAnswers(db, attempt.id)]);
  if (attempt.status === "open") return { open: true, attempt, quiz, items: takeItems(attempt, bank, saved) };
  return { open: false, attempt, quiz, review: quiz.reviewMode === "full" ? reviewItems(attempt, bank, saved) : null };
}
