import { Router } from "express";
import type { Db } from "../../db/client";
import { currentUser } from "../../lib/auth";
import { t } from "../../messages";
import { authorize, signedIn } from "../../lib/policy";
import { traineeHome } from "./home.service";
import { isSetupDone } from "../../lib/setup-state";

export function homeRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  // GET /: the start page; a trainee's shows what to do next (home.service.ts), staff get their links.
  // An administrator lands on the first-run setup until it is done (login redirects here).
  router.get("/", can(signedIn), async (req, res) => {
    const me = currentUser(req);
    if (me.role === "admin" && !(await isSetupDone(db))) return res.redirect("/setup");
    const next = me.role === "trainee" ? await traineeHome(db, me.id) : null;
    res.render("home", { title: t.home.title, next });
  });
  return router;
}
