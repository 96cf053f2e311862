import { Router } from "express";
import type { Db } from "../../db/client";

/** Routes of the certificates feature. */
export function certificatesRouter(_deps: { db: Db; dataDir: string; secret: string }): Router {
  return Router();
}
