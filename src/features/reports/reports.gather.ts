/**
 * SQL that gathers the rows the report maths (report-math.ts) needs: one row per course, per enrolled
 * person and course (attended sessions summed by report-attendance.ts from per-session lists), per
 * certificate chain, funding line, quiz result and approval.
 * Dates travel as text (yyyy-mm-dd): node-postgres would turn a `date` into a local-midnight Date.
 * The big lists come back as ONE value each: JSON arrays, one per column (jsonColumns), or, for plain
 * integers, a compact text list (read by report-attendance.ts). The drivers decode every value of every row in JavaScript;
 * JSON.parse or one pass over a string does it far faster (about 3× for 10,000 rows on PGlite).
 */
import { asc, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ethnicities, participantCategories, units } from "../../db/schema";
import { sessionHeld, type Cutoff } from "./period";
import { sumAttendance, type SessionInfo } from "./report-attendance";
import type { ReportInput } from "./report-types";

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (r as { rows: Row[] }).rows;
const num = (v: unknown): number => (v == null ? 0 : Number(v));
const str = (v: unknown): string | null => (v == null ? null : String(v));

/** The date in Vietnam (UTC+7) of a timestamptz column, whatever the server's time zone. */
const vnDateOf = (column: string) => sql.raw(`((${column} at time zone 'UTC') + interval '7 hours')::date`);

/** A certificate's issue date in Vietnam (UTC+7), whatever the server's time zone. */
export const VN_ISSUED_DATE = vnDateOf("issued_at");

/**
 * Certificates issued on the Vietnamese dates [from, to], as a range on issued_at itself: the bounds are
 * computed once, where `VN_ISSUED_DATE between …` converts every row's timestamp.
 */
const issuedBetween = (from: string, to: string) =>
  sql`issued_at >= ((${from}::date - interval '7 hours') at time zone 'UTC') and issued_at < (((${to}::date + 1) - interval '7 hours') at time zone 'UTC')`;

/** Postgres int[] literal for `= any(…::int[])`: ids are integers we produced, never user text. */
export const intArray = (ids: number[]): string => `{${ids.map((i) => Math.trunc(i)).join(",")}}`;

/**
 * Runs `select json_build_array(json_agg(a), json_agg(b), …) from …` and returns one array per column
 * (all in the same row order). One JSON value crosses from the database instead of thousands of rows:
 * the drivers decode every value of every row in JavaScript, JSON.parse does it natively (about 3× faster
 * for 10,000 rows on PGlite). A few long arrays, one per column, cost the server about a fifth less and
 * JSON.parse a third less than one small array per row. In JSON, dates are "yyyy-mm-dd" and numerics numbers.
 */
async function jsonColumns(db: Db, columns: SQL[], from: SQL): Promise<unknown[][]> {
  const aggregates = sql.join(columns.map((c) => sql`json_agg(${c})`), sql`, `);
  const rows = rowsOf(await db.execute(sql`select json_build_array(${aggregates})::text as j ${from}`));
  return (JSON.parse(String(rows[0].j)) as (unknown[] | null)[]).map((c) => c ?? []); // json_agg of no rows is null
}

/** Which courses: a plan's (through its tasks) or, with null, every course (the dashboard). */
function scopeJoin(planId: number | null): SQL {
  return planId === null
    ? sql`left join plan_tasks pt on pt.id = c.plan_task_id`
    : sql`join plan_tasks pt on pt.id = c.plan_task_id and pt.plan_id = ${planId}`;
}

/**
 * The courses of the scope that are not cancelled and either have a non-cancelled session in
 * [from, to] or a certificate issued in it, with their completion rule and all their non-cancelled
 * sessions (id and date). The session statistics are counted here from that list: the attendance
 * query reads marks through the session ids and the sums need each session's course and date anyway,
 * and the server did the same counts (distinct dates per course) at almost twice the cost.
 */
