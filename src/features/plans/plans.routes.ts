import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, parseForm, submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { authorize } from "../../lib/policy";
import { formatDate } from "../../lib/vietnamese";
import { planSchema } from "./plans.schema";
import * as service from "./plans.service";
import { managePlans } from "./plans.policy";

export function plansRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const renderForm = (res: Response, status: number, plan: { id: number; title: string } | null, values: Record<string, unknown>, errors: Record<string, string>) =>
    res.status(status).render("plans/form", { title: plan ? t.plans.editTitle : t.plans.newTitle, plan, values, errors });

  // GET /plans: plans with their numbered tasks.
  router.get("/plans", can(managePlans), async (_req, res) => res.render("plans/list", { title: t.plans.title, plans: await service.listPlans(db) }));

  // GET /plans/new: form for a new plan (e.g. next year's).
  router.get("/plans/new", can(managePlans), (_req, res) => renderForm(res, 200, null, {}, {}));

  // POST /plans: adds a plan with its tasks.
  router.post("/plans", can(managePlans), async (req, res) => {
    const form = parseForm(planSchema, formBody(req));
    if (!form.ok) return renderForm(res, 422, null, formBody(req), form.errors);
    await service.createPlan(db, form.data, actor(req));
    flash(req, "success", t.plans.saved);
    res.redirect("/plans");
  });

  // GET /plans/:id/edit: edit a plan and its tasks.
  router.get("/plans/:id/edit", can(managePlans), async (req, res) => {
    const plan = await service.getPlan(db, idParam(req));
    renderForm(res, 200, plan, { ...plan, issuedDate: formatDate(plan.issuedDate), tasks: plan.tasks.map((x) => x.title).join("\n") }, {});
  });

  // POST /plans/:id: saves a plan.
  router.post("/plans/:id", can(managePlans), async (req, res) => {
    const plan = await service.getPlan(db, idParam(req));
    const fail = (errors: Record<string, string>) => renderForm(res, 422, plan, formBody(req), errors);
    if (!(await submitForm(planSchema, formBody(req), fail, (data) => service.updatePlan(db, plan.id, data, actor(req))))) return;
    flash(req, "success", t.plans.saved);
    res.redirect("/plans");
  });

  return router;
}
