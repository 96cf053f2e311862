import { asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { courses, planTasks, plans } from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound, ValidationError } from "../../lib/errors";
import { t } from "../../messages";

type Actor = { id: number; ip?: string | null };
export interface PlanInput {
  title: string;
  number: string | null;
  issuedDate: string | null;
  issuingBody: string | null;
  /** Task titles in order: task n is line n. */
  tasks: string[];
}

/** Plans, newest first, with their tasks. */
export async function listPlans(db: Db) {
  const rows = await db.select().from(plans).orderBy(desc(plans.id));
  const tasks = rows.length ? await db.select().from(planTasks).where(inArray(planTasks.planId, rows.map((p) => p.id))).orderBy(asc(planTasks.number)) : [];
  return rows.map((p) => ({ ...p, tasks: tasks.filter((x) => x.planId === p.id) }));
}

export async function getPlan(db: Db, id: number) {
  const [plan] = await db.select().from(plans).where(eq(plans.id, id));
  if (!plan) throw new NotFound();
  const tasks = await db.select().from(planTasks).where(eq(planTasks.planId, id)).orderBy(asc(planTasks.number));
  return { ...plan, tasks };
}

/** Adds a plan with its numbered tasks. */
export async function createPlan(db: Db, input: PlanInput, actor: Actor) {
  return db.transaction(async (tx) => {
    const [plan] = await tx.insert(plans).values({ title: input.title, number: input.number, issuedDate: input.issuedDate, issuingBody: input.issuingBody }).returning();
    if (input.tasks.length) await tx.insert(planTasks).values(input.tasks.map((title, i) => ({ planId: plan.id, number: i + 1, title })));
    await audit(tx, { actorId: actor.id, action: "plan.create", targetType: "plan", targetId: plan.id, details: { title: input.title }, ip: actor.ip });
    return plan;
  });
}

/**
 * Edits a plan. Tasks are matched by number: existing ones are renamed, new lines add tasks; a task that
 * courses already count under cannot be removed (the report would lose them).
 */
export async function updatePlan(db: Db, id: number, input: PlanInput, actor: Actor): Promise<void> {
  const plan = await getPlan(db, id);
  const removed = plan.tasks.filter((x) => x.number > input.tasks.length);
  if (removed.length) {
    const used = await db.select({ id: courses.id }).from(courses).where(inArray(courses.planTaskId, removed.map((r) => r.id))).limit(1);
    if (used.length) throw new ValidationError({ tasks: t.plans.taskInUse });
  }
  await db.transaction(async (tx) => {
    await tx.update(plans).set({ title: input.title, number: input.number, issuedDate: input.issuedDate, issuingBody: input.issuingBody }).where(eq(plans.id, id));
    for (const [i, title] of input.tasks.entries()) {
      const existing = plan.tasks.find((x) => x.number === i + 1);
      if (existing) await tx.update(planTasks).set({ title }).where(eq(planTasks.id, existing.id));
      else await tx.insert(planTasks).values({ planId: id, number: i + 1, title });
    }
    if (removed.length) await tx.delete(planTasks).where(inArray(planTasks.id, removed.map((r) => r.id)));
    await audit(tx, { actorId: actor.id, action: "plan.update", targetType: "plan", targetId: id, ip: actor.ip });
  });
}
