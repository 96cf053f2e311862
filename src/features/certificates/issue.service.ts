/**
 * Issuing, re-issuing and revoking certificates. Each certificate is issued in ONE transaction: the
 * register number is taken from certificate_counters (the counter row stays locked until commit), the
 * snapshot is built, the PDF rendered from it and hashed, and the row inserted. A failure anywhere
 * rolls the counter back too, so numbers have no gaps and are never used twice, even when many
 * requests issue at once; a crash loses at most the certificate being issued. No file is written: the
 * PDF is rendered again from the snapshot whenever it is needed, and matches the stored SHA-256.
 * A bulk job reads the settings, the seal and the organisation once (IssuePrep) and each transaction
 * reads the course and the person in two statements (issue-context.ts).
 */
import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { certificateCounters, certificates, courseSessions, courses, ethnicities, units, users } from "../../db/schema";
import { audit } from "../../lib/audit";
import { Conflict, NotFound } from "../../lib/errors";
import { sha256Hex } from "../../lib/hash";
import { t } from "../../messages";
import { checkPublicUrl, joinUrl, PUBLIC_URL_FORM } from "../../lib/public-url";
import { requireSetupDone } from "../../lib/setup-state";
import { renderCertificates } from "../../lib/pdf";
import { todayIso } from "../../lib/time";
import { birthKnown } from "../../lib/vietnamese";
import { orgSettingsOn, type OrgSnapshot } from "../settings";
import { getCertificateSettings, readSeal, type CertificateSettings } from "./certificate-settings";
import { certificatesMessages as m } from "./certificates.messages";
import { completionFrom, ruleFrom } from "./completion.service";
import { issueContext, lockEnrollment, type IssuePerson } from "./issue-context";
import { formatCertificateNumber, newVerificationToken, validatePattern } from "./numbering";
import { buildSnapshot, resultText, toCertificateData, type CertificateSnapshot } from "./snapshot";

type Actor = { id: number; ip?: string | null };

/** What issuing needs besides the database: the verification URL's base and the data directory (seal). */
export interface IssueEnv {
  /** The configured public address, "https://taphuan.example.vn" (lib/public-url.ts; never the request's Host). */
  baseUrl: string;
  dataDir: string;
  /** Clock for the issue date (tests). */
  now?: Date;
  /** Awaited inside issueCertificate's transaction once its rows are written (the bulk job counts it there). */
  inTransaction?: (tx: Db) => Promise<unknown>;
  /** Awaited last inside issueCertificate's transaction (the crash test stops there). */
  beforeCommit?: () => unknown;
}

/** What an issue returns. */
export interface Issued {
  id: number;
  number: string;
  token: string;
  pdf: Uint8Array;
}

/** The one PDF of a certificate, rendered from its snapshot (and the seal image the snapshot names). */
export async function snapshotPdf(snapshot: CertificateSnapshot, seal?: Uint8Array): Promise<Uint8Array> {
  return renderCertificates([toCertificateData(snapshot, seal)], { title: `${m.certificate} ${snapshot.number}` });
}

export { sha256Hex };

/**
 * Next register number of a year and series, inside the caller's transaction: one UPDATE … RETURNING
 * that locks the counter row until commit; the first number of a year and series inserts the row
 * (concurrent first issuers meet in ON CONFLICT and continue from the winner's value).
 */
export async function nextSeq(tx: Db, year: number, series: string): Promise<number> {
  const bump = { lastSeq: sql`${certificateCounters.lastSeq} + 1` };
  const [hit] = await tx
    .update(certificateCounters)
    .set(bump)
    .where(and(eq(certificateCounters.year, year), eq(certificateCounters.series, series)))
    .returning({ seq: certificateCounters.lastSeq });
  if (hit) return hit.seq;
  const [row] = await tx
    .insert(certificateCounters)
    .values({ year, series, lastSeq: 1 })
    .onConflictDoUpdate({ target: [certificateCounters.year, certificateCounters.series], set: bump })
    .returning({ seq: certificateCounters.lastSeq });
  return row.seq;
}

/**
 * What every certificate of a batch shares, read before the first transaction (no file I/O while the
 * counter is locked): settings, seal bytes, and the organisation in force on each issue date (read in the
 * first transaction that needs it, then kept). A bulk job prepares once; a single issue prepares its own.
 */
export interface IssuePrep {
  settings: CertificateSettings;
  seal?: Buffer;
  org: Map<string, OrgSnapshot>;
}

/**
 * Prepares issuing (see IssuePrep). Refuses before the first-run setup and with no usable public address
 * (the QR would never verify).
 * @throws Conflict (setup not done, no usable public address, bad numbering pattern).
 */
