/**
 * Reading certificates: one by id or token, a course's list, a trainee's own, the version chain, and
 * their PDFs (always re-rendered from the snapshot: the bytes match the stored SHA-256).
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { certificates, courses } from "../../db/schema";
import { NotFound } from "../../lib/errors";
import { renderCertificates } from "../../lib/pdf";
import { sealReader } from "./certificate-settings";
import { certificatesMessages as m } from "./certificates.messages";
import { snapshotPdf } from "./issue.service";
import { rosterOrder, toCertificateData, type CertificateSnapshot } from "./snapshot";

export type CertificateRow = typeof certificates.$inferSelect & { snapshot: CertificateSnapshot };

const typed = <T extends { snapshot: unknown }>(row: T) => row as T & { snapshot: CertificateSnapshot };

/** One certificate, or NotFound. */
export async function getCertificate(db: Db, id: number): Promise<CertificateRow> {
  const [row] = await db.select().from(certificates).where(eq(certificates.id, id));
  if (!row) throw new NotFound();
  return typed(row);
}

/** The certificate with this verification token, or null (the caller answers a plain "not found"). */
export async function findByToken(db: Db, token: string): Promise<CertificateRow | null> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return null;
  const [row] = await db.select().from(certificates).where(eq(certificates.token, token));
  return row ? typed(row) : null;
}

/** The certificate that replaced this one (re-issue), or null. */
export async function successorOf(db: Db, id: number): Promise<CertificateRow | null> {
  const [row] = await db.select().from(certificates).where(eq(certificates.previousId, id)).orderBy(desc(certificates.id)).limit(1);
  return row ? typed(row) : null;
}

/** Every certificate of the same person and course, oldest first (versions, re-issues, revocations). */
export async function historyOf(db: Db, cert: { courseId: number; userId: number }): Promise<CertificateRow[]> {
  const rows = await db.select().from(certificates).where(and(eq(certificates.courseId, cert.courseId), eq(certificates.userId, cert.userId))).orderBy(asc(certificates.id));
  return rows.map(typed);
}

/** A course's certificates in roster order (by the names printed on them), newest version first per person. */
export async function courseCertificates(db: Db, courseId: number): Promise<CertificateRow[]> {
  const rows = (await db.select().from(certificates).where(eq(certificates.courseId, courseId)).orderBy(desc(certificates.id))).map(typed);
  return rows.sort((a, b) => rosterOrder(keyOf(a), keyOf(b)) || b.id - a.id);
}

const keyOf = (c: CertificateRow) => ({ ...c.snapshot.person, id: c.userId });

/** A trainee's certificates, newest first, with the course title. */
export async function myCertificates(db: Db, userId: number) {
  const rows = await db
    .select({ cert: certificates, courseTitle: courses.title })
    .from(certificates)
    .innerJoin(courses, eq(courses.id, certificates.courseId))
    .where(eq(certificates.userId, userId))
    .orderBy(desc(certificates.issuedAt), desc(certificates.id));
  return rows.map((r) => ({ ...typed(r.cert), courseTitle: r.courseTitle }));
}

/** A certificate's PDF (who may have it: certificates.policy.ts). */
export async function certificatePdf(db: Db, cert: CertificateRow): Promise<{ bytes: Uint8Array; cert: CertificateRow }> {
  const seal = await sealReader(db)(cert.snapshot.print.sealSha256);
  return { bytes: await snapshotPdf(cert.snapshot, seal), cert };
}

/** File name of a certificate PDF: "GCN 015-GCN-VHTT Nguyễn Thị Hà.pdf". */
export const certificateFileName = (s: CertificateSnapshot): string => `GCN ${s.number.replace(/[\\/:*?"<>|]+/g, "-")} ${s.person.fullName}.pdf`;

/**
 * One merged PDF of a course's valid certificates in roster order (fonts and the seal embedded once).
 * `offsets` replaces the printer offsets frozen in the snapshots, for a re-adjusted printer.
 * @throws NotFound when the course has no valid certificate.
 */
export async function coursePdf(db: Db, courseId: number, offsets?: { xMm: number; yMm: number }): Promise<Uint8Array> {
  const [course] = await db.select({ title: courses.title }).from(courses).where(eq(courses.id, courseId));
  if (!course) throw new NotFound();
  const valid = (await db.select().from(certificates).where(and(eq(certificates.courseId, courseId), inArray(certificates.status, ["valid"])))).map(typed);
  if (!valid.length) throw new NotFound(m.noValidCertificates);
  valid.sort((a, b) => rosterOrder(keyOf(a), keyOf(b)) || a.id - b.id);
  const seal = sealReader(db);
  const data = await Promise.all(valid.map(async (c) => toCertificateData(c.snapshot, await seal(c.snapshot.print.sealSha256), offsets)));
  return renderCertificates(data, { title: `${m.certificate} - ${course.title}` });
}