async function gatherCourses(db: Db, planId: number | null, from: string, to: string, cut: Cutoff | null): Promise<{ courses: ReportInput["courses"]; sessions: Map<number, SessionInfo>; excusedSessionIds: number[] }> {
  const rows = rowsOf(await db.execute(sql`
    with candidates as (
      select course_id as id from course_sessions where not cancelled and date between ${from} and ${to}
      union
      select course_id from certificates where ${issuedBetween(from, to)}
    ), course_sessions_list as (
      select s.course_id, string_agg(s.id::text || ':' || s.date::text || ' ' || s.start_time, ',') as sessions
      from course_sessions s
      where not s.cancelled and s.course_id in (select id from candidates)
      group by s.course_id
    )
    select c.id, c.kind, c.title, pt.number as task_number, c.count_excused, c.min_attendance_rate::text as min_rate,
      c.required_quiz_id, q.pass_mark::text as pass_mark, q.grading_method, c.completion_approval_required, l.sessions
    from course_sessions_list l
    join courses c on c.id = l.course_id
    ${scopeJoin(planId)}
    left join quizzes q on q.id = c.required_quiz_id and q.course_id = c.id
    where c.status <> 'cancelled'
    order by c.id`));
  const sessions = new Map<number, SessionInfo>();
  const excusedSessionIds: number[] = [];
  const courses = rows.map((r) => {
    const id = num(r.id);
    const countExcused = r.count_excused === true;
    let scheduled = 0;
    let sessionsInPeriod = 0;
    let firstDate = "";
    let lastDate = "";
    let lastHeld = true;
    const datesInPeriod = new Set<string>();
    for (const item of String(r.sessions).split(",")) {
      const colon = item.indexOf(":");
      const sessionId = Number(item.slice(0, colon));
      const date = item.slice(colon + 1, colon + 11);
      // A session on the cut-off day counts once its start time has come (a session later today is not held yet).
      const held = !cut || sessionHeld(date, item.slice(colon + 12), cut);
      sessions.set(sessionId, { courseId: id, date, held });
      if (countExcused) excusedSessionIds.push(sessionId);
      scheduled++;
      if (!held) lastHeld = false;
      if (held && date >= from && date <= to) {
        sessionsInPeriod++;
        datesInPeriod.add(date);
      }
      if (firstDate === "" || date < firstDate) firstDate = date;
      if (date > lastDate) lastDate = date;
    }
    return {
      id,
      kind: r.kind === "conference" ? ("conference" as const) : ("training" as const),
      title: String(r.title),
      taskNumber: r.task_number == null ? null : num(r.task_number),
      countExcused,
      minAttendanceRate: num(r.min_rate),
      quizId: r.required_quiz_id == null ? null : num(r.required_quiz_id),
      quizPassMark: r.pass_mark == null ? null : num(r.pass_mark),
      gradingMethod: str(r.grading_method),
      approvalRequired: r.completion_approval_required === true,
      scheduled,
      sessionsInPeriod,
      datesInPeriod: [...datesInPeriod].sort(),
      firstDate,
      lastDate,
      lastHeld,
    };
  });
  return { courses, sessions, excusedSessionIds };
}

/**
 * Who attended each session (P, L; E when the course counts excused absence), as one text value
 * "sessionId:userId,userId,…;sessionId:…". Marks are read through the sessions' ids: a bitmap scan of
 * the (session_id, user_id) index touches only those sessions' marks, where a join would scan them all.
 * Grouping by session is cheap (a few thousand groups); summing per person and course is left to
 * sumAttendance (report-attendance.ts): a GROUP BY (course, person) over a year's ~85,000 marks, joined
 * to the sessions and the enrollments, cost the server a quarter to a half more than these two lists.
 */
async function gatherAttendance(db: Db, sessionIds: string, excusedSessionIds: string): Promise<string> {
  const rows = rowsOf(await db.execute(sql`
    select coalesce(string_agg(x.session_id::text || ':' || x.users, ';'), '') as s
    from (
      select m.session_id, string_agg(m.user_id::text, ',') as users
      from attendance_marks m
      where m.session_id = any(${sessionIds}::int[])
        and (m.status in ('P', 'L') or (m.status = 'E' and m.session_id = any(${excusedSessionIds}::int[])))
      group by m.session_id
    ) x`));
  return String(rows[0].s);
}

