import { Router } from "express";
import type { Db } from "../../db/client";
import { authorize } from "../../lib/policy";
import { todayIso } from "../../lib/time";
import { courseOf, manageCourse } from "../courses";
import { PDF_MIME, XLSX_MIME, sendDownload } from "../../lib/download";
import { certificatesMessages as m } from "./certificates.messages";
import { issueCertificates } from "./certificates.policy";
import { yearQuery } from "./certificates.schema";
import { registerPdf } from "./register-pdf";
import { registerEntries, registerXlsx } from "./register.service";
import { rosterPdf, rosterXlsx } from "./rosters.service";

/** Class rosters (course staff) and the yearly register book (admins). */
export function documentsRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const thisYear = () => Number(todayIso().slice(0, 4));

  // GET /courses/:id/roster.pdf: "DANH SÁCH HỌC VIÊN" in roster order (admins, the course's trainers).
  router.get("/courses/:id/roster.pdf", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const { bytes } = await rosterPdf(db, course.id);
    sendDownload(res, { body: bytes, fileName: `Danh sách học viên - ${course.title}.pdf`, type: PDF_MIME });
  });

  // GET /courses/:id/roster.xlsx: the same roster as a spreadsheet.
  router.get("/courses/:id/roster.xlsx", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const { bytes } = await rosterXlsx(db, course.id);
    sendDownload(res, { body: bytes, fileName: `Danh sách học viên - ${course.title}.xlsx`, type: XLSX_MIME });
  });

  // GET /certificates/register: the register of a year on screen, with PDF and XLSX downloads (admins).
  router.get("/certificates/register", can(issueCertificates), async (req, res) => {
    const { year } = yearQuery(thisYear()).parse(req.query);
    const entries = await registerEntries(db, year);
    res.render("certificates/register", { title: `${m.registerTitle} ${year}`, year, entries });
  });

  // GET /certificates/register.pdf?year=: "SỔ CẤP GIẤY CHỨNG NHẬN" of a year, A4 landscape.
  router.get("/certificates/register.pdf", can(issueCertificates), async (req, res) => {
    const { year } = yearQuery(thisYear()).parse(req.query);
    sendDownload(res, { body: await registerPdf(db, year), fileName: `So cap GCN ${year}.pdf`, type: PDF_MIME });
  });

  // GET /certificates/register.xlsx?year=: the same register as a spreadsheet.
  router.get("/certificates/register.xlsx", can(issueCertificates), async (req, res) => {
    const { year } = yearQuery(thisYear()).parse(req.query);
    sendDownload(res, { body: await registerXlsx(db, year), fileName: `So cap GCN ${year}.xlsx`, type: XLSX_MIME });
  });

  return router;
}
