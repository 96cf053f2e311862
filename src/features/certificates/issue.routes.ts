import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { ValidationError } from "../../lib/errors";
import type { PublicAddress } from "../../lib/public-url";
import { requireSetupDone } from "../../lib/setup-state";
import { flash } from "../../lib/flash";
import { formBody, parseForm } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { getCourse } from "../courses";
import { PDF_MIME, sendDownload } from "../../lib/download";
import { authorize } from "../../lib/policy";
import { getCertificateSettings } from "./certificate-settings";
import { certificatesMessages as m } from "./certificates.messages";
import { issueCertificates } from "./certificates.policy";
import { bulkPrintQuery, issueOneSchema, reasonSchema } from "./certificates.schema";
import { courseCertificates, coursePdf } from "./certificates.service";
import { awaitsCertificate, classCompletion } from "./completion.service";
import { issueJob, startIssueJob } from "./issue-jobs";
import { issueCertificate, prepareIssue } from "./issue.service";
import { vnDay } from "./snapshot";

/** Issuing for a course (admins only): one by one, all at once with progress, and the merged print. */
export function issueRouter({ db, site }: { db: Db; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);
  // The verification URL's base is the configured public address, never the request's Host.
  const env = async () => {
    await requireSetupDone(db);
    return { baseUrl: await site.base() };
  };

  // The issue page; `errors` (status 422) when an issue after revocation lacked its reason.
  async function renderPage(res: Response, courseId: number, errors: Record<string, string> = {}, values: Record<string, unknown> = {}) {
    const course = await getCourse(db, courseId);
    // The job's state is copied before the lists are read: a job that ends meanwhile is still shown as
    // running, so the page's script polls and reloads it, rather than showing "done" beside a stale list.
    const job = await issueJob(db, course.id);
    const [{ rows }, certs] = await Promise.all([classCompletion(db, course), courseCertificates(db, course.id)]);
    const todo = rows.filter(awaitsCertificate);
    const revoked = rows.filter((r) => r.revoked);
    res.status(Object.keys(errors).length ? 422 : 200)
      .render("certificates/course", { title: `${m.issueTitle}: ${course.title}`, course, rows, todo, revoked, certs, job, errors, values, vnDay });
  }

  // GET /courses/:id/certificates: issued certificates, who can still get one, revoked ones, the bulk job's progress.
  router.get("/courses/:id/certificates", can(issueCertificates), async (req, res) => renderPage(res, idParam(req)));

  // POST /courses/:id/certificates/after-revocation: issues again to a trainee whose certificate was revoked (reason required).
  router.post("/courses/:id/certificates/after-revocation", can(issueCertificates), async (req, res) => {
    const courseId = idParam(req);
    const who = parseForm(issueOneSchema, formBody(req));
    if (!who.ok) throw new ValidationError(who.errors);
    const form = parseForm(reasonSchema, formBody(req));
    if (!form.ok) return renderPage(res, courseId, { [`reason-${who.data.userId}`]: form.errors.reason }, formBody(req));
    const issued = await issueCertificate(db, courseId, who.data.userId, actor(req), await env(), { reason: form.data.reason });
    flash(req, "success", m.issued(issued.number));
    res.redirect(`/courses/${courseId}/certificates`);
  });

  // POST /courses/:id/certificates: issues one certificate (the service re-checks eligibility).
  router.post("/courses/:id/certificates", can(issueCertificates), async (req, res) => {
    const courseId = idParam(req);
    const form = parseForm(issueOneSchema, formBody(req));
    if (!form.ok) throw new ValidationError(form.errors);
    const issued = await issueCertificate(db, courseId, form.data.userId, actor(req), await env());
    if (req.accepts(["html", "json"]) === "json") return res.status(201).json({ id: issued.id, number: issued.number });
    flash(req, "success", m.issued(issued.number));
    res.redirect(formBody(req)?.back === "completion" ? `/courses/${courseId}/completion#hv-${form.data.userId}` : `/courses/${courseId}/certificates`);
  });

  // POST /courses/:id/certificates/issue-all: starts (or rejoins) the background job for every eligible trainee.
  router.post("/courses/:id/certificates/issue-all", can(issueCertificates), async (req, res) => {
    const course = await getCourse(db, idParam(req));
    // What would make every certificate fail (setup, public address, numbering) is refused here, not listed by the job.
    const issueEnv = await env();
    await prepareIssue(db, issueEnv);
    const { job, alreadyRunning } = await startIssueJob(db, course, actor(req), issueEnv.baseUrl);
    flash(req, "info", alreadyRunning ? m.jobAlreadyRunning : job.total ? m.jobStarted : m.nothingToIssue);
    res.redirect(`/courses/${course.id}/certificates#tien-do`);
  });

  // GET /courses/:id/certificates/job: the job's progress as JSON (polled by public/js/certificates.js).
  router.get("/courses/:id/certificates/job", can(issueCertificates), async (req, res) => {
    res.set("Cache-Control", "no-store");
    res.json({ job: await issueJob(db, idParam(req)) });
  });

  // GET /courses/:id/certificates.pdf: every valid certificate of the class in one PDF, roster order.
  router.get("/courses/:id/certificates.pdf", can(issueCertificates), async (req, res) => {
    const course = await getCourse(db, idParam(req));
    const { offsets } = bulkPrintQuery.parse(req.query);
    const current = offsets === "current" ? (await getCertificateSettings(db)).print : null;
    const bytes = await coursePdf(db, course.id, current ? { xMm: current.offsetXmm, yMm: current.offsetYmm } : undefined);
    sendDownload(res, { body: bytes, fileName: `${m.certificate} - ${course.title}.pdf`, type: PDF_MIME });
  });

  return router;
}
