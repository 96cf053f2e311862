import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor, currentUser } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, saveOrRerender, submitForm } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { type CourseDetail, courseOf, manageCourse } from "../courses";
import { authorize } from "../../lib/policy";
import { myAttempts } from "./attempts.service";
import { listBank, listCategories } from "./bank.service";
import { finalGrade, passed, type GradingMethod } from "./grading";
import { formatVnDateTime as dt, quizWindow } from "./quiz-time";
import { quizSchema, readQuestionPick } from "./quizzes.schema";
import { quizzesMessages as m } from "./quizzes.messages";
import * as quizzes from "./quizzes.service";
import { listQuizzes, manageQuiz, quizAndCourse, quizOf, quizRights, viewQuiz } from "./quizzes.policy";

const DEFAULTS = { mode: "fixed", gradingMethod: "highest", passMark: "50", reviewMode: "score" };

function formValues(q: quizzes.QuizRow): Record<string, unknown> {
  return {
    ...q, opensAt: dt(q.opensAt), closesAt: dt(q.closesAt), passMark: String(q.passMark).replace(".", ","),
    randomCategoryId: q.randomCategoryId ?? "", randomCount: q.randomCount ?? "", timeLimitMinutes: q.timeLimitMinutes ?? "", maxAttempts: q.maxAttempts ?? "",
  };
}

/** A trainee's own standing in a quiz: attempts, the open one, the grade kept. */
async function myStanding(db: Db, userId: number, quiz: quizzes.QuizRow, now: Date) {
  const attempts = await myAttempts(db, userId, quiz.id, now);
  const finished = attempts.filter((a) => a.status !== "open");
  const grade = finalGrade(finished.map((a) => a.percent ?? 0), quiz.gradingMethod as GradingMethod);
  return {
    attempts, open: attempts.find((a) => a.status === "open") ?? null, grade, passed: passed(grade, quiz.passMark),
    left: quiz.maxAttempts ? Math.max(0, quiz.maxAttempts - attempts.length) : null, window: quizWindow(quiz, now),
  };
}

/** Quiz list, settings and fixed questions (managers); the quiz page (managers and enrolled trainees). */
export function quizSettingsRouter({ db, now }: { db: Db; now: () => Date }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderForm(res: Response, course: CourseDetail, quiz: quizzes.QuizRow | null, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
    const categories = await listCategories(db, course.id);
    res.status(status).render("quizzes/form", { title: quiz ? m.editQuiz : m.newQuiz, course, quiz, categories, values, errors });
  }

  // GET /courses/:id/quizzes: the course's quizzes; trainees see their standing in each.
  router.get("/courses/:id/quizzes", can(listQuizzes), async (req, res) => {
    const me = currentUser(req);
    const { course, canManage } = await quizRights(db, req, me, idParam(req));
    const list = await quizzes.listQuizzes(db, course.id);
    const at = now();
    const rows = await Promise.all(list.map(async (quiz) => ({ quiz, mine: canManage ? null : await myStanding(db, me.id, quiz, at) })));
    res.render("quizzes/list", { title: `${m.quizzes}: ${course.title}`, course, canManage, rows, dt });
  });

  // GET /courses/:id/quizzes/new: empty settings form.
  router.get("/courses/:id/quizzes/new", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    await renderForm(res, course, null, { ...DEFAULTS }, {});
  });

  // POST /courses/:id/quizzes: creates a quiz, then asks for its questions (fixed mode).
  router.post("/courses/:id/quizzes", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const saved = await submitForm(quizSchema, formBody(req), (errors) => renderForm(res, course, null, formBody(req), errors, 422), (data) => quizzes.createQuiz(db, course.id, data, actor(req)));
    if (!saved) return;
    const quiz = saved.value;
    flash(req, "success", m.quizCreated);
    res.redirect(quiz.mode === "fixed" ? `/quizzes/${quiz.id}/questions` : `/quizzes/${quiz.id}`);
  });

  // GET /quizzes/:quizId: managers see the settings and questions; trainees their attempts and the start button.
  router.get("/quizzes/:quizId", can(viewQuiz), async (req, res) => {
    const me = currentUser(req);
    const quiz = await quizOf(db, req);
    const { course, canManage } = await quizRights(db, req, me, quiz.courseId);
    const [questions, categories] = await Promise.all([quizzes.quizQuestionRows(db, quiz.id), listCategories(db, course.id)]);
    const randomCategory = categories.find((c) => c.id === quiz.randomCategoryId) ?? null;
    const mine = canManage ? null : await myStanding(db, me.id, quiz, now());
    const live = questions.filter((q) => !q.archived);
    res.render("quizzes/show", {
      title: quiz.title, course, quiz, canManage, questions: canManage ? questions : [], randomCategory, mine, dt,
      questionCount: quiz.mode === "random" ? quiz.randomCount ?? 0 : live.length, totalMarks: live.reduce((sum, q) => sum + q.mark, 0),
    });
  });

  // GET /quizzes/:quizId/edit: settings form, filled.
  router.get("/quizzes/:quizId/edit", can(manageQuiz), async (req, res) => {
    const { quiz, course } = await quizAndCourse(db, req);
    await renderForm(res, course, quiz, formValues(quiz), {});
  });

  // POST /quizzes/:quizId: saves the settings.
  router.post("/quizzes/:quizId", can(manageQuiz), async (req, res) => {
    const { quiz, course } = await quizAndCourse(db, req);
    const fail = (errors: Record<string, string>) => renderForm(res, course, quiz, formBody(req), errors, 422);
    if (!(await submitForm(quizSchema, formBody(req), fail, (data) => quizzes.updateQuiz(db, quiz, data, actor(req))))) return;
    flash(req, "success", m.quizSaved);
    res.redirect(`/quizzes/${quiz.id}`);
  });

  async function renderPicker(res: Response, course: CourseDetail, quiz: quizzes.QuizRow, error: string | null, status = 200) {
    const [categories, chosen] = await Promise.all([listBank(db, course.id), quizzes.quizQuestionRows(db, quiz.id)]);
    const picked = new Map(chosen.map((c) => [c.questionId, c]));
    res.status(status).render("quizzes/questions", { title: `${m.pickQuestions}: ${quiz.title}`, course, quiz, categories, picked, error });
  }

  // GET /quizzes/:quizId/questions: tick the bank questions of a fixed quiz, with marks and order.
  router.get("/quizzes/:quizId/questions", can(manageQuiz), async (req, res) => {
    const { quiz, course } = await quizAndCourse(db, req);
    await renderPicker(res, course, quiz, null);
  });

  // POST /quizzes/:quizId/questions: saves the fixed question list.
  router.post("/quizzes/:quizId/questions", can(manageQuiz), async (req, res) => {
    const { quiz, course } = await quizAndCourse(db, req);
    const pick = readQuestionPick(formBody(req) ?? {});
    if (!pick.ok) return renderPicker(res, course, quiz, pick.error, 422);
    const fail = (errors: Record<string, string>) => renderPicker(res, course, quiz, Object.values(errors)[0], 422);
    if (!(await saveOrRerender(fail, () => quizzes.setQuizQuestions(db, quiz, pick.items, actor(req))))) return;
    flash(req, "success", m.questionsSaved(pick.items.length));
    res.redirect(`/quizzes/${quiz.id}`);
  });

  return router;
}
