import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireRole } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { categorySchema } from "./units.schema";
import * as service from "./units.service";

export function categoriesRouter({ db }: { db: Db }): Router {
  const router = Router();
  router.use("/categories", requireRole("admin"));
  const actor = (req: Request) => ({ id: currentUser(req).id, ip: req.ip ?? null });

  async function renderList(res: Response, status: number, values: Record<string, unknown> = {}, errors: Record<string, string> = {}) {
    res.status(status).render("units/categories", { title: t.categories.title, rows: await service.listCategories(db), values, errors });
  }

  // GET /categories: the editable list of participant categories.
  router.get("/categories", async (_req, res) => renderList(res, 200));

  // POST /categories: adds a category.
  router.post("/categories", async (req, res) => {
    const form = parseForm(categorySchema, req.body);
    if (!form.ok) return renderList(res, 422, req.body, form.errors);
    try {
      await service.createCategory(db, form.data, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderList(res, 422, req.body, e.fields);
      throw e;
    }
    flash(req, "success", t.categories.saved);
    res.redirect("/categories");
  });

  // POST /categories/:id: renames or reorders a category.
  router.post("/categories/:id", async (req, res) => {
    const form = parseForm(categorySchema, req.body);
    if (!form.ok) return renderList(res, 422, {}, form.errors);
    try {
      await service.updateCategory(db, idParam(req), form.data, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderList(res, 422, {}, e.fields);
      throw e;
    }
    flash(req, "success", t.categories.saved);
    res.redirect("/categories");
  });

  // POST /categories/:id/toggle: stops or resumes offering a category.
  router.post("/categories/:id/toggle", async (req, res) => {
    const id = idParam(req);
    const row = (await service.listCategories(db)).find((c) => c.id === id);
    await service.updateCategory(db, id, { active: !(row?.active ?? true) }, actor(req));
    flash(req, "success", t.categories.saved);
    res.redirect("/categories");
  });

  return router;
}
