import { Router, type Response } from "express";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { enrollments } from "../../db/schema";
import { actor, currentUser } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { authorize, signedIn } from "../../lib/policy";
import { cachedHtml } from "../../lib/read-cache";
import { rejectSchema, type CourseDetail, courseOf, manageCourse, visibleCourse } from "../courses";
import { countWithoutAccount } from "../users";
import { enrollSelf } from "./enrollment.policy";
import * as service from "./enrollment.service";

export function enrollmentRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  // The participants page also offers accounts for those who cannot log in (also where an import lands).
  const renderParticipants = async (res: Response, status: number, course: CourseDetail, errors: Record<string, string>) => {
    const [people, withoutAccount] = await Promise.all([service.listParticipants(db, course.id), countWithoutAccount(db, course.id)]);
    res.status(status).render("enrollment/participants", { title: `${t.courses.participants}: ${course.title}`, course, people, withoutAccount, errors });
  };

  // POST /courses/:id/enroll: a trainee enrolls (seat, waitlist or pending approval).
  router.post("/courses/:id/enroll", can(enrollSelf), async (req, res) => {
    const me = currentUser(req);
    const course = await visibleCourse(db, req, me);
    const r = await service.selfEnroll(db, course.id, me.id);
    const text = r.status === "enrolled" ? t.enrollment.enrolled : r.status === "waitlisted" ? t.enrollment.waitlisted(r.position) : t.enrollment.pendingMsg;
    if (req.accepts(["html", "json"]) === "json") return res.json(r);
    flash(req, r.status === "enrolled" ? "success" : "info", text);
    res.redirect(`/courses/${course.id}`);
  });

  // POST /courses/:id/unenroll: a trainee cancels their own enrollment (the waitlist moves up).
  router.post("/courses/:id/unenroll", can(enrollSelf), async (req, res) => {
    const me = currentUser(req);
    const course = await visibleCourse(db, req, me);
    await service.cancelEnrollment(db, course.id, me.id, actor(req));
    flash(req, "success", t.enrollment.cancelled);
    res.redirect(`/courses/${course.id}`);
  });

  // GET /courses/:id/participants: the trainer's management page (participants, approvals, waitlist).
  router.get("/courses/:id/participants", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    await renderParticipants(res, 200, course, {});
  });

  // POST /courses/:id/enrollments/:eid/approve: approves a pending request.
  router.post("/courses/:id/enrollments/:eid/approve", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    await service.approveEnrollment(db, course.id, idParam(req, "eid"), actor(req));
    flash(req, "success", t.enrollment.approved);
    res.redirect(`/courses/${course.id}/participants`);
  });

  // POST /courses/:id/enrollments/:eid/reject: rejects a pending request with a reason.
  router.post("/courses/:id/enrollments/:eid/reject", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const form = parseForm(rejectSchema, req.body);
    if (!form.ok) return renderParticipants(res, 422, course, { [`reason-${String(req.params.eid)}`]: form.errors.reason });
    await service.rejectEnrollment(db, course.id, idParam(req, "eid"), form.data.reason, actor(req));
    flash(req, "success", t.enrollment.rejected);
    res.redirect(`/courses/${course.id}/participants`);
  });

  // POST /courses/:id/enrollments/:eid/remove: staff take someone off the course (the waitlist moves up).
  router.post("/courses/:id/enrollments/:eid/remove", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const [row] = await db.select().from(enrollments).where(and(eq(enrollments.id, idParam(req, "eid")), eq(enrollments.courseId, course.id)));
    if (row) await service.cancelEnrollment(db, course.id, row.userId, actor(req));
    flash(req, "success", t.enrollment.cancelled);
    res.redirect(`/courses/${course.id}/participants`);
  });

  // GET /my/courses: a trainee's courses with status, waitlist position and schedule.
  router.get("/my/courses", can(signedIn), async (req, res) => {
    const me = currentUser(req);
    // Rendered once while nothing changes: a long-time trainee's list holds hundreds of sessions.
    const listHtml = await cachedHtml(req, `my-courses:${me.id}`, "enrollment/_my-list", async () => ({ items: await service.myCourses(db, me.id) }));
    res.render("enrollment/my", { title: t.courses.myTitle, listHtml });
  });

  return router;
}
