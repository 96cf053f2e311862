import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { actor, currentUser } from "../../lib/auth";
import { NotFound } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { formBody, parseForm, submitForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { authorize, signedIn } from "../../lib/policy";
import { cachedHtml, cachedRead, readerFor } from "../../lib/read-cache";
import { formatDate } from "../../lib/vietnamese";
import { personFormOptions } from "../users";
import { myEnrollment } from "../enrollment";
import { attendanceForCoursePage } from "../attendance";
import { listMaterials } from "./materials.service";
import { canManageCourse, canDownloadMaterials, courseOf, createCourses, manageCourse, viewCourse } from "./courses.policy";
import { cancelSessionSchema, courseListQuery, courseSchema, sessionSchema } from "./courses.schema";
import * as service from "./courses.service";
import * as sessions from "./sessions.service";

export function coursesRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderForm(res: Response, status: number, locals: { course?: { id: number; title: string } | null; values: Record<string, unknown>; errors: Record<string, string> }) {
    const [tasks, trainers, options] = await Promise.all([service.listPlanTasks(db), service.listTrainers(db), personFormOptions(db)]);
    res.status(status).render("courses/form", { title: locals.course ? t.courses.editTitle : t.courses.newTitle, course: null, tasks, trainers, units: options.units, categories: options.categories, ...locals });
  }

  // GET /courses: the courses the viewer may see, with filters, search and pagination.
  router.get("/courses", can(signedIn), async (req, res) => {
    const query = courseListQuery.parse(req.query);
    const me = currentUser(req);
    const viewer = me.role === "admin" ? "admin" : `${me.role}:${me.id}`; // what listCourses depends on
    const [tableHtml, tasks] = await Promise.all([
      cachedHtml(req, `course-list:${viewer}:${JSON.stringify(query)}`, "courses/_list-table", async () => ({ query, ...(await service.listCourses(db, me, query)) })),
      cachedRead(req, "plan-tasks", () => service.listPlanTasks(db)),
    ]);
    res.render("courses/list", { title: t.courses.title, query, tasks, tableHtml });
  });

  // GET /courses/new: empty course form (admins and trainers).
  router.get("/courses/new", can(createCourses), async (req, res) => {
    const me = currentUser(req);
    await renderForm(res, 200, { values: { kind: "training", status: "draft", trainerIds: me.role === "trainer" ? [me.id] : [] }, errors: {} });
  });

  // POST /courses: creates a course; a trainer who creates one teaches it.
  router.post("/courses", can(createCourses), async (req, res) => {
    const me = currentUser(req);
    const saved = await submitForm(courseSchema, formBody(req), (errors) => renderForm(res, 422, { values: formBody(req), errors }), (data) =>
      service.createCourse(db, { ...data, trainerIds: me.role === "trainer" ? [...new Set([...data.trainerIds, me.id])] : data.trainerIds }, actor(req)));
    if (!saved) return;
    flash(req, "success", t.courses.created);
    res.redirect(`/courses/${saved.value.id}`);
  });

  // GET /courses/:id: details, schedule, materials, seats; the trainee's own status and enroll button.
  router.get("/courses/:id", can(viewCourse), async (req, res) => {
    const me = currentUser(req);
    const id = idParam(req);
    // Page data through the cache (lib/read-cache.ts), with the keys viewCourse read it by.
    const [course, mine, materials, options] = await Promise.all([
      cachedRead(req, `course:${id}`, () => service.getCourse(db, id)),
      cachedRead(req, `enrollment:${id}:${me.id}`, () => myEnrollment(db, id, me.id)),
      cachedRead(req, `materials:${id}`, () => listMaterials(db, id)),
      cachedRead(req, "person-form-options", () => personFormOptions(db)),
    ]);
    const canManage = canManageCourse(me, course);
    const categories = options.categories.filter((c) => course.targetCategoryIds.includes(c.id));
    // Materials are listed only to those who may download them (staff of the course, enrolled trainees).
    const showMaterials = canDownloadMaterials(me, course, mine?.status ?? null);
    const attendance = await attendanceForCoursePage(db, course, me, canManage, mine?.status === "enrolled", new Date(), readerFor(req));
    res.render("courses/show", { title: course.title, course, mine, materials: showMaterials ? materials : null, canManage, categories, fundingTotal: course.funding.reduce((a, f) => a + f.amount, 0), attendance });
  });

  // GET /courses/:id/edit: edit form (admins, the course's trainers).
  router.get("/courses/:id/edit", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const values = { ...course, enrollOpens: formatDate(course.enrollOpens), enrollCloses: formatDate(course.enrollCloses), funding: course.funding.map((f) => ({ ...f, amount: String(f.amount) })) };
    await renderForm(res, 200, { course, values, errors: {} });
  });

  // POST /courses/:id: saves the course.
  router.post("/courses/:id", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const me = currentUser(req);
    // A trainer cannot remove themselves from a course (they would lose access mid-edit).
    const saved = await submitForm(courseSchema, formBody(req), (errors) => renderForm(res, 422, { course, values: formBody(req), errors }), (data) =>
      service.updateCourse(db, course.id, { ...data, trainerIds: me.role === "trainer" ? [...new Set([...data.trainerIds, me.id])] : data.trainerIds }, actor(req)));
    if (!saved) return;
    flash(req, "success", t.courses.saved);
    res.redirect(`/courses/${course.id}`);
  });

  // POST /courses/:id/sessions: adds one session or a weekly series.
  router.post("/courses/:id/sessions", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const fail = (errors: Record<string, string>) => res.status(422).render("courses/session-form", { title: t.courses.addSessions, course, session: null, values: formBody(req), errors });
    const saved = await submitForm(sessionSchema, formBody(req), fail, (data) => sessions.addSessions(db, course, data, actor(req)));
    if (!saved) return;
    flash(req, "success", t.courses.sessionsAdded(saved.value));
    res.redirect(`/courses/${course.id}#lich`);
  });

  // The course (checked by manageCourse) and its session named in the URL (NotFound for another course's session).
  async function courseSession(req: Request) {
    const course = await courseOf(db, req);
    const session = course.sessions.find((s) => s.id === idParam(req, "sid"));
    if (!session) throw new NotFound();
    return { course, session };
  }

  // GET /courses/:id/sessions/:sid/edit: edit one session.
  router.get("/courses/:id/sessions/:sid/edit", can(manageCourse), async (req, res) => {
    const { course, session } = await courseSession(req);
    res.render("courses/session-form", { title: t.courses.editSession, course, session, values: { ...session, date: formatDate(session.date) }, errors: {} });
  });

  // POST /courses/:id/sessions/:sid: saves one session.
  router.post("/courses/:id/sessions/:sid", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const session = course.sessions.find((s) => s.id === idParam(req, "sid")) ?? null;
    const fail = (errors: Record<string, string>) => res.status(422).render("courses/session-form", { title: t.courses.editSession, course, session, values: formBody(req), errors });
    const saved = await submitForm(sessionSchema, { ...formBody(req), weekdays: [], repeatUntil: "" }, fail, (data) => sessions.updateSession(db, course, idParam(req, "sid"), data, actor(req)));
    if (!saved) return;
    flash(req, "success", t.courses.sessionSaved);
    res.redirect(`/courses/${course.id}#lich`);
  });

  // GET /courses/:id/sessions/:sid/cancel: the confirm page (the session, a reason field, the button).
  router.get("/courses/:id/sessions/:sid/cancel", can(manageCourse), async (req, res) => {
    const { course, session } = await courseSession(req);
    res.render("courses/session-cancel", { title: t.courses.cancelSessionTitle, course, session, values: {}, errors: {} });
  });

  // POST /courses/:id/sessions/:sid/cancel: cancels one session with a reason (422 on the confirm page without one).
  router.post("/courses/:id/sessions/:sid/cancel", can(manageCourse), async (req, res) => {
    const { course, session } = await courseSession(req);
    const form = parseForm(cancelSessionSchema, formBody(req));
    if (!form.ok) return res.status(422).render("courses/session-cancel", { title: t.courses.cancelSessionTitle, course, session, values: formBody(req), errors: form.errors });
    await sessions.cancelSession(db, course.id, session.id, form.data.reason, actor(req));
    flash(req, "success", t.courses.sessionCancelled);
    res.redirect(`/courses/${course.id}#lich`);
  });

  return router;
}
