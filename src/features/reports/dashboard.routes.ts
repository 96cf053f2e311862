import { Router } from "express";
import type { Db } from "../../db/client";
import { authorize } from "../../lib/policy";
import { cachedRead } from "../../lib/read-cache";
import { todayIso } from "../../lib/time";
import { dashboardData } from "./dashboard.service";
import { listPlans } from "./reports.service";
import { reportsMessages as m } from "./reports.messages";
import { readReports } from "./reports.policy";

/** The admin dashboard. */
export function dashboardRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  // GET /dashboard: this year's key figures and charts (Chart.js drawn by public/js/dashboard.js).
  router.get("/dashboard", can(readReports), async (req, res) => {
    const now = new Date();
    const today = todayIso(now);
    const year = Number(today.slice(0, 4));
    const [data, plans] = await Promise.all([
      // Counted up to this moment (a session later today is not held yet); the cache keeps it a minute at most.
      cachedRead(req, `dashboard:${today}`, () => dashboardData(db, year, now)),
      cachedRead(req, "plans", () => listPlans(db)),
    ]);
    res.render("reports/dashboard", { title: m.dashboardTitle(year), year, plan: plans[0] ?? null, ...data });
  });

  return router;
}
