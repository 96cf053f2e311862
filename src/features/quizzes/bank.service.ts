/**
 * The question bank of a course: categories, questions, saving imported questions, GIFT export.
 * Questions are never deleted (attempts point at them): "removing" one archives it.
 */
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { questionCategories, questions, quizAttempts } from "../../db/schema";
import { audit, audited } from "../../lib/audit";
import { Conflict, NotFound, ValidationError } from "../../lib/errors";
import type { QuestionInput } from "./bank.schema";
import { toGift } from "./gift";
import { storedFormat, storedText } from "./question-html";
import type { ParsedQuestion, QuestionKind } from "./question-types";
import { quizzesMessages as m } from "./quizzes.messages";

type Actor = { id: number; ip?: string | null };
export type QuestionRow = typeof questions.$inferSelect;

/** Categories of a course with their number of (non-archived) questions, by name. */
export async function listCategories(db: Db, courseId: number) {
  // Aliased: in a one-table query Drizzle leaves ${questionCategories.id} unqualified, which inside the
  // subquery would mean questions.id (test/quiz-bank.test.ts).
  const n = sql<number>`(select count(*)::int from ${questions} q where q.category_id = ${questionCategories}.id and not q.archived)`;
  return db.select({ id: questionCategories.id, name: questionCategories.name, questionCount: n })
    .from(questionCategories).where(eq(questionCategories.courseId, courseId)).orderBy(asc(questionCategories.name), asc(questionCategories.id));
}

/** Every category with its live questions, for the bank page and the quiz question picker. */
export async function listBank(db: Db, courseId: number) {
  const [cats, rows] = await Promise.all([
    listCategories(db, courseId),
    db.select().from(questions).where(and(eq(questions.courseId, courseId), eq(questions.archived, false))).orderBy(asc(questions.id)),
  ]);
  return cats.map((c) => ({ ...c, questions: rows.filter((q) => q.categoryId === c.id) }));
}

async function nameTaken(db: Db, courseId: number, name: string, exceptId?: number): Promise<boolean> {
  const rows = await db.select({ id: questionCategories.id }).from(questionCategories)
    .where(and(eq(questionCategories.courseId, courseId), eq(questionCategories.name, name)));
  return rows.some((r) => r.id !== exceptId);
}

/** Adds a category; ValidationError when the course already has one with that name. */
export async function createCategory(db: Db, courseId: number, name: string, actor: Actor) {
  if (await nameTaken(db, courseId, name)) throw new ValidationError({ name: m.categoryExists });
  return audited(
    db,
    async (tx) => (await tx.insert(questionCategories).values({ courseId, name }).returning())[0],
    (cat) => ({ actorId: actor.id, action: "question_category.create", targetType: "question_category", targetId: cat.id, ip: actor.ip }),
  );
}

/** Renames a category of the course; NotFound / ValidationError. */
export async function renameCategory(db: Db, courseId: number, categoryId: number, name: string, actor: Actor): Promise<void> {
  await getCategory(db, courseId, categoryId);
  if (await nameTaken(db, courseId, name, categoryId)) throw new ValidationError({ name: m.categoryExists });
  await audited(
    db,
    (tx) => tx.update(questionCategories).set({ name }).where(eq(questionCategories.id, categoryId)),
    () => ({ actorId: actor.id, action: "question_category.rename", targetType: "question_category", targetId: categoryId, ip: actor.ip }),
  );
}

/** A category of this course, else NotFound (ids from URLs are never trusted across courses). */
export async function getCategory(db: Db, courseId: number, categoryId: number) {
  const [cat] = await db.select().from(questionCategories).where(and(eq(questionCategories.id, categoryId), eq(questionCategories.courseId, courseId)));
  if (!cat) throw new NotFound();
  return cat;
}

/** The id of the course's category called `name`, created if missing (inside the caller's transaction). */
export async function ensureCategory(tx: Db, courseId: number, name: string): Promise<number> {
  await tx.insert(questionCategories).values({ courseId, name }).onConflictDoNothing();
  const [cat] = await tx.select({ id: questionCategories.id }).from(questionCategories).where(and(eq(questionCategories.courseId, courseId), eq(questionCategories.name, name)));
  return cat.id;
}

/** A live question of this course, else NotFound. */
export async function getQuestion(db: Db, courseId: number, questionId: number): Promise<QuestionRow> {
  const [q] = await db.select().from(questions).where(and(eq(questions.id, questionId), eq(questions.courseId, courseId), eq(questions.archived, false)));
  if (!q) throw new NotFound();
  return q;
}

/** Whether any attempt (open or finished) shows this question: its text and choices are then frozen. */
export async function questionInUse(db: Db, questionId: number): Promise<boolean> {
  const [{ n }] = await db.select({ n: count() }).from(quizAttempts)
    .where(sql`${quizAttempts.layout} @> ${JSON.stringify([{ questionId }])}::jsonb`);
  return n > 0;
}

