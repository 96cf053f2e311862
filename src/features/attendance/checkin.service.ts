/**
 * QR and code check-in by trainees. While check-in is open a check-in costs one statement: it inserts
 * the mark and its change-log row together, only for an enrolled trainee who has no mark yet
 * (INSERT … ON CONFLICT DO NOTHING, so a replay or a race with the trainer's roll-call never changes
 * an existing mark). The session and its course's rules come from a short-lived cache.
 */
import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import type { Db } from "../../db/client";
import { attendanceMarks, courseSessions, courses, enrollments, type MarkStatus } from "../../db/schema";
import { HttpError } from "../../lib/errors";
import { formatDateTime } from "../../lib/vietnamese";
import { attendanceMessages as m } from "./attendance.messages";
import { CheckinWriter } from "./checkin-writer";
import { checkinOpen, sessionStartsAt, statusForCheckin, verifyCheckinCode, verifyCheckinToken } from "./checkin-token";

/** A refused check-in: its status and a Vietnamese message for the trainee. */
export class CheckinRefused extends HttpError {}

/**
 * The HMAC key for check-in tokens, derived from the server secret with a domain label, so a token
 * never reveals anything about the session-cookie secret and the two can never be confused.
 */
export function checkinKey(secret: string): string {
  return createHmac("sha256", secret).update("taphuan-checkin-key").digest("base64url");
}

/**
 * How long a scan of a valid QR stays usable while its owner logs in first (the token itself only
 * lives 15–30 s, less than typing a password on a phone takes).
 */
export const GRACE_MS = 5 * 60_000;

/**
 * What proves presence: the QR token or the 6-digit code. `graceUntil` (ms) extends an expired token for
 * a scan this browser made before logging in; it comes only from the server-side session (checkin.routes.ts
 * `takeGrace`), never from the request, so a forwarded link carries none.
 */
export type Credential = { kind: "qr"; token: string; graceUntil?: number } | { kind: "code"; code: string };

export interface CheckinSession {
  id: number;
  courseId: number;
  courseTitle: string;
  date: string;
  startTime: string;
  endTime: string;
}

export type CheckinResult =
  | { outcome: "marked"; status: "P" | "L"; at: Date; session: CheckinSession }
  | { outcome: "already"; status: MarkStatus; session: CheckinSession };

function credentialValid(key: string, sessionId: number, c: Credential, now: Date): boolean {
  if (c.kind === "code") return verifyCheckinCode(key, sessionId, c.code, now.getTime());
  if (verifyCheckinToken(key, sessionId, c.token, now.getTime())) return true;
  return c.graceUntil !== undefined && now.getTime() < c.graceUntil && c.graceUntil - now.getTime() <= GRACE_MS;
}

/** A session and the rules of its course, as a check-in needs them. */
export interface SessionRules extends CheckinSession {
  cancelled: boolean;
  courseStatus: string;
  opensBefore: number;
  closesAfter: number;
  lateAfter: number;
}

async function loadSessionRules(db: Db, sessionId: number): Promise<SessionRules | null> {
  const [row] = await db
    .select({
      id: courseSessions.id, courseId: courseSessions.courseId, courseTitle: courses.title, date: courseSessions.date, startTime: courseSessions.startTime, endTime: courseSessions.endTime,
      cancelled: courseSessions.cancelled, courseStatus: courses.status,
      opensBefore: courses.checkinOpensBefore, closesAfter: courses.checkinClosesAfter, lateAfter: courses.lateAfterMinutes,
    })
    .from(courseSessions)
    .innerJoin(courses, eq(courses.id, courseSessions.courseId))
    .where(eq(courseSessions.id, sessionId));
  return row ?? null;
}

/**
 * Sessions and their courses' check-in rules, kept for a couple of seconds: during a check-in rush
 * every request asks about the same session, and the statement saved is a fifth of a check-in's
 * queries. The price: a session cancelled or rescheduled (or a course's rules changed) is seen by
 * check-ins up to `ttlMs` later. One cache per app (session ids are per database); concurrent misses
 * for one session share one query.
 */
export class SessionRulesCache {
  // lru-cache reads ttl 0 as "never expires": a ttl of 0 here means no cache at all.
  private readonly entries: LRUCache<number, Promise<SessionRules | null>> | null;
  constructor(ttlMs = 2000) {
    this.entries = ttlMs > 0 ? new LRUCache({ max: 1000, ttl: ttlMs }) : null;
  }

