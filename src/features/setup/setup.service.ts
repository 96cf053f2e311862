/**
 * First-run setup: one form writes the organisation (issuing body, signer), the certificate number
 * pattern and the public address, and marks the setup done, in one transaction.
 */
import { count, min } from "drizzle-orm";
import type { Db } from "../../db/client";
import { orgSettings } from "../../db/schema";
import { PublicAddress, savePublicUrl } from "../../lib/public-url";
import { markSetupDone } from "../../lib/setup-state";
import { todayIso } from "../../lib/time";
import { getCertificateSettings, saveNumberPattern } from "../certificates";
import { addOrgSettings, orgSettingsOn } from "../settings";
import type { SetupInput } from "./setup.schema";

type Actor = { id: number; ip?: string | null };

/** What the form starts with: the organisation in force, the pattern in use, the address in force. */
export async function setupValues(db: Db, site: PublicAddress): Promise<Record<string, string>> {
  const [org, cert, publicUrl] = await Promise.all([orgSettingsOn(db, todayIso()), getCertificateSettings(db), site.current()]);
  const { managingBody, issuingBody, placeName, signerPrefix, signerTitle, signerName } = org;
  return { managingBody, issuingBody, placeName, signerPrefix, signerTitle, signerName, pattern: cert.pattern, publicUrl: publicUrl ?? "" };
}

/**
 * Saves the setup. On a fresh installation (only the seeded example, written by nobody) the new version
 * takes the example's place from its date on; where versions were already entered it applies from today,
 * so documents of earlier dates keep their header.
 */
export async function completeSetup(db: Db, input: SetupInput, actor: Actor): Promise<void> {
  const { pattern, publicUrl, ...org } = input;
  await db.transaction(async (tx) => {
    const [{ n, first }] = await tx.select({ n: count(), first: min(orgSettings.validFrom) }).from(orgSettings);
    const today = todayIso();
    const [seed] = n === 1 ? await tx.select({ createdBy: orgSettings.createdBy }).from(orgSettings) : [];
    const validFrom = seed && seed.createdBy === null && first ? first : today;
    const { reportRecipients } = await orgSettingsOn(tx, today).catch(() => ({ reportRecipients: "" }));
    await addOrgSettings(tx, { validFrom, ...org, reportRecipients }, actor);
    await saveNumberPattern(tx, pattern, actor);
    await savePublicUrl(tx, publicUrl, actor);
    await markSetupDone(tx, actor.id);
  });
}
