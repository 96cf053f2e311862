/**
 * Walk-ins (people who turn up at the door without being on the roster) and the later merge of such a
 * person into an existing account.
 */
import { and, asc, count, eq, ilike, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import {
  attendanceChanges, attendanceMarks, certificates, completionApprovals, courses, courseTrainers, enrollments, quizAttempts, units, users, type EnrollmentStatus, type Role,
} from "../../db/schema";
import { audit } from "../../lib/audit";
import { Conflict, NotFound, ValidationError } from "../../lib/errors";
import { optionalPhone, requiredText } from "../../lib/forms";
import { containsPattern } from "../../lib/like";
import { t } from "../../messages";
import { todayIso } from "../../lib/time";
import { joinFullName, splitFullName } from "../../lib/vietnamese";
import { listUnits } from "../units";
import { getUser } from "../users";
import { addParticipantInTx } from "./enrollment.service";

type Actor = { id: number; ip?: string | null; role?: Role };
const m = t.materials;

/** The walk-in form: one "Họ và tên" field, a current unit and a phone number (the duplicate key). */
export const walkinSchema = z.object({
  fullName: requiredText(120).refine((s) => s.split(" ").length >= 2, m.walkin.fullNameTwoWords),
  unitCode: requiredText(32),
  phone: optionalPhone.refine((p) => p !== null, t.validation.required),
});
export type WalkinInput = z.infer<typeof walkinSchema>;

/** The merge form: the account that absorbs the duplicate. */
export const mergeSchema = z.object({
  targetId: z.preprocess((v) => (v === "" || v == null ? undefined : Number(v)), z.number({ message: m.merge.badTarget }).int(m.merge.badTarget).positive(m.merge.badTarget)),
});

/** Units valid today, for the walk-in form's select. */
export async function walkinUnits(db: Db) {
  return listUnits(db, { all: false, today: todayIso() });
}

/**
 * Adds a walk-in to a course: the active trainee with that phone number if there is one (for a trainer:
 * only someone already in one of their courses), otherwise a new trainee without login or password; then enrolls them (source "walkin"; waitlisted if the course is full).
 * The caller has checked that the actor manages the course. Throws ValidationError (unit not current),
 * Conflict (course cancelled), NotFound.
 */
export async function addWalkin(db: Db, courseId: number, input: WalkinInput, actor: Actor) {
  if (!(await walkinUnits(db)).some((u) => u.code === input.unitCode)) throw new ValidationError({ unitCode: m.walkin.unitUnknown });
  return db.transaction(async (tx) => {
    const [course] = await tx.select({ status: courses.status }).from(courses).where(eq(courses.id, courseId));
    if (!course) throw new NotFound();
    if (course.status === "cancelled") throw new Conflict(m.walkin.courseCancelled);
    // Two trainers at two doors typing the same phone must not create the person twice (phone is not unique in the schema).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${"walkin-phone:" + input.phone}))`);
    // Only a trainee is ever taken for the walk-in (never an admin's or trainer's account); a trainer only
    // gets someone already in one of their courses: another person's record is neither attached nor named.
    const [found] = await tx
      .select({ id: users.id, fullName: users.fullName })
      .from(users)
      .where(and(eq(users.phone, input.phone), eq(users.active, true), eq(users.role, "trainee")))
      .orderBy(asc(users.id))
      .limit(1);
    const seen = found && (actor.role !== "trainer" || (await isInTrainersCourses(tx, actor.id, found.id)));
    const existing = seen ? found : undefined;
    let person = existing;
    if (!person) {
      const name = splitFullName(input.fullName);
      [person] = await tx
        .insert(users)
        .values({ ...name, fullName: joinFullName(name), login: null, passwordHash: null, phone: input.phone, unitCode: input.unitCode, role: "trainee" })
        .returning({ id: users.id, fullName: users.fullName });
      await audit(tx, { actorId: actor.id, action: "user.create", targetType: "user", targetId: person.id, details: { role: "trainee", source: "walkin", courseId }, ip: actor.ip });
    }
    const status = await addParticipantInTx(tx, courseId, person.id, "walkin", actor);
    return { person, created: !existing, hiddenMatch: !!found && !seen, status };
  });
}

/** Is the person enrolled (in any status) in a course this trainer teaches? */
async function isInTrainersCourses(db: Db, trainerId: number, userId: number): Promise<boolean> {
  const [row] = await db.select({ id: enrollments.id }).from(enrollments)
    .innerJoin(courseTrainers, eq(courseTrainers.courseId, enrollments.courseId))
    .where(and(eq(courseTrainers.userId, trainerId), eq(enrollments.userId, userId)))
    .limit(1);
  return !!row;
}

/** The person to merge away, with unit name and number of enrollments. Throws NotFound. */
export async function getMergeSource(db: Db, id: number) {
  const person = await getUser(db, id);
  const [unit] = person.unitCode ? await db.select({ name: units.name }).from(units).where(eq(units.code, person.unitCode)) : [];
  const [{ n }] = await db.select({ n: count() }).from(enrollments).where(eq(enrollments.userId, id));
  return { ...person, unitName: unit?.name ?? null, enrollmentCount: n };
}

/** Active accounts other than `sourceId` matching a name, login, email or phone (at most 20). */
export async function findMergeTargets(db: Db, sourceId: number, q: string) {
  if (!q) return [];
  const like = containsPattern(q);
  const conds: SQL[] = [eq(users.active, true), ne(users.id, sourceId), or(ilike(users.fullName, like), ilike(users.login, like), ilike(users.email, like), ilike(users.phone, like))!];
  return db
    .select({ id: users.id, fullName: users.fullName, login: users.login, email: users.email, phone: users.phone, role: users.role, unitName: units.name })
    .from(users)
    .leftJoin(units, eq(units.code, users.unitCode))
    .where(and(...conds))
    .orderBy(asc(users.ten), asc(users.tenDem), asc(users.ho), asc(users.id))
    .limit(20);
}

// Best first; rejected and cancelled share the lowest rank.
const STATUS_RANK: Partial<Record<EnrollmentStatus, number>> = { enrolled: 3, waitlisted: 2, pending: 1 };
const rank = (s: EnrollmentStatus) => STATUS_RANK[s] ?? 0;

/** Re-points enrollments; where both have one in a course, the better status stays (the target's on a tie). */
async function moveEnrollments(tx: Db, fromId: number, toId: number): Promise<number> {
  const theirs = await tx.select().from(enrollments).where(eq(enrollments.userId, fromId));
  const courseIds = theirs.map((e) => e.courseId);
  const mine = courseIds.length ? await tx.select().from(enrollments).where(and(eq(enrollments.userId, toId), inArray(enrollments.courseId, courseIds))) : [];
  for (const own of mine) {
    const other = theirs.find((e) => e.courseId === own.courseId)!;
    const drop = rank(other.status) > rank(own.status) ? own : other;
    await tx.delete(enrollments).where(eq(enrollments.id, drop.id));
  }
  const moved = await tx.update(enrollments).set({ userId: toId }).where(eq(enrollments.userId, fromId)).returning({ id: enrollments.id });
  return moved.length;
}

const MARK_RANK: Record<string, number> = { P: 4, L: 3, E: 2, A: 1 };

/** Re-points attendance marks; where both were marked for the same session, the better mark stays. */
async function moveMarks(tx: Db, fromId: number, toId: number): Promise<number> {
  const theirs = await tx.select().from(attendanceMarks).where(eq(attendanceMarks.userId, fromId));
  const sessionIds = theirs.map((x) => x.sessionId);
  const mine = sessionIds.length ? await tx.select().from(attendanceMarks).where(and(eq(attendanceMarks.userId, toId), inArray(attendanceMarks.sessionId, sessionIds))) : [];
  for (const own of mine) {
    const other = theirs.find((x) => x.sessionId === own.sessionId)!;
    const drop = MARK_RANK[other.status] > MARK_RANK[own.status] ? own : other;
    await tx.delete(attendanceMarks).where(eq(attendanceMarks.id, drop.id));
  }
  return (await tx.update(attendanceMarks).set({ userId: toId }).where(eq(attendanceMarks.userId, fromId)).returning({ id: attendanceMarks.id })).length;
}

/** Re-points quiz attempts, numbering the duplicate's attempts after the target's in each quiz. */
async function moveAttempts(tx: Db, fromId: number, toId: number): Promise<number> {
  const theirs = await tx.select().from(quizAttempts).where(eq(quizAttempts.userId, fromId)).orderBy(asc(quizAttempts.quizId), asc(quizAttempts.attemptNo));
  for (const a of theirs) {
    const [{ last }] = await tx.select({ last: sql<number>`coalesce(max(${quizAttempts.attemptNo}), 0)::int` }).from(quizAttempts).where(and(eq(quizAttempts.quizId, a.quizId), eq(quizAttempts.userId, toId)));
    await tx.update(quizAttempts).set({ userId: toId, attemptNo: last + 1 }).where(eq(quizAttempts.id, a.id));
  }
  return theirs.length;
}

/** Re-points completion confirmations; the target's own decision for a course wins. */
async function moveApprovals(tx: Db, fromId: number, toId: number): Promise<number> {
  const mine = await tx.select({ courseId: completionApprovals.courseId }).from(completionApprovals).where(eq(completionApprovals.userId, toId));
  if (mine.length) await tx.delete(completionApprovals).where(and(eq(completionApprovals.userId, fromId), inArray(completionApprovals.courseId, mine.map((x) => x.courseId))));
  return (await tx.update(completionApprovals).set({ userId: toId }).where(eq(completionApprovals.userId, fromId)).returning({ c: completionApprovals.courseId })).length;
}

/** Re-points rows of a table whose user column has no uniqueness to respect. */
const moveAll = (table: typeof attendanceChanges | typeof certificates) => async (tx: Db, fromId: number, toId: number) =>
  (await tx.update(table).set({ userId: toId }).where(eq(table.userId, fromId)).returning({ id: table.id })).length;

type Mover = (tx: Db, fromId: number, toId: number) => Promise<number>;

/**
 * Every column referencing users.id that records a participant: a merge moves it to the target.
 * Add attendance marks, quiz attempts, certificates… here; test/walkin.test.ts fails until every
 * foreign key to users is listed either here or in MERGE_KEPT_COLUMNS.
 */
const MOVERS: Record<string, Mover> = {
  "enrollments.user_id": moveEnrollments,
  "attendance_marks.user_id": moveMarks,
  "attendance_changes.user_id": moveAll(attendanceChanges),
  "quiz_attempts.user_id": moveAttempts,
  "completion_approvals.user_id": moveApprovals,
  "certificates.user_id": moveAll(certificates),
};
export const MERGE_MOVED_COLUMNS = Object.keys(MOVERS);

/** Columns referencing users.id that record what staff did or staff roles: history, never rewritten. */
export const MERGE_KEPT_COLUMNS = [
  "audit_log.actor_id",
  "org_settings.created_by",
  "courses.created_by",
  "course_trainers.user_id",
  "course_sessions.trainer_id",
  "materials.uploaded_by",
  "enrollments.decided_by",
  "attendance_marks.marked_by",
  "attendance_changes.changed_by",
  "completion_approvals.decided_by",
  "certificates.issued_by",
  "certificates.revoked_by",
  "issue_jobs.actor_id",
  "report_drafts.updated_by",
  "report_versions.frozen_by",
];

/**
 * Merges a duplicate trainee (typically a walk-in) into an existing active account, in one transaction:
 * moves every participant record, copies phone and unit when the target has none, deactivates the
 * duplicate (ending its sessions) and audits "user.merge". Throws Conflict (same account, inactive
 * target, source not a trainee, own account) or NotFound.
 */
export async function mergeUsers(db: Db, sourceId: number, targetId: number, actor: Actor) {
  if (sourceId === targetId) throw new Conflict(m.merge.self);
  if (sourceId === actor.id) throw new Conflict(m.merge.sourceIsActor);
  return db.transaction(async (tx) => {
    // Both rows locked in id order, so two merges of the same pair cannot deadlock or interleave.
    const rows = await tx.select().from(users).where(inArray(users.id, [sourceId, targetId])).orderBy(asc(users.id)).for("update");
    const source = rows.find((u) => u.id === sourceId);
    const target = rows.find((u) => u.id === targetId);
    if (!source) throw new NotFound();
    if (!target) throw new NotFound(m.merge.targetNotFound);
    if (source.role !== "trainee") throw new Conflict(m.merge.sourceNotTrainee);
    if (!target.active) throw new Conflict(m.merge.targetInactive);
    const moved: Record<string, number> = {};
    for (const [column, move] of Object.entries(MOVERS)) moved[column] = await move(tx, sourceId, targetId);
    await tx
      .update(users)
      .set({ phone: target.phone ?? source.phone, unitCode: target.unitCode ?? source.unitCode, updatedAt: new Date() })
      .where(eq(users.id, targetId));
    await tx
      .update(users)
      .set({ active: false, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, sourceId));
    await audit(tx, { actorId: actor.id, action: "user.merge", targetType: "user", targetId, details: { from: sourceId, into: targetId, moved }, ip: actor.ip });
    return { moved };
  });
}
