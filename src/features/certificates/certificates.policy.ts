/** Who may see which certificate: one-line rules. */
import type { SessionUser } from "../../lib/auth";

/** Admins see every certificate; a trainee only their own, and only while it is valid. */
export const canDownloadCertificate = (user: SessionUser, cert: { userId: number; status: string }): boolean =>
  user.role === "admin" || (user.id === cert.userId && cert.status === "valid");

/** Issuing, re-issuing, revoking, bulk printing and the register are the office's (admins). */
export const canIssueCertificates = (user: SessionUser): boolean => user.role === "admin";