/** Enrolled people of the courses, as "courseId:userId,userId,…;courseId:…" (course and person order). */
async function gatherEnrolled(db: Db, ids: string): Promise<string> {
  const rows = rowsOf(await db.execute(sql`
    select coalesce(string_agg(x.course_id::text || ':' || x.users, ';' order by x.course_id), '') as s
    from (
      select course_id, string_agg(user_id::text, ',' order by user_id) as users
      from enrollments
      where course_id = any(${ids}::int[]) and status = 'enrolled'
      group by course_id
    ) x`));
  return String(rows[0].s);
}

async function gatherPersons(db: Db, ids: string): Promise<ReportInput["persons"]> {
  const [id, fullName, ho, tenDem, ten, dateOfBirth, gender, ethnicityCode, unitCode, categoryId, position, cccd] = await jsonColumns(db,
    [sql`u.id`, sql`u.full_name`, sql`u.ho`, sql`u.ten_dem`, sql`u.ten`, sql`u.date_of_birth`, sql`u.gender`, sql`u.ethnicity_code`, sql`u.unit_code`, sql`u.category_id`, sql`u.position`, sql`u.cccd`], sql`
    from users u
    where u.id in (
      select user_id from enrollments where course_id = any(${ids}::int[]) and status = 'enrolled'
      union select user_id from certificates where course_id = any(${ids}::int[]))`);
  return id.map((v, i) => ({
    id: num(v), fullName: String(fullName[i]), ho: String(ho[i]), tenDem: String(tenDem[i] ?? ""), ten: String(ten[i]), dateOfBirth: str(dateOfBirth[i]),
    gender: str(gender[i]), ethnicityCode: str(ethnicityCode[i]), unitCode: str(unitCode[i]), categoryId: categoryId[i] == null ? null : num(categoryId[i]), position: str(position[i]), cccd: str(cccd[i]),
  }));
}

/**
 * One row per (course, person) certificate chain: first issue date, and whether the latest one is valid.
 * DISTINCT ON keeps the latest row of each chain (one sort), where array_agg(… order by) sorts per chain.
 */
async function gatherCertificates(db: Db, ids: string): Promise<ReportInput["certificates"]> {
  const [courseId, userId, firstIssued, current, number] = await jsonColumns(db,
    [sql`course_id`, sql`user_id`, vnDateOf("first_issued_at"), sql`status = 'valid'`, sql`number`], sql`
    from (
      select distinct on (course_id, user_id) course_id, user_id, status, number, min(issued_at) over (partition by course_id, user_id) as first_issued_at
      from certificates where course_id = any(${ids}::int[])
      order by course_id, user_id, id desc
    ) c`);
  return courseId.map((v, i) => ({ courseId: num(v), userId: num(userId[i]), firstIssued: String(firstIssued[i]), current: current[i] === true, number: String(number[i]) }));
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
export async function gatherReportInput(db: Db, planId: number | null, from: string, to: string, inTransaction = false, cut: Cutoff | null = null): Promise<ReportInput> {
  const [{ courses, sessions, excusedSessionIds }, unitRows, categories, ethnicityRows] = await run(!inTransaction, [
    () => gatherCourses(db, planId, from, to, cut),
    () => db.select({ code: units.code, name: units.name, mergedInto: units.mergedInto }).from(units),
    () => db.select({ id: participantCategories.id, name: participantCategories.name, sortOrder: participantCategories.sortOrder, active: participantCategories.active }).from(participantCategories).orderBy(asc(participantCategories.sortOrder)),
    () => db.select({ code: ethnicities.code, name: ethnicities.name }).from(ethnicities),
  ] as const);
  const ids = intArray(courses.map((c) => c.id));
  const [attended, enrolled, persons, certificates, quiz, approvals, funding] = courses.length
    ? await run(!inTransaction, [
      () => gatherAttendance(db, intArray([...sessions.keys()]), intArray(excusedSessionIds)), () => gatherEnrolled(db, ids),
      () => gatherPersons(db, ids), () => gatherCertificates(db, ids), () => gatherQuiz(db, ids), () => gatherApprovals(db, ids), () => gatherFunding(db, ids),
    ] as const)
    : ["", "", [], [], [], [], []];
  const pairs = sumAttendance(enrolled, attended, sessions, from, to);
  return { from, to, courses, pairs, persons, certificates, funding, quiz, approvals, units: unitRows, categories, ethnicities: ethnicityRows };
}
