/**
 * Issuing, re-issuing and revoking certificates. Each certificate is issued in ONE transaction: the
 * register number is taken from certificate_counters (the counter row stays locked until commit), the
 * snapshot is built, the PDF rendered from it and hashed, and the row inserted. A failure anywhere
 * rolls the counter back too, so numbers have no gaps and are never used twice, even when many
 * requests issue at once; a crash loses at most the certificate being issued. No file is written: the
 * PDF is rendered again from the snapshot whenever it is needed, and matches the stored SHA-256.
 * A bulk job reads the settings, the seal and the organisation once (IssuePrep) and issues a batch of
 * people per transaction (issueBatch): a kill loses the batch being issued as a whole, numbers included.
 */
import { and, count, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { certificates, courseSessions, courses, ethnicities, units, users } from "../../db/schema";
import { audit, type AuditEntry } from "../../lib/audit";
import { Conflict, NotFound } from "../../lib/errors";
import { sha256Hex } from "../../lib/hash";
import { certificatesMessages as m } from "./certificates.messages";
import { checkIssue, compose, composeNumbered, issueDay, prepareIssue, printable, takeSeqs, type IssueEnv, type IssuePrep } from "./issue-compose";
import { issueContexts, lockEnrollments, type IssuePerson } from "./issue-context";
import type { CertificateSnapshot } from "./snapshot";

export { nextSeq, prepareIssue, snapshotPdf, type IssueEnv, type IssuePrep } from "./issue-compose";
export { sha256Hex };

type Actor = { id: number; ip?: string | null };

/** What an issue returns. */
export interface Issued {
  id: number;
  number: string;
  token: string;
  pdf: Uint8Array;
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

/** The certificate row and its audit row, as a single issue and a batch write them. */
function issueRows(courseId: number, userId: number, actor: Actor, c: Awaited<ReturnType<typeof composeNumbered>>, checked: Pick<ReturnType<typeof checkIssue>, "version" | "previousId" | "reason">) {
  const row = {
    courseId, userId, version: checked.version, previousId: checked.previousId, year: c.year, series: c.snapshot.series, seq: c.seq,
    number: c.number, token: c.token, snapshot: c.snapshot as unknown as Record<string, unknown>, pdfSha256: c.pdfSha256, issuedBy: actor.id, reissueReason: checked.reason,
  };
  const details = { courseId, userId, number: c.number, sha256: c.pdfSha256, ...(checked.reason ? { afterRevocationOf: checked.previousId, reason: checked.reason } : {}) };
  return { row, audit: (id: number): AuditEntry => ({ actorId: actor.id, action: "certificate.issue", targetType: "certificate", targetId: id, details, ip: actor.ip }) };
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
    const enrolled = await lockEnrollments(tx, courseId, [userId]);
    const ctx = (await issueContexts(tx, courseId, [userId])).get(userId);
    const checked = checkIssue(ctx, enrolled.has(userId), afterRevocation);
    const c = await compose(tx, env, ready, checked.parts);
    const rows = issueRows(courseId, userId, actor, c, checked);
    const [row] = await tx.insert(certificates).values(rows.row).returning({ id: certificates.id });
    await audit(tx, rows.audit(row.id));
    await env.beforeCommit?.();
    return { id: row.id, number: c.number, token: c.token, pdf: c.pdf };
  });
}

/** One person's outcome in a batch: their register number, or why they got none (an HttpError for a refusal). */
export type BatchOutcome = { userId: number; fullName: string } & ({ ok: true; number: string } | { ok: false; error: unknown });

/**
 * People per batch for a bulk job: past ~10 the disk flushes no longer count (bench/issue-batch.ts:
 * 5, 10, 20, 50 within noise of each other), and a single issue of the same course waiting for the
 * counter row waits for at most one batch's PDFs (~20 × 8 ms).
 */
export const ISSUE_BATCH_SIZE = 20;

/** Called inside a batch's transaction before it commits (the job records its progress in the same commit). */
export interface BatchHooks {
  inTransaction?: (tx: Db, issuedInBatch: number) => Promise<void>;
}

/**
 * Issues certificates to a batch of people of one course in ONE transaction (what a bulk job does, ~20 at a
 * time): their enrollment rows locked, their context read in one statement, each checked as
 * issueCertificate checks (a refused person gets no number and does not stop the others), the numbers
 * of the accepted ones taken at once (consecutive, in the order given), the rows and audit rows written
 * in one statement each. Nothing is issued until the commit, which is flushed to the disk: after a kill
 * the batch is absent as a whole, the counter with it, so the register stays without gaps. Should the
 * batch fail for another reason (a database error), it is rolled back and each person tried in a batch
 * of their own, so one person never costs the others their certificate.
 * Holders of a revoked certificate are refused (issuing again needs a reason: issueCertificate).
 * `prep`: what the job prepared once (prepareIssue); `hooks.inTransaction` runs before each commit with
 * the number issued in it (a batch tried person by person commits, and calls it, once per person).
 * @throws only what prepareIssue throws when `prep` is not given; every person's failure is in the outcomes.
 */
export async function issueBatch(db: Db, courseId: number, people: { userId: number; fullName: string }[], actor: Actor, env: IssueEnv, prep?: IssuePrep, hooks: BatchHooks = {}): Promise<BatchOutcome[]> {
  if (!people.length) return [];
  const ready = prep ?? (await prepareIssue(db, env));
  try {
    return await db.transaction(async (tx) => {
      const ids = people.map((p) => p.userId);
      const enrolled = await lockEnrollments(tx, courseId, ids);
      const contexts = await issueContexts(tx, courseId, ids);
      const outcomes: BatchOutcome[] = [];
      const accepted: { at: number; checked: ReturnType<typeof checkIssue> }[] = [];
      for (const p of people) {
        try {
          accepted.push({ at: outcomes.length, checked: checkIssue(contexts.get(p.userId), enrolled.has(p.userId)) });
          outcomes.push({ ...p, ok: true, number: "" });
        } catch (error) {
          outcomes.push({ ...p, ok: false, error });
        }
      }
      const made: ReturnType<typeof issueRows>[] = [];
      if (accepted.length) {
        const day = await issueDay(tx, env, ready);
        const first = await takeSeqs(tx, day.year, ready.settings.series, accepted.length);
        for (const { at, checked } of accepted) {
          // A failure here (not a refusal: those were found above) fails the batch, tried again person by person.
          const c = await composeNumbered(env, ready, day, first + made.length, checked.parts);
          made.push(issueRows(courseId, people[at].userId, actor, c, checked));
          outcomes[at] = { ...people[at], ok: true, number: c.number };
        }
      }
      if (made.length) {
        const inserted = await tx.insert(certificates).values(made.map((x) => x.row)).returning({ id: certificates.id, seq: certificates.seq });
        const idOf = new Map(inserted.map((r) => [r.seq, r.id]));
        await audit(tx, made.map((x) => x.audit(idOf.get(x.row.seq)!)));
      }
      await hooks.inTransaction?.(tx, made.length);
      await env.beforeCommit?.();
      return outcomes;
    });
  } catch (error) {
    if (people.length === 1) return [{ ...people[0], ok: false, error }];
    const alone: BatchOutcome[] = [];
    for (const p of people) alone.push(...(await issueBatch(db, courseId, [p], actor, env, ready, hooks)));
    return alone;
  }
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
