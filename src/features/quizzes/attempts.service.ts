/**
 * Attempts: start, autosave, submit, and the deadline kept by the server. Every function takes `now`
 * so the deadline logic is tested without waiting. An open attempt past its deadline plus the grace
 * period is closed and graded ("expired") the next time anything reads or writes it; answers that
 * arrive after that are not counted.
 */
import { and, asc, eq, inArray, isNotNull, lt, max } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attemptAnswers, enrollments, questions, quizAttempts, quizQuestions, quizzes } from "../../db/schema";
import type { SessionUser } from "../../lib/auth";
import { Conflict, Forbidden, NotFound, ValidationError } from "../../lib/errors";
import { buildLayout, cryptoRng, drawRandom, gradeLayout, positionsToIndexes, type GradingSource, type Rng } from "./attempt-layout";
import type { QuestionResponse } from "./grading";
import { GRACE_MS, acceptsAnswers, attemptDeadline, formatVnDateTime, quizWindow } from "./quiz-time";
import { quizzesMessages as m } from "./quizzes.messages";
import { canTakeQuizzes, ownsAttempt } from "./quizzes.policy";

export type AttemptRow = typeof quizAttempts.$inferSelect;
type QuestionRow = typeof questions.$inferSelect;

/** Raw answers keyed by question id: display positions (choice questions) or typed text (short answer). */
export type RawAnswers = Record<string, unknown>;

const MAX_TEXT = 1000;

async function lockAttempt(tx: Db, attemptId: number): Promise<AttemptRow | undefined> {
  const [row] = await tx.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId)).for("update");
  return row;
}

const asGradingSource = (q: QuestionRow): GradingSource => ({ id: q.id, kind: q.kind as GradingSource["kind"], choices: q.choices, ignoreCase: q.ignoreCase, ignoreTones: q.ignoreTones });

/** Loads the bank questions an attempt shows, by id. */
export async function layoutQuestions(db: Db, attempt: AttemptRow): Promise<Map<number, QuestionRow>> {
  const ids = attempt.layout.map((l) => l.questionId);
  const rows = ids.length ? await db.select().from(questions).where(inArray(questions.id, ids)) : [];
  return new Map(rows.map((q) => [q.id, q]));
}

// Grades from the saved answers only and closes the attempt (inside the caller's lock).
async function closeInTx(tx: Db, attempt: AttemptRow, status: "submitted" | "expired", now: Date): Promise<AttemptRow> {
  const bank = await layoutQuestions(tx, attempt);
  const answers = await tx.select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, attempt.id));
  const grade = gradeLayout(attempt.layout, [...bank.values()].map(asGradingSource), answers);
  const [row] = await tx.update(quizAttempts)
    .set({ status, finishedAt: now, score: grade.score, maxScore: grade.maxScore, percent: grade.percent })
    .where(eq(quizAttempts.id, attempt.id)).returning();
  return row;
}

// An open attempt whose time (plus grace) is over becomes "expired", graded on what was saved in time.
async function settleInTx(tx: Db, attempt: AttemptRow, now: Date): Promise<AttemptRow> {
  if (attempt.status !== "open" || acceptsAnswers(attempt.deadline, now)) return attempt;
  return closeInTx(tx, attempt, "expired", now);
}

async function settleById(db: Db, attemptId: number, now: Date): Promise<AttemptRow> {
  return db.transaction(async (tx) => {
    const attempt = await lockAttempt(tx, attemptId);
    if (!attempt) throw new NotFound();
    return settleInTx(tx, attempt, now);
  });
}

/** Whose attempt `attemptId` is (for quizzes.policy.ts), else NotFound. */
export async function attemptOwner(db: Db, attemptId: number): Promise<{ userId: number }> {
  const [row] = await db.select({ userId: quizAttempts.userId }).from(quizAttempts).where(eq(quizAttempts.id, attemptId));
  if (!row) throw new NotFound();
  return row;
}

/**
 * The user's own attempt, closed first if its time is over. NotFound for anyone else's, so nobody
 * learns that another person's attempt exists.
 */
export async function getOwnAttempt(db: Db, user: SessionUser, attemptId: number, now: Date): Promise<AttemptRow> {
  const [attempt] = await db.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId));
  if (!attempt || !ownsAttempt(user, attempt)) throw new NotFound();
  if (attempt.status !== "open" || acceptsAnswers(attempt.deadline, now)) return attempt;
  return settleById(db, attemptId, now);
}

/** Closes every open attempt (of a quiz and/or a user) whose deadline plus grace has passed. Returns how many. */
export async function closeExpiredAttempts(db: Db, scope: { quizId?: number; userId?: number }, now: Date): Promise<number> {
  const conds = [eq(quizAttempts.status, "open"), isNotNull(quizAttempts.deadline), lt(quizAttempts.deadline, new Date(now.getTime() - GRACE_MS))];
  if (scope.quizId) conds.push(eq(quizAttempts.quizId, scope.quizId));
  if (scope.userId) conds.push(eq(quizAttempts.userId, scope.userId));
  const due = await db.select({ id: quizAttempts.id }).from(quizAttempts).where(and(...conds));
  for (const a of due) await settleById(db, a.id, now);
  return due.length;
}

