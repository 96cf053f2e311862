import { z } from "zod";
import { requiredDate, requiredText } from "../../lib/forms";
import { checkPublicUrl } from "../../lib/public-url";
import { signerProblem } from "./signer-rules";

/** The fields every organisation version has (the setup asks for the same ones). */
export const orgFields = {
  managingBody: requiredText(200),
  issuingBody: requiredText(200),
  placeName: requiredText(100),
  signerPrefix: z.preprocess((v) => (v == null ? "" : v), z.string()).transform((s) => s.normalize("NFC").replace(/\s+/g, " ").trim()).pipe(z.string().max(100)),
  signerTitle: requiredText(100),
  signerName: requiredText(100),
};

/** Adds the signer-matches-body rule to a form schema (the message goes on the prefix and the title). */
export function withSignerRule<T extends { issuingBody: string; signerPrefix: string; signerTitle: string }>(ctx: z.RefinementCtx, v: T): void {
  const problem = signerProblem(v);
  if (!problem) return;
  ctx.addIssue({ code: "custom", path: ["signerPrefix"], message: problem });
  ctx.addIssue({ code: "custom", path: ["signerTitle"], message: problem });
}

export const orgSettingsSchema = z
  .object({
    validFrom: requiredDate,
    ...orgFields,
    reportRecipients: z
      .preprocess((v) => (v == null ? "" : v), z.string())
      .transform((s) => s.normalize("NFC").split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join("\n"))
      .pipe(z.string().max(4000)),
  })
  .superRefine((v, ctx) => withSignerRule(ctx, v));
export type OrgSettingsInput = z.infer<typeof orgSettingsSchema>;

/** A public address (lib/public-url.ts): http(s), not loopback; normalised without a trailing slash. */
export const publicUrlField = requiredText(300).transform((s, ctx) => {
  const c = checkPublicUrl(s);
  if (c.ok) return c.url;
  ctx.addIssue({ code: "custom", message: c.message });
  return z.NEVER;
});

export const publicUrlSchema = z.object({ publicUrl: publicUrlField });
