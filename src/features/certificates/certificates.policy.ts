/** Who may see which certificate, and who issues them: one-line rules. */
import type { Request } from "express";
import type { Db } from "../../db/client";
import type { SessionUser } from "../../lib/auth";
import { NotFound } from "../../lib/errors";
import { idParam } from "../../lib/params";
import { loadOnce, rule, roleRule } from "../../lib/policy";
import { canManageCourse, visibleCourse } from "../courses";
import { certificatesMessages as m } from "./certificates.messages";
import { getCertificate } from "./certificates.service";
import { isEnrolled } from "./completion.service";

/** Admins see every certificate; a trainee only their own, and only while it is valid. */
export const canDownloadCertificate = (user: SessionUser, cert: { userId: number; status: string }): boolean =>
  user.role === "admin" || (user.id === cert.userId && cert.status === "valid");

/** The certificate `:id`, loaded once per request (NotFound if none). */
export const certificateOf = (db: Db, req: Request) => loadOnce(req, "certificate", () => getCertificate(db, idParam(req)));

/** Issuing, re-issuing, revoking, bulk printing, the register and the certificate settings are the office's (admins). */
export const issueCertificates = roleRule("certificates.issue", "admin");

/** A certificate's PDF: admins, its holder while valid; anyone else gets 404 (no one learns it exists). */
export const downloadCertificate = rule("certificates.download", "admins; its holder while valid (else 404)", async ({ db, user, req }) => {
  if (!canDownloadCertificate(user, await certificateOf(db, req))) throw new NotFound();
  return true;
});

/** A course's completion page: its managers (everyone's results) and its trainees (their own). */
export const viewCompletion = rule("certificates.completion", "course managers, its trainees", async ({ db, user, req }) => {
  const course = await visibleCourse(db, req, user);
  return canManageCourse(user, course) || (await isEnrolled(db, course.id, user.id));
}, m.noRecord);
