import { and, asc, count, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jsonList, jsonRow } from "../../db/json";
import { ethnicities, participantCategories, units, users, type Role } from "../../db/schema";
import { audit } from "../../lib/audit";
import { Conflict, NotFound, ValidationError } from "../../lib/errors";
import { containsPattern } from "../../lib/like";
import { t } from "../../messages";
import { hashPassword, randomPassword } from "../../lib/passwords";
import { joinFullName } from "../../lib/vietnamese";
import type { UserInput } from "./users.schema";

export const PAGE_SIZE = 20;
type Actor = { id: number; ip?: string | null };

/** Lists users matching a search text and role, one page at a time, sorted by given name. */
export async function listUsers(db: Db, opts: { q: string; role?: Role; page: number }) {
  const conds: SQL[] = [];
  if (opts.q) {
    const like = containsPattern(opts.q);
    conds.push(or(ilike(users.fullName, like), ilike(users.login, like), ilike(users.email, like), ilike(users.phone, like))!);
  }
  if (opts.role) conds.push(eq(users.role, opts.role));
  const where = conds.length ? and(...conds) : undefined;
  const [{ total }] = await db.select({ total: count() }).from(users).where(where);
  const rows = await db
    .select({ id: users.id, fullName: users.fullName, login: users.login, email: users.email, phone: users.phone, role: users.role, active: users.active, unitName: units.name })
    .from(users)
    .leftJoin(units, eq(units.code, users.unitCode))
    .where(where)
    .orderBy(asc(users.ten), asc(users.tenDem), asc(users.ho), asc(users.id))
    .limit(PAGE_SIZE)
    .offset((opts.page - 1) * PAGE_SIZE);
  return { rows, total, page: opts.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** One user, or NotFound. */
export async function getUser(db: Db, id: number) {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  if (!u) throw new NotFound();
  return u;
}

/** Checks that referenced units, ethnicities and categories exist; throws ValidationError naming the field. */
async function checkReferences(db: Db, input: UserInput): Promise<void> {
  const errors: Record<string, string> = {};
  if (input.unitCode && !(await db.select({ c: units.code }).from(units).where(eq(units.code, input.unitCode))).length) errors.unitCode = t.validation.unknown;
  if (input.ethnicityCode && !(await db.select({ c: ethnicities.code }).from(ethnicities).where(eq(ethnicities.code, input.ethnicityCode))).length) errors.ethnicityCode = t.validation.unknown;
  if (input.categoryId && !(await db.select({ c: participantCategories.id }).from(participantCategories).where(eq(participantCategories.id, input.categoryId))).length) errors.categoryId = t.validation.unknown;
  if (input.role !== "trainee" && !input.login && !input.email) errors.login = t.validation.required;
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

function columns(input: UserInput) {
  return {
    ho: input.ho,
    tenDem: input.tenDem,
    ten: input.ten,
    fullName: joinFullName(input),
    login: input.login || input.email || null,
    email: input.email,
    phone: input.phone,
    role: input.role,
    dateOfBirth: input.dateOfBirth,
    gender: input.gender,
    ethnicityCode: input.ethnicityCode,
    position: input.position,
    unitCode: input.unitCode,
    categoryId: input.categoryId,
    cccd: input.cccd,
  };
}

async function loginTaken(db: Db, login: string | null, exceptId?: number): Promise<boolean> {
  if (!login) return false;
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.login, login));
  return rows.some((r) => r.id !== exceptId);
}

/** Creates a user with a password. Throws ValidationError (bad reference, login taken). */
export async function createUser(db: Db, input: UserInput & { password: string }, actor: Actor | null) {
  await checkReferences(db, input);
  const values = columns(input);
  if (await loginTaken(db, values.login)) throw new ValidationError({ login: t.users.loginTaken });
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [u] = await tx.insert(users).values({ ...values, passwordHash }).returning();
    await audit(tx, { actorId: actor?.id, action: "user.create", targetType: "user", targetId: u.id, details: { role: u.role }, ip: actor?.ip });
    return u;
  });
}

/** Updates a user's details and role; an admin cannot remove their own admin role. */
export async function updateUser(db: Db, id: number, input: UserInput, actor: Actor) {
  const before = await getUser(db, id);
  await checkReferences(db, input);
  const values = columns(input);
  if (id === actor.id && before.role === "admin" && input.role !== "admin") throw new ValidationError({ role: t.users.cannotDemoteSelf });
  if (await loginTaken(db, values.login, id)) throw new ValidationError({ login: t.users.loginTaken });
  await db.transaction(async (tx) => {
    // A unit set by hand settles the unit name kept from an import (the person leaves the data checks).
    const settled = values.unitCode ? { unitAsImported: null } : {};
    await tx.update(users).set({ ...values, ...settled, updatedAt: new Date() }).where(eq(users.id, id));
    await audit(tx, { actorId: actor.id, action: "user.update", targetType: "user", targetId: id, ip: actor.ip });
    if (before.role !== input.role) {
      await audit(tx, { actorId: actor.id, action: "user.role", targetType: "user", targetId: id, details: { from: before.role, to: input.role }, ip: actor.ip });
    }
  });
}

/** Deactivates (ending every session at once) or reactivates an account. */
export async function setActive(db: Db, id: number, active: boolean, actor: Actor): Promise<void> {
  await getUser(db, id);
  if (id === actor.id && !active) throw new Conflict(t.users.cannotDeactivateSelf);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ active, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() }).where(eq(users.id, id));
    await audit(tx, { actorId: actor.id, action: active ? "user.activate" : "user.deactivate", targetType: "user", targetId: id, ip: actor.ip });
  });
}

/** Reference lists for the person form. */
export async function personFormOptions(db: Db) {
  // One statement for the three lists (every course page shows the enrollment form).
  const [row] = await db.select({
    units: jsonList<{ code: string; name: string; validTo: string | null }>(
      sql`json_build_object('code', ${units.code}, 'name', ${units.name}, 'validTo', ${units.validTo})`, sql`from ${units}`, sql`${units.name}`,
    ),
    ethnicities: jsonList<typeof ethnicities.$inferSelect>(jsonRow(ethnicities), sql`from ${ethnicities}`, sql`${ethnicities.code}`),
    categories: jsonList<typeof participantCategories.$inferSelect>(
      jsonRow(participantCategories), sql`from ${participantCategories} where ${participantCategories.active}`, sql`${participantCategories.sortOrder}, ${participantCategories.name}`,
    ),
  }).from(sql`(select 1) as one`);
  return row;
}

/**
 * On an empty database, creates the first administrator: from TAPHUAN_ADMIN_EMAIL/PASSWORD when set,
 * otherwise `admin` with a random password, returned so the server prints it once. Never a fixed password.
 */
export async function ensureFirstAdmin(db: Db, opts: { email?: string; password?: string }): Promise<{ login: string; password?: string } | null> {
  const [{ n }] = await db.select({ n: count() }).from(users).where(eq(users.role, "admin"));
  if (n > 0) return null;
  const generated = opts.password ? undefined : randomPassword();
  const login = opts.email?.toLowerCase() ?? "admin";
  await createUser(
    db,
    {
      ho: "Quản", tenDem: "Trị", ten: "Viên", login, email: opts.email?.toLowerCase() ?? null, phone: null, role: "admin",
      dateOfBirth: null, gender: null, ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null,
      password: opts.password ?? generated!,
    },
    null,
  );
  return { login, password: generated };
}
