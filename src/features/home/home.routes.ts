import { Router } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireLogin } from "../../lib/auth";
import { t } from "../../lib/messages";
import { traineeHome } from "./home.service";

export function homeRouter({ db }: { db: Db }): Router {
  const router = Router();
  // GET /: the start page; a trainee's shows what to do next (home.service.ts), staff get their links.
  router.get("/", requireLogin, async (req, res) => {
    const me = currentUser(req);
    const next = me.role === "trainee" ? await traineeHome(db, me.id) : null;
    res.render("home", { title: t.home.title, next });
  });
  return router;
}
