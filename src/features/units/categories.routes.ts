import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { authorize } from "../../lib/policy";
import { categorySchema } from "./units.schema";
import * as service from "./units.service";
import { manageUnits } from "./units.policy";

export function categoriesRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderList(res: Response, status: number, values: Record<string, unknown> = {}, errors: Record<string, string> = {}) {
    res.status(status).render("units/categories", { title: t.categories.title, rows: await service.listCategories(db), values, errors });
  }

  // GET /categories: the editable list of participant categories.
  router.get("/categories", can(manageUnits), async (_req, res) => renderList(res, 200));

  // POST /categories: adds a category.
  router.post("/categories", can(manageUnits), async (req, res) => {
    const fail = (errors: Record<string, string>) => renderList(res, 422, formBody(req), errors);
    if (!(await submitForm(categorySchema, formBody(req), fail, (data) => service.createCategory(db, data, actor(req))))) return;
    flash(req, "success", t.categories.saved);
    res.redirect("/categories");
  });

  // POST /categories/:id: renames or reorders a category.
  router.post("/categories/:id", can(manageUnits), async (req, res) => {
    const fail = (errors: Record<string, string>) => renderList(res, 422, {}, errors);
    if (!(await submitForm(categorySchema, formBody(req), fail, (data) => service.updateCategory(db, idParam(req), data, actor(req))))) return;
    flash(req, "success", t.categories.saved);
    res.redirect("/categories");
  });

  // POST /categories/:id/toggle: stops or resumes offering a category.
  router.post("/categories/:id/toggle", can(manageUnits), async (req, res) => {
    const id = idParam(req);
    const row = (await service.listCategories(db)).find((c) => c.id === id);
    await service.updateCategory(db, id, { active: !(row?.active ?? true) }, actor(req));
    flash(req, "success", t.categories.saved);
    res.redirect("/categories");
  });

  return router;
}
