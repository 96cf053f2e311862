/**
 * Attendance rate over ALL scheduled sessions of a course. Moodle divides by the sessions taken so
 * far, which overstates the rate mid-course; here unmarked sessions (future or never taken) count
 * as not attended, and cancelled sessions do not count at all.
 */

/** P có mặt, L đi muộn, E vắng có phép, A vắng không phép. */
export type Mark = "P" | "L" | "E" | "A";

/** Session ids come as numbers from the DB and as strings from forms; both are accepted. */
export type SessionId = string | number;

/** Result of {@link attendanceRate}. */
export interface AttendanceRate {
  attended: number;
  /** Non-cancelled sessions. */
  scheduled: number;
  /** attended / scheduled, 0..1; 0 when nothing is scheduled. */
  rate: number;
  /** scheduled − attended: A, unmarked, and E unless excused absences count as present. */
  absent: number;
}

/**
 * Counts attended sessions for one trainee. P and L attend; E attends only when
 * `countExcusedAsPresent` (a course setting). Marks for sessions not in `sessions` or cancelled
 * ones are ignored; a session listed twice counts once. Ids are compared as strings, so 5 and "5"
 * are the same session.
 */
export function attendanceRate(
  sessions: ReadonlyArray<{ id: SessionId; cancelled: boolean }>,
  marks: ReadonlyMap<SessionId, Mark> | Readonly<Record<string, Mark>>,
  countExcusedAsPresent: boolean,
): AttendanceRate {
  const byId = new Map<string, Mark>();
  const entries = marks instanceof Map ? (marks as ReadonlyMap<SessionId, Mark>).entries() : Object.entries(marks as Readonly<Record<string, Mark>>);
  for (const [id, mark] of entries) byId.set(String(id), mark);

  const counted = new Set<string>();
  let attended = 0;
  for (const s of sessions) {
    const id = String(s.id);
    if (s.cancelled || counted.has(id)) continue;
    counted.add(id);
    const mark = byId.get(id);
    if (mark === "P" || mark === "L" || (mark === "E" && countExcusedAsPresent)) attended++;
  }
  const scheduled = counted.size;
  return { attended, scheduled, rate: scheduled === 0 ? 0 : attended / scheduled, absent: scheduled - attended };
}
