import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireRole } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { todayIso } from "../../lib/time";
import { unitCreateSchema, unitSchema } from "./units.schema";
import * as service from "./units.service";

export function unitsRouter({ db }: { db: Db }): Router {
  const router = Router();
  router.use("/units", requireRole("admin"));
  const actor = (req: Request) => ({ id: currentUser(req).id, ip: req.ip ?? null });

  async function renderForm(res: Response, status: number, locals: { unit?: { code: string }; values: Record<string, unknown>; errors: Record<string, string> }) {
    const all = await service.listUnits(db, { all: true, today: todayIso() });
    res.status(status).render("units/form", { title: locals.unit ? t.units.editTitle : t.units.newTitle, allUnits: all, ...locals });
  }

  // GET /units: units in force (or all with ?all=1), with the merger mapping.
  router.get("/units", async (req, res) => {
    const all = req.query.all === "1";
    const rows = await service.listUnits(db, { all, today: todayIso() });
    const names = new Map((await service.listUnits(db, { all: true, today: todayIso() })).map((u) => [u.code, u.name]));
    res.render("units/list", { title: t.units.title, rows, all, names, today: todayIso() });
  });

  // GET /units/new: form for a new unit.
  router.get("/units/new", async (_req, res) => renderForm(res, 200, { values: { type: "xa" }, errors: {} }));

  // POST /units: creates a unit.
  router.post("/units", async (req, res) => {
    const form = parseForm(unitCreateSchema, req.body);
    if (!form.ok) return renderForm(res, 422, { values: req.body, errors: form.errors });
    const { code, ...input } = form.data;
    try {
      await service.createUnit(db, code, input, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderForm(res, 422, { values: req.body, errors: e.fields });
      throw e;
    }
    flash(req, "success", t.units.saved);
    res.redirect("/units?all=1");
  });

  // GET /units/:code/edit: edit form.
  router.get("/units/:code/edit", async (req, res) => {
    const unit = await service.getUnit(db, String(req.params.code));
    await renderForm(res, 200, { unit, values: unit, errors: {} });
  });

  // POST /units/:code: saves a unit.
  router.post("/units/:code", async (req, res) => {
    const unit = await service.getUnit(db, String(req.params.code));
    const form = parseForm(unitSchema, req.body);
    if (!form.ok) return renderForm(res, 422, { unit, values: req.body, errors: form.errors });
    try {
      await service.updateUnit(db, unit.code, form.data, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderForm(res, 422, { unit, values: req.body, errors: e.fields });
      throw e;
    }
    flash(req, "success", t.units.saved);
    res.redirect("/units?all=1");
  });

  return router;
}
