/**
 * The kiosk: what the full-screen QR page shows and polls. The token and code are recomputed from the
 * clock on every poll (nothing is sent in advance, so a photo of the screen is useless 30 s later).
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import QRCode from "qrcode";
import type { Db } from "../../db/client";
import { attendanceMarks, enrollments, users } from "../../db/schema";
import { NotFound } from "../../lib/errors";
import { formatDateTime } from "../../lib/vietnamese";
import { checkinCode, checkinOpen, checkinToken, DEFAULT_WINDOW_SECONDS, windowIndex } from "./checkin-token";
import { joinUrl } from "../../lib/public-url";

/** A course as getManagedCourse returns it (the parts the kiosk needs). */
export interface KioskCourse {
  id: number;
  title: string;
  enrolledCount: number;
  checkinOpensBefore: number;
  checkinClosesAfter: number;
  sessions: { id: number; date: string; startTime: string; endTime: string; cancelled: boolean; venue: string | null; topic: string | null }[];
}

/** The session of a course, or NotFound (also when the id belongs to another course). */
export function sessionOf<C extends { sessions: { id: number }[] }>(course: C, sessionId: number): C["sessions"][number] {
  const s = course.sessions.find((x) => x.id === sessionId);
  if (!s) throw new NotFound();
  return s;
}

// Only the current and previous windows of the kiosks in use are needed; a small cache spares
// re-encoding on each poll.
const qrCache = new LRUCache<string, string>({ max: 50 });

/** The QR of `text` as an SVG data URI (the CSP allows data: images; no script, no inline style). */
export async function qrDataUri(text: string): Promise<string> {
  const hit = qrCache.get(text);
  if (hit) return hit;
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  const uri = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
  qrCache.set(text, uri);
  return uri;
}

/** The path a QR encodes for a session at `now`. */
export function checkinPath(key: string, sessionId: number, now: Date): string {
  return `/checkin/${sessionId}/${checkinToken(key, sessionId, windowIndex(now.getTime()))}`;
}

export interface KioskState {
  open: boolean;
  state: "before" | "open" | "after" | "cancelled";
  opensAt: string;
  closesAt: string;
  /** Absolute URL in the QR, the QR image and the code: only while check-in is open. */
  url: string | null;
  qr: string | null;
  code: string | null;
  /** Milliseconds until the QR changes. */
  refreshInMs: number;
  count: number;
  total: number;
  latest: { name: string; status: string; at: string }[];
}

/**
 * Everything the kiosk shows for one session at `now`: QR and code while check-in is open, the count
 * of people marked present or late out of those enrolled, and the latest six names.
 */
export async function kioskState(db: Db, key: string, course: KioskCourse, sessionId: number, now: Date, baseUrl: string): Promise<KioskState> {
  const session = sessionOf(course, sessionId);
  const window = checkinOpen(session, { opensMinutesBefore: course.checkinOpensBefore, closesMinutesAfter: course.checkinClosesAfter }, now);
  const present = and(eq(attendanceMarks.sessionId, sessionId), inArray(attendanceMarks.status, ["P", "L"]));
  const [[{ n }], latest] = await Promise.all([
    // Counted among those enrolled now, the same people as the total.
    db.select({ n: sql<number>`count(*)::int` }).from(attendanceMarks)
      .innerJoin(enrollments, and(eq(enrollments.courseId, course.id), eq(enrollments.userId, attendanceMarks.userId), eq(enrollments.status, "enrolled")))
      .where(present),
    db.select({ name: users.fullName, status: attendanceMarks.status, at: attendanceMarks.markedAt })
      .from(attendanceMarks).innerJoin(users, eq(users.id, attendanceMarks.userId))
      .where(present).orderBy(desc(attendanceMarks.markedAt), desc(attendanceMarks.id)).limit(6),
  ]);
  const state = session.cancelled ? "cancelled" : window.open ? "open" : now < window.opensAt ? "before" : "after";
  const open = state === "open";
  const url = open ? joinUrl(baseUrl, checkinPath(key, sessionId, now)) : null;
  const windowMs = DEFAULT_WINDOW_SECONDS * 1000;
  return {
    open,
    state,
    opensAt: formatDateTime(window.opensAt),
    closesAt: formatDateTime(window.closesAt),
    url,
    qr: url ? await qrDataUri(url) : null,
    code: open ? checkinCode(key, sessionId, windowIndex(now.getTime())) : null,
    refreshInMs: windowMs - (now.getTime() % windowMs),
    count: n,
    total: course.enrolledCount,
    latest: latest.map((r) => ({ name: r.name, status: r.status, at: formatDateTime(r.at).slice(11) })),
  };
}
