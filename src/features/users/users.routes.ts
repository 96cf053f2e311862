import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { authorize } from "../../lib/policy";
import { formatDate } from "../../lib/vietnamese";
import { userCreateSchema, userListQuery, userUpdateSchema } from "./users.schema";
import * as service from "./users.service";
import { resetToOneTimePassword } from "./accounts.service";
import { manageUsers } from "./users.policy";

export function usersRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  // `person` is the user being edited; `user` in views is always the one logged in.
  async function renderForm(res: Response, status: number, locals: { person?: { id: number }; values: Record<string, unknown>; errors: Record<string, string> }) {
    const options = await service.personFormOptions(db);
    res.status(status).render("users/form", { title: locals.person ? t.users.editTitle : t.users.newTitle, person: null, ...options, ...locals });
  }

  // GET /users: list with search, role filter and pagination.
  router.get("/users", can(manageUsers), async (req, res) => {
    const query = userListQuery.parse(req.query);
    const result = await service.listUsers(db, query);
    res.render("users/list", { title: t.users.title, query, ...result });
  });

  // GET /users/new: empty form.
  router.get("/users/new", can(manageUsers), async (_req, res) => {
    await renderForm(res, 200, { values: { role: "trainee" }, errors: {} });
  });

  // POST /users: creates a user.
  router.post("/users", can(manageUsers), async (req, res) => {
    const saved = await submitForm(userCreateSchema, formBody(req), (errors) => renderForm(res, 422, { values: formBody(req), errors }), (data) => service.createUser(db, data, actor(req)));
    if (!saved) return;
    flash(req, "success", t.users.created);
    res.redirect(`/users/${saved.value.id}/edit`);
  });

  // GET /users/:id/edit: edit form.
  router.get("/users/:id/edit", can(manageUsers), async (req, res) => {
    const user = await service.getUser(db, idParam(req));
    await renderForm(res, 200, { person: user, values: { ...user, dateOfBirth: formatDate(user.dateOfBirth) }, errors: {} });
  });

  // POST /users/:id: saves changes.
  router.post("/users/:id", can(manageUsers), async (req, res) => {
    const user = await service.getUser(db, idParam(req));
    const saved = await submitForm(userUpdateSchema, formBody(req), (errors) => renderForm(res, 422, { person: user, values: formBody(req), errors }), (data) => service.updateUser(db, user.id, data, actor(req)));
    if (!saved) return;
    flash(req, "success", t.users.updated);
    res.redirect(`/users/${user.id}/edit`);
  });

  // POST /users/:id/deactivate: locks the account and ends its sessions.
  router.post("/users/:id/deactivate", can(manageUsers), async (req, res) => {
    const id = idParam(req);
    await service.setActive(db, id, false, actor(req));
    flash(req, "success", t.users.deactivated);
    res.redirect(`/users/${id}/edit`);
  });

  // POST /users/:id/activate: unlocks the account.
  router.post("/users/:id/activate", can(manageUsers), async (req, res) => {
    const id = idParam(req);
    await service.setActive(db, id, true, actor(req));
    flash(req, "success", t.users.activated);
    res.redirect(`/users/${id}/edit`);
  });

  // POST /users/:id/reset-password: a one-time password (and a login if missing), shown once on this
  // response only: never in a flash or anything else kept in the session, and not cached by the browser.
  router.post("/users/:id/reset-password", can(manageUsers), async (req, res) => {
    const issued = await resetToOneTimePassword(db, idParam(req), actor(req));
    res.setHeader("Cache-Control", "no-store");
    res.render("users/password-issued", { title: t.accounts.reset.title, issued });
  });

  return router;
}
