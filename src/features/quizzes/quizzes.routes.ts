import { Router } from "express";
import type { Db } from "../../db/client";

/** Routes of the quizzes feature. */
export function quizzesRouter(_deps: { db: Db; dataDir: string; secret: string }): Router {
  return Router();
}
