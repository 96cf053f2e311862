/**
 * Whether the first-run setup is done (app_settings "setup.completed"). Until then no document may be
 * printed or certificate issued: the seeded organisation is only an example, and a certificate printed
 * with it (or without a public address for its QR) would be wrong for ever.
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { appSettings } from "../db/schema";
import { Conflict } from "./errors";
import { coreMessages as t } from "./messages";

export const SETUP_KEY = "setup.completed";

/** True once an administrator has completed the setup (it is never undone). */
export async function isSetupDone(db: Db): Promise<boolean> {
  const [row] = await db.select({ key: appSettings.key }).from(appSettings).where(eq(appSettings.key, SETUP_KEY));
  return !!row;
}

/**
 * Refuses while the setup is not done.
 * @throws Conflict with a message and a link to /setup.
 */
export async function requireSetupDone(db: Db): Promise<void> {
  if (!(await isSetupDone(db))) throw new Conflict(t.setup.required, { href: "/setup", label: t.setup.goToSetup });
}

/** Records that the setup is done (inside the caller's transaction). */
export async function markSetupDone(db: Db, actorId: number | null): Promise<void> {
  const value = { at: new Date().toISOString(), by: actorId };
  await db.insert(appSettings).values({ key: SETUP_KEY, value }).onConflictDoUpdate({ target: appSettings.key, set: { value: sql`excluded.value`, updatedAt: new Date() } });
}
