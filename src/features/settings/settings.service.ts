import { desc, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { orgSettings } from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound } from "../../lib/errors";
import { requireSetupDone } from "../../lib/setup-state";
import type { OrgSettingsInput } from "./settings.schema";

export type OrgSnapshot = Omit<typeof orgSettings.$inferSelect, "createdBy" | "createdAt">;

/**
 * The organisation settings in force on `date` (yyyy-mm-dd): the latest version whose valid_from ≤ date.
 * Before the first version, the earliest one applies, so a document is never printed without a header.
 */
export async function orgSettingsOn(db: Db, date: string): Promise<OrgSnapshot> {
  const [row] = await db.select().from(orgSettings).where(lte(orgSettings.validFrom, date)).orderBy(desc(orgSettings.validFrom), desc(orgSettings.id)).limit(1);
  const found = row ?? (await db.select().from(orgSettings).orderBy(orgSettings.validFrom).limit(1))[0];
  if (!found) throw new NotFound("Chưa có thông tin cơ quan.");
  const { createdBy: _b, createdAt: _a, ...snapshot } = found;
  return snapshot;
}

/**
 * The organisation settings a document prints on `date`: as {@link orgSettingsOn}, but only once the
 * first-run setup is done (until then the seeded example would be printed).
 * @throws Conflict with a link to /setup while the setup is not done.
 */
export async function documentOrgOn(db: Db, date: string): Promise<OrgSnapshot> {
  await requireSetupDone(db);
  return orgSettingsOn(db, date);
}

/** Every version, newest first. */
export async function listOrgSettings(db: Db) {
  return db.select().from(orgSettings).orderBy(desc(orgSettings.validFrom), desc(orgSettings.id));
}

/** Adds a new version; earlier versions stay, so documents issued under them reprint unchanged. */
export async function addOrgSettings(db: Db, input: OrgSettingsInput, actor: { id: number; ip?: string | null }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.insert(orgSettings).values({ ...input, createdBy: actor.id }).returning();
    await audit(tx, { actorId: actor.id, action: "settings.org", targetType: "org_settings", targetId: row.id, details: { ...input }, ip: actor.ip });
  });
}
