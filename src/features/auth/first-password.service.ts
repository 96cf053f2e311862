import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { audited } from "../../lib/audit";
import { ValidationError } from "../../lib/errors";
import { t } from "../../messages";
import { passwordProblem } from "../../lib/password-strength";
import { hashPassword, verifyPassword } from "../../lib/passwords";

/** Whether the user still has to replace a one-time password. */
export async function mustChangePassword(db: Db, userId: number): Promise<boolean> {
  const [u] = await db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, userId));
  return !!u?.must;
}

/**
 * Replaces a one-time password with the user's own (the session already proved the one-time one).
 * Throws ValidationError when the new password is the one-time password again, or weak (lib/password-strength.ts).
 */
export async function setFirstPassword(db: Db, userId: number, next: string, ip: string | null): Promise<void> {
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (await verifyPassword(u?.passwordHash ?? null, next)) throw new ValidationError({ newPassword: t.accounts.first.sameAsOld });
  const problem = passwordProblem(next, [u?.login, u?.email, u?.fullName, u?.phone, u?.cccd]);
  if (problem) throw new ValidationError({ newPassword: t.auth.passwordProblems[problem] });
  const passwordHash = await hashPassword(next);
  await audited(
    db,
    (tx) => tx.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: new Date() }).where(eq(users.id, userId)),
    () => ({ actorId: userId, action: "password.first_change", targetType: "user", targetId: userId, ip }),
  );
}
