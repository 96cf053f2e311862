/**
 * SQL that gathers the rows the report maths (report-math.ts) needs: one row per course, per enrolled
 * person and course (attendance already summed in SQL, so a year of 100,000 marks comes back as a few
 * thousand rows), per certificate chain, funding line, quiz result and approval.
 * Dates travel as text (yyyy-mm-dd): node-postgres would turn a `date` into a local-midnight Date.
 * The three big lists come back as ONE JSON value of arrays (jsonRows): the drivers decode every value
 * of every row in JavaScript, JSON.parse does it natively — about 3× faster for 10,000 rows on PGlite.
 */
import { asc, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ethnicities, participantCategories, units } from "../../db/schema";
import type { ReportInput } from "./report-types";

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (r as { rows: Row[] }).rows;
const num = (v: unknown): number => (v == null ? 0 : Number(v));
const str = (v: unknown): string | null => (v == null ? null : String(v));

/** A certificate's issue date in Vietnam (UTC+7), whatever the server's time zone. */
export const VN_ISSUED_DATE = sql.raw(`((issued_at at time zone 'UTC') + interval '7 hours')::date`);

/** Postgres int[] literal for `= any(…::int[])`: ids are integers we produced, never user text. */
export const intArray = (ids: number[]): string => `{${ids.map((i) => Math.trunc(i)).join(",")}}`;

/**
 * Runs `select json_build_array(…) as r from …` and returns its rows as arrays: one JSON value crosses
 * from the database instead of thousands of rows. In JSON, dates are "yyyy-mm-dd" and numerics numbers.
 */
async function jsonRows(db: Db, query: SQL): Promise<unknown[][]> {
  const rows = rowsOf(await db.execute(sql`select coalesce(json_agg(x.r), '[]')::text as j from (${query}) x`));
  return JSON.parse(String(rows[0].j)) as unknown[][];
}

/** Which courses: a plan's (through its tasks) or, with null, every course (the dashboard). */
function scopeJoin(planId: number | null): SQL {
  return planId === null
    ? sql`left join plan_tasks pt on pt.id = c.plan_task_id`
    : sql`join plan_tasks pt on pt.id = c.plan_task_id and pt.plan_id = ${planId}`;
}

/**
 * The courses of the scope that are not cancelled and either have a non-cancelled session in
 * [from, to] or a certificate issued in it, with their session statistics and completion rule, and the
 * ids of all their non-cancelled sessions (the attendance query reads marks through them).
 */
async function gatherCourses(db: Db, planId: number | null, from: string, to: string): Promise<{ courses: ReportInput["courses"]; sessionIds: number[]; excused: number[] }> {
  const rows = rowsOf(await db.execute(sql`
    with candidates as (
      select course_id as id from course_sessions where not cancelled and date between ${from} and ${to}
      union
      select course_id from certificates where ${VN_ISSUED_DATE} between ${from} and ${to}
    )
    select c.id, c.kind, c.title, pt.number as task_number, c.count_excused, c.min_attendance_rate::text as min_rate,
      c.required_quiz_id, q.pass_mark::text as pass_mark, q.grading_method, c.completion_approval_required,
      count(s.id)::int as scheduled,
      (count(s.id) filter (where s.date between ${from} and ${to}))::int as sessions_in_period,
      string_agg(distinct s.date::text, ',') filter (where s.date between ${from} and ${to}) as dates_in_period,
      string_agg(s.id::text, ',') as session_ids,
      min(s.date)::text as first_date, max(s.date)::text as last_date
    from candidates
    join courses c on c.id = candidates.id
    ${scopeJoin(planId)}
    left join quizzes q on q.id = c.required_quiz_id and q.course_id = c.id
    join course_sessions s on s.course_id = c.id and not s.cancelled
    where c.status <> 'cancelled'
    group by c.id, pt.number, q.pass_mark, q.grading_method
    order by c.id`));
  const courses = rows.map((r) => ({
    id: num(r.id),
    kind: r.kind === "conference" ? ("conference" as const) : ("training" as const),
    title: String(r.title),
    taskNumber: r.task_number == null ? null : num(r.task_number),
    countExcused: r.count_excused === true,
    minAttendanceRate: num(r.min_rate),
    quizId: r.required_quiz_id == null ? null : num(r.required_quiz_id),
    quizPassMark: r.pass_mark == null ? null : num(r.pass_mark),
    gradingMethod: str(r.grading_method),
    approvalRequired: r.completion_approval_required === true,
    scheduled: num(r.scheduled),
    sessionsInPeriod: num(r.sessions_in_period),
    datesInPeriod: r.dates_in_period ? String(r.dates_in_period).split(",").sort() : [],
    firstDate: String(r.first_date),
    lastDate: String(r.last_date),
  }));
  return {
    courses,
    sessionIds: rows.flatMap((r) => String(r.session_ids).split(",").map(Number)),
    excused: courses.filter((c) => c.countExcused).map((c) => c.id),
  };
}

/**
 * Enrolled people of the courses with their attended sessions (P, L; E when the course counts it) in
 * the period and in all. Marks are read through the sessions' ids: a bitmap scan of the
 * (session_id, user_id) index touches only the year's marks, where a join would scan them all.
 */
