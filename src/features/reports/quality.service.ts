/** Data-quality checks of a report (rules in quality.ts): the parts that need their own SQL. */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { todayIso } from "../../lib/time";
import { duplicateGroups, missingFields, reportParticipants, unearnedCertificates, type DuplicateCandidate } from "./quality";
import type { Facts } from "./report-math";
import type { Period } from "./report-types";
import { intArray } from "./reports.gather";

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (r as { rows: Row[] }).rows;

export interface UnmarkedSession {
  id: number;
  courseId: number;
  courseTitle: string;
  date: string;
  startTime: string;
}

/** Past non-cancelled sessions of the plan's (non-cancelled) courses in the period with no attendance mark at all. */
async function sessionsWithoutAttendance(db: Db, planId: number, period: Period, today: string): Promise<UnmarkedSession[]> {
  const rows = rowsOf(await db.execute(sql`
    select s.id, s.course_id, c.title, s.date::text as date, s.start_time
    from course_sessions s
    join courses c on c.id = s.course_id and c.status <> 'cancelled'
    join plan_tasks pt on pt.id = c.plan_task_id and pt.plan_id = ${planId}
    where not s.cancelled and s.date between ${period.from} and ${period.to} and s.date < ${today}
      and not exists (select 1 from attendance_marks m where m.session_id = s.id)
    order by s.date, s.start_time, s.id`));
  return rows.map((r) => ({ id: Number(r.id), courseId: Number(r.course_id), courseTitle: String(r.title), date: String(r.date), startTime: String(r.start_time) }));
}

/** Everyone sharing a CCCD or a date of birth with one of `ids`. */
async function duplicateCandidates(db: Db, ids: number[]): Promise<DuplicateCandidate[]> {
  if (!ids.length) return [];
  const list = intArray(ids);
  const rows = rowsOf(await db.execute(sql`
    select u.id, u.full_name, u.date_of_birth::text as dob, u.cccd from users u
    where (u.cccd is not null and u.cccd in (select cccd from users where id = any(${list}::int[]) and cccd is not null))
       or (u.date_of_birth is not null and u.date_of_birth in (select date_of_birth from users where id = any(${list}::int[]) and date_of_birth is not null))`));
  return rows.map((r) => ({ id: Number(r.id), fullName: String(r.full_name), dateOfBirth: r.dob == null ? null : String(r.dob), cccd: r.cccd == null ? null : String(r.cccd) }));
}

/** The four checks for a plan's report over a period, from its facts; `total` counts the problems. */
export async function qualityChecks(db: Db, planId: number, period: Period, facts: Facts, today = todayIso()) {
  const people = reportParticipants(facts);
  const [sessions, candidates] = await Promise.all([sessionsWithoutAttendance(db, planId, period, today), duplicateCandidates(db, people.map((p) => p.id))]);
  const missing = missingFields(people);
  const certificates = unearnedCertificates(facts);
  const duplicates = duplicateGroups(candidates, new Set(people.map((p) => p.id)));
  return { sessions, missing, certificates, duplicates, total: sessions.length + missing.length + certificates.length + duplicates.length };
}

export type QualityChecks = Awaited<ReturnType<typeof qualityChecks>>;
