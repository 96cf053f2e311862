import { Router } from "express";
import { sql } from "drizzle-orm";
import type { Db, DbKind } from "../../db/client";
import { anyone, authorize } from "../../lib/policy";

export function healthRouter({ db, dbKind }: { db: Db; dbKind: DbKind }): Router {
  const router = Router();
  const can = authorize(db);
  // GET /healthz: JSON status and which database is in use (for monitoring; no login).
  router.get("/healthz", can(anyone), async (_req, res) => {
    try {
      await db.execute(sql`select 1`);
      res.json({ status: "ok", database: dbKind });
    } catch {
      res.status(503).json({ status: "error", database: dbKind });
    }
  });
  return router;
}
