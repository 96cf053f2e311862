import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { authorize } from "../../lib/policy";
import type { PublicAddress } from "../../lib/public-url";
import { isSetupDone } from "../../lib/setup-state";
import { setupSchema } from "./setup.schema";
import { runSetup } from "./setup.policy";
import { completeSetup, setupValues } from "./setup.service";

/** The first-run setup (admins): shown after the first login, required before any document is printed. */
export function setupRouter({ db, site }: { db: Db; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);

  async function render(res: Response, status: number, values: Record<string, unknown> | null, errors: Record<string, string>) {
    res.status(status).render("settings/setup", { title: t.setup.title, values: values ?? (await setupValues(db, site)), errors });
  }

  // GET /setup: the setup form, filled with the example (or what is in force); once done, the settings page.
  router.get("/setup", can(runSetup), async (_req, res) => {
    if (await isSetupDone(db)) return res.redirect("/settings");
    await render(res, 200, null, {});
  });

  // POST /setup: saves the organisation, pattern and public address, and marks the setup done.
  router.post("/setup", can(runSetup), async (req, res) => {
    if (await isSetupDone(db)) return res.redirect("/settings");
    const form = parseForm(setupSchema, formBody(req));
    if (!form.ok) return render(res, 422, formBody(req), form.errors);
    await completeSetup(db, form.data, actor(req));
    flash(req, "success", t.setup.done);
    res.redirect("/");
  });

  return router;
}
