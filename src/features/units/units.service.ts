import { asc, eq, isNull, or, gte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { participantCategories, units } from "../../db/schema";
import { audit, audited } from "../../lib/audit";
import { NotFound, ValidationError } from "../../lib/errors";
import { t } from "../../messages";
import { matchKey } from "../../lib/vietnamese";
import type { UnitInput } from "./units.schema";

type Actor = { id: number; ip?: string | null };

/** Units sorted by name; by default only those valid today or later. */
export async function listUnits(db: Db, opts: { all: boolean; today: string }) {
  const where = opts.all ? undefined : or(isNull(units.validTo), gte(units.validTo, opts.today));
  return db.select().from(units).where(where).orderBy(asc(units.type), asc(units.name));
}

export async function getUnit(db: Db, code: string) {
  const [u] = await db.select().from(units).where(eq(units.code, code));
  if (!u) throw new NotFound();
  return u;
}

async function checkLinks(db: Db, code: string, input: UnitInput): Promise<void> {
  const errors: Record<string, string> = {};
  for (const field of ["parentCode", "mergedInto"] as const) {
    const target = input[field];
    if (!target) continue;
    if (target === code) errors[field] = "Không thể trỏ tới chính đơn vị này";
    else if (!(await db.select({ c: units.code }).from(units).where(eq(units.code, target))).length) errors[field] = t.units.unknownUnit;
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

/** Adds a unit. Throws ValidationError when the code exists or a linked unit does not. */
export async function createUnit(db: Db, code: string, input: UnitInput, actor: Actor): Promise<void> {
  if ((await db.select({ c: units.code }).from(units).where(eq(units.code, code))).length) throw new ValidationError({ code: t.units.codeTaken });
  await checkLinks(db, code, input);
  await db.transaction(async (tx) => {
    await tx.insert(units).values({ code, ...input });
    await audit(tx, { actorId: actor.id, action: "unit.create", targetType: "unit", targetId: code, details: { ...input }, ip: actor.ip });
  });
}

/** Edits a unit (its code stays: people and history refer to it). */
export async function updateUnit(db: Db, code: string, input: UnitInput, actor: Actor): Promise<void> {
  const before = await getUnit(db, code);
  await checkLinks(db, code, input);
  await db.transaction(async (tx) => {
    await tx.update(units).set({ ...input, updatedAt: new Date() }).where(eq(units.code, code));
    await audit(tx, { actorId: actor.id, action: "unit.update", targetType: "unit", targetId: code, details: { before: { ...before, updatedAt: undefined }, after: input }, ip: actor.ip });
  });
}

export async function listCategories(db: Db) {
  return db.select().from(participantCategories).orderBy(asc(participantCategories.sortOrder), asc(participantCategories.name));
}

async function categoryNameTaken(db: Db, name: string, exceptId?: number): Promise<boolean> {
  const key = matchKey(name);
  return (await listCategories(db)).some((c) => c.id !== exceptId && matchKey(c.name) === key);
}

/** Adds a participant category; names compare ignoring case and tone placement. */
export async function createCategory(db: Db, input: { name: string; sortOrder: number }, actor: Actor): Promise<void> {
  if (await categoryNameTaken(db, input.name)) throw new ValidationError({ name: t.categories.nameTaken });
  await audited(
    db,
    async (tx) => (await tx.insert(participantCategories).values(input).returning())[0],
    (c) => ({ actorId: actor.id, action: "category.create", targetType: "category", targetId: c.id, details: input, ip: actor.ip }),
  );
}

/** Renames or reorders a category, or hides/shows it (hidden ones stay on existing people). */
export async function updateCategory(db: Db, id: number, input: { name?: string; sortOrder?: number; active?: boolean }, actor: Actor): Promise<void> {
  const [before] = await db.select().from(participantCategories).where(eq(participantCategories.id, id));
  if (!before) throw new NotFound();
  if (input.name && (await categoryNameTaken(db, input.name, id))) throw new ValidationError({ name: t.categories.nameTaken });
  await audited(
    db,
    (tx) => tx.update(participantCategories).set(input).where(eq(participantCategories.id, id)),
    () => ({ actorId: actor.id, action: "category.update", targetType: "category", targetId: id, details: { before, after: input }, ip: actor.ip }),
  );
}
