import { z } from "zod";
import { optionalDate, optionalText, requiredText } from "../../lib/forms";
import { t } from "../../messages";

export const planSchema = z.object({
  title: requiredText(500),
  number: optionalText(100),
  issuedDate: optionalDate,
  issuingBody: optionalText(200),
  tasks: z
    .preprocess((v) => (v == null ? "" : v), z.string())
    .transform((s) => s.normalize("NFC").split(/\r?\n/).map((l) => l.replace(/^\s*\d+[.)]\s*/, "").trim()).filter(Boolean))
    .pipe(z.array(z.string().max(500, t.validation.tooLong)).min(1, t.plans.tasksRequired).max(50)),
});
