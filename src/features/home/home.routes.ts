import { Router } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireLogin } from "../../lib/auth";
import { t } from "../../lib/messages";
import { isSetupDone } from "../../lib/setup-state";

export function homeRouter({ db }: { db: Db }): Router {
  const router = Router();
  // GET /: the start page for a logged-in user (role-aware links come from the layout). An administrator
  // lands on the first-run setup until it is done (login redirects here).
  router.get("/", requireLogin, async (req, res) => {
    if (currentUser(req).role === "admin" && !(await isSetupDone(db))) return res.redirect("/setup");
    res.render("home", { title: t.home.title });
  });
  return router;
}
