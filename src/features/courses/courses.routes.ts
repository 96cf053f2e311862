import { Router } from "express";
import type { Db } from "../../db/client";

/** Courses and sessions. */
export function coursesRouter(_deps: { db: Db }): Router {
  return Router();
}
