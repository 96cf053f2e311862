/**
 * Roll-call by the course's trainers: the enrolled participants of one session with their marks, and
 * saving a whole sheet in one transaction, logging every actual change (old → new, remark, who, IP).
 */
import { aliasedTable, and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attendanceChanges, attendanceMarks, enrollments, users, type MarkStatus } from "../../db/schema";
import { Conflict, ValidationError } from "../../lib/errors";
import { attendanceMessages as m } from "./attendance.messages";
import { classPeople } from "../enrollment";
import { sessionOf } from "./kiosk.service";

type Actor = { id: number; ip?: string | null };

/** The enrolled participants of a course in roster order (enrollment's classPeople), with the columns roll-call and marks use. */
export async function enrolledPeople(db: Db, courseId: number) {
  const people = await classPeople(db, courseId);
  return people.map(({ userId, ho, tenDem, ten, fullName, dateOfBirth, birthYear, unitName }) => ({ userId, ho, tenDem, ten, fullName, dateOfBirth, birthYear, unitName }));
}

/** A course as getManagedCourse returns it (the parts roll-call needs). */
interface RollCallCourse {
  id: number;
  sessions: { id: number; date: string; startTime: string; endTime: string; cancelled: boolean; venue: string | null; topic: string | null }[];
}

/**
 * One session's sheet: the session, the participants with their marks, counts per status, and (for
 * admins) the change log, newest first. NotFound when the session is not the course's.
 */
export async function getRollCall(db: Db, course: RollCallCourse, sessionId: number, opts: { withAudit: boolean }) {
  const session = sessionOf(course, sessionId);
  const [people, marks, changes] = await Promise.all([
    enrolledPeople(db, course.id),
    db.select().from(attendanceMarks).where(eq(attendanceMarks.sessionId, sessionId)),
    opts.withAudit ? sessionChanges(db, sessionId) : Promise.resolve(null),
  ]);
  const byUser = new Map(marks.map((x) => [x.userId, x]));
  const rows = people.map((p) => ({ ...p, mark: byUser.get(p.userId) ?? null }));
  const counts: Record<string, number> = { P: 0, L: 0, E: 0, A: 0 };
  for (const r of rows) if (r.mark) counts[r.mark.status]++;
  return { session, rows, counts, unmarked: rows.filter((r) => !r.mark).length, changes };
}

/** The change log of a session, newest first, with the person's and the changer's names. */
export async function sessionChanges(db: Db, sessionId: number) {
  const changer = aliasedTable(users, "changer");
  return db
    .select({
      at: attendanceChanges.changedAt, person: users.fullName, oldStatus: attendanceChanges.oldStatus, newStatus: attendanceChanges.newStatus,
      remark: attendanceChanges.remark, source: attendanceChanges.source, by: changer.fullName, ip: attendanceChanges.ip,
    })
    .from(attendanceChanges)
    .innerJoin(users, eq(users.id, attendanceChanges.userId))
    .leftJoin(changer, eq(changer.id, attendanceChanges.changedBy))
    .where(eq(attendanceChanges.sessionId, sessionId))
    .orderBy(desc(attendanceChanges.changedAt), desc(attendanceChanges.id));
}

/** A submitted sheet: status and remark per user id (as the form sends them), and "present for the rest". */
export interface RollCallInput {
  marks: Record<string, MarkStatus>;
  /** Present key = the remark field was submitted (empty → null); absent = keep the stored remark. */
  remarks: Record<string, string | null>;
  rest: boolean;
}

type Stored = { status: MarkStatus; remark: string | null };

/**
 * Saves a roll-call sheet in one transaction and returns the number of changed marks. Only enrolled
 * participants are considered (ids of others in the form are ignored). A person without a chosen
 * status keeps their mark; "rest" gives P to those who have none yet, and never overrides an existing
 * mark (a QR check-in that arrived while the sheet was open stays). Each change writes one
 * attendance_changes row.
 * @throws Conflict for a cancelled session; ValidationError for a remark without any status; NotFound.
 */
