/**
 * Enrollment with capacity, waitlist and approval. Every change that can take or free a seat runs in one
 * transaction that first locks the course row (SELECT … FOR UPDATE), so concurrent requests for the
 * same course are serialised and the capacity is never exceeded.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { courseSessions, courses, enrollments, users, type EnrollmentStatus } from "../../db/schema";
import { audit } from "../../lib/audit";
import { Conflict, NotFound } from "../../lib/errors";
import { t } from "../../messages";
import { todayIso } from "../../lib/time";
import { participantsQuery } from "./class-members";
import { freeSeats, nextPlace } from "./seats";

type Actor = { id: number; ip?: string | null };
export type EnrollSource = "self" | "import" | "walkin" | "admin";

async function lockCourse(tx: Db, courseId: number) {
  const [course] = await tx.select().from(courses).where(eq(courses.id, courseId)).for("update");
  if (!course) throw new NotFound();
  return course;
}

async function enrolledCount(tx: Db, courseId: number): Promise<number> {
  const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.status, "enrolled")));
  return n;
}

/** 1-based position on the waitlist (order of joining), or null when not waitlisted. */
export async function waitlistPosition(db: Db, courseId: number, userId: number): Promise<number | null> {
  const [me] = await db.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
  if (!me || me.status !== "waitlisted") return null;
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(enrollments)
    .where(and(eq(enrollments.courseId, courseId), eq(enrollments.status, "waitlisted"), sql`(${enrollments.waitlistedAt}, ${enrollments.id}) < (${me.waitlistedAt}, ${me.id})`));
  return n + 1;
}

/** Those seated, counted only where a capacity makes the number matter (seats.ts). */
const seatedOf = async (tx: Db, course: { id: number; capacity: number | null }) => (course.capacity == null ? 0 : enrolledCount(tx, course.id));

/** Seat or waitlist inside a locked transaction. */
async function placeInTx(tx: Db, course: { id: number; capacity: number | null }, userId: number, source: EnrollSource, existingId?: number) {
  const status = nextPlace(course.capacity, await seatedOf(tx, course));
  const full = status === "waitlisted";
  const values = { status, source, requestedAt: new Date(), waitlistedAt: full ? sql`clock_timestamp()` : null, decidedAt: null, decidedBy: null, rejectReason: null };
  if (existingId) await tx.update(enrollments).set(values).where(eq(enrollments.id, existingId));
  else await tx.insert(enrollments).values({ courseId: course.id, userId, ...values } as never);
  return status;
}

/**
 * A trainee enrolls in an open course: enrolled while seats remain, else waitlisted; with approval
 * required the request waits as "pending". Enrolling again changes nothing. Throws Conflict when the
 * course is not open for enrollment.
 */
export async function selfEnroll(db: Db, courseId: number, userId: number, now = new Date()): Promise<{ status: EnrollmentStatus; position: number | null }> {
  const status = await db.transaction(async (tx) => {
    const course = await lockCourse(tx, courseId);
    const today = todayIso(now);
    if (course.status !== "open" || (course.enrollOpens && today < course.enrollOpens) || (course.enrollCloses && today > course.enrollCloses)) {
      throw new Conflict(t.enrollment.notOpen);
    }
    const [existing] = await tx.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    if (existing && existing.status !== "cancelled" && existing.status !== "rejected") return existing.status;
    if (course.approvalRequired) {
      const values = { status: "pending" as const, source: "self", requestedAt: new Date(), waitlistedAt: null, decidedAt: null, decidedBy: null, rejectReason: null };
      if (existing) await tx.update(enrollments).set(values).where(eq(enrollments.id, existing.id));
      else await tx.insert(enrollments).values({ courseId, userId, ...values });
      return "pending" as const;
    }
    const placed = await placeInTx(tx, course, userId, "self", existing?.id);
    await audit(tx, { actorId: userId, action: "enrollment.self", targetType: "course", targetId: courseId, details: { status: placed } });
    return placed;
  });
  return { status, position: status === "waitlisted" ? await waitlistPosition(db, courseId, userId) : null };
}

/** Staff add someone directly (import, walk-in, admin): seated or waitlisted, no approval step. */
export async function addParticipant(db: Db, courseId: number, userId: number, source: EnrollSource, actor: Actor | null): Promise<EnrollmentStatus> {
  return db.transaction(async (tx) => addParticipantInTx(tx, courseId, userId, source, actor));
}

/** The same inside the caller's transaction (roster import enrolls many people in one transaction). */
export async function addParticipantInTx(tx: Db, courseId: number, userId: number, source: EnrollSource, actor: Actor | null): Promise<EnrollmentStatus> {
  const course = await lockCourse(tx, courseId);
  const [existing] = await tx.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
  if (existing && ["enrolled", "waitlisted"].includes(existing.status)) return existing.status;
  const placed = await placeInTx(tx, course, userId, source, existing?.id);
  await audit(tx, { actorId: actor?.id ?? null, action: "enrollment.add", targetType: "course", targetId: courseId, details: { userId, status: placed, source }, ip: actor?.ip });
  return placed;
}

