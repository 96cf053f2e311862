import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireRole } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { formatDate } from "../../lib/vietnamese";
import { planSchema } from "./plans.schema";
import * as service from "./plans.service";

export function plansRouter({ db }: { db: Db }): Router {
  const router = Router();
  router.use("/plans", requireRole("admin"));
  const actor = (req: Request) => ({ id: currentUser(req).id, ip: req.ip ?? null });
  const renderForm = (res: Response, status: number, plan: { id: number; title: string } | null, values: Record<string, unknown>, errors: Record<string, string>) =>
    res.status(status).render("plans/form", { title: plan ? t.plans.editTitle : t.plans.newTitle, plan, values, errors });

  // GET /plans: plans with their numbered tasks.
  router.get("/plans", async (_req, res) => res.render("plans/list", { title: t.plans.title, plans: await service.listPlans(db) }));

  // GET /plans/new: form for a new plan (e.g. next year's).
  router.get("/plans/new", (_req, res) => renderForm(res, 200, null, {}, {}));

  // POST /plans: adds a plan with its tasks.
  router.post("/plans", async (req, res) => {
    const form = parseForm(planSchema, req.body);
    if (!form.ok) return renderForm(res, 422, null, req.body, form.errors);
    await service.createPlan(db, form.data, actor(req));
    flash(req, "success", t.plans.saved);
    res.redirect("/plans");
  });

  // GET /plans/:id/edit: edit a plan and its tasks.
  router.get("/plans/:id/edit", async (req, res) => {
    const plan = await service.getPlan(db, idParam(req));
    renderForm(res, 200, plan, { ...plan, issuedDate: formatDate(plan.issuedDate), tasks: plan.tasks.map((x) => x.title).join("\n") }, {});
  });

  // POST /plans/:id: saves a plan.
  router.post("/plans/:id", async (req, res) => {
    const plan = await service.getPlan(db, idParam(req));
    const form = parseForm(planSchema, req.body);
    if (!form.ok) return renderForm(res, 422, plan, req.body, form.errors);
    try {
      await service.updatePlan(db, plan.id, form.data, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderForm(res, 422, plan, req.body, e.fields);
      throw e;
    }
    flash(req, "success", t.plans.saved);
    res.redirect("/plans");
  });

  return router;
}
