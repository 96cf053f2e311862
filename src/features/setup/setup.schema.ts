import { z } from "zod";
import { requiredText } from "../../lib/forms";
import { validatePattern } from "../certificates";
import { orgFields, publicUrlField, withSignerRule } from "../settings";

/** The first-run setup form: the organisation, the signer, the number pattern and the public address. */
export const setupSchema = z
  .object({
    ...orgFields,
    pattern: requiredText(100).superRefine((p, ctx) => {
      const problem = validatePattern(p);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    publicUrl: publicUrlField,
  })
  .superRefine((v, ctx) => withSignerRule(ctx, v));
export type SetupInput = z.infer<typeof setupSchema>;
