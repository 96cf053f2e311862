/**
 * SQL that gathers the rows the report maths (report-facts.ts, then report-figures.ts) need: one row
 * per course, per enrolled person and course (attended sessions summed by report-attendance.ts from
 * per-session lists), per certificate chain, funding line, quiz result and approval.
 * Every list comes back as ONE JSON value, never as text to split: typed rows (jsonRows: an array of
 * objects, lists of ids as arrays inside them) or, for the widest and longest lists (persons,
 * certificates, attendance, enrollments), one array per column (jsonColumns), zipped into typed rows
 * here. No query result is parsed by hand: JSON gives numbers, booleans and arrays. The drivers decode
 * every value of every row in JavaScript; JSON.parse does it natively, far faster (about 3× for 10,000
 * rows on PGlite). In JSON, dates are "yyyy-mm-dd" (node-postgres would turn a `date` into a
 * local-midnight Date), numerics and bigints are numbers.
 */
import { asc, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ethnicities, participantCategories, units } from "../../db/schema";
import { sessionHeld, type Cutoff } from "./period";
import { sumAttendance, type CoursePeople, type SessionInfo, type SessionPeople } from "./report-attendance";
import type { ApprovalRow, FundingRow, QuizRow, ReportInput } from "./report-types";

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (r as { rows: Row[] }).rows;

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
 * (all in the same row order), typed T by the caller (a tuple of arrays, in column order). One JSON
 * value crosses from the database instead of thousands of rows: the drivers decode every value of every
 * row in JavaScript, JSON.parse does it natively (about 3× faster for 10,000 rows on PGlite). A few long arrays, one per column, cost the server about a fifth less and
 * JSON.parse a third less than one small array per row. In JSON, dates are "yyyy-mm-dd" and numerics numbers.
 */
async function jsonColumns<T extends unknown[][]>(db: Db, columns: SQL[], from: SQL): Promise<T> {
  const aggregates = sql.join(columns.map((c) => sql`json_agg(${c})`), sql`, `);
  const rows = rowsOf(await db.execute(sql`select json_build_array(${aggregates})::text as j ${from}`));
  return (JSON.parse(String(rows[0].j)) as (unknown[] | null)[]).map((c) => c ?? []) as T; // json_agg of no rows is null
}

type Texts = string[];
type MaybeTexts = (string | null)[];

/** `json_agg(row)` as text, never null (json_agg of no rows is): the one column jsonRows reads. */
const jsonAgg = (row: SQL): SQL => sql`coalesce(json_agg(${row}), '[]')::text as j`;

/**
 * Runs a query selecting `jsonAgg(json_build_object(…))` and returns its rows, typed as T: the keys
 * given to json_build_object are T's fields, and JSON types its values (numbers, booleans, strings,
 * arrays of ids) the same way whichever driver runs it.
 */
async function jsonRows<T>(db: Db, query: SQL): Promise<T[]> {
  const rows = rowsOf(await db.execute(query));
  return JSON.parse(String(rows[0].j)) as T[];
}

/** Which courses: a plan's (through its tasks) or, with null, every course (the dashboard). */
function scopeJoin(planId: number | null): SQL {
  return planId === null
    ? sql`left join plan_tasks pt on pt.id = c.plan_task_id`
    : sql`join plan_tasks pt on pt.id = c.plan_task_id and pt.plan_id = ${planId}`;
}

/** A course as the courses query returns it (JSON: numerics are numbers, dates "yyyy-mm-dd"). */
interface CourseQueryRow {
  id: number;
  kind: string;
  title: string;
  taskNumber: number | null;
  countExcused: boolean;
  minRate: number;
  quizId: number | null;
  passMark: number | null;
  gradingMethod: string | null;
  approvalRequired: boolean;
  /** Every non-cancelled session of the course, in or out of the period: ids, dates and start times. */
  sessionIds: number[];
  sessionDates: string[];
  sessionTimes: string[];
}

/**
 * The courses of the scope that are not cancelled and either have a non-cancelled session in
 * [from, to] or a certificate issued in it, with their completion rule and all their non-cancelled
 * sessions (id and date). The session statistics are counted here from that list: the attendance
 * query reads marks through the session ids and the sums need each session's course and date anyway,
 * and the server did the same counts (distinct dates per course) at almost twice the cost.
 */
