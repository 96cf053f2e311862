import { Router } from "express";
import type { Db } from "../../db/client";

/** Course materials (upload, download) and walk-in participants. */
export function materialsRouter(_deps: { db: Db; dataDir: string }): Router {
  return Router();
}
