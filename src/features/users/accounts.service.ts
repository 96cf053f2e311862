/**
 * Accounts the office issues: logins for a whole class at once, and one-time passwords (class accounts
 * and an admin's reset). A one-time password is returned to the caller once, to print or show in that
 * same response; only its hash is stored, and the first login with it must set a new password
 * (users.must_change_password, lib/password-change.ts).
 */
import { and, asc, count, eq, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { enrollments, units, users } from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound } from "../../lib/errors";
import { hashPassword, oneTimePassword } from "../../lib/passwords";
import { compareRosterNames } from "../../lib/vietnamese";
import { loginBase, loginPattern, pickLogin } from "./login-name";

type Actor = { id: number; ip?: string | null };

/** A person given an account now: the password is the only copy there will ever be. */
export interface IssuedAccount {
  userId: number;
  fullName: string;
  unitName: string | null;
  login: string;
  password: string;
  loginCreated: boolean;
}

interface Person {
  id: number;
  ho: string;
  tenDem: string;
  ten: string;
  fullName: string;
  unitName: string | null;
  login: string | null;
}

// Serialises login choices: two classes issued at once must not both pick "hantt".
const LOGIN_LOCK = 7_311_501;

/** Cannot log in: no login, or a login without a password (e.g. an email copied in by an edit). */
const cannotLogIn: SQL = or(isNull(users.login), isNull(users.passwordHash))!;

/** The course's people (not rejected or cancelled) who are active trainees that cannot log in. */
const classWithoutAccount = (courseId: number): SQL =>
  and(eq(enrollments.courseId, courseId), notInArray(enrollments.status, ["rejected", "cancelled"]), eq(users.role, "trainee"), eq(users.active, true), cannotLogIn)!;

/** How many of a course's trainees cannot log in yet. */
export async function countWithoutAccount(db: Db, courseId: number): Promise<number> {
  const [{ n }] = await db.select({ n: count() }).from(enrollments).innerJoin(users, eq(users.id, enrollments.userId)).where(classWithoutAccount(courseId));
  return n;
}

const personColumns = { id: users.id, ho: users.ho, tenDem: users.tenDem, ten: users.ten, fullName: users.fullName, unitName: units.name, login: users.login };

/**
 * Gives one-time passwords to `people` (and a login to those without one) in one transaction.
 * `onlyIfMissing`: skip anyone who got an account meanwhile (two trainers pressing at once).
 */
async function issue(db: Db, people: Person[], onlyIfMissing: boolean, log: (tx: Db, issued: IssuedAccount[]) => Promise<void>): Promise<IssuedAccount[]> {
  // argon2 takes a moment per password: hash before the transaction, not inside it.
  const prepared = await Promise.all(people.map(async (p) => {
    const password = oneTimePassword();
    return { p, password, hash: await hashPassword(password) };
  }));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOGIN_LOCK})`);
    const bases = prepared.filter((x) => !x.p.login).map((x) => loginBase(x.p));
    const taken = new Set<string>();
    if (bases.length) {
      const rows = await tx.select({ login: users.login }).from(users).where(sql`${users.login} ~ ${loginPattern(bases)}`);
      rows.forEach((r) => taken.add(r.login!));
    }
    const issued: IssuedAccount[] = [];
    for (const { p, password, hash } of prepared) {
      const login = p.login ?? pickLogin(loginBase(p), taken);
      const where = onlyIfMissing ? and(eq(users.id, p.id), cannotLogIn) : eq(users.id, p.id);
      const [row] = await tx
        .update(users)
        .set({ login, passwordHash: hash, mustChangePassword: true, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
        .where(where)
        .returning({ id: users.id });
      if (row) issued.push({ userId: p.id, fullName: p.fullName, unitName: p.unitName, login, password, loginCreated: !p.login });
    }
    await log(tx, issued);
    return issued;
  });
}

/**
 * Creates accounts for every trainee of a course who cannot log in yet: a login (login-name.ts) where
 * missing and a one-time password. Returns them in roster order, passwords included, for the slips.
 */
export async function createClassAccounts(db: Db, courseId: number, actor: Actor): Promise<IssuedAccount[]> {
  const people = await db
    .select(personColumns)
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(units, eq(units.code, users.unitCode))
    .where(classWithoutAccount(courseId))
    .orderBy(asc(users.id));
  people.sort(compareRosterNames);
  if (!people.length) return [];
  return issue(db, people, true, (tx, issued) =>
    audit(tx, { actorId: actor.id, action: "user.class_accounts", targetType: "course", targetId: courseId, details: { userIds: issued.map((a) => a.userId) }, ip: actor.ip }),
  );
}

/**
 * A new one-time password for one person (an admin's reset), creating the login when they have none, so
 * the password shown always works. Ends the person's sessions. Throws NotFound.
 */
export async function resetToOneTimePassword(db: Db, userId: number, actor: Actor): Promise<IssuedAccount> {
  const [person] = await db.select(personColumns).from(users).leftJoin(units, eq(units.code, users.unitCode)).where(eq(users.id, userId));
  if (!person) throw new NotFound();
  const [issued] = await issue(db, [person], false, (tx, [a]) =>
    audit(tx, { actorId: actor.id, action: "user.password_reset", targetType: "user", targetId: userId, details: { loginCreated: a.loginCreated }, ip: actor.ip }),
  );
  return issued;
}
