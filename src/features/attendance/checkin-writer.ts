/**
 * Writes check-ins in groups. At the door fifty phones scan within seconds; each check-in is one
 * statement (the mark and its change-log row, only for an enrolled trainee without a mark), and the
 * database spends most of a statement's time on fixed costs. So check-ins that arrive while a write is
 * running wait for it and then go together, in one statement with one row per check-in ("group
 * commit"): a lone check-in is written after a 2 ms wait for company, a rush of 200 in a few statements.
 *
 * Each check-in still gets its own answer: marked, already marked (and with what), or not enrolled.
 * A trainee who appears twice in one group (two taps) is written once; the second tap is told
 * "already marked", as it would be one statement later.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { Batcher } from "../../lib/batcher";
import { attendanceChanges, attendanceMarks, enrollments, type MarkStatus } from "../../db/schema";

export interface CheckinWrite {
  sessionId: number;
  courseId: number;
  userId: number;
  status: "P" | "L";
  source: "qr" | "code";
  at: Date;
  ip: string | null;
}

/** What the database found: inserted now, or the mark that was there before, or not enrolled. */
export interface CheckinWritten {
  inserted: boolean;
  prev: MarkStatus | null;
  enrolled: boolean;
}

/** Check-ins waiting while a statement runs are written together in the next one (lib/batcher.ts). */
export class CheckinWriter {
  private readonly batcher: Batcher<CheckinWrite, CheckinWritten>;

  constructor(db: Db) {
    this.batcher = new Batcher((writes) => writeGroup(db, writes));
  }

  write(w: CheckinWrite): Promise<CheckinWritten> {
    return this.batcher.add(w);
  }
}

const pairKey = (w: CheckinWrite) => `${w.sessionId}:${w.userId}`;

/** A row of writeCheckins' statement: the request's position, and what became of it. */
type CheckinRow = { ord: number; inserted: boolean; prev: MarkStatus | null; enrolled: boolean };

/** One statement for a group of check-ins; results in the order of `writes`. */
export async function writeGroup(db: Db, writes: CheckinWrite[]): Promise<CheckinWritten[]> {
  // Two taps of one trainee in one group: the first is written, the later ones are told what it found.
  const unique: CheckinWrite[] = []; // first taps; a row's `ord` in the statement is its index here
  const ordOf = new Map<string, number>();
  for (const w of writes) {
    if (!ordOf.has(pairKey(w))) ordOf.set(pairKey(w), unique.push(w) - 1);
  }
  const values: SQL[] = unique.map(
    (w, ord) => sql`(${w.sessionId}::int, ${w.userId}::int, ${w.courseId}::int, ${w.status}::varchar, ${w.source}::varchar, ${w.at.toISOString()}::timestamptz, ${w.ip}::text, ${ord}::int)`,
  );
  // The CTEs read the snapshot before the inserts, so `prev` is the mark that existed before.
  const result = (await db.execute<CheckinRow>(sql`
    with req (session_id, user_id, course_id, status, source, at, ip, ord) as (values ${sql.join(values, sql`, `)}),
    prev as (
      select r.ord, m.status from req r join ${attendanceMarks} m on m.session_id = r.session_id and m.user_id = r.user_id
    ), enrolled as (
      select r.ord from req r join ${enrollments} e on e.course_id = r.course_id and e.user_id = r.user_id and e.status = 'enrolled'
    ), ins as (
      insert into ${attendanceMarks} (session_id, user_id, status, source, marked_by, marked_at)
      select r.session_id, r.user_id, r.status, r.source, r.user_id, r.at from req r
      where r.ord in (select ord from enrolled) and r.ord not in (select ord from prev)
      on conflict (session_id, user_id) do nothing
      returning session_id, user_id, status, marked_at
    ), logged as (
      insert into ${attendanceChanges} (session_id, user_id, old_status, new_status, source, changed_by, changed_at, ip)
      select i.session_id, i.user_id, null, i.status, r.source, i.user_id, i.marked_at, r.ip
      from ins i join req r on r.session_id = i.session_id and r.user_id = i.user_id
      returning session_id, user_id
    )
    select r.ord,
      exists (select 1 from logged l where l.session_id = r.session_id and l.user_id = r.user_id) as inserted,
      (select p.status from prev p where p.ord = r.ord) as prev,
      exists (select 1 from enrolled e where e.ord = r.ord) as enrolled
    from req r order by r.ord`)) as { rows: CheckinRow[] };
  return writes.map((w) => {
    const ord = ordOf.get(pairKey(w))!;
    const r = result.rows[ord];
    if (unique[ord] === w) return { inserted: r.inserted, prev: r.prev, enrolled: r.enrolled };
    // A repeat within the group: it finds what the first tap left.
    return { inserted: false, prev: r.inserted ? unique[ord].status : r.prev, enrolled: r.enrolled };
  });
}
