/**
 * /account/password while the session must replace a one-time password (lib/password-change.ts): a
 * form without the current password (this session has just proved it) and a 10-character minimum.
 * Otherwise these handlers pass on to the usual change-password page (auth.routes.ts).
 */
import { Router, type Response } from "express";
import { z } from "zod";
import type { Db } from "../../db/client";
import { currentUser } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { CHANGE_PASSWORD_PATH, passwordChanged } from "../../lib/password-change";
import { MIN_PASSWORD_LENGTH } from "../../lib/password-strength";
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
  const render = (res: Response, status: number, errors: Record<string, string>) =>
    res.status(status).render("auth/first-password", { title: t.accounts.first.title, errors });

  // GET /account/password: the "set your own password" form while a one-time password is in use.
  router.get(CHANGE_PASSWORD_PATH, (req, res, next) => {
    if (!req.user || !req.session.mustChangePassword) return next();
    render(res, 200, {});
  });

  // POST /account/password: saves the new password and lets the session go anywhere again.
  router.post(CHANGE_PASSWORD_PATH, async (req, res, next) => {
    if (!req.user || !req.session.mustChangePassword) return next();
    const me = currentUser(req);
    // Already changed in another session: nothing to do here.
    if (!(await mustChangePassword(db, me.id))) {
      passwordChanged(req.session);
      return res.redirect("/");
    }
    const form = parseForm(firstPasswordSchema, req.body);
    if (!form.ok) return render(res, 422, form.errors);
    try {
      await setFirstPassword(db, me.id, form.data.newPassword, req.ip ?? null);
    } catch (e) {
      if (e instanceof ValidationError) return render(res, 422, e.fields);
      throw e;
    }
    passwordChanged(req.session);
    const returnTo = req.session.returnTo;
    delete req.session.returnTo;
    flash(req, "success", t.accounts.first.done);
    res.redirect(isLocalPath(returnTo) ? returnTo : "/");
  });

  return router;
}
