/** Data-quality checks of a report (rules in quality-rules.ts): the parts that need their own SQL. */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { todayIso } from "../../lib/time";
import { duplicateGroups, missingFields, reportParticipants, unearnedCertificates, type DuplicateCandidate } from "./quality-rules";
import type { Facts } from "./report-facts";
import type { Period } from "./report-types";
import { intArray } from "./reports.gather";

type Row = Record<string, unknown>;
const rowsOf = <T = Row>(r: unknown): T[] => (r as { rows: T[] }).rows;

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
  const rows = rowsOf<{ id: number; full_name: string; dob: string | null; cccd: string | null }>(await db.execute(sql`
    select u.id, u.full_name, u.date_of_birth::text as dob, u.cccd from users u
    where (u.cccd is not null and u.cccd in (select cccd from users where id = any(${list}::int[]) and cccd is not null))
       or (u.date_of_birth is not null and u.date_of_birth in (select date_of_birth from users where id = any(${list}::int[]) and date_of_birth is not null))`));
  return rows.map((r) => ({ id: Number(r.id), fullName: String(r.full_name), dateOfBirth: r.dob == null ? null : String(r.dob), cccd: r.cccd == null ? null : String(r.cccd) }));
}

export interface UnknownUnitPerson {
  id: number;
  fullName: string;
  /** The unit name as typed in the imported roster. */
  unitAsImported: string;
}

/**
 * People imported with a unit name that named no unit (left unmapped in the preview): report participants
 * and people enrolled or waitlisted in the plan's non-cancelled courses (any period: it is the person's
 * record that is wrong). Setting the unit in the user form clears unit_as_imported, so they leave the list.
 */
async function unknownImportedUnits(db: Db, planId: number, participantIds: number[]): Promise<UnknownUnitPerson[]> {
  const rows = rowsOf(await db.execute(sql`
    select u.id, u.full_name, u.unit_as_imported from users u
    where u.unit_code is null and u.unit_as_imported is not null
      and (u.id = any(${intArray(participantIds)}::int[]) or exists (
        select 1 from enrollments e
        join courses c on c.id = e.course_id and c.status <> 'cancelled'
        join plan_tasks pt on pt.id = c.plan_task_id and pt.plan_id = ${planId}
        where e.user_id = u.id and e.status in ('enrolled', 'waitlisted')))
    order by u.unit_as_imported, u.ten, u.ho, u.id`));
  return rows.map((r) => ({ id: Number(r.id), fullName: String(r.full_name), unitAsImported: String(r.unit_as_imported) }));
}

/** The five checks for a plan's report over a period, from its facts; `total` counts the problems. */
export async function qualityChecks(db: Db, planId: number, period: Period, facts: Facts, today = todayIso()) {
  const people = reportParticipants(facts);
  const ids = people.map((p) => p.id);
  const [sessions, candidates, unknownUnits] = await Promise.all([
    sessionsWithoutAttendance(db, planId, period, today), duplicateCandidates(db, ids), unknownImportedUnits(db, planId, ids),
  ]);
  const missing = missingFields(people);
  const certificates = unearnedCertificates(facts);
  const duplicates = duplicateGroups(candidates, new Set(people.map((p) => p.id)));
  const total = sessions.length + missing.length + unknownUnits.length + certificates.length + duplicates.length;
  return { sessions, missing, unknownUnits, certificates, duplicates, total };
}

export type QualityChecks = Awaited<ReturnType<typeof qualityChecks>>;
