import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { authorize } from "../../lib/policy";
import { todayIso } from "../../lib/time";
import { unitCreateSchema, unitSchema } from "./units.schema";
import * as service from "./units.service";
import { manageUnits } from "./units.policy";

export function unitsRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderForm(res: Response, status: number, locals: { unit?: { code: string }; values: Record<string, unknown>; errors: Record<string, string> }) {
    const all = await service.listUnits(db, { all: true, today: todayIso() });
    res.status(status).render("units/form", { title: locals.unit ? t.units.editTitle : t.units.newTitle, allUnits: all, ...locals });
  }

  // GET /units: units in force (or all with ?all=1), with the merger mapping.
  router.get("/units", can(manageUnits), async (req, res) => {
    const all = req.query.all === "1";
    const rows = await service.listUnits(db, { all, today: todayIso() });
    const names = new Map((await service.listUnits(db, { all: true, today: todayIso() })).map((u) => [u.code, u.name]));
    res.render("units/list", { title: t.units.title, rows, all, names, today: todayIso() });
  });

  // GET /units/new: form for a new unit.
  router.get("/units/new", can(manageUnits), async (_req, res) => renderForm(res, 200, { values: { type: "xa" }, errors: {} }));

  // POST /units: creates a unit.
  router.post("/units", can(manageUnits), async (req, res) => {
    const fail = (errors: Record<string, string>) => renderForm(res, 422, { values: formBody(req), errors });
    if (!(await submitForm(unitCreateSchema, formBody(req), fail, ({ code, ...input }) => service.createUnit(db, code, input, actor(req))))) return;
    flash(req, "success", t.units.saved);
    res.redirect("/units?all=1");
  });

  // GET /units/:code/edit: edit form.
  router.get("/units/:code/edit", can(manageUnits), async (req, res) => {
    const unit = await service.getUnit(db, String(req.params.code));
    await renderForm(res, 200, { unit, values: unit, errors: {} });
  });

  // POST /units/:code: saves a unit.
  router.post("/units/:code", can(manageUnits), async (req, res) => {
    const unit = await service.getUnit(db, String(req.params.code));
    const fail = (errors: Record<string, string>) => renderForm(res, 422, { unit, values: formBody(req), errors });
    if (!(await submitForm(unitSchema, formBody(req), fail, (data) => service.updateUnit(db, unit.code, data, actor(req))))) return;
    flash(req, "success", t.units.saved);
    res.redirect("/units?all=1");
  });

  return router;
}
