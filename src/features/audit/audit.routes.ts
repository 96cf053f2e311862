import { Router } from "express";
import { z } from "zod";
import type { Db } from "../../db/client";
import { intParam } from "../../lib/forms";
import { t } from "../../messages";
import { authorize } from "../../lib/policy";
import { parseViDate } from "../../lib/vietnamese";
import { actionLabel, detailLines } from "./audit-labels";
import { readAudit } from "./audit.policy";
import { listAudit } from "./audit.service";

const text = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string()).transform((s) => s.normalize("NFC").trim().slice(0, 100));
const day = text.transform((s) => (s ? parseViDate(s) : null));
const querySchema = z.object({ person: text, action: text, from: day, to: day, page: intParam(1) });

export function auditRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  // GET /audit: the audit log for admins, filtered by person, action and date.
  router.get("/audit", can(readAudit), async (req, res) => {
    const query = querySchema.parse(req.query);
    const result = await listAudit(db, query);
    const rows = result.rows.map((r) => ({ ...r, actionLabel: actionLabel(r.action), detailLines: detailLines(r.details) }));
    const actions = result.actions.map((a) => ({ value: a, label: actionLabel(a) }));
    res.render("audit/list", { title: t.audit.title, query, raw: { from: req.query.from ?? "", to: req.query.to ?? "" }, ...result, rows, actions });
  });
  return router;
}
