/**
 * Rotating QR check-in: tokens and short codes derived from (session, time window) with a server
 * secret, so nothing has to be pre-generated or sent to the browser in advance (Moodle's weakness:
 * a list of future codes that a scan can replay), and a token only ever fits one session.
 * Pure module: no I/O, no clock reads; callers pass the time in.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Default length of one rotation window, in seconds. */
export const DEFAULT_WINDOW_SECONDS = 15;

/** 22 base64url characters = 132 bits of the HMAC: far beyond guessing, still a compact QR. */
const TOKEN_LENGTH = 22;

/**
 * Index of the rotation window containing `nowMs` (windows are aligned to the Unix epoch, so
 * every server process agrees on them without coordination).
 * @throws RangeError when `nowMs` is not finite or `windowSeconds` is not a positive number.
 */
export function windowIndex(nowMs: number, windowSeconds = DEFAULT_WINDOW_SECONDS): number {
  if (!Number.isFinite(nowMs)) throw new RangeError("nowMs must be a finite number");
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) {
    throw new RangeError("windowSeconds must be a positive number");
  }
  return Math.floor(nowMs / (windowSeconds * 1000));
}

// The domain prefix keeps a token from ever equalling a code's HMAC (or any other HMAC made with
// the same secret elsewhere); the window is a plain integer, so the last ":" separates it unambiguously.
function hmac(secret: string, domain: string, sessionId: string | number, window: number): Buffer {
  if (!secret) throw new Error("check-in secret must not be empty");
  if (!Number.isSafeInteger(window)) throw new RangeError("window must be an integer");
  return createHmac("sha256", secret).update(`${domain}:${sessionId}:${window}`, "utf8").digest();
}

/**
 * Token to put in the QR code for `sessionId` during `window`: HMAC-SHA256 over
 * "checkin:v1:{sessionId}:{window}", base64url, first 22 characters (132 bits).
 * @throws Error when the secret is empty; RangeError when `window` is not an integer.
 */
export function checkinToken(secret: string, sessionId: string | number, window: number): string {
  return hmac(secret, "checkin:v1", sessionId, window).toString("base64url").slice(0, TOKEN_LENGTH);
}

/**
 * Six-digit code (zero-padded) for people who cannot scan, from a separate HMAC
 * ("checkin-code:v1") so a code reveals nothing about the token.
 * Only 10^6 values: the HTTP layer must rate-limit attempts.
 * @throws Error when the secret is empty; RangeError when `window` is not an integer.
 */
export function checkinCode(secret: string, sessionId: string | number, window: number): string {
  // 48 bits reduced mod 10^6: the modulo bias is ~10^-8, negligible.
  const n = hmac(secret, "checkin-code:v1", sessionId, window).readUIntBE(0, 6) % 1_000_000;
  return String(n).padStart(6, "0");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  // timingSafeEqual throws on different lengths; the length of a valid token is public anyway.
  return x.length === y.length && timingSafeEqual(x, y);
}

// A value issued in window w is accepted during w and w+1, so a scan made just before the QR
// rotates still succeeds; both candidates are always compared so timing does not say which matched.
function matchesRecentWindow(expected: (window: number) => string, given: string, nowMs: number, windowSeconds: number): boolean {
  const current = windowIndex(nowMs, windowSeconds);
  const now = sameText(expected(current), given);
  const previous = sameText(expected(current - 1), given);
  return now || previous;
}

/**
 * True when `token` was issued for this session in the current window or the one before it.
 * Never throws on a malformed token (returns false); throws only on a bad secret or clock value.
 */
export function verifyCheckinToken(
  secret: string,
  sessionId: string | number,
  token: string,
  nowMs: number,
  windowSeconds = DEFAULT_WINDOW_SECONDS,
): boolean {
  if (typeof token !== "string" || token.length !== TOKEN_LENGTH) return false;
  return matchesRecentWindow((w) => checkinToken(secret, sessionId, w), token, nowMs, windowSeconds);
}