export async function saveRollCall(db: Db, course: RollCallCourse, sessionId: number, input: RollCallInput, actor: Actor, now = new Date()): Promise<number> {
  const session = sessionOf(course, sessionId);
  if (session.cancelled) throw new Conflict(m.sessionCancelled);
  return db.transaction(async (tx) => {
    const people = (await tx.select({ userId: enrollments.userId }).from(enrollments).where(and(eq(enrollments.courseId, course.id), eq(enrollments.status, "enrolled")))).map((p) => p.userId);
    // Locks the existing marks, so a concurrent save cannot log a stale "old" status.
    const lockMarks = async (ids?: number[]) => {
      const where = ids ? and(eq(attendanceMarks.sessionId, sessionId), inArray(attendanceMarks.userId, ids)) : eq(attendanceMarks.sessionId, sessionId);
      const rows = await tx.select({ userId: attendanceMarks.userId, status: attendanceMarks.status, remark: attendanceMarks.remark }).from(attendanceMarks).where(where).orderBy(asc(attendanceMarks.userId)).for("update");
      return new Map<number, Stored>(rows.map((r) => [r.userId, r]));
    };
    const existing = await lockMarks();
    const wanted = new Map<number, Stored>();
    const errors: Record<string, string> = {};
    for (const userId of people) {
      const key = String(userId);
      const old = existing.get(userId);
      const remark = key in input.remarks ? input.remarks[key] : old?.remark ?? null;
      const status = input.marks[key] ?? old?.status ?? (input.rest ? "P" : undefined);
      if (!status) {
        if (remark) errors[`remark.u${key}`] = m.remarkNeedsStatus;
        continue;
      }
      if (!old || old.status !== status || (old.remark ?? null) !== remark) wanted.set(userId, { status, remark });
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    if (!wanted.size) return 0;

    const fresh = [...wanted.keys()].filter((id) => !existing.has(id));
    if (fresh.length) {
      const inserted = await tx
        .insert(attendanceMarks)
        .values(fresh.map((userId) => ({ sessionId, userId, ...wanted.get(userId)!, source: "rollcall", markedBy: actor.id, markedAt: now })))
        .onConflictDoNothing()
        .returning({ userId: attendanceMarks.userId });
      const done = new Set(inserted.map((r) => r.userId));
      // A trainee checked in between our read and our insert: that mark becomes an update.
      const raced = fresh.filter((id) => !done.has(id));
      if (raced.length) for (const [id, row] of await lockMarks(raced)) existing.set(id, row);
      for (const id of done) existing.delete(id);
    }
    const differs = (id: number, w: Stored) => { const old = existing.get(id); return !old || old.status !== w.status || (old.remark ?? null) !== w.remark; };
    const updates = [...wanted.entries()].filter(([id, w]) => existing.has(id) && differs(id, w));
    if (updates.length) {
      const values = sql.join(updates.map(([userId, w]) => sql`(${userId}::int, ${w.status}::varchar, ${w.remark}::text)`), sql`, `);
      await tx.execute(sql`
        update ${attendanceMarks} as m set status = v.status, remark = v.remark, source = 'rollcall', marked_by = ${actor.id}, marked_at = ${now.toISOString()}::timestamptz
        from (values ${values}) as v(user_id, status, remark)
        where m.session_id = ${sessionId} and m.user_id = v.user_id`);
    }
    const changes = [...wanted.entries()]
      .filter(([id, w]) => differs(id, w))
      .map(([userId, w]) => ({
        sessionId, userId, oldStatus: existing.get(userId)?.status ?? null, newStatus: w.status, remark: w.remark,
        source: "rollcall", changedBy: actor.id, changedAt: now, ip: actor.ip ?? null,
      }));
    if (changes.length) await tx.insert(attendanceChanges).values(changes);
    return changes.length;
  });
}
