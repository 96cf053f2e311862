/**
 * /account/password while the session must replace a one-time password (lib/password-change.ts): a
 * form without the current password (this session has just proved it) and a 10-character minimum.
 * Otherwise these handlers pass on to the usual change-password page (auth.routes.ts).
 */
import { Router, type Response } from "express";
import { z } from "zod";
import type { Db } from "../../db/client";
import { currentUser } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { CHANGE_PASSWORD_PATH, passwordChanged } from "../../lib/password-change";
import { MIN_PASSWORD_LENGTH } from "../../lib/password-strength";
import { authorize, signedIn } from "../../lib/policy";
import { isLocalPath } from "../../lib/cookies";
import { mustChangePassword, setFirstPassword } from "./first-password.service";

const firstPasswordSchema = z
  .object({
    newPassword: z.string().min(MIN_PASSWORD_LENGTH, t.accounts.first.tooShort).max(200, t.validation.tooLong),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: t.auth.passwordMismatch });

export function firstPasswordRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const render = (res: Response, status: number, errors: Record<string, string>) =>
    res.status(status).render("auth/first-password", { title: t.accounts.first.title, errors });

  // GET /account/password: the "set your own password" form while a one-time password is in use.
  router.get(CHANGE_PASSWORD_PATH, can(signedIn), (req, res, next) => {
    if (!req.session.mustChangePassword) return next();
    render(res, 200, {});
  });

  // POST /account/password: saves the new password and lets the session go anywhere again.
  router.post(CHANGE_PASSWORD_PATH, can(signedIn), async (req, res, next) => {
    if (!req.session.mustChangePassword) return next();
    const me = currentUser(req);
    // Already changed in another session: nothing to do here.
    if (!(await mustChangePassword(db, me.id))) {
      passwordChanged(req.session);
      return res.redirect("/");
    }
    const fail = (errors: Record<string, string>) => render(res, 422, errors);
    if (!(await submitForm(firstPasswordSchema, req.body, fail, (data) => setFirstPassword(db, me.id, data.newPassword, req.ip ?? null)))) return;
    passwordChanged(req.session);
    const returnTo = req.session.returnTo;
    delete req.session.returnTo;
    flash(req, "success", t.accounts.first.done);
    res.redirect(isLocalPath(returnTo) ? returnTo : "/");
  });

  return router;
}
