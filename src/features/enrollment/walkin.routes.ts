import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, parseForm, submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { courseOf, manageCourse } from "../courses";
import { authorize } from "../../lib/policy";
import { manageUsers } from "../users";
import { addWalkin, findMergeTargets, getMergeSource, mergeSchema, mergeUsers, walkinSchema, walkinUnits } from "./walkin.service";

const m = t.materials;

/** Walk-in participants at the door (course managers) and merging a duplicate person (admins). */
export function walkinRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderWalkin(res: Response, status: number, course: { id: number; title: string }, values: Record<string, unknown>, errors: Record<string, string>) {
    const unitRows = await walkinUnits(db);
    res.status(status).render("walkin/form", { title: m.walkin.title, course, units: unitRows, values, errors });
  }

  async function renderMerge(req: Request, res: Response, status: number, errors: Record<string, string>) {
    const person = await getMergeSource(db, idParam(req));
    const q = typeof req.query.q === "string" ? req.query.q.normalize("NFC").trim().slice(0, 100) : person.fullName;
    const candidates = await findMergeTargets(db, person.id, q);
    res.status(status).render("walkin/merge", { title: m.merge.title, person, q, candidates, errors });
  }

  // GET /courses/:id/walkin: the at-the-door form (the course's trainers and admins).
  router.get("/courses/:id/walkin", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    await renderWalkin(res, 200, course, {}, {});
  });

  // POST /courses/:id/walkin: finds the person by phone or creates them, then enrolls them.
  router.post("/courses/:id/walkin", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const saved = await submitForm(walkinSchema, formBody(req), (errors) => renderWalkin(res, 422, course, formBody(req), errors), (data) => addWalkin(db, course.id, data, actor(req)));
    if (!saved) return;
    const result = saved.value;
    const who = result.created ? m.walkin.created : m.walkin.existing;
    const what = result.status === "enrolled" ? m.walkin.statusEnrolled : m.walkin.statusWaitlisted;
    flash(req, result.status === "enrolled" ? "success" : "info", `${who} ${result.person.fullName}: ${what}.`);
    if (result.hiddenMatch) flash(req, "info", `${m.walkin.existsHidden}.`);
    res.redirect(`/courses/${course.id}/walkin`);
  });

  // GET /users/:id/merge: admin picks the account that absorbs this duplicate (search box, ?q=).
  router.get("/users/:id/merge", can(manageUsers), async (req, res) => {
    await renderMerge(req, res, 200, {});
  });

  // POST /users/:id/merge: merges this person into body.targetId, then shows the kept account.
  router.post("/users/:id/merge", can(manageUsers), async (req, res) => {
    const sourceId = idParam(req);
    const form = parseForm(mergeSchema, formBody(req));
    if (!form.ok) return renderMerge(req, res, 422, form.errors);
    await mergeUsers(db, sourceId, form.data.targetId, actor(req));
    flash(req, "success", m.merge.done);
    res.redirect(`/users/${form.data.targetId}/edit`);
  });

  return router;
}
