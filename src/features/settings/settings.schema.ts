import { z } from "zod";
import { requiredDate, requiredText } from "../../lib/forms";

export const orgSettingsSchema = z.object({
  validFrom: requiredDate,
  managingBody: requiredText(200),
  issuingBody: requiredText(200),
  placeName: requiredText(100),
  signerPrefix: requiredText(100),
  signerTitle: requiredText(100),
  signerName: requiredText(100),
  reportRecipients: z
    .preprocess((v) => (v == null ? "" : v), z.string())
    .transform((s) => s.normalize("NFC").split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join("\n"))
    .pipe(z.string().max(4000)),
});
export type OrgSettingsInput = z.infer<typeof orgSettingsSchema>;
