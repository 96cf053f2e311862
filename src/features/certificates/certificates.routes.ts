import { Router, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Db } from "../../db/client";
import { actor, currentUser } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import type { PublicAddress } from "../../lib/public-url";
import { DbRateLimitStore } from "../../lib/rate-limit-store";
import { idParam } from "../../lib/params";
import { PDF_MIME, sendDownload } from "../../lib/download";
import { anyone, authorize, signedIn } from "../../lib/policy";
import { certificatesMessages as m } from "./certificates.messages";
import { reasonSchema } from "./certificates.schema";
import { certificateOf, downloadCertificate, issueCertificates } from "./certificates.policy";
import { certificateFileName, certificatePdf, findByToken, getCertificate, historyOf, myCertificates, successorOf } from "./certificates.service";
import { completionRouter } from "./completion.routes";
import { documentsRouter } from "./documents.routes";
import { issueRouter } from "./issue.routes";
import { reissueCertificate, revokeCertificate } from "./issue.service";
import { vnDay } from "./snapshot";
import { settingsRouter } from "./settings.routes";

/** Public verification: enough for a person checking a few certificates, too few to enumerate tokens. */
export const VERIFY_LIMIT = { windowMs: 60_000, limit: 30 };

/** Routes of the certificates feature (completion, issuing, documents, settings, verification). */
export function certificatesRouter(deps: { db: Db; site: PublicAddress }): Router {
  const { db, site } = deps;
  const router = Router();
  const can = authorize(db);

  router.use(completionRouter({ db }));
  router.use(issueRouter({ db, site }));
  router.use(documentsRouter({ db }));
  router.use(settingsRouter({ db, site }));

  // Counted in the database: every app process on it shares the limit (and a test's own database, its counters).
  const verifyLimiter = rateLimit({
    store: new DbRateLimitStore(db, "verify"),
    ...VERIFY_LIMIT,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, res) => res.status(429).render("certificates/verify", { title: m.verifyTitle, cert: null, successor: null, message: m.verifyTooMany, vnDay }),
  });

  // GET /verify/:token: public verification (no login): valid, revoked, superseded, or just "not found".
  router.get("/verify/:token", can(anyone), verifyLimiter, async (req, res) => {
    res.set({ "Cache-Control": "no-store", "X-Robots-Tag": "noindex" });
    const cert = await findByToken(db, String(req.params.token));
    if (!cert) return res.status(404).render("certificates/verify", { title: m.verifyTitle, cert: null, successor: null, message: m.verifyNotFound, vnDay });
    const successor = cert.status === "superseded" ? await successorOf(db, cert.id) : null;
    res.render("certificates/verify", { title: m.verifyTitle, cert, successor, message: null, vnDay });
  });

  // GET /my/certificates: a trainee's own certificates.
  router.get("/my/certificates", can(signedIn), async (req, res) => {
    const items = await myCertificates(db, currentUser(req).id);
    res.render("certificates/my", { title: m.myTitle, items, vnDay });
  });

  // GET /certificates/:id.pdf: the PDF, re-rendered from the snapshot (same bytes as issued); owner or admin.
  router.get("/certificates/:id.pdf", can(downloadCertificate), async (req, res) => {
    const { bytes, cert } = await certificatePdf(db, await certificateOf(db, req));
    sendDownload(res, { body: bytes, fileName: certificateFileName(cert.snapshot), type: PDF_MIME });
  });

  // GET /certificates/:id: one certificate with its versions, re-issue and revoke forms (admins).
  router.get("/certificates/:id", can(issueCertificates), async (req, res) => {
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
  router.post("/certificates/:id/reissue", can(issueCertificates), async (req, res) => {
    const id = idParam(req);
    const form = parseForm(reasonSchema, req.body);
    if (!form.ok) return failReason(req, res, id, "reissue", form.errors);
    const issued = await reissueCertificate(db, id, form.data.reason, actor(req), { baseUrl: await site.base() });
    flash(req, "success", m.reissued(issued.number));
    res.redirect(`/certificates/${issued.id}`);
  });

  // POST /certificates/:id/revoke: revokes a valid certificate (reason required).
  router.post("/certificates/:id/revoke", can(issueCertificates), async (req, res) => {
    const id = idParam(req);
    const form = parseForm(reasonSchema, req.body);
    if (!form.ok) return failReason(req, res, id, "revoke", form.errors);
    await revokeCertificate(db, id, form.data.reason, actor(req));
    flash(req, "success", m.revoked);
    res.redirect(`/certificates/${id}`);
  });

  return router;
}
