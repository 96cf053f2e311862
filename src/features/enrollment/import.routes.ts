import { Router } from "express";
import type { Db } from "../../db/client";

/** Roster import routes (CSV/XLSX preview and confirm). */
export function importRouter(_deps: { db: Db; dataDir: string }): Router {
  return Router();
}
