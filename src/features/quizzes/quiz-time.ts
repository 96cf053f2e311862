/**
 * Time rules of quizzes, pure so they are tested with an injected `now`: open and close times, the
 * attempt deadline and the grace period, and Vietnamese date-time text (UTC+7, whatever the server's TZ).
 */
import { vnInstant } from "../../lib/time";

/** "07/12/2026 08:00" in Vietnam time; "" for null. */
export { formatDateTime as formatVnDateTime } from "../../lib/time";

/** Answers arriving this long after the deadline still count (network, a slow phone, the auto-submit). */
export const GRACE_MS = 30_000;

/**
 * When an attempt started at `startedAt` must end: the time limit, but never after the quiz closes
 * (Moodle does the same). Null when neither applies.
 */
export function attemptDeadline(startedAt: Date, timeLimitMinutes: number | null, closesAt: Date | null): Date | null {
  const byLimit = timeLimitMinutes ? new Date(startedAt.getTime() + timeLimitMinutes * 60_000) : null;
  if (byLimit && closesAt) return byLimit < closesAt ? byLimit : closesAt;
  return byLimit ?? closesAt ?? null;
}

/** Whether an answer arriving at `now` still counts: up to the deadline plus {@link GRACE_MS}. */
export function acceptsAnswers(deadline: Date | null, now: Date): boolean {
  return !deadline || now.getTime() <= deadline.getTime() + GRACE_MS;
}

export type QuizWindow = "notYet" | "open" | "closed";

/** Whether a new attempt may start at `now`: before opensAt "notYet", after closesAt "closed". */
export function quizWindow(quiz: { opensAt: Date | null; closesAt: Date | null }, now: Date): QuizWindow {
  if (quiz.opensAt && now < quiz.opensAt) return "notYet";
  if (quiz.closesAt && now >= quiz.closesAt) return "closed";
  return "open";
}

/**
 * Reads a date and time typed in Vietnam: "07/12/2026 08:00" (also "7/12/2026 8h00") or ISO-like
 * "2026-12-07T08:00". Returns the instant, or null for anything else or an impossible date.
 */
export function parseVnDateTime(raw: string): Date | null {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::\d{2})?$/.exec(s);
  let y: number, mo: number, d: number, h: number, mi: number;
  if (m) [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2})[:h](\d{2})$/.exec(s))) [y, mo, d, h, mi] = [+m[3], +m[2], +m[1], +m[4], +m[5]];
  else return null;
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(utc).getUTCDate() !== d) return null; // 31/02 rolls over to March
  return vnInstant(y, mo, d, h, mi);
}
