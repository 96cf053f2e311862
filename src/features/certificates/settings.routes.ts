import { Router, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formatDecimal } from "../../lib/vietnamese";
import { formBody, parseForm, saveOrRerender } from "../../lib/forms";
import type { PublicAddress } from "../../lib/public-url";
import { renderCertificates } from "../../lib/pdf";
import { authorize } from "../../lib/policy";
import { todayIso } from "../../lib/time";
import { uploadSingle } from "../../lib/upload";
import { documentOrgOn } from "../settings";
import { PDF_MIME, sendDownload } from "../../lib/download";
import { getCertificateSettings, loadSeal, removeSeal, saveCertificateSettings, saveSeal, SEAL_MAX_BYTES } from "./certificate-settings";
import { certificatesMessages as m } from "./certificates.messages";
import { issueCertificates } from "./certificates.policy";
import { settingsSchema } from "./certificates.schema";
import { formatCertificateNumber, validatePattern } from "./numbering";
import { buildSnapshot, toCertificateData } from "./snapshot";

/** Certificate settings (admins): number pattern and series, printer offsets, border, seal image. */
export function settingsRouter({ db, site }: { db: Db; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);
  const upload = uploadSingle({ route: "/certificates/settings/seal", field: "seal", maxBytes: SEAL_MAX_BYTES, allowed: ["image/png"], typeMessage: m.sealBadType, sizeMessage: m.sealTooLarge });

  async function render(res: Response, status: number, values: Record<string, unknown> | null, errors: Record<string, string>) {
    const settings = await getCertificateSettings(db);
    const year = Number(todayIso().slice(0, 4));
    const sample = validatePattern(settings.pattern) ? "" : formatCertificateNumber(settings.pattern, { seq: 1, year, series: settings.series });
    const formValues = values ?? {
      pattern: settings.pattern, series: settings.series, border: settings.print.border,
      offsetXmm: formatDecimal(settings.print.offsetXmm, 1), offsetYmm: formatDecimal(settings.print.offsetYmm, 1),
    };
    res.status(status).render("certificates/settings", { title: m.settingsTitle, settings, sample, values: formValues, errors });
  }

  // GET /certificates/settings: the settings form and the current seal image.
  router.get("/certificates/settings", can(issueCertificates), async (_req, res) => render(res, 200, null, {}));

  // POST /certificates/settings: saves pattern, series, offsets and border (used by certificates issued from now on).
  router.post("/certificates/settings", can(issueCertificates), async (req, res) => {
    const form = parseForm(settingsSchema, formBody(req));
    if (!form.ok) return render(res, 422, formBody(req), form.errors);
    const { pattern, series, offsetXmm, offsetYmm, border } = form.data;
    await saveCertificateSettings(db, { pattern, series, print: { offsetXmm, offsetYmm, border } }, actor(req));
    flash(req, "success", m.settingsSaved);
    res.redirect("/certificates/settings");
  });

  // POST /certificates/settings/seal: uploads the signature/seal PNG (multipart, field "seal").
  router.post("/certificates/settings/seal", can(issueCertificates), ...upload, async (req, res) => {
    if (!req.checkedFile) return render(res, 422, null, { seal: m.sealNoFile });
    const seal = req.checkedFile.buffer;
    if (!(await saveOrRerender((errors) => render(res, 422, null, errors), () => saveSeal(db, seal, actor(req))))) return;
    flash(req, "success", m.sealSaved);
    res.redirect("/certificates/settings");
  });

  // POST /certificates/settings/seal/remove: new certificates are issued without a seal image.
  router.post("/certificates/settings/seal/remove", can(issueCertificates), async (req, res) => {
    await removeSeal(db, actor(req));
    flash(req, "success", m.sealRemoved);
    res.redirect("/certificates/settings");
  });

  // GET /certificates/settings/seal.png: the current seal image, for the settings page.
  router.get("/certificates/settings/seal.png", can(issueCertificates), async (_req, res) => {
    const { sealSha256 } = await getCertificateSettings(db);
    if (!sealSha256) return res.status(404).end();
    res.setHeader("Cache-Control", "private, no-cache");
    res.type("image/png").send(await loadSeal(db, sealSha256));
  });

  // GET /certificates/settings/sample.pdf: a sample certificate with the current settings, to align the printer.
  router.get("/certificates/settings/sample.pdf", can(issueCertificates), async (_req, res) => {
    const settings = await getCertificateSettings(db);
    const today = todayIso();
    const year = Number(today.slice(0, 4));
    const org = await documentOrgOn(db, today);
    const number = validatePattern(settings.pattern) ? "001" : formatCertificateNumber(settings.pattern, { seq: 1, year, series: settings.series });
    const snapshot = buildSnapshot({
      number, year, series: settings.series, seq: 1, issueDate: today, verifyUrl: await site.absoluteUrl("/verify/mau"),
      person: { fullName: m.sampleName, ho: "Nguyễn", tenDem: "Thị", ten: "Mẫu", dateOfBirth: "1990-03-05", gender: "Nữ", ethnicity: "Kinh", unit: m.sampleUnit, position: null },
      course: { id: 0, title: m.sampleCourse, venue: m.sampleVenue }, sessions: [{ date: today, venue: null }],
      result: m.resultPassed, completion: "", org, print: { ...settings.print, sealSha256: settings.sealSha256 },
    });
    const seal = settings.sealSha256 ? await loadSeal(db, settings.sealSha256) : undefined;
    const bytes = await renderCertificates([toCertificateData(snapshot, seal)]);
    sendDownload(res, { body: bytes, fileName: "GCN in thử.pdf", type: PDF_MIME });
  });

  return router;
}
