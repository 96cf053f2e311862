import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, parseForm } from "../../lib/forms";
import { authorize } from "../../lib/policy";
import { savePublicUrl, savedPublicUrl, type PublicAddress } from "../../lib/public-url";
import { t } from "../../messages";
import { todayIso } from "../../lib/time";
import { formatDate } from "../../lib/vietnamese";
import { orgSettingsSchema, publicUrlSchema } from "./settings.schema";
import * as service from "./settings.service";
import { manageSettings } from "./settings.policy";

export function settingsRouter({ db, site }: { db: Db; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);

  async function render(res: Response, status: number, values: Record<string, unknown> | null, errors: Record<string, string>, address?: { values: Record<string, unknown>; errors: Record<string, string> }) {
    const current = await service.orgSettingsOn(db, todayIso());
    const history = await service.listOrgSettings(db);
    const formValues = values ?? { ...current, validFrom: formatDate(todayIso()) };
    const [inForce, saved] = await Promise.all([site.current(), savedPublicUrl(db)]);
    const publicUrl = { inForce, fromEnv: !!inForce && !saved, values: address?.values ?? { publicUrl: inForce ?? "" }, errors: address?.errors ?? {} };
    res.status(status).render("settings/org", { title: t.settings.title, current, history, values: formValues, errors, publicUrl });
  }

  // GET /settings: the organisation settings in force, their history and a form for a new version.
  router.get("/settings", can(manageSettings), async (_req, res) => render(res, 200, null, {}));

  // POST /settings: adds a new dated version.
  router.post("/settings", can(manageSettings), async (req, res) => {
    const form = parseForm(orgSettingsSchema, formBody(req));
    if (!form.ok) return render(res, 422, formBody(req), form.errors);
    await service.addOrgSettings(db, form.data, actor(req));
    flash(req, "success", t.settings.saved);
    res.redirect("/settings");
  });

  // POST /settings/public-url: the address absolute links (QR codes) are built from; wins over PUBLIC_URL.
  router.post("/settings/public-url", can(manageSettings), async (req, res) => {
    const form = parseForm(publicUrlSchema, formBody(req));
    if (!form.ok) return render(res, 422, null, {}, { values: formBody(req) ?? {}, errors: form.errors });
    await savePublicUrl(db, form.data.publicUrl, actor(req));
    flash(req, "success", t.publicUrl.saved);
    res.redirect("/settings#dia-chi-cong-khai");
  });

  return router;
}
