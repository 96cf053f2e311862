import { z } from "zod";
import { COURSE_KINDS, COURSE_STATUSES, FUNDING_SOURCES } from "../../db/schema";
import { checkbox, textOf, intParam, optionalDate, optionalText, requiredText } from "../../lib/forms";
import { t } from "../../messages";

const idList = z.preprocess(
  (v) => (v == null || v === "" ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
  z.array(z.coerce.number().int().positive()),
);
const optionalId = z.preprocess((v) => (v === "" || v == null ? null : Number(v)), z.number().int().positive().nullable());

/** "1.500.000", "1 500 000 đ" or "1500000" → 1500000 (whole đồng). */
export const vndAmount = z.preprocess(textOf, z.string()).transform((s, ctx) => {
  const digits = s.replace(/[\s.đĐ,]/g, "").replace(/vnd$/i, "");
  if (!/^\d{1,13}$/.test(digits)) {
    ctx.addIssue({ code: "custom", message: t.courses.badAmount });
    return z.NEVER;
  }
  return Number(digits);
});

const fundingRow = z.object({
  source: z.preprocess((v) => (v === "" ? undefined : v), z.enum(FUNDING_SOURCES).optional()),
  amount: z.preprocess((v) => (v == null ? "" : v), z.string()),
  note: optionalText(300),
});

export const courseSchema = z
  .object({
    title: requiredText(300),
    kind: z.enum(COURSE_KINDS, { message: t.validation.unknown }),
    planTaskId: optionalId,
    topic: optionalText(300),
    description: optionalText(5000),
    organiserUnitCode: z.preprocess((v) => (v == null ? "" : v), z.string()).transform((s) => s.trim() || null),
    venue: optionalText(300),
    capacity: z.preprocess((v) => (v === "" || v == null ? null : Number(v)), z.number({ message: t.courses.badCapacity }).int(t.courses.badCapacity).min(1, t.courses.badCapacity).max(100000).nullable()),
    enrollOpens: optionalDate,
    enrollCloses: optionalDate,
    approvalRequired: checkbox,
    countExcused: checkbox,
    status: z.enum(COURSE_STATUSES, { message: t.validation.unknown }),
    trainerIds: idList,
    targetCategoryIds: idList,
    funding: z.preprocess((v) => (v == null ? [] : Array.isArray(v) ? (v as unknown[]) : (Object.values(v) as unknown[])), z.array(fundingRow)).transform((rows, ctx) => {
      const out: { source: (typeof FUNDING_SOURCES)[number]; amount: number; note: string | null }[] = [];
      rows.forEach((r, i) => {
        if (!r.source && !r.amount.trim() && !r.note) return; // blank row
        const amount = vndAmount.safeParse(r.amount);
        if (!r.source) ctx.addIssue({ code: "custom", path: [i, "source"], message: t.courses.fundingSourceRequired });
        else if (!amount.success) ctx.addIssue({ code: "custom", path: [i, "amount"], message: t.courses.badAmount });
        else out.push({ source: r.source, amount: amount.data, note: r.note });
      });
      return out;
    }),
  })
  .refine((c) => !c.enrollOpens || !c.enrollCloses || c.enrollOpens <= c.enrollCloses, { path: ["enrollCloses"], message: t.courses.badEnrollWindow });

export const courseListQuery = z.object({
  q: z.preprocess((v) => (typeof v === "string" ? v : ""), z.string()).transform((s) => s.normalize("NFC").trim().slice(0, 100)),
  status: z.enum(COURSE_STATUSES).optional().catch(undefined),
  kind: z.enum(COURSE_KINDS).optional().catch(undefined),
  planTaskId: z.coerce.number().int().positive().optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  page: intParam(1),
});

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, t.courses.badTime);
const WEEKDAYS = z.preprocess((v) => (v == null || v === "" ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(z.coerce.number().int().min(0).max(6)));

/** One session, or a series: from `date`, on chosen weekdays, until `repeatUntil`. */
export const sessionSchema = z
  .object({
    date: optionalDate.refine((d) => d !== null, t.validation.required),
    startTime: time,
    endTime: time,
    venue: optionalText(300),
    topic: optionalText(300),
    trainerId: optionalId,
    weekdays: WEEKDAYS,
    repeatUntil: optionalDate,
  })
  .refine((s) => s.startTime < s.endTime, { path: ["endTime"], message: t.courses.endBeforeStart })
  .refine((s) => !s.repeatUntil || (s.date !== null && s.repeatUntil >= s.date), { path: ["repeatUntil"], message: t.courses.badRepeatUntil })
  .refine((s) => !s.repeatUntil || s.weekdays.length > 0, { path: ["weekdays"], message: t.courses.weekdaysRequired });

export const cancelSessionSchema = z.object({ reason: requiredText(300) });
export const rejectSchema = z.object({ reason: requiredText(500) });
