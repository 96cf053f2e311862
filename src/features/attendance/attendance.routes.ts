import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor, currentUser } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, parseForm, saveOrRerender } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { type CourseDetail, courseOf, manageCourse } from "../courses";
import { PDF_MIME, XLSX_MIME, sendDownload } from "../../lib/download";
import { authorize } from "../../lib/policy";
import { marksWorkbook, signInSheetPdf } from "./attendance.export";
import { attendanceMessages as m } from "./attendance.messages";
import { checkinSettingsSchema, rollCallSchema } from "./attendance.schema";
import { courseAttendance, updateCheckinSettings } from "./attendance.service";
import { checkinRouter } from "./checkin.routes";
import { getRollCall, saveRollCall } from "./rollcall.service";
import type { PublicAddress } from "../../lib/public-url";

/** Routes of the attendance feature: roll-call, overview, exports (here) and check-in (checkin.routes.ts). */
export function attendanceRouter({ db, secret, site }: { db: Db; secret: string; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);

  async function renderOverview(res: Response, course: CourseDetail, status: number, values: Record<string, unknown>, errors: Record<string, string>) {
    const grid = await courseAttendance(db, course);
    res.status(status).render("attendance/overview", { title: `${m.overviewTitle}: ${course.title}`, course, grid, values, errors });
  }

  // GET /courses/:id/attendance: all marks of a course (people × sessions), rates, settings, exports.
  router.get("/courses/:id/attendance", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    await renderOverview(res, course, 200, course, {});
  });

  // POST /courses/:id/attendance/settings: the course's check-in window and lateness rule.
  router.post("/courses/:id/attendance/settings", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const form = parseForm(checkinSettingsSchema, formBody(req));
    if (!form.ok) return renderOverview(res, course, 422, formBody(req), form.errors);
    await updateCheckinSettings(db, course.id, form.data, actor(req));
    flash(req, "success", m.settingsSaved);
    res.redirect(`/courses/${course.id}/attendance`);
  });

  // GET /courses/:id/attendance/sign-in.pdf: DANH SÁCH KÝ NHẬN, A4 landscape.
  router.get("/courses/:id/attendance/sign-in.pdf", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const pdf = await signInSheetPdf(db, course);
    if (!pdf) {
      flash(req, "error", m.noSessionsForSheet);
      return res.redirect(`/courses/${course.id}`);
    }
    sendDownload(res, { body: pdf, fileName: m.pdfFile(course.id), type: PDF_MIME, disposition: "inline" });
  });

  // GET /courses/:id/attendance.xlsx: every mark of the course and each person's rate.
  router.get("/courses/:id/attendance.xlsx", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const xlsx = await marksWorkbook(course.title, await courseAttendance(db, course));
    sendDownload(res, { body: xlsx, fileName: m.xlsxFile(course.id), type: XLSX_MIME });
  });

  // GET /courses/:id/sessions/:sid/attendance: the roll-call sheet of one session (+ change log for admins).
  router.get("/courses/:id/sessions/:sid/attendance", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const sheet = await getRollCall(db, course, idParam(req, "sid"), { withAudit: currentUser(req).role === "admin" });
    res.render("attendance/rollcall", { title: m.rollCallTitle, course, ...sheet, values: null, errors: {} });
  });

  // POST /courses/:id/sessions/:sid/attendance: saves the whole sheet in one transaction.
  router.post("/courses/:id/sessions/:sid/attendance", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const sessionId = idParam(req, "sid");
    const form = parseForm(rollCallSchema, formBody(req));
    const fail = async (errors: Record<string, string>) => {
      const sheet = await getRollCall(db, course, sessionId, { withAudit: currentUser(req).role === "admin" });
      res.status(422).render("attendance/rollcall", { title: m.rollCallTitle, course, ...sheet, values: formBody(req), errors });
    };
    if (!form.ok) return fail(form.errors);
    const { mark: marks, remark: remarks, rest } = form.data;
    const saved = await saveOrRerender(fail, () => saveRollCall(db, course, sessionId, { marks, remarks, rest }, actor(req)));
    if (!saved) return;
    flash(req, "success", m.saved(saved.value));
    res.redirect(`/courses/${course.id}/sessions/${sessionId}/attendance`);
  });

  router.use(checkinRouter({ db, secret, site }));
  return router;
}
