import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { courseSessions } from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound, ValidationError } from "../../lib/errors";
import { t } from "../../messages";
import { MAX_SERIES, seriesDates } from "./schedule";

type Actor = { id: number; ip?: string | null };
export interface SessionInput {
  date: string | null;
  startTime: string;
  endTime: string;
  venue: string | null;
  topic: string | null;
  trainerId: number | null;
  weekdays: number[];
  repeatUntil: string | null;
}

function checkTrainer(trainerIds: number[], trainerId: number | null): void {
  if (trainerId && !trainerIds.includes(trainerId)) throw new ValidationError({ trainerId: t.courses.sessionTrainerNotInCourse });
}

/** Adds one session, or a weekly series; returns how many were created. Throws ValidationError. */
export async function addSessions(db: Db, course: { id: number; trainerIds: number[] }, input: SessionInput, actor: Actor): Promise<number> {
  checkTrainer(course.trainerIds, input.trainerId);
  let dates: string[];
  try {
    dates = seriesDates(input.date!, input.weekdays, input.repeatUntil);
  } catch {
    throw new ValidationError({ repeatUntil: t.courses.tooManySessions(MAX_SERIES) });
  }
  if (!dates.length) throw new ValidationError({ weekdays: t.courses.noDatesInSeries });
  const { weekdays: _w, repeatUntil: _r, date: _d, ...rest } = input;
  await db.transaction(async (tx) => {
    await tx.insert(courseSessions).values(dates.map((date) => ({ courseId: course.id, date, ...rest })));
    await audit(tx, { actorId: actor.id, action: "session.add", targetType: "course", targetId: course.id, details: { dates }, ip: actor.ip });
  });
  return dates.length;
}

async function getSession(db: Db, courseId: number, sessionId: number) {
  const [s] = await db.select().from(courseSessions).where(and(eq(courseSessions.id, sessionId), eq(courseSessions.courseId, courseId)));
  if (!s) throw new NotFound();
  return s;
}

/** Edits one session's date, times, venue, topic or trainer. */
export async function updateSession(db: Db, course: { id: number; trainerIds: number[] }, sessionId: number, input: SessionInput, actor: Actor): Promise<void> {
  checkTrainer(course.trainerIds, input.trainerId);
  const before = await getSession(db, course.id, sessionId);
  const { weekdays: _w, repeatUntil: _r, ...cols } = input;
  await db.transaction(async (tx) => {
    await tx.update(courseSessions).set({ ...cols, date: cols.date! }).where(eq(courseSessions.id, sessionId));
    await audit(tx, { actorId: actor.id, action: "session.update", targetType: "session", targetId: sessionId, details: { before, after: cols }, ip: actor.ip });
  });
}

/** Cancels a session with a reason: it stays listed, struck out, and no longer counts in attendance. */
export async function cancelSession(db: Db, courseId: number, sessionId: number, reason: string, actor: Actor): Promise<void> {
  await getSession(db, courseId, sessionId);
  await db.transaction(async (tx) => {
    await tx.update(courseSessions).set({ cancelled: true, cancelReason: reason }).where(eq(courseSessions.id, sessionId));
    await audit(tx, { actorId: actor.id, action: "session.cancel", targetType: "session", targetId: sessionId, details: { reason }, ip: actor.ip });
  });
}