/** The user's attempts at a quiz, oldest first (expired ones closed first). */
export async function myAttempts(db: Db, userId: number, quizId: number, now: Date): Promise<AttemptRow[]> {
  await closeExpiredAttempts(db, { quizId, userId }, now);
  return db.select().from(quizAttempts).where(and(eq(quizAttempts.quizId, quizId), eq(quizAttempts.userId, userId))).orderBy(asc(quizAttempts.attemptNo));
}

// The questions a new attempt shows, in quiz order, with their marks.
async function questionsForNewAttempt(tx: Db, quiz: typeof quizzes.$inferSelect, rng: Rng) {
  if (quiz.mode === "random") {
    const pool = await tx.select({ id: questions.id, kind: questions.kind, choices: questions.choices }).from(questions)
      .where(and(eq(questions.categoryId, quiz.randomCategoryId ?? -1), eq(questions.courseId, quiz.courseId), eq(questions.archived, false)))
      .orderBy(asc(questions.id));
    const drawn = drawRandom(pool, quiz.randomCount ?? 0, rng);
    if (!quiz.shuffleQuestions) drawn.sort((a, b) => a.id - b.id);
    return drawn.map((q) => ({ id: q.id, kind: q.kind, choiceCount: q.choices.length, mark: 1 }));
  }
  const rows = await tx.select({ id: questions.id, kind: questions.kind, choices: questions.choices, mark: quizQuestions.mark })
    .from(quizQuestions).innerJoin(questions, eq(questions.id, quizQuestions.questionId))
    .where(and(eq(quizQuestions.quizId, quiz.id), eq(questions.archived, false)))
    .orderBy(asc(quizQuestions.position), asc(quizQuestions.questionId));
  return rows.map((q) => ({ id: q.id, kind: q.kind, choiceCount: q.choices.length, mark: q.mark }));
}

/**
 * Starts an attempt, or returns the user's attempt still open. The user's enrollment row is locked
 * (SELECT … FOR UPDATE) first, so two simultaneous "start" requests run one after the other and the
 * attempt limit holds; the unique (quiz, user, attempt_no) index is the last line of defence.
 * Throws Forbidden (not an enrolled trainee), Conflict (not open yet, closed, no attempts left, no questions).
 */
export async function startAttempt(db: Db, user: SessionUser, quizId: number, now: Date, rng: Rng = cryptoRng): Promise<{ attemptId: number; resumed: boolean }> {
  try {
    return await db.transaction(async (tx) => {
      const [quiz] = await tx.select().from(quizzes).where(eq(quizzes.id, quizId));
      if (!quiz) throw new NotFound();
      const [enrollment] = await tx.select().from(enrollments)
        .where(and(eq(enrollments.courseId, quiz.courseId), eq(enrollments.userId, user.id))).for("update");
      if (!canTakeQuizzes(user, enrollment?.status ?? null)) throw new Forbidden(m.onlyEnrolled);

      const open = await tx.select().from(quizAttempts)
        .where(and(eq(quizAttempts.quizId, quizId), eq(quizAttempts.userId, user.id), eq(quizAttempts.status, "open"))).for("update");
      for (const a of open) {
        const settled = await settleInTx(tx, a, now);
        if (settled.status === "open") return { attemptId: settled.id, resumed: true };
      }
      const window = quizWindow(quiz, now);
      if (window === "notYet") throw new Conflict(m.notYetOpen(formatVnDateTime(quiz.opensAt)));
      if (window === "closed") throw new Conflict(m.closed);
      const [{ last }] = await tx.select({ last: max(quizAttempts.attemptNo) }).from(quizAttempts)
        .where(and(eq(quizAttempts.quizId, quizId), eq(quizAttempts.userId, user.id)));
      const used = last ?? 0;
      if (quiz.maxAttempts && used >= quiz.maxAttempts) throw new Conflict(m.noAttemptsLeft);

      const picked = await questionsForNewAttempt(tx, quiz, rng);
      if (!picked.length) throw new Conflict(m.emptyQuiz);
      const layout = buildLayout(picked, quiz, rng);
      const [attempt] = await tx.insert(quizAttempts).values({
        quizId, userId: user.id, attemptNo: used + 1, status: "open", startedAt: now,
        deadline: attemptDeadline(now, quiz.timeLimitMinutes, quiz.closesAt), layout,
      }).returning({ id: quizAttempts.id });
      return { attemptId: attempt.id, resumed: false };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new Conflict(m.noAttemptsLeft);
    throw e;
  }
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } } | null;
  return err?.code === "23505" || err?.cause?.code === "23505";
}

/**
 * Checks raw answers against the layout: positions must be ones shown (at most one for single and
 * true/false), text at most 1000 characters. Returns responses to save (null = clear the answer).
 * Throws ValidationError for anything else, including question ids not in this attempt.
 */
