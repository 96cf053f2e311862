import { Router } from "express";
import type { Db } from "../../db/client";
import { attemptsRouter } from "./attempts.routes";
import { bankRouter } from "./bank.routes";
import { quizImportRouter } from "./quiz-import.routes";
import { questionTextHtml } from "./question-html";
import { quizSettingsRouter } from "./quiz-settings.routes";
import { resultsRouter } from "./results.routes";

/**
 * Routes of the quizzes feature, one file per part: question bank, import, quiz settings, attempts,
 * results. `now` is the clock every deadline decision uses (tests of the services pass their own).
 */
export function quizzesRouter(deps: { db: Db; now?: () => Date }): Router {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const router = Router();
  // Every quiz page prints question texts through views/quizzes/_qtext.ejs, which sanitises HTML ones.
  router.use((_req, res, next) => {
    res.locals.qtextHtml = questionTextHtml;
    next();
  });
  router.use(bankRouter({ db }));
  router.use(quizImportRouter({ db }));
  router.use(quizSettingsRouter({ db, now }));
  router.use(attemptsRouter({ db, now }));
  router.use(resultsRouter({ db, now }));
  return router;
}
