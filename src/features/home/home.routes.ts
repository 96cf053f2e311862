import { Router } from "express";
import { requireLogin } from "../../lib/auth";
import { t } from "../../lib/messages";

export function homeRouter(): Router {
  const router = Router();
  // GET /: the start page for a logged-in user (role-aware links come from the layout).
  router.get("/", requireLogin, (_req, res) => res.render("home", { title: t.home.title }));
  return router;
}
