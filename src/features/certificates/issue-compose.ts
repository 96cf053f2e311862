/**
 * What every issue shares, one certificate or a batch: the preparation read before the first transaction
 * (IssuePrep), the register numbers taken from certificate_counters inside the caller's transaction (the
 * counter row stays locked until commit, so a rollback gives the numbers back: no gap, never twice), the
 * checks that refuse a person, and the certificate composed from its number (token, snapshot, PDF, hash).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { certificateCounters } from "../../db/schema";
import { Conflict, NotFound } from "../../lib/errors";
import { sha256Hex } from "../../lib/hash";
import { renderCertificates } from "../../lib/pdf";
import { checkPublicUrl, joinUrl, PUBLIC_URL_FORM } from "../../lib/public-url";
import { requireSetupDone } from "../../lib/setup-state";
import { todayIso } from "../../lib/time";
import { birthKnown } from "../../lib/vietnamese";
import { t } from "../../messages";
import { orgSettingsOn, type OrgSnapshot } from "../settings";
import { getCertificateSettings, loadSeal, type CertificateSettings } from "./certificate-settings";
import { certificatesMessages as m } from "./certificates.messages";
import { completionFrom, ruleFrom } from "./completion.service";
import type { IssueContext, IssuePerson } from "./issue-context";
import { formatCertificateNumber, newVerificationToken, validatePattern } from "./numbering";
import { buildSnapshot, resultText, toCertificateData, type CertificateSnapshot } from "./snapshot";

/** What issuing needs besides the database: the verification URL's base (the seal is in the database). */
export interface IssueEnv {
  /** The configured public address, "https://taphuan.example.vn" (lib/public-url.ts; never the request's Host). */
  baseUrl: string;
  /** Clock for the issue date (tests). */
  now?: Date;
  /** Awaited inside an issue's transaction (one certificate or a batch) once all its rows are written (the crash test stops there). */
  beforeCommit?: () => unknown;
}

/** The one PDF of a certificate, rendered from its snapshot (and the seal image the snapshot names). */
export async function snapshotPdf(snapshot: CertificateSnapshot, seal?: Uint8Array): Promise<Uint8Array> {
  return renderCertificates([toCertificateData(snapshot, seal)], { title: `${m.certificate} ${snapshot.number}` });
}

/**
 * Takes `n` consecutive register numbers of a year and series inside the caller's transaction and returns
 * the first: one UPDATE … RETURNING that locks the counter row until commit; the first numbers of a year
 * and series insert the row (concurrent first issuers meet in ON CONFLICT and continue from the winner's value).
 */
export async function takeSeqs(tx: Db, year: number, series: string, n: number): Promise<number> {
  const bump = { lastSeq: sql`${certificateCounters.lastSeq} + ${n}` };
  const [hit] = await tx
    .update(certificateCounters)
    .set(bump)
    .where(and(eq(certificateCounters.year, year), eq(certificateCounters.series, series)))
    .returning({ seq: certificateCounters.lastSeq });
  if (hit) return hit.seq - n + 1;
  const [row] = await tx
    .insert(certificateCounters)
    .values({ year, series, lastSeq: n })
    .onConflictDoUpdate({ target: [certificateCounters.year, certificateCounters.series], set: bump })
    .returning({ seq: certificateCounters.lastSeq });
  return row.seq - n + 1;
}

/** Next register number of a year and series, inside the caller's transaction (see takeSeqs). */
export async function nextSeq(tx: Db, year: number, series: string): Promise<number> {
  return takeSeqs(tx, year, series, 1);
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
  return { settings, seal: settings.sealSha256 ? await loadSeal(db, settings.sealSha256) : undefined, org: new Map() };
}

/** The person, if they can get a certificate (a birth date or at least a year). */
export function printable(p: IssuePerson | null | undefined): IssuePerson {
  if (!p) throw new NotFound();
  if (!birthKnown(p)) throw new Conflict(m.missingBirthDate);
  return p;
}

/** What a certificate prints besides its number and date. */
export interface CertificateParts {
  person: IssuePerson;
  sessions: { date: string; venue: string | null }[];
  course: { id: number; title: string; venue: string | null };
  result: string;
  completion: string;
  replaces?: { number: string; reason: string };
}

/**
 * Checks that a trainee may get a certificate now (from what issue-context.ts read, their enrollment row
 * locked) and returns what it prints and its place in the person's history. Pure: the same checks refuse
 * a person in a single issue and in a batch.
 * @throws NotFound (course, person, not enrolled), Conflict (not a training course, already holding a
 * valid certificate, revoked without a reason, not eligible, no birth date or year, no session).
 */
export function checkIssue(ctx: IssueContext | undefined, enrolled: boolean, afterRevocation?: { reason: string }): { parts: CertificateParts; version: number; previousId: number | null; reason: string | null } {
  if (!ctx) throw new NotFound();
  const { course, previous } = ctx;
  if (course.kind !== "training") throw new Conflict(m.notTraining);
  if (!enrolled) throw new NotFound(m.notEnrolled);
  if (previous.some((c) => c.status === "valid")) throw new Conflict(m.alreadyIssued);
  const wasRevoked = previous[0]?.status === "revoked";
  if (wasRevoked && !afterRevocation?.reason) throw new Conflict(m.revokedNeedsReason);
  const done = completionFrom(course, ruleFrom(course, ctx.quiz), ctx);
  if (!done.result.eligible) throw new Conflict(m.notEligibleError(done.result.summary));
  const person = printable(ctx.person);
  const sessions = ctx.sessions.filter((s) => !s.cancelled).map((s) => ({ date: s.date, venue: s.venue }));
  if (!sessions.length) throw new Conflict(m.noSessions);
  const parts = { person, sessions, course, result: resultText(course.requiredQuizId ? done.quizPercent : null), completion: done.result.summary };
  return { parts, version: previous.length + 1, previousId: previous[0]?.id ?? null, reason: wasRevoked ? afterRevocation!.reason : null };
}

/** The issue date, its year and the organisation in force that day (read once per date, then kept in prep). */
export async function issueDay(tx: Db, env: IssueEnv, prep: IssuePrep): Promise<{ issueDate: string; year: number; org: OrgSnapshot }> {
  const issueDate = todayIso(env.now);
  let org = prep.org.get(issueDate);
  if (!org) prep.org.set(issueDate, (org = await orgSettingsOn(tx, issueDate)));
  return { issueDate, year: Number(issueDate.slice(0, 4)), org };
}

/** A certificate composed from its register number: number, token, snapshot, PDF and its hash. */
export async function composeNumbered(env: IssueEnv, prep: IssuePrep, day: Awaited<ReturnType<typeof issueDay>>, seq: number, parts: CertificateParts) {
  const { settings } = prep;
  const { issueDate, year, org } = day;
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

/** Number (the next one), token, snapshot, PDF and hash of one new certificate, inside the transaction. */
export async function compose(tx: Db, env: IssueEnv, prep: IssuePrep, parts: CertificateParts) {
  const day = await issueDay(tx, env, prep);
  // Everything that can fail for a reason other than the database runs before the counter is taken.
  if (!parts.sessions.length) throw new Conflict(m.noSessions);
  return composeNumbered(env, prep, day, await nextSeq(tx, day.year, prep.settings.series), parts);
}