  get(db: Db, sessionId: number): Promise<SessionRules | null> {
    const hit = this.entries?.get(sessionId);
    if (hit) return hit;
    const rules = loadSessionRules(db, sessionId);
    if (!this.entries) return rules;
    this.entries.set(sessionId, rules);
    rules.catch(() => {
      if (this.entries?.peek(sessionId) === rules) this.entries.delete(sessionId);
    });
    return rules;
  }
}

/** The trainee's enrollment status and existing mark for a session (null when none). */
async function standing(db: Db, rules: SessionRules, userId: number) {
  const [row] = await db
    .select({ enrollment: enrollments.status, mark: attendanceMarks.status })
    .from(courseSessions)
    .leftJoin(enrollments, and(eq(enrollments.courseId, courseSessions.courseId), eq(enrollments.userId, userId)))
    .leftJoin(attendanceMarks, and(eq(attendanceMarks.sessionId, courseSessions.id), eq(attendanceMarks.userId, userId)))
    .where(eq(courseSessions.id, rules.id));
  return { enrollment: row?.enrollment ?? null, mark: row?.mark ?? null };
}

/** Why check-in is not possible now (cancelled, not yet open, closed), or null when it is open. */
function closedReason(rules: SessionRules, now: Date): CheckinRefused | null {
  if (rules.cancelled || rules.courseStatus === "cancelled") return new CheckinRefused(409, m.cancelled);
  const window = checkinOpen(rules, { opensMinutesBefore: rules.opensBefore, closesMinutesAfter: rules.closesAfter }, now);
  if (window.open) return null;
  return new CheckinRefused(409, now < window.opensAt ? m.notOpenYet(formatDateTime(window.opensAt)) : m.closed(formatDateTime(window.closesAt)));
}

const sessionOf = (r: SessionRules): CheckinSession => ({ id: r.id, courseId: r.courseId, courseTitle: r.courseTitle, date: r.date, startTime: r.startTime, endTime: r.endTime });

/**
 * Checks a trainee in to a session. Checks, in order: the credential (before any query), the session
 * exists, an existing mark (reported, never changed), enrolled, not cancelled, check-in open. The mark
 * is P, or L after the course's lateAfterMinutes. While check-in is open this is one statement: it
 * inserts the mark and its change-log row only for an enrolled trainee without a mark, and says which
 * case it met. Pass the app's `writer` so concurrent check-ins share statements (checkin-writer.ts).
 * @throws CheckinRefused (400 bad token/code, 403 not enrolled, 404 unknown session, 409 cancelled or not open).
 */
export async function checkIn(
  db: Db,
  key: string,
  input: { sessionId: number; userId: number; credential: Credential; now: Date; ip: string | null },
  deps: { rules?: SessionRulesCache; writer?: CheckinWriter } = {},
): Promise<CheckinResult> {
  const { sessionId, userId, now } = input;
  if (!credentialValid(key, sessionId, input.credential, now)) {
    throw new CheckinRefused(400, input.credential.kind === "code" ? m.badCode : m.badToken);
  }
  const rules = await (deps.rules ?? new SessionRulesCache(0)).get(db, sessionId);
  if (!rules) throw new CheckinRefused(404, m.badToken);
  const session = sessionOf(rules);
  const closed = closedReason(rules, now);
  if (closed) {
    // Rare path: still tell someone already marked what they have, and a stranger that they are not enrolled.
    const { enrollment, mark } = await standing(db, rules, userId);
    if (mark) return { outcome: "already", status: mark, session };
    if (enrollment !== "enrolled") throw new CheckinRefused(403, m.notEnrolled);
    throw closed;
  }
  const status = statusForCheckin(sessionStartsAt(rules), now, rules.lateAfter);
  const row = await (deps.writer ?? new CheckinWriter(db)).write({ sessionId, courseId: rules.courseId, userId, status, source: input.credential.kind, at: now, ip: input.ip });
  if (row.inserted) return { outcome: "marked", status, at: now, session };
  if (row.prev) return { outcome: "already", status: row.prev, session };
  if (!row.enrolled) throw new CheckinRefused(403, m.notEnrolled);
  // Lost a race (a second tap of the same trainee, or the trainer's roll-call): report what is stored.
  const { mark } = await standing(db, rules, userId);
  return { outcome: "already", status: mark ?? status, session };
}