async function gatherPairs(db: Db, ids: string, sessionIds: string, excused: string, from: string, to: string): Promise<ReportInput["pairs"]> {
  const rows = await jsonRows(db, sql`
    with a as (
      select s.course_id, m.user_id,
        (count(*) filter (where s.date between ${from} and ${to}))::int as in_period,
        count(*)::int as total,
        min(s.date) filter (where s.date between ${from} and ${to}) as first_attended
      from attendance_marks m
      join course_sessions s on s.id = m.session_id
      where m.session_id = any(${sessionIds}::int[])
        and (m.status in ('P', 'L') or (m.status = 'E' and s.course_id = any(${excused}::int[])))
      group by s.course_id, m.user_id
    )
    select json_build_array(e.course_id, e.user_id, coalesce(a.in_period, 0), coalesce(a.total, 0), a.first_attended) as r
    from enrollments e
    left join a on a.course_id = e.course_id and a.user_id = e.user_id
    where e.course_id = any(${ids}::int[]) and e.status = 'enrolled'`);
  return rows.map((r) => ({ courseId: num(r[0]), userId: num(r[1]), attendedInPeriod: num(r[2]), attendedTotal: num(r[3]), firstAttended: str(r[4]) }));
}

async function gatherPersons(db: Db, ids: string): Promise<ReportInput["persons"]> {
  const rows = await jsonRows(db, sql`
    select json_build_array(u.id, u.full_name, u.ho, u.ten_dem, u.ten, u.date_of_birth, u.gender, u.ethnicity_code, u.unit_code, u.category_id, u.position, u.cccd) as r
    from users u
    where u.id in (
      select user_id from enrollments where course_id = any(${ids}::int[]) and status = 'enrolled'
      union select user_id from certificates where course_id = any(${ids}::int[]))`);
  return rows.map((r) => ({
    id: num(r[0]), fullName: String(r[1]), ho: String(r[2]), tenDem: String(r[3] ?? ""), ten: String(r[4]), dateOfBirth: str(r[5]),
    gender: str(r[6]), ethnicityCode: str(r[7]), unitCode: str(r[8]), categoryId: r[9] == null ? null : num(r[9]), position: str(r[10]), cccd: str(r[11]),
  }));
}

/** One row per (course, person) certificate chain: first issue date, and whether the latest one is valid. */
async function gatherCertificates(db: Db, ids: string): Promise<ReportInput["certificates"]> {
  const rows = await jsonRows(db, sql`
    select json_build_array(course_id, user_id, min(${VN_ISSUED_DATE}), (array_agg(status order by id desc))[1] = 'valid', (array_agg(number order by id desc))[1]) as r
    from certificates where course_id = any(${ids}::int[])
    group by course_id, user_id`);
  return rows.map((r) => ({ courseId: num(r[0]), userId: num(r[1]), firstIssued: String(r[2]), current: r[3] === true, number: String(r[4]) }));
}

async function gatherQuiz(db: Db, ids: string): Promise<ReportInput["quiz"]> {
  const rows = rowsOf(await db.execute(sql`
    select c.id as course_id, qa.user_id, string_agg(coalesce(qa.percent, 0)::text, ',' order by qa.attempt_no) as percents
    from courses c join quiz_attempts qa on qa.quiz_id = c.required_quiz_id
    where c.id = any(${ids}::int[]) and qa.status in ('submitted', 'expired')
    group by c.id, qa.user_id`));
  return rows.map((r) => ({ courseId: num(r.course_id), userId: num(r.user_id), percents: String(r.percents).split(",").map(Number) }));
}

async function gatherApprovals(db: Db, ids: string): Promise<ReportInput["approvals"]> {
  const rows = rowsOf(await db.execute(sql`select course_id, user_id, approved from completion_approvals where course_id = any(${ids}::int[])`));
  return rows.map((r) => ({ courseId: num(r.course_id), userId: num(r.user_id), approved: r.approved === true }));
}

async function gatherFunding(db: Db, ids: string): Promise<ReportInput["funding"]> {
  const rows = rowsOf(await db.execute(sql`select id, course_id, source, amount::text as amount, note from funding_lines where course_id = any(${ids}::int[]) order by id`));
  return rows.map((r) => ({ id: num(r.id), courseId: num(r.course_id), source: String(r.source), amount: num(r.amount), note: str(r.note) }));
}

/** Runs the thunks together, or one after another (a transaction is one connection: pg wants one query at a time on it). */
async function run<T extends readonly (() => Promise<unknown>)[]>(parallel: boolean, thunks: T): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  if (parallel) return Promise.all(thunks.map((f) => f())) as never;
  const out: unknown[] = [];
  for (const f of thunks) out.push(await f());
  return out as never;
}

/**
 * Everything the report maths needs for a plan (or every course, planId null) over [from, to]
 * (`to` already capped at the as-of date). Queries run in parallel on a pool; pass `inTransaction`
 * when `db` is a transaction.
 */
export async function gatherReportInput(db: Db, planId: number | null, from: string, to: string, inTransaction = false): Promise<ReportInput> {
  const [{ courses, sessionIds, excused }, unitRows, categories, ethnicityRows] = await run(!inTransaction, [
    () => gatherCourses(db, planId, from, to),
    () => db.select({ code: units.code, name: units.name, mergedInto: units.mergedInto }).from(units),
    () => db.select({ id: participantCategories.id, name: participantCategories.name, sortOrder: participantCategories.sortOrder, active: participantCategories.active }).from(participantCategories).orderBy(asc(participantCategories.sortOrder)),
    () => db.select({ code: ethnicities.code, name: ethnicities.name }).from(ethnicities),
  ] as const);
  const ids = intArray(courses.map((c) => c.id));
  const [pairs, persons, certificates, quiz, approvals, funding] = courses.length
    ? await run(!inTransaction, [
      () => gatherPairs(db, ids, intArray(sessionIds), intArray(excused), from, to), () => gatherPersons(db, ids), () => gatherCertificates(db, ids),
      () => gatherQuiz(db, ids), () => gatherApprovals(db, ids), () => gatherFunding(db, ids),
    ] as const)
    : [[], [], [], [], [], []];
  return { from, to, courses, pairs, persons, certificates, funding, quiz, approvals, units: unitRows, categories, ethnicities: ethnicityRows };
}
