import { Router, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Logger } from "pino";
import type { Db, DbKind } from "../../db/client";
import { currentUser, requireLogin, requireRole } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import type { PublicAddress } from "../../lib/public-url";
import { idParam } from "../../lib/params";
import { attachmentHeader } from "../courses/materials.routes";
import { certificatesMessages as m } from "./certificates.messages";
import { reasonSchema } from "./certificates.schema";
import { certificateFileName, certificatePdf, findByToken, getCertificate, historyOf, myCertificates, successorOf } from "./certificates.service";
import { completionRouter } from "./completion.routes";
import { documentsRouter } from "./documents.routes";
import { IssueJobs } from "./issue-jobs";
import { issueRouter } from "./issue.routes";
import { reissueCertificate, revokeCertificate } from "./issue.service";
import { vnDay } from "./snapshot";
import { settingsRouter } from "./settings.routes";

/** Public verification: enough for a person checking a few certificates, too few to enumerate tokens. */
export const VERIFY_LIMIT = { windowMs: 60_000, limit: 30 };

/** Routes of the certificates feature (completion, issuing, documents, settings, verification). */
export function certificatesRouter(deps: { db: Db; dbKind?: DbKind; dataDir: string; secret: string; site: PublicAddress; logger?: Logger }): Router {
  const { db, dataDir, site } = deps;
  const router = Router();
  // On a database server (not PGlite, which dies with the process) the bulk job commits without waiting for the disk.
  const jobs = new IssueJobs({ lazyCommit: deps.dbKind !== undefined && deps.dbKind !== "pglite" });
  const actor = (req: Request) => ({ id: currentUser(req).id, ip: req.ip ?? null });
  // Unexpected errors inside a background job have no request to fail: log them (app.ts may pass its logger).
  const onJobError = (err: unknown) => (deps.logger ? deps.logger.error({ err }, "certificate issue job") : console.error("certificate issue job", err));

  router.use(completionRouter({ db }));
  router.use(issueRouter({ db, dataDir, site, jobs, onJobError }));
  router.use(documentsRouter({ db }));
  router.use(settingsRouter({ db, dataDir, site }));

  // Per app instance, so one test's (or one server's) traffic never counts against another.
  const verifyLimiter = rateLimit({
    ...VERIFY_LIMIT,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, res) => res.status(429).render("certificates/verify", { title: m.verifyTitle, cert: null, successor: null, message: m.verifyTooMany, vnDay }),
  });

  // GET /verify/:token: public verification (no login): valid, revoked, superseded, or just "not found".
  router.get("/verify/:token", verifyLimiter, async (req, res) => {
    res.set({ "Cache-Control": "no-store", "X-Robots-Tag": "noindex" });
    const cert = await findByToken(db, String(req.params.token));
    if (!cert) return res.status(404).render("certificates/verify", { title: m.verifyTitle, cert: null, successor: null, message: m.verifyNotFound, vnDay });
    const successor = cert.status === "superseded" ? await successorOf(db, cert.id) : null;
    res.render("certificates/verify", { title: m.verifyTitle, cert, successor, message: null, vnDay });
  });

  // GET /my/certificates: a trainee's own certificates.
  router.get("/my/certificates", requireLogin, async (req, res) => {
    const items = await myCertificates(db, currentUser(req).id);
    res.render("certificates/my", { title: m.myTitle, items, vnDay });
  });

  // GET /certificates/:id.pdf: the PDF, re-rendered from the snapshot (same bytes as issued); owner or admin.
  router.get("/certificates/:id.pdf", requireLogin, async (req, res) => {
    const { bytes, cert } = await certificatePdf(db, dataDir, currentUser(req), idParam(req));
    res.setHeader("Content-Disposition", attachmentHeader(certificateFileName(cert.snapshot)));
    res.setHeader("Cache-Control", "private, no-cache");
    res.type("application/pdf").send(Buffer.from(bytes));
  });

  // GET /certificates/:id: one certificate with its versions, re-issue and revoke forms (admins).
  router.get("/certificates/:id", requireRole("admin"), async (req, res) => {
    const cert = await getCertificate(db, idParam(req));
    const history = await historyOf(db, cert);
    res.render("certificates/show", { title: m.showTitle(cert.number), cert, history, errors: {}, values: {}, vnDay });
  });

  async function failReason(req: Request, res: Response, id: number, field: "reissue" | "revoke", errors: Record<string, string>) {
    const cert = await getCertificate(db, id);
    const history = await historyOf(db, cert);
    res.status(422).render("certificates/show", { title: m.showTitle(cert.number), cert, history, errors: { [field]: errors.reason }, values: {}, vnDay });
  }

  // POST /certificates/:id/reissue: replaces a valid certificate with version n+1 (reason required).
  router.post("/certificates/:id/reissue", requireRole("admin"), async (req, res) => {
    const id = idParam(req);
    const form = parseForm(reasonSchema, req.body);
    if (!form.ok) return failReason(req, res, id, "reissue", form.errors);
    const issued = await reissueCertificate(db, id, form.data.reason, actor(req), { baseUrl: await site.base(), dataDir });
    flash(req, "success", m.reissued(issued.number));
    res.redirect(`/certificates/${issued.id}`);
  });

  // POST /certificates/:id/revoke: revokes a valid certificate (reason required).
  router.post("/certificates/:id/revoke", requireRole("admin"), async (req, res) => {
    const id = idParam(req);
    const form = parseForm(reasonSchema, req.body);
    if (!form.ok) return failReason(req, res, id, "revoke", form.errors);
    await revokeCertificate(db, id, form.data.reason, actor(req));
    flash(req, "success", m.revoked);
    res.redirect(`/certificates/${id}`);
  });

  return router;
}