export async function prepareIssue(db: Db, env: IssueEnv): Promise<IssuePrep> {
  if (!env.baseUrl || !checkPublicUrl(env.baseUrl).ok) throw new Conflict(env.baseUrl ? t.publicUrl.loopback(env.baseUrl) : t.publicUrl.missing, PUBLIC_URL_FORM);
  await requireSetupDone(db);
  const settings = await getCertificateSettings(db);
  const problem = validatePattern(settings.pattern);
  if (problem) throw new Conflict(problem);
  return { settings, seal: settings.sealSha256 ? readSeal(env.dataDir, settings.sealSha256) : undefined, org: new Map() };
}

/** The person, if they can get a certificate (a birth date or at least a year). */
function printable(p: IssuePerson | null | undefined): IssuePerson {
  if (!p) throw new NotFound();
  if (!birthKnown(p)) throw new Conflict(m.missingBirthDate);
  return p;
}

async function personRow(tx: Db, userId: number): Promise<IssuePerson | undefined> {
  const [p] = await tx
    .select({
      fullName: users.fullName, ho: users.ho, tenDem: users.tenDem, ten: users.ten, dateOfBirth: users.dateOfBirth, birthYear: users.birthYear,
      gender: users.gender, position: users.position, unit: units.name, ethnicity: ethnicities.name,
    })
    .from(users)
    .leftJoin(units, eq(units.code, users.unitCode))
    .leftJoin(ethnicities, eq(ethnicities.code, users.ethnicityCode))
    .where(eq(users.id, userId));
  return p;
}

async function liveSessions(tx: Db, courseId: number) {
  return tx.select({ date: courseSessions.date, venue: courseSessions.venue }).from(courseSessions)
    .where(and(eq(courseSessions.courseId, courseId), eq(courseSessions.cancelled, false))).orderBy(courseSessions.date, courseSessions.startTime);
}

/** Number, token, snapshot, PDF and hash of a new certificate, inside the transaction. */
async function compose(
  tx: Db,
  env: IssueEnv,
  prep: IssuePrep,
  parts: {
    person: IssuePerson; sessions: { date: string; venue: string | null }[]; course: { id: number; title: string; venue: string | null };
    result: string; completion: string; replaces?: { number: string; reason: string };
  },
) {
  const issueDate = todayIso(env.now);
  const year = Number(issueDate.slice(0, 4));
  const { settings } = prep;
  let org = prep.org.get(issueDate);
  if (!org) prep.org.set(issueDate, (org = await orgSettingsOn(tx, issueDate)));
  // Everything that can fail for a reason other than the database runs before the counter is taken.
  if (!parts.sessions.length) throw new Conflict(m.noSessions);
  const seq = await nextSeq(tx, year, settings.series);
  const number = formatCertificateNumber(settings.pattern, { seq, year, series: settings.series });
  const token = newVerificationToken();
  const snapshot = buildSnapshot({
    number, year, series: settings.series, seq, issueDate,
    verifyUrl: joinUrl(env.baseUrl, `/verify/${token}`),
    person: parts.person, course: parts.course, sessions: parts.sessions, result: parts.result, completion: parts.completion, org,
    print: { ...settings.print, sealSha256: settings.sealSha256 },
    replaces: parts.replaces,
  });
  const pdf = await snapshotPdf(snapshot, prep.seal);
  return { year, seq, number, token, snapshot, pdf, pdfSha256: sha256Hex(pdf) };
}

/**
 * Issues a certificate to an enrolled trainee who completed a training course. When their last
 * certificate was revoked, issuing again is an explicit decision: `afterRevocation.reason` is required,
 * stored as the new certificate's reissue reason and audited. `prep`: what a bulk job prepared once
 * (prepareIssue); without it, this call prepares its own.
 * @throws NotFound (course, or the person is not enrolled), Conflict (not a training course, not
 * eligible — with the explanation —, already holding a valid certificate, revoked without a reason,
 * neither a birth date nor a birth year, bad pattern).
 */
