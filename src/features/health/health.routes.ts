import { Router } from "express";
import { sql } from "drizzle-orm";
import type { Db, DbKind } from "../../db/client";

export function healthRouter({ db, dbKind }: { db: Db; dbKind: DbKind }): Router {
  const router = Router();
  // GET /healthz: JSON status and which database is in use (for monitoring; no login).
  router.get("/healthz", async (_req, res) => {
    try {
      await db.execute(sql`select 1`);
      res.json({ status: "ok", database: dbKind });
    } catch {
      res.status(503).json({ status: "error", database: dbKind });
    }
  });
  return router;
}
