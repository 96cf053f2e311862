import { Router } from "express";
import type { Db } from "../../db/client";

/** Routes of the attendance feature. */
export function attendanceRouter(_deps: { db: Db; dataDir: string; secret: string }): Router {
  return Router();
}