export async function issueCertificate(db: Db, courseId: number, userId: number, actor: Actor, env: IssueEnv, afterRevocation?: { reason: string }, prep?: IssuePrep): Promise<Issued> {
  const ready = prep ?? (await prepareIssue(db, env));
  return db.transaction(async (tx) => {
    // Locking the enrollment row serialises two issues for the same person (double click, a bulk job).
    const enrolled = await lockEnrollment(tx, courseId, userId);
    const ctx = await issueContext(tx, courseId, userId);
    if (!ctx) throw new NotFound();
    const { course } = ctx;
    if (course.kind !== "training") throw new Conflict(m.notTraining);
    if (!enrolled) throw new NotFound(m.notEnrolled);
    const { previous } = ctx;
    if (previous.some((c) => c.status === "valid")) throw new Conflict(m.alreadyIssued);
    const wasRevoked = previous[0]?.status === "revoked";
    if (wasRevoked && !afterRevocation?.reason) throw new Conflict(m.revokedNeedsReason);
    const reason = wasRevoked ? afterRevocation!.reason : null;
    const done = completionFrom(course, ruleFrom(course, ctx.quiz), ctx);
    if (!done.result.eligible) throw new Conflict(m.notEligibleError(done.result.summary));
    const person = printable(ctx.person);
    const sessions = ctx.sessions.filter((s) => !s.cancelled).map((s) => ({ date: s.date, venue: s.venue }));
    const c = await compose(tx, env, ready, { person, sessions, course, result: resultText(course.requiredQuizId ? done.quizPercent : null), completion: done.result.summary });
    const [row] = await tx
      .insert(certificates)
      .values({
        courseId, userId, version: previous.length + 1, previousId: previous[0]?.id ?? null, year: c.year, series: c.snapshot.series, seq: c.seq,
        number: c.number, token: c.token, snapshot: c.snapshot as unknown as Record<string, unknown>, pdfSha256: c.pdfSha256, issuedBy: actor.id, reissueReason: reason,
      })
      .returning({ id: certificates.id });
    const details = { courseId, userId, number: c.number, sha256: c.pdfSha256, ...(reason ? { afterRevocationOf: previous[0].id, reason } : {}) };
    await audit(tx, { actorId: actor.id, action: "certificate.issue", targetType: "certificate", targetId: row.id, details, ip: actor.ip });
    await env.inTransaction?.(tx);
    await env.beforeCommit?.();
    return { id: row.id, number: c.number, token: c.token, pdf: c.pdf };
  });
}

/**
 * Re-issues a valid certificate (e.g. after a name correction): a new certificate (version n+1, a new
 * register number in the current year, a new token, the person's current details, the same result)
 * replaces it; the old one is marked superseded. Nothing is deleted.
 * @throws NotFound, Conflict when the certificate is not valid any more.
 */
export async function reissueCertificate(db: Db, certificateId: number, reason: string, actor: Actor, env: IssueEnv): Promise<Issued> {
  const prep = await prepareIssue(db, env);
  return db.transaction(async (tx) => {
    const [old] = await tx.select().from(certificates).where(eq(certificates.id, certificateId)).for("update");
    if (!old) throw new NotFound();
    if (old.status !== "valid") throw new Conflict(m.notValidAnymore);
    const [course] = await tx.select().from(courses).where(eq(courses.id, old.courseId));
    const before = old.snapshot as unknown as CertificateSnapshot;
    const person = printable(await personRow(tx, old.userId));
    const c = await compose(tx, env, prep, { person, sessions: await liveSessions(tx, course.id), course, result: before.result, completion: before.completion, replaces: { number: old.number, reason } });
    const [{ n }] = await tx.select({ n: count() }).from(certificates).where(and(eq(certificates.courseId, old.courseId), eq(certificates.userId, old.userId)));
    const [row] = await tx
      .insert(certificates)
      .values({
        courseId: old.courseId, userId: old.userId, version: n + 1, previousId: old.id, year: c.year, series: c.snapshot.series, seq: c.seq,
        number: c.number, token: c.token, snapshot: c.snapshot as unknown as Record<string, unknown>, pdfSha256: c.pdfSha256, issuedBy: actor.id, reissueReason: reason,
      })
      .returning({ id: certificates.id });
    await tx.update(certificates).set({ status: "superseded", supersededAt: new Date() }).where(eq(certificates.id, old.id));
    await audit(tx, { actorId: actor.id, action: "certificate.reissue", targetType: "certificate", targetId: row.id, details: { previousId: old.id, previousNumber: old.number, number: c.number, reason }, ip: actor.ip });
    return { id: row.id, number: c.number, token: c.token, pdf: c.pdf };
  });
}

/** Revokes a valid certificate with a reason (kept in the register and shown on the verify page). */
export async function revokeCertificate(db: Db, certificateId: number, reason: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [cert] = await tx.select({ id: certificates.id, status: certificates.status, number: certificates.number }).from(certificates).where(eq(certificates.id, certificateId)).for("update");
    if (!cert) throw new NotFound();
    if (cert.status !== "valid") throw new Conflict(m.notValidAnymore);
    await tx.update(certificates).set({ status: "revoked", revokedAt: new Date(), revokedBy: actor.id, revokeReason: reason }).where(eq(certificates.id, cert.id));
    await audit(tx, { actorId: actor.id, action: "certificate.revoke", targetType: "certificate", targetId: cert.id, details: { number: cert.number, reason }, ip: actor.ip });
  });
}