// Sessions come as three arrays per course rather than an object per session: server CPU for the 2025
// courses of the large seed 9 ms against 11 ms (8 ms for the "id:date time,…" text this replaced), and
// the client decodes it faster than either (2.5 ms against 3.4 and 3.7; 2026-12-03, 30 runs).
async function gatherCourses(db: Db, planId: number | null, from: string, to: string, cut: Cutoff | null): Promise<{ courses: ReportInput["courses"]; sessions: Map<number, SessionInfo>; excusedSessionIds: number[] }> {
  const rows = await jsonRows<CourseQueryRow>(db, sql`
    with candidates as (
      select course_id as id from course_sessions where not cancelled and date between ${from} and ${to}
      union
      select course_id from certificates where ${issuedBetween(from, to)}
    ), course_sessions_list as (
      select s.course_id, array_agg(s.id) as ids, array_agg(s.date) as dates, array_agg(s.start_time) as times
      from course_sessions s
      where not s.cancelled and s.course_id in (select id from candidates)
      group by s.course_id
    )
    select ${jsonAgg(sql`json_build_object('id', c.id, 'kind', c.kind, 'title', c.title, 'taskNumber', pt.number,
      'countExcused', c.count_excused, 'minRate', c.min_attendance_rate, 'quizId', c.required_quiz_id, 'passMark', q.pass_mark,
      'gradingMethod', q.grading_method, 'approvalRequired', c.completion_approval_required,
      'sessionIds', l.ids, 'sessionDates', l.dates, 'sessionTimes', l.times) order by c.id`)} from course_sessions_list l
    join courses c on c.id = l.course_id
    ${scopeJoin(planId)}
    left join quizzes q on q.id = c.required_quiz_id and q.course_id = c.id
    where c.status <> 'cancelled'`);
  const sessions = new Map<number, SessionInfo>();
  const excusedSessionIds: number[] = [];
  const courses = rows.map((r) => {
    const id = r.id;
    const countExcused = r.countExcused;
    let scheduled = 0;
    let sessionsInPeriod = 0;
    let firstDate = "";
    let lastDate = "";
    let lastHeld = true;
    const datesInPeriod = new Set<string>();
    for (let i = 0; i < r.sessionIds.length; i++) {
      const sessionId = r.sessionIds[i];
      const date = r.sessionDates[i];
      // A session on the cut-off day counts once its start time has come (a session later today is not held yet).
      const held = !cut || sessionHeld(date, r.sessionTimes[i], cut);
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
      title: r.title,
      taskNumber: r.taskNumber,
      countExcused,
      minAttendanceRate: r.minRate,
      quizId: r.quizId,
      quizPassMark: r.passMark,
      gradingMethod: r.gradingMethod,
      approvalRequired: r.approvalRequired,
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
 * Who attended each session (P, L; E when the course counts excused absence), one row per session with
 * its people. Marks are read through the sessions' ids: a bitmap scan of the (session_id, user_id) index
 * touches only those sessions' marks, where a join would scan them all. Grouping by session is cheap (a
 * few thousand groups); summing per person and course is left to sumAttendance (report-attendance.ts):
 * a GROUP BY (course, person) over a year's ~85,000 marks, joined to the sessions and the enrollments,
 * cost the server a quarter to a half more than these two lists.
 */
async function gatherAttendance(db: Db, sessionIds: string, excusedSessionIds: string): Promise<SessionPeople[]> {
  // The longest query of the second batch, so the one the report waits for. One array per column rather
  // than json_build_object per session: for 2025 on the large seed (~4,000 sessions, ~85,000 marks)
  // server CPU 53 ms as columns, 56 ms as objects, 49 ms for the text "sessionId:userId,…;…" this
  // replaced, which the client then split by hand: the client's receive + parse is ~0.5 ms less now
  // (2026-12-03, 40 runs in turns). Enrollments and quiz percents as JSON cost the server ~3 ms less.
  const [sessionId, userIds] = await jsonColumns<[number[], number[][]]>(db, [sql`x.session_id`, sql`x.users`], sql`
    from (
      select m.session_id, array_agg(m.user_id) as users
      from attendance_marks m
      where m.session_id = any(${sessionIds}::int[])
        and (m.status in ('P', 'L') or (m.status = 'E' and m.session_id = any(${excusedSessionIds}::int[])))
      group by m.session_id
    ) x`);
  return sessionId.map((id, i) => ({ sessionId: id, userIds: userIds[i] }));
}

/** Enrolled people of the courses, one row per course (course and person order), read as gatherAttendance's. */
async function gatherEnrolled(db: Db, ids: string): Promise<CoursePeople[]> {
  const [courseId, userIds] = await jsonColumns<[number[], number[][]]>(db, [sql`x.course_id order by x.course_id`, sql`x.users order by x.course_id`], sql`
    from (
      select course_id, array_agg(user_id order by user_id) as users
      from enrollments
      where course_id = any(${ids}::int[]) and status = 'enrolled'
      group by course_id
    ) x`);
  return courseId.map((id, i) => ({ courseId: id, userIds: userIds[i] }));
}

async function gatherPersons(db: Db, ids: string): Promise<ReportInput["persons"]> {
  const [id, fullName, ho, tenDem, ten, dateOfBirth, gender, ethnicityCode, unitCode, categoryId, position, cccd] = await jsonColumns<
    [number[], Texts, Texts, Texts, Texts, MaybeTexts, MaybeTexts, MaybeTexts, MaybeTexts, (number | null)[], MaybeTexts, MaybeTexts]>(db,
    [sql`u.id`, sql`u.full_name`, sql`u.ho`, sql`u.ten_dem`, sql`u.ten`, sql`u.date_of_birth`, sql`u.gender`, sql`u.ethnicity_code`, sql`u.unit_code`, sql`u.category_id`, sql`u.position`, sql`u.cccd`], sql`
    from users u
    where u.id in (
      select user_id from enrollments where course_id = any(${ids}::int[]) and status = 'enrolled'
      union select user_id from certificates where course_id = any(${ids}::int[]))`);
  return id.map((v, i) => ({
    id: v, fullName: fullName[i], ho: ho[i], tenDem: tenDem[i], ten: ten[i], dateOfBirth: dateOfBirth[i],
    gender: gender[i], ethnicityCode: ethnicityCode[i], unitCode: unitCode[i], categoryId: categoryId[i], position: position[i], cccd: cccd[i],
  }));
}

/**
 * One row per (course, person) certificate chain: first issue date, and whether the latest one is valid.
 * DISTINCT ON keeps the latest row of each chain (one sort), where array_agg(… order by) sorts per chain.
 */
async function gatherCertificates(db: Db, ids: string): Promise<ReportInput["certificates"]> {
  const [courseId, userId, firstIssued, current, number] = await jsonColumns<[number[], number[], Texts, boolean[], Texts]>(db,
    [sql`course_id`, sql`user_id`, vnDateOf("first_issued_at"), sql`status = 'valid'`, sql`number`], sql`
    from (
      select distinct on (course_id, user_id) course_id, user_id, status, number, min(issued_at) over (partition by course_id, user_id) as first_issued_at
      from certificates where course_id = any(${ids}::int[])
      order by course_id, user_id, id desc
    ) c`);
  return courseId.map((v, i) => ({ courseId: v, userId: userId[i], firstIssued: firstIssued[i], current: current[i], number: number[i] }));
}

async function gatherQuiz(db: Db, ids: string): Promise<ReportInput["quiz"]> {
  return jsonRows<QuizRow>(db, sql`
    select ${jsonAgg(sql`json_build_object('courseId', x.course_id, 'userId', x.user_id, 'percents', x.percents)`)} from (
      select c.id as course_id, qa.user_id, array_agg(coalesce(qa.percent, 0) order by qa.attempt_no) as percents
      from courses c join quiz_attempts qa on qa.quiz_id = c.required_quiz_id
      where c.id = any(${ids}::int[]) and qa.status in ('submitted', 'expired')
      group by c.id, qa.user_id
    ) x`);
}

async function gatherApprovals(db: Db, ids: string): Promise<ReportInput["approvals"]> {
  return jsonRows<ApprovalRow>(db, sql`select ${jsonAgg(sql`json_build_object('courseId', course_id, 'userId', user_id, 'approved', approved)`)} from completion_approvals where course_id = any(${ids}::int[])`);
}

async function gatherFunding(db: Db, ids: string): Promise<ReportInput["funding"]> {
  return jsonRows<FundingRow>(db, sql`select ${jsonAgg(sql`json_build_object('id', id, 'courseId', course_id, 'source', source, 'amount', amount, 'note', note) order by id`)} from funding_lines where course_id = any(${ids}::int[])`);
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
    () => db.select({ id: participantCategories.id, name: participantCategories.name, sortOrder: participantCategories.sortOrder, active: participantCategories.active })
      .from(participantCategories).orderBy(asc(participantCategories.sortOrder)),
    () => db.select({ code: ethnicities.code, name: ethnicities.name }).from(ethnicities),
  ] as const);
  const ids = intArray(courses.map((c) => c.id));
  const [attended, enrolled, persons, certificates, quiz, approvals, funding] = courses.length
    ? await run(!inTransaction, [
      () => gatherAttendance(db, intArray([...sessions.keys()]), intArray(excusedSessionIds)), () => gatherEnrolled(db, ids),
      () => gatherPersons(db, ids), () => gatherCertificates(db, ids), () => gatherQuiz(db, ids), () => gatherApprovals(db, ids), () => gatherFunding(db, ids),
    ] as const)
    : [[], [], [], [], [], [], []];
  const pairs = sumAttendance(enrolled, attended, sessions, from, to);
  return { from, to, courses, pairs, persons, certificates, funding, quiz, approvals, units: unitRows, categories, ethnicities: ethnicityRows };
}
