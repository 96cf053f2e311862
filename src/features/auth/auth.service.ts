import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { loginThrottle, users } from "../../db/schema";
import type { SessionUser } from "../../lib/auth";
import { audit, audited } from "../../lib/audit";
import { ValidationError } from "../../lib/errors";
import { t } from "../../messages";
import { passwordProblem } from "../../lib/password-strength";
import { hashPassword, verifyPassword } from "../../lib/passwords";

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

export type LoginResult = { ok: true; user: SessionUser } | { ok: false; reason: "invalid" | "locked" };

/** Logins are case-insensitive and stored NFC lower-case. */
export function normaliseLogin(login: string): string {
  return login.normalize("NFC").trim().toLowerCase();
}

export function toSessionUser(u: SessionUser): SessionUser {
  return { id: u.id, fullName: u.fullName, role: u.role, login: u.login, sessionVersion: u.sessionVersion };
}

/**
 * Checks a login and password. A login with 5 failures within 15 minutes is locked for 15 minutes:
 * while locked the password is not even checked, so guessing gains nothing.
 */
export async function authenticate(db: Db, rawLogin: string, password: string, ip: string | null, now = new Date()): Promise<LoginResult> {
  const login = normaliseLogin(rawLogin);
  if (await isLocked(db, login, now)) {
    await audit(db, { action: "login.locked", targetType: "login", targetId: login, ip });
    return { ok: false, reason: "locked" };
  }
  const [user] = await db.select().from(users).where(eq(users.login, login));
  // An unknown or inactive login is verified against a dummy hash (lib/passwords.ts): the answer takes
  // as long as for a real account, so its timing does not tell which logins exist.
  const good = await verifyPassword(user?.active ? user.passwordHash : null, password);
  if (good && user) {
    await audited(db, (tx) => tx.delete(loginThrottle).where(eq(loginThrottle.login, login)), () => ({ actorId: user.id, action: "login", targetType: "user", targetId: user.id, ip }));
    return { ok: true, user: toSessionUser(user) };
  }
  await audited(db, (tx) => recordFailure(tx, login, now), () => ({ action: "login.failed", targetType: "login", targetId: login, ip }));
  return { ok: false, reason: "invalid" };
}

async function isLocked(db: Db, key: string, now: Date): Promise<boolean> {
  const [throttle] = await db.select().from(loginThrottle).where(eq(loginThrottle.login, key));
  return !!throttle?.lockedUntil && throttle.lockedUntil > now;
}

/** Counts one failure in one statement, so concurrent wrong guesses cannot slip past the limit. */
async function recordFailure(db: Db, login: string, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  const lockUntil = new Date(now.getTime() + WINDOW_MS);
  await db
    .insert(loginThrottle)
    .values({ login, failures: 1, firstFailureAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.login,
      set: {
        failures: sql`case when ${loginThrottle.firstFailureAt} < ${windowStart.toISOString()}::timestamptz then 1 else ${loginThrottle.failures} + 1 end`,
        firstFailureAt: sql`case when ${loginThrottle.firstFailureAt} < ${windowStart.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${loginThrottle.firstFailureAt} end`,
      },
    });
  await db
    .update(loginThrottle)
    .set({ lockedUntil: lockUntil, failures: 0, firstFailureAt: now })
    .where(and(eq(loginThrottle.login, login), sql`${loginThrottle.failures} >= ${MAX_FAILURES}`));
}

/** Loads the session user if the account is still active and the session is not outdated. */
export async function loadSessionUser(db: Db, id: number, sessionVersion: number): Promise<SessionUser | null> {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  return checkSessionUser(u ?? null, id, sessionVersion);
}

/** The session's user if it is still valid: it exists, is active, and no reset ended its sessions. */
export function checkSessionUser(u: (SessionUser & { active: boolean }) | null, id: number, sessionVersion: number): SessionUser | null {
  if (!u || u.id !== id || !u.active || u.sessionVersion !== sessionVersion) return null;
  return toSessionUser(u);
}

/** The throttle key of the current-password check: its own, so a stolen session cannot lock the login out. */
const passwordChangeKey = (userId: number) => `password-change:${userId}`;

/**
 * Changes one's own password after checking the current one, and ends every other session of the user
 * (their session version moves on; the caller logs the current session in again). Wrong current
 * passwords are throttled like logins: 5 within 15 minutes lock the form for 15 minutes.
 * Throws ValidationError (wrong or locked current password, weak new one).
 */
export async function changeOwnPassword(db: Db, userId: number, current: string, next: string, ip: string | null, now = new Date()): Promise<SessionUser> {
  const key = passwordChangeKey(userId);
  if (await isLocked(db, key, now)) throw new ValidationError({ currentPassword: t.auth.changeLocked });
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (!u || !(await verifyPassword(u.passwordHash, current))) {
    await audited(db, (tx) => recordFailure(tx, key, now), () => ({ actorId: userId, action: "password.change.failed", targetType: "user", targetId: userId, ip }));
    throw new ValidationError({ currentPassword: t.auth.wrongCurrent });
  }
  const problem = passwordProblem(next, [u.login, u.email, u.fullName, u.phone, u.cccd]);
  if (problem) throw new ValidationError({ newPassword: t.auth.passwordProblems[problem] });
  const passwordHash = await hashPassword(next);
  const updated = await audited(
    db,
    async (tx) => {
      const [row] = await tx.update(users).set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
      await tx.delete(loginThrottle).where(eq(loginThrottle.login, key));
      return row;
    },
    () => ({ actorId: userId, action: "password.change", targetType: "user", targetId: userId, ip }),
  );
  return toSessionUser(updated);
}