/**
 * True when `code` (spaces ignored, as people type "123 456") is this session's code for the
 * current window or the one before it. Returns false for anything that is not six digits.
 */
export function verifyCheckinCode(
  secret: string,
  sessionId: string | number,
  code: string,
  nowMs: number,
  windowSeconds = DEFAULT_WINDOW_SECONDS,
): boolean {
  if (typeof code !== "string") return false;
  const digits = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(digits)) return false;
  return matchesRecentWindow((w) => checkinCode(secret, sessionId, w), digits, nowMs, windowSeconds);
}

/** A session as stored: local date and times (Vietnam time unless told otherwise). */
export interface SessionTimes {
  /** yyyy-mm-dd */
  date: string;
  /** HH:MM, 24-hour */
  startTime: string;
  /** HH:MM, 24-hour, later than startTime on the same day */
  endTime: string;
}

/** Course check-in window settings. */
export interface CheckinRules {
  opensMinutesBefore: number;
  /** Counted from the session start. */
  closesMinutesAfter: number;
}

const MINUTE = 60_000;

// Built with Date.UTC and an explicit offset so the result never depends on the server's TZ.
function localToUtc(date: string, time: string, tzOffsetMinutes: number): Date {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d) throw new RangeError(`invalid date "${date}" (expected yyyy-mm-dd)`);
  if (!t) throw new RangeError(`invalid time "${time}" (expected HH:MM)`);
  const [y, mo, da, h, mi] = [d[1], d[2], d[3], t[1], t[2]].map(Number);
  if (h > 23 || mi > 59) throw new RangeError(`invalid time "${time}"`);
  const ms = Date.UTC(y, mo - 1, da, h, mi);
  // Date.UTC rolls 2026-02-30 over into March: a round trip catches impossible dates.
  if (new Date(ms).getUTCDate() !== da || new Date(ms).getUTCMonth() !== mo - 1) {
    throw new RangeError(`invalid date "${date}"`);
  }
  return new Date(ms - tzOffsetMinutes * MINUTE);
}

/**
 * The session's start as an absolute instant (what `statusForCheckin` needs).
 * @throws RangeError on a malformed date or time.
 */
export function sessionStartsAt(session: Pick<SessionTimes, "date" | "startTime">, tzOffsetMinutes = 420): Date {
  return localToUtc(session.date, session.startTime, tzOffsetMinutes);
}

/**
 * Whether check-in is open at `now`: from `opensMinutesBefore` before the start (inclusive) to
 * `closesMinutesAfter` after the start (exclusive), but never past the session's end, since a
 * finished session can no longer be attended.
 * @param tzOffsetMinutes offset of the session's local time from UTC; Vietnam is UTC+7 (420) all year.
 * @throws RangeError on a malformed date or time, or when the session ends before it starts.
 */
export function checkinOpen(
  session: SessionTimes,
  rules: CheckinRules,
  now: Date,
  tzOffsetMinutes = 420,
): { open: boolean; opensAt: Date; closesAt: Date } {
  const start = localToUtc(session.date, session.startTime, tzOffsetMinutes).getTime();
  const end = localToUtc(session.date, session.endTime, tzOffsetMinutes).getTime();
  if (end <= start) throw new RangeError("session must end after it starts");
  const opensAt = new Date(start - rules.opensMinutesBefore * MINUTE);
  const closesAt = new Date(Math.min(start + rules.closesMinutesAfter * MINUTE, end));
  const t = now.getTime();
  return { open: t >= opensAt.getTime() && t < closesAt.getTime(), opensAt, closesAt };
}

/**
 * Mark for a successful check-in: "L" (đi muộn) when strictly more than `lateAfterMinutes` after
 * the start, else "P" (có mặt); checking in exactly at the limit is still on time.
 */
export function statusForCheckin(sessionStart: Date, now: Date, lateAfterMinutes: number): "P" | "L" {
  return now.getTime() > sessionStart.getTime() + lateAfterMinutes * MINUTE ? "L" : "P";
}
