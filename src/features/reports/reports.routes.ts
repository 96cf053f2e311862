import { Router } from "express";
import type { Db } from "../../db/client";

/** Reports, drill-down, freeze, exports and the admin dashboard. */
export function reportsRouter(_deps: { db: Db; dataDir: string }): Router {
  return Router();
}