export function readAnswers(attempt: AttemptRow, kinds: Map<number, string>, raw: RawAnswers): Map<number, QuestionResponse | null> {
  const out = new Map<number, QuestionResponse | null>();
  const bad = () => new ValidationError({ answers: m.badAnswer }, m.badAnswer);
  for (const [key, value] of Object.entries(raw)) {
    const item = /^\d{1,9}$/.test(key) ? attempt.layout.find((l) => l.questionId === Number(key)) : undefined;
    if (!item) throw bad();
    const kind = kinds.get(item.questionId);
    if (kind === "short") {
      const text: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value ?? "";
      if (typeof text !== "string") throw bad();
      const clean = text.normalize("NFC").trim();
      if (clean.length > MAX_TEXT) throw bad();
      out.set(item.questionId, clean ? { text: clean } : null);
      continue;
    }
    const list = value == null || value === "" ? [] : Array.isArray(value) ? value : [value];
    const positions = list.map((v) => (typeof v === "number" ? v : typeof v === "string" && /^\d{1,3}$/.test(v) ? Number(v) : NaN));
    const indexes = positionsToIndexes(item.choiceOrder, positions);
    if (!indexes || (kind !== "multiple" && indexes.length > 1)) throw bad();
    out.set(item.questionId, indexes.length ? { choiceIndexes: indexes } : null);
  }
  return out;
}

// Writes answers inside the caller's lock; with `replaceAll` (a whole form) questions left out are cleared.
async function writeAnswers(tx: Db, attempt: AttemptRow, raw: RawAnswers, replaceAll: boolean, now: Date): Promise<number> {
  const bank = await layoutQuestions(tx, attempt);
  const kinds = new Map([...bank.values()].map((q) => [q.id, q.kind]));
  const answers = readAnswers(attempt, kinds, raw);
  if (replaceAll) for (const l of attempt.layout) if (!answers.has(l.questionId)) answers.set(l.questionId, null);
  const clear = [...answers].filter(([, r]) => r === null).map(([id]) => id);
  if (clear.length) await tx.delete(attemptAnswers).where(and(eq(attemptAnswers.attemptId, attempt.id), inArray(attemptAnswers.questionId, clear)));
  for (const [questionId, response] of answers) {
    if (!response) continue;
    await tx.insert(attemptAnswers).values({ attemptId: attempt.id, questionId, response, savedAt: now })
      .onConflictDoUpdate({ target: [attemptAnswers.attemptId, attemptAnswers.questionId], set: { response, savedAt: now } });
  }
  return answers.size;
}

export type SaveResult = { saved: true; count: number; deadline: Date | null } | { saved: false; attempt: AttemptRow };

/**
 * Autosave: stores the given answers if the attempt is open and its time (plus grace) is not over.
 * Past it, the attempt is closed with what was saved before, and `{ saved: false }` says so (the
 * closing is committed; the late answers are not). NotFound for another person's attempt.
 */
export async function saveAnswers(db: Db, user: SessionUser, attemptId: number, raw: RawAnswers, opts: { replaceAll: boolean }, now: Date): Promise<SaveResult> {
  return db.transaction(async (tx) => {
    const locked = await lockAttempt(tx, attemptId);
    if (!locked || !ownsAttempt(user, locked)) throw new NotFound();
    const attempt = await settleInTx(tx, locked, now);
    if (attempt.status !== "open") return { saved: false, attempt };
    const count = await writeAnswers(tx, attempt, raw, opts.replaceAll, now);
    return { saved: true, count, deadline: attempt.deadline };
  });
}

// How early the page's own "time is up" submission may come (the browser's clock, corrected, is a little off).
const TIME_UP_SLACK_MS = 10_000;

/** Whether a submission at `now` is the end of the time rather than the trainee's choice to hand in. */
export function timedOut(deadline: Date | null, now: Date, timeUpSignalled = false): boolean {
  if (!deadline) return false;
  return now.getTime() >= deadline.getTime() - (timeUpSignalled ? TIME_UP_SLACK_MS : 0);
}

/**
 * Submits: in time, the answers sent with the form are saved, then everything is graded; late, the
 * answers sent are ignored and the attempt is graded as it was saved. A submission after the deadline
 * (within the grace, or the page's own "time is up" submit) is recorded as "expired" ("Hết giờ"), not as
 * a normal hand-in. Submitting a closed attempt again changes nothing. Returns the closed attempt and
 * whether the sent answers were too late.
 */
export async function submitAttempt(db: Db, user: SessionUser, attemptId: number, raw: RawAnswers | null, now: Date, opts: { timeUp?: boolean } = {}): Promise<{ attempt: AttemptRow; late: boolean }> {
  return db.transaction(async (tx) => {
    const attempt = await lockAttempt(tx, attemptId);
    if (!attempt || !ownsAttempt(user, attempt)) throw new NotFound();
    if (attempt.status !== "open") return { attempt, late: false };
    if (!acceptsAnswers(attempt.deadline, now)) return { attempt: await closeInTx(tx, attempt, "expired", now), late: true };
    if (raw) await writeAnswers(tx, attempt, raw, true, now);
    const status = timedOut(attempt.deadline, now, opts.timeUp) ? "expired" : "submitted";
    return { attempt: await closeInTx(tx, attempt, status, now), late: false };
  });
}