async function checkCategory(db: Db, courseId: number, categoryId: number): Promise<void> {
  const [cat] = await db.select({ id: questionCategories.id }).from(questionCategories).where(and(eq(questionCategories.id, categoryId), eq(questionCategories.courseId, courseId)));
  if (!cat) throw new ValidationError({ categoryId: m.badCategory });
}

// Question text as stored: HTML ones sanitised (question-html.ts), the format "plain" or "html".
const asStored = (input: QuestionInput) => ({ ...input, textFormat: storedFormat(input.textFormat), text: storedText(input.text, input.textFormat) });

/** Adds a question to the course's bank; ValidationError when the category is not the course's. */
export async function createQuestion(db: Db, courseId: number, input: QuestionInput, actor: Actor): Promise<QuestionRow> {
  await checkCategory(db, courseId, input.categoryId);
  return audited(
    db,
    async (tx) => (await tx.insert(questions).values({ courseId, ...asStored(input) }).returning())[0],
    (q) => ({ actorId: actor.id, action: "question.create", targetType: "question", targetId: q.id, ip: actor.ip }),
  );
}

/**
 * Replaces a question. Conflict once any attempt showed it: attempts keep only question ids and choice
 * order, so changing the choices would silently change their grades.
 */
export async function updateQuestion(db: Db, courseId: number, questionId: number, input: QuestionInput, actor: Actor): Promise<void> {
  await getQuestion(db, courseId, questionId);
  await checkCategory(db, courseId, input.categoryId);
  if (await questionInUse(db, questionId)) throw new Conflict(m.questionInUse);
  await audited(
    db,
    (tx) => tx.update(questions).set(asStored(input)).where(eq(questions.id, questionId)),
    () => ({ actorId: actor.id, action: "question.update", targetType: "question", targetId: questionId, ip: actor.ip }),
  );
}

/** Takes a question out of the bank and of future attempts; finished attempts keep it. */
export async function archiveQuestion(db: Db, courseId: number, questionId: number, actor: Actor): Promise<void> {
  await getQuestion(db, courseId, questionId);
  await audited(
    db,
    (tx) => tx.update(questions).set({ archived: true }).where(eq(questions.id, questionId)),
    () => ({ actorId: actor.id, action: "question.archive", targetType: "question", targetId: questionId, ip: actor.ip }),
  );
}

/**
 * Saves imported questions in one transaction: each into its `$CATEGORY` (created when missing) or
 * `defaultCategory`. Returns how many were saved.
 */
export async function saveImportedQuestions(db: Db, courseId: number, parsed: ParsedQuestion[], defaultCategory: string, actor: Actor & { fileName?: string }): Promise<number> {
  if (!parsed.length) return 0;
  return db.transaction(async (tx) => {
    const ids = new Map<string, number>();
    for (const q of parsed) {
      const name = importCategoryName(q, defaultCategory);
      if (!ids.has(name)) ids.set(name, await ensureCategory(tx, courseId, name));
      await tx.insert(questions).values({
        courseId, categoryId: ids.get(name)!, kind: q.kind, title: q.title ?? null, text: storedText(q.text, q.textFormat), textFormat: storedFormat(q.textFormat), choices: q.choices,
        generalFeedback: q.generalFeedback ?? null, ignoreCase: q.kind === "short" ? q.ignoreCase ?? true : true, ignoreTones: q.kind === "short" ? q.ignoreTones ?? false : false,
      });
    }
    await audit(tx, { actorId: actor.id, action: "question.import", targetType: "course", targetId: courseId, details: { count: parsed.length, categories: [...ids.keys()], fileName: actor.fileName ?? null }, ip: actor.ip });
    return parsed.length;
  });
}

/** The category an imported question goes to (names are cut to the form's 200 characters). */
export function importCategoryName(q: ParsedQuestion, defaultCategory: string): string {
  return (q.category ?? defaultCategory).slice(0, 200);
}

/** A bank row as the GIFT exporter and grading see it. */
export function toParsed(row: QuestionRow): ParsedQuestion {
  const q: ParsedQuestion = { kind: row.kind as QuestionKind, text: row.text, choices: row.choices, line: 0 };
  if (row.title) q.title = row.title;
  if (row.textFormat === "html") q.textFormat = "html";
  if (row.generalFeedback) q.generalFeedback = row.generalFeedback;
  if (row.kind === "short") {
    q.ignoreCase = row.ignoreCase;
    q.ignoreTones = row.ignoreTones;
  }
  return q;
}

/** A category's live questions as GIFT, headed by its `$CATEGORY:` line. NotFound for another course's. */
export async function exportCategoryGift(db: Db, courseId: number, categoryId: number): Promise<{ name: string; text: string }> {
  const cat = await getCategory(db, courseId, categoryId);
  const rows = await db.select().from(questions).where(and(eq(questions.categoryId, categoryId), eq(questions.archived, false))).orderBy(asc(questions.id));
  return { name: cat.name, text: toGift(rows.map(toParsed), cat.name) };
}
