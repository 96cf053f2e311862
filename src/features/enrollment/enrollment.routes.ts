import { Router } from "express";
import type { Db } from "../../db/client";

/** Enrollment: self-enroll, cancel, approvals, my courses. */
export function enrollmentRouter(_deps: { db: Db }): Router {
  return Router();
}
