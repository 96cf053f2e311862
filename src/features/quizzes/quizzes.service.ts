/** Quiz settings and the fixed question list (who may see a course's quizzes: quizzes.policy.ts). */
import { and, asc, count, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { questionCategories, questions, quizQuestions, quizzes } from "../../db/schema";
import { audit, audited } from "../../lib/audit";
import { NotFound, ValidationError } from "../../lib/errors";
import type { QuizInput } from "./quizzes.schema";
import { quizzesMessages as m } from "./quizzes.messages";

type Actor = { id: number; ip?: string | null };
export type QuizRow = typeof quizzes.$inferSelect;

/** The quizzes of a course, oldest first. */
export async function listQuizzes(db: Db, courseId: number): Promise<QuizRow[]> {
  return db.select().from(quizzes).where(eq(quizzes.courseId, courseId)).orderBy(asc(quizzes.createdAt), asc(quizzes.id));
}

/** A quiz, else NotFound. */
export async function getQuiz(db: Db, quizId: number): Promise<QuizRow> {
  const [quiz] = await db.select().from(quizzes).where(eq(quizzes.id, quizId));
  if (!quiz) throw new NotFound();
  return quiz;
}

// A random quiz draws from a category of the same course holding enough live questions.
async function checkRandomSource(db: Db, courseId: number, input: QuizInput): Promise<void> {
  if (input.mode !== "random") return;
  const [cat] = await db.select({ id: questionCategories.id }).from(questionCategories)
    .where(and(eq(questionCategories.id, input.randomCategoryId!), eq(questionCategories.courseId, courseId)));
  if (!cat) throw new ValidationError({ randomCategoryId: m.badCategory });
  const [{ n }] = await db.select({ n: count() }).from(questions).where(and(eq(questions.categoryId, cat.id), eq(questions.archived, false)));
  if (n < input.randomCount!) throw new ValidationError({ randomCount: m.notEnoughQuestions(n) });
}

function columns(input: QuizInput) {
  const random = input.mode === "random";
  return { ...input, randomCategoryId: random ? input.randomCategoryId : null, randomCount: random ? input.randomCount : null };
}

/** Creates a quiz in a course; ValidationError for a bad random source. */
export async function createQuiz(db: Db, courseId: number, input: QuizInput, actor: Actor): Promise<QuizRow> {
  await checkRandomSource(db, courseId, input);
  return audited(
    db,
    async (tx) => (await tx.insert(quizzes).values({ courseId, ...columns(input) }).returning())[0],
    (quiz) => ({ actorId: actor.id, action: "quiz.create", targetType: "quiz", targetId: quiz.id, ip: actor.ip }),
  );
}

/** Saves a quiz's settings. Attempts already started keep their questions and deadline. */
export async function updateQuiz(db: Db, quiz: QuizRow, input: QuizInput, actor: Actor): Promise<void> {
  await checkRandomSource(db, quiz.courseId, input);
  await audited(
    db,
    (tx) => tx.update(quizzes).set(columns(input)).where(eq(quizzes.id, quiz.id)),
    () => ({ actorId: actor.id, action: "quiz.update", targetType: "quiz", targetId: quiz.id, ip: actor.ip }),
  );
}

/** The fixed questions of a quiz in order, with their marks (archived ones included, flagged). */
export async function quizQuestionRows(db: Db, quizId: number) {
  return db.select({ questionId: quizQuestions.questionId, mark: quizQuestions.mark, position: quizQuestions.position, kind: questions.kind, title: questions.title, text: questions.text, archived: questions.archived })
    .from(quizQuestions).innerJoin(questions, eq(questions.id, quizQuestions.questionId))
    .where(eq(quizQuestions.quizId, quizId)).orderBy(asc(quizQuestions.position), asc(quizQuestions.questionId));
}

/**
 * Replaces the fixed question list. Every id must be a live question of the quiz's course
 * (ids come from the form and are never trusted); ValidationError otherwise.
 */
export async function setQuizQuestions(db: Db, quiz: QuizRow, items: { questionId: number; mark: number; position: number }[], actor: Actor): Promise<void> {
  const ids = items.map((i) => i.questionId);
  if (ids.length) {
    const found = await db.select({ id: questions.id }).from(questions)
      .where(and(inArray(questions.id, ids), eq(questions.courseId, quiz.courseId), eq(questions.archived, false)));
    if (found.length !== ids.length) throw new ValidationError({ include: m.badQuestionPick });
  }
  await db.transaction(async (tx) => {
    await tx.delete(quizQuestions).where(eq(quizQuestions.quizId, quiz.id));
    if (items.length) await tx.insert(quizQuestions).values(items.map((i) => ({ quizId: quiz.id, ...i })));
    await audit(tx, { actorId: actor.id, action: "quiz.questions", targetType: "quiz", targetId: quiz.id, details: { count: items.length }, ip: actor.ip });
  });
}
