import { Router } from "express";
import type { Db } from "../../db/client";
import { XLSX_MIME, sendDownload } from "../../lib/download";
import { authorize } from "../../lib/policy";
import { quizzesMessages as m } from "./quizzes.messages";
import { manageQuiz, quizAndCourse } from "./quizzes.policy";
import { quizResults, resultsWorkbook } from "./results.service";

/** Results of a quiz for the course's managers: per trainee, per question, XLSX. */
export function resultsRouter({ db, now }: { db: Db; now: () => Date }): Router {
  const router = Router();
  const can = authorize(db);

  // GET /quizzes/:quizId/results: grade per trainee (grading method, pass mark) and item statistics.
  router.get("/quizzes/:quizId/results", can(manageQuiz), async (req, res) => {
    const { quiz, course } = await quizAndCourse(db, req);
    const data = await quizResults(db, quiz, now());
    res.render("quizzes/results", { title: `${m.resultsTitle}: ${quiz.title}`, course, quiz, ...data, passedCount: data.trainees.filter((r) => r.passed).length });
  });

  // GET /quizzes/:quizId/results.xlsx: the same as a workbook.
  router.get("/quizzes/:quizId/results.xlsx", can(manageQuiz), async (req, res) => {
    const { quiz, course } = await quizAndCourse(db, req);
    const buf = await resultsWorkbook(quiz, course.title, await quizResults(db, quiz, now()));
    sendDownload(res, { body: buf, fileName: m.xlsxFileName(quiz.title), type: XLSX_MIME });
  });

  return router;
}
