import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { actor, currentUser } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { formBody, parseForm, submitForm } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { authorize } from "../../lib/policy";
import { formatDecimal } from "../../lib/vietnamese";
import { canManageCourse, type CourseDetail, courseOf, manageCourse, visibleCourse } from "../courses";
import { certificatesMessages as m } from "./certificates.messages";
import { viewCompletion } from "./certificates.policy";
import { approvalSchema, ruleSchema } from "./certificates.schema";
import { classCompletion, completionOf, courseQuizzes, setApproval, updateRule } from "./completion.service";

/** Completion rule form, each trainee's result in words, trainer approvals. */
export function completionRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderManage(req: Request, res: Response, course: CourseDetail, status: number, values: Record<string, unknown> | null, errors: Record<string, string>) {
    const [{ rule, rows }, quizzes] = await Promise.all([classCompletion(db, course), courseQuizzes(db, course.id)]);
    const formValues = values ?? {
      minAttendance: formatDecimal(course.minAttendanceRate * 100, 1),
      countExcused: course.countExcused,
      requiredQuizId: course.requiredQuizId ?? "",
      completionApprovalRequired: course.completionApprovalRequired,
    };
    res.status(status).render("certificates/completion", {
      title: `${m.completionTitle}: ${course.title}`, course, rule, rows, quizzes, values: formValues, errors, isAdmin: currentUser(req).role === "admin",
    });
  }

  // GET /courses/:id/completion: staff see the rule form and every trainee's result; a trainee sees their own.
  router.get("/courses/:id/completion", can(viewCompletion), async (req, res) => {
    const me = currentUser(req);
    const course = await visibleCourse(db, req, me);
    if (canManageCourse(me, course)) return renderManage(req, res, course, 200, null, {});
    const own = await completionOf(db, course, me.id);
    res.render("certificates/completion-own", { title: `${m.myResultLink}: ${course.title}`, course, own });
  });

  // POST /courses/:id/completion: saves the completion rule (admins, the course's trainers).
  router.post("/courses/:id/completion", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const fail = (errors: Record<string, string>) => renderManage(req, res, course, 422, formBody(req), errors);
    if (!(await submitForm(ruleSchema, formBody(req), fail, ({ minAttendance, ...rest }) => updateRule(db, course.id, { ...rest, minAttendanceRate: minAttendance }, actor(req))))) return;
    flash(req, "success", m.ruleSaved);
    res.redirect(`/courses/${course.id}/completion`);
  });

  // POST /courses/:id/completion/:userId/approval: a trainer confirms, refuses or clears one trainee's completion.
  router.post("/courses/:id/completion/:userId/approval", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const form = parseForm(approvalSchema, formBody(req));
    if (!form.ok) throw new ValidationError(form.errors);
    const decision = form.data.decision === "clear" ? null : form.data.decision === "approve";
    await setApproval(db, course.id, idParam(req, "userId"), decision, actor(req));
    flash(req, "success", m.approvalSaved);
    res.redirect(`/courses/${course.id}/completion#hv-${idParam(req, "userId")}`);
  });

  return router;
}
