import { Router, type Request } from "express";
import type { Db } from "../../db/client";
import { currentUser } from "../../lib/auth";
import { Conflict } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { idParam } from "../../lib/params";
import { getCourse } from "../courses";
import { authorize } from "../../lib/policy";
import { attemptPage } from "./attempt-view";
import { saveAnswers, startAttempt, submitAttempt, type RawAnswers } from "./attempts.service";
import { passed } from "./grading";
import { formatVnDateTime as dt } from "./quiz-time";
import { quizzesMessages as m } from "./quizzes.messages";
import { ownAttempt, takeQuiz } from "./quizzes.policy";

/** Answers of the plain form: one `answer-<questionId>` field per question (repeated for several choices). */
function formAnswers(body: Record<string, unknown>): RawAnswers {
  const raw: RawAnswers = {};
  for (const [key, value] of Object.entries(body)) {
    const match = /^answer-(\d{1,9})$/.exec(key);
    if (match) raw[match[1]] = value;
  }
  return raw;
}

/** Taking a quiz: start, the attempt page (or its result), autosave, submit. Own attempts only. */
export function attemptsRouter({ db, now }: { db: Db; now: () => Date }): Router {
  const router = Router();
  const can = authorize(db);
  const isJson = (req: Request) => !!req.is("application/json");

  // POST /quizzes/:quizId/attempts: starts an attempt (or resumes the open one) and opens it.
  router.post("/quizzes/:quizId/attempts", can(takeQuiz), async (req, res) => {
    const quizId = idParam(req, "quizId");
    try {
      const { attemptId } = await startAttempt(db, currentUser(req), quizId, now());
      res.redirect(`/attempts/${attemptId}`);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      flash(req, "error", e.message);
      res.redirect(`/quizzes/${quizId}`);
    }
  });

  // GET /attempts/:attemptId: the questions while the attempt is open; afterwards the score (and review if allowed).
  router.get("/attempts/:attemptId", can(ownAttempt), async (req, res) => {
    const at = now();
    const page = await attemptPage(db, currentUser(req), idParam(req, "attemptId"), at);
    const course = await getCourse(db, page.quiz.courseId);
    res.setHeader("Cache-Control", "no-store");
    if (page.open) {
      return res.render("quizzes/attempt", { title: page.quiz.title, course, ...page, serverNow: at, dt });
    }
    res.render("quizzes/result", { title: `${m.resultTitle}: ${page.quiz.title}`, course, ...page, attemptPassed: passed(page.attempt.percent, page.quiz.passMark), dt });
  });

  // POST /attempts/:attemptId/answers: autosave (JSON from quiz-attempt.js) or the form's "save" button.
  router.post("/attempts/:attemptId/answers", can(ownAttempt), async (req, res) => {
    const attemptId = idParam(req, "attemptId");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const json = isJson(req);
    const raw = json ? (body.answers && typeof body.answers === "object" && !Array.isArray(body.answers) ? (body.answers as RawAnswers) : {}) : formAnswers(body);
    const result = await saveAnswers(db, currentUser(req), attemptId, raw, { replaceAll: !json }, now());
    if (json) {
      if (!result.saved) return res.status(409).json({ error: m.tooLate, closed: true });
      return res.json({ saved: result.count, deadline: result.deadline });
    }
    flash(req, result.saved ? "success" : "error", result.saved ? m.savedForm : m.tooLate);
    res.redirect(`/attempts/${attemptId}`);
  });

  // POST /attempts/:attemptId/submit: saves the form's answers if in time, then grades and closes the attempt.
  router.post("/attempts/:attemptId/submit", can(ownAttempt), async (req, res) => {
    const attemptId = idParam(req, "attemptId");
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Only the attempt form (marked form=1) replaces every answer; a bare submit keeps what autosave stored.
    const raw = body.form === "1" ? formAnswers(body) : null;
    // quiz-attempt.js marks its own submission when the countdown reaches zero (timeup=1).
    const { attempt, late } = await submitAttempt(db, currentUser(req), attemptId, raw, now(), { timeUp: body.timeup === "1" });
    flash(req, late ? "error" : "success", late ? m.tooLate : attempt.status === "expired" ? m.expiredNotice : m.submitted);
    res.redirect(`/attempts/${attemptId}`);
  });

  return router;
}
