import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireLogin, requireRole } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { getManagedCourse, type CourseDetail } from "../courses";
import { myAttempts } from "./attempts.service";
import { listBank, listCategories } from "./bank.service";
import { finalGrade, passed, type GradingMethod } from "./grading";
import { formatVnDateTime as dt, quizWindow } from "./quiz-time";
import { quizSchema, readQuestionPick } from "./quizzes.schema";
import { quizzesMessages as m } from "./quizzes.messages";
import * as quizzes from "./quizzes.service";

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
  const staff = requireRole("admin", "trainer");
  const actor = (req: Request) => ({ id: currentUser(req).id, ip: req.ip ?? null });

  async function renderForm(res: Response, course: CourseDetail, quiz: quizzes.QuizRow | null, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
    const categories = await listCategories(db, course.id);
    res.status(status).render("quizzes/form", { title: quiz ? m.editQuiz : m.newQuiz, course, quiz, categories, values, errors });
  }

  // GET /courses/:id/quizzes: the course's quizzes; trainees see their standing in each.
  router.get("/courses/:id/quizzes", requireLogin, async (req, res) => {
    const me = currentUser(req);
    const { course, canManage } = await quizzes.courseQuizAccess(db, me, idParam(req));
    const list = await quizzes.listQuizzes(db, course.id);
    const at = now();
    const rows = await Promise.all(list.map(async (quiz) => ({ quiz, mine: canManage ? null : await myStanding(db, me.id, quiz, at) })));
    res.render("quizzes/list", { title: `${m.quizzes}: ${course.title}`, course, canManage, rows, dt });
  });

  // GET /courses/:id/quizzes/new: empty settings form.
  router.get("/courses/:id/quizzes/new", staff, async (req, res) => {
    const course = await getManagedCourse(db, currentUser(req), idParam(req));
    await renderForm(res, course, null, { ...DEFAULTS }, {});
  });

  // POST /courses/:id/quizzes: creates a quiz, then asks for its questions (fixed mode).
  router.post("/courses/:id/quizzes", staff, async (req, res) => {
    const course = await getManagedCourse(db, currentUser(req), idParam(req));
    const form = parseForm(quizSchema, req.body);
    if (!form.ok) return renderForm(res, course, null, req.body, form.errors, 422);
    let quiz: quizzes.QuizRow;
    try {
      quiz = await quizzes.createQuiz(db, course.id, form.data, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderForm(res, course, null, req.body, e.fields, 422);
      throw e;
    }
    flash(req, "success", m.quizCreated);
    res.redirect(quiz.mode === "fixed" ? `/quizzes/${quiz.id}/questions` : `/quizzes/${quiz.id}`);
  });

  // GET /quizzes/:quizId: managers see the settings and questions; trainees their attempts and the start button.
  router.get("/quizzes/:quizId", requireLogin, async (req, res) => {
    const me = currentUser(req);
    const { quiz, course, canManage } = await quizzes.getQuizForUser(db, me, idParam(req, "quizId"));
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
  router.get("/quizzes/:quizId/edit", staff, async (req, res) => {
    const { quiz, course } = await quizzes.getManagedQuiz(db, currentUser(req), idParam(req, "quizId"));
    await renderForm(res, course, quiz, formValues(quiz), {});
  });

  // POST /quizzes/:quizId: saves the settings.
  router.post("/quizzes/:quizId", staff, async (req, res) => {
    const { quiz, course } = await quizzes.getManagedQuiz(db, currentUser(req), idParam(req, "quizId"));
    const form = parseForm(quizSchema, req.body);
    if (!form.ok) return renderForm(res, course, quiz, req.body, form.errors, 422);
    try {
      await quizzes.updateQuiz(db, quiz, form.data, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderForm(res, course, quiz, req.body, e.fields, 422);
      throw e;
    }
    flash(req, "success", m.quizSaved);
    res.redirect(`/quizzes/${quiz.id}`);
  });

  async function renderPicker(res: Response, course: CourseDetail, quiz: quizzes.QuizRow, error: string | null, status = 200) {
    const [categories, chosen] = await Promise.all([listBank(db, course.id), quizzes.quizQuestionRows(db, quiz.id)]);
    const picked = new Map(chosen.map((c) => [c.questionId, c]));
    res.status(status).render("quizzes/questions", { title: `${m.pickQuestions}: ${quiz.title}`, course, quiz, categories, picked, error });
  }

  // GET /quizzes/:quizId/questions: tick the bank questions of a fixed quiz, with marks and order.
  router.get("/quizzes/:quizId/questions", staff, async (req, res) => {
    const { quiz, course } = await quizzes.getManagedQuiz(db, currentUser(req), idParam(req, "quizId"));
    await renderPicker(res, course, quiz, null);
  });

  // POST /quizzes/:quizId/questions: saves the fixed question list.
  router.post("/quizzes/:quizId/questions", staff, async (req, res) => {
    const { quiz, course } = await quizzes.getManagedQuiz(db, currentUser(req), idParam(req, "quizId"));
    const pick = readQuestionPick(req.body ?? {});
    if (!pick.ok) return renderPicker(res, course, quiz, pick.error, 422);
    try {
      await quizzes.setQuizQuestions(db, quiz, pick.items, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderPicker(res, course, quiz, Object.values(e.fields)[0], 422);
      throw e;
    }
    flash(req, "success", m.questionsSaved(pick.items.length));
    res.redirect(`/quizzes/${quiz.id}`);
  });

  return router;
}