/** Fills free seats from the head of the waitlist (inside a locked transaction). */
async function promoteWaitlist(tx: Db, course: { id: number; capacity: number | null }): Promise<number[]> {
  const promoted: number[] = [];
  for (;;) {
    if (!freeSeats(course.capacity, await seatedOf(tx, course))) break;
    const [next] = await tx.select().from(enrollments).where(and(eq(enrollments.courseId, course.id), eq(enrollments.status, "waitlisted"))).orderBy(asc(enrollments.waitlistedAt), asc(enrollments.id)).limit(1);
    if (!next) break;
    await tx.update(enrollments).set({ status: "enrolled", waitlistedAt: null, decidedAt: new Date() }).where(eq(enrollments.id, next.id));
    promoted.push(next.userId);
  }
  return promoted;
}

/** Cancels a person's enrollment (by themselves or staff); the first on the waitlist takes the seat. */
export async function cancelEnrollment(db: Db, courseId: number, userId: number, actor: Actor): Promise<{ promoted: number[] }> {
  return db.transaction(async (tx) => {
    const course = await lockCourse(tx, courseId);
    const [row] = await tx.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    if (!row || row.status === "cancelled" || row.status === "rejected") throw new NotFound();
    await tx.update(enrollments).set({ status: "cancelled", waitlistedAt: null, decidedBy: actor.id, decidedAt: new Date() }).where(eq(enrollments.id, row.id));
    const promoted = await promoteWaitlist(tx, course);
    await audit(tx, { actorId: actor.id, action: "enrollment.cancel", targetType: "course", targetId: courseId, details: { userId, promoted }, ip: actor.ip });
    return { promoted };
  });
}

/** Approves a pending request: a seat if one is free, else the waitlist. */
export async function approveEnrollment(db: Db, courseId: number, enrollmentId: number, actor: Actor): Promise<EnrollmentStatus> {
  return db.transaction(async (tx) => {
    const course = await lockCourse(tx, courseId);
    const [row] = await tx.select().from(enrollments).where(and(eq(enrollments.id, enrollmentId), eq(enrollments.courseId, courseId)));
    if (!row || row.status !== "pending") throw new NotFound();
    const placed = await placeInTx(tx, course, row.userId, row.source as EnrollSource, row.id);
    await tx.update(enrollments).set({ decidedBy: actor.id, decidedAt: new Date() }).where(eq(enrollments.id, row.id));
    await audit(tx, { actorId: actor.id, action: "enrollment.approve", targetType: "course", targetId: courseId, details: { userId: row.userId, status: placed }, ip: actor.ip });
    return placed;
  });
}

/** Rejects a pending request with a reason shown to the trainee. */
export async function rejectEnrollment(db: Db, courseId: number, enrollmentId: number, reason: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(enrollments).where(and(eq(enrollments.id, enrollmentId), eq(enrollments.courseId, courseId)));
    if (!row || row.status !== "pending") throw new NotFound();
    await tx.update(enrollments).set({ status: "rejected", rejectReason: reason, decidedBy: actor.id, decidedAt: new Date() }).where(eq(enrollments.id, row.id));
    await audit(tx, { actorId: actor.id, action: "enrollment.reject", targetType: "course", targetId: courseId, details: { userId: row.userId, reason }, ip: actor.ip });
  });
}

/** Participants of a course with their status and person details (waitlist in order). */
export async function listParticipants(db: Db, courseId: number) {
  const extra = {
    enrollmentId: enrollments.id, status: enrollments.status, source: enrollments.source, requestedAt: enrollments.requestedAt,
    rejectReason: enrollments.rejectReason, phone: users.phone, login: users.login,
  };
  return participantsQuery(db, extra)
    .where(eq(enrollments.courseId, courseId))
    .orderBy(asc(enrollments.waitlistedAt), asc(enrollments.id));
}

/** The viewer's own enrollment in a course, with waitlist position. */
export async function myEnrollment(db: Db, courseId: number, userId: number) {
  const [row] = await db.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
  if (!row) return null;
  return { ...row, position: row.status === "waitlisted" ? await waitlistPosition(db, courseId, userId) : null };
}

/** A trainee's courses for "my courses": status, waitlist position and the schedule of each. */
export async function myCourses(db: Db, userId: number) {
  const rows = await db
    .select({ courseId: courses.id, title: courses.title, kind: courses.kind, venue: courses.venue, courseStatus: courses.status, status: enrollments.status, rejectReason: enrollments.rejectReason })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .where(eq(enrollments.userId, userId))
    .orderBy(asc(courses.title));
  const ids = rows.map((r) => r.courseId);
  const sessionRows = ids.length ? await db.select().from(courseSessions).where(inArray(courseSessions.courseId, ids)).orderBy(asc(courseSessions.date), asc(courseSessions.startTime)) : [];
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      position: r.status === "waitlisted" ? await waitlistPosition(db, r.courseId, userId) : null,
      sessions: sessionRows.filter((s) => s.courseId === r.courseId),
    })),
  );
}
