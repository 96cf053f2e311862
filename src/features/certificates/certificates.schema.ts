/** One zod schema per form of the certificates feature. */
import { z } from "zod";
import { checkbox, textOf, intParam, requiredText } from "../../lib/forms";
import { t } from "../../messages";
import { cleanText } from "../../lib/vietnamese";
import { certificatesMessages as m } from "./certificates.messages";
import { validatePattern } from "./numbering";

const text = z.preprocess(textOf, z.string());

/** "80", "80,5" or "80.5" → a number, or the message. */
const decimal = (min: number, max: number, message: string) =>
  text.transform((s, ctx) => {
    const n = Number(cleanText(s).replace(",", "."));
    if (!/^-?\d+([.,]\d+)?$/.test(cleanText(s)) || !Number.isFinite(n) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });

const optionalId = z.preprocess((v) => (v === "" || v == null ? null : Number(v)), z.number({ message: t.validation.unknown }).int().positive().nullable());

/** Completion rule form: percent in, rate 0..1 out (to 0.1 %). */
export const ruleSchema = z.object({
  minAttendance: decimal(0, 100, m.badRate).transform((p) => Math.round(p * 10) / 1000),
  countExcused: checkbox,
  requiredQuizId: optionalId,
  completionApprovalRequired: checkbox,
});

/** A trainer's decision on one trainee. */
export const approvalSchema = z.object({ decision: z.enum(["approve", "reject", "clear"], { message: t.validation.unknown }) });

/** Issuing to one trainee: the person is named by id, everything else is checked by the service. */
export const issueOneSchema = z.object({ userId: z.coerce.number({ message: t.validation.unknown }).int().positive() });

/** Re-issue and revoke both need a reason. */
export const reasonSchema = z.object({ reason: requiredText(500) });

/** Number pattern, series, printer offsets, border. */
export const settingsSchema = z.object({
  pattern: text.transform((s) => cleanText(s)).superRefine((s, ctx) => {
    const problem = validatePattern(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  series: requiredText(40),
  offsetXmm: decimal(-30, 30, m.badOffset),
  offsetYmm: decimal(-30, 30, m.badOffset),
  border: checkbox,
});

/** ?year= for the register (this year by default). */
export const yearQuery = (thisYear: number) => z.object({ year: intParam(thisYear, 2000, 2100) });

/** ?offsets=current prints with today's printer offsets instead of those frozen at issue. */
export const bulkPrintQuery = z.object({ offsets: z.enum(["issued", "current"]).catch("issued") });
