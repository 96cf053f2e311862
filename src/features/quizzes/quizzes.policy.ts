/** Who may do what with quizzes: one-line rules. Managing a quiz follows managing its course (courses.policy.ts). */
import type { Request } from "express";
import type { Db } from "../../db/client";
import type { SessionUser } from "../../lib/auth";
import { NotFound } from "../../lib/errors";
import { idParam } from "../../lib/params";
import { loadOnce, rule } from "../../lib/policy";
import { canManageCourse, courseOf, enrollmentOf, visibleCourse } from "../courses";
import { attemptOwner } from "./attempts.service";
import { quizzesMessages as m } from "./quizzes.messages";
import { getQuiz } from "./quizzes.service";

/** Only trainees whose enrollment in the course is confirmed take its quizzes (not waitlisted, not pending). */
export const canTakeQuizzes = (user: SessionUser, enrollmentStatus: string | null): boolean =>
  user.role === "trainee" && enrollmentStatus === "enrolled";

/** An attempt is read and written by the person who made it, and by no one else. */
export const ownsAttempt = (user: SessionUser, attempt: { userId: number }): boolean => attempt.userId === user.id;

/** The quiz `:quizId`, loaded once per request (NotFound if none). */
export const quizOf = (db: Db, req: Request) => loadOnce(req, "quiz", () => getQuiz(db, idParam(req, "quizId")));

/** The quiz `:quizId` and its course (for handlers behind manageQuiz). */
export const quizAndCourse = async (db: Db, req: Request) => {
  const quiz = await quizOf(db, req);
  return { quiz, course: await courseOf(db, req, quiz.courseId) };
};

/** What the user may do with the quizzes of a course they may see (NotFound for a hidden course). */
export async function quizRights(db: Db, req: Request, user: SessionUser, courseId: number) {
  const course = await visibleCourse(db, req, user, courseId);
  const mine = await enrollmentOf(db, req, courseId, user.id);
  return { course, canManage: canManageCourse(user, course), canTake: canTakeQuizzes(user, mine?.status ?? null) };
}

const staff = (user: SessionUser) => user.role === "admin" || user.role === "trainer";
const managesOrTakes = (r: { canManage: boolean; canTake: boolean }) => r.canManage || r.canTake;

/** A course's quiz list: its managers and its enrolled trainees. */
export const listQuizzes = rule("quizzes.list", "course managers, its enrolled trainees", async ({ db, user, req }) => managesOrTakes(await quizRights(db, req, user, idParam(req))), m.onlyEnrolled);

/** A quiz's page: its course's managers and enrolled trainees. */
export const viewQuiz = rule("quizzes.view", "course managers, its enrolled trainees", async ({ db, user, req }) => managesOrTakes(await quizRights(db, req, user, (await quizOf(db, req)).courseId)), m.onlyEnrolled);

/** A quiz's settings, questions and results: its course's managers. */
export const manageQuiz = rule("quizzes.manage", "admins, the course's trainers", async ({ db, user, req }) => staff(user) && canManageCourse(user, await courseOf(db, req, (await quizOf(db, req)).courseId)));

/** Starting an attempt: the course's enrolled trainees (startAttempt checks again under its lock). */
export const takeQuiz = rule("quizzes.take", "the course's enrolled trainees", async ({ db, user, req }) => canTakeQuizzes(user, (await enrollmentOf(db, req, (await quizOf(db, req)).courseId, user.id))?.status ?? null), m.onlyEnrolled);

/** An attempt: only its owner; anyone else gets 404, so nobody learns it exists (the services check again under the row lock). */
export const ownAttempt = rule("quizzes.attempt", "the attempt's owner (else 404)", async ({ db, user, req }) => {
  if (!ownsAttempt(user, await attemptOwner(db, idParam(req, "attemptId")))) throw new NotFound();
  return true;
});
