import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { authorize } from "../../lib/policy";
import { todayIso } from "../../lib/time";
import { courseOf, manageCourse } from "../courses/courses.policy";
import { attachmentHeader } from "../courses/materials.routes";
import { certificatesMessages as m } from "./certificates.messages";
import { issueCertificates } from "./certificates.policy";
import { yearQuery } from "./certificates.schema";
import { registerPdf } from "./register-pdf";
import { registerEntries, registerXlsx } from "./register.service";
import { rosterPdf, rosterXlsx } from "./rosters.service";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function sendFile(res: Response, bytes: Uint8Array, name: string, type: string): void {
  res.setHeader("Content-Disposition", attachmentHeader(name));
  res.setHeader("Cache-Control", "private, no-cache");
  res.type(type).send(Buffer.from(bytes));
}

/** Class rosters (course staff) and the yearly register book (admins). */
export function documentsRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const thisYear = () => Number(todayIso().slice(0, 4));

  // GET /courses/:id/roster.pdf: "DANH SÁCH HỌC VIÊN" in roster order (admins, the course's trainers).
  router.get("/courses/:id/roster.pdf", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const { bytes } = await rosterPdf(db, course.id);
    sendFile(res, bytes, `Danh sách học viên - ${course.title}.pdf`, "application/pdf");
  });

  // GET /courses/:id/roster.xlsx: the same roster as a spreadsheet.
  router.get("/courses/:id/roster.xlsx", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const { bytes } = await rosterXlsx(db, course.id);
    sendFile(res, bytes, `Danh sách học viên - ${course.title}.xlsx`, XLSX);
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
    sendFile(res, await registerPdf(db, year), `So cap GCN ${year}.pdf`, "application/pdf");
  });

  // GET /certificates/register.xlsx?year=: the same register as a spreadsheet.
  router.get("/certificates/register.xlsx", can(issueCertificates), async (req, res) => {
    const { year } = yearQuery(thisYear()).parse(req.query);
    sendFile(res, await registerXlsx(db, year), `So cap GCN ${year}.xlsx`, XLSX);
  });

  return router;
}
