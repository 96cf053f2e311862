/** One zod schema per attendance form. */
import { z } from "zod";
import { MARKS } from "../../db/schema";
import { optionalText } from "../../lib/forms";
import { attendanceMessages as m } from "./attendance.messages";

// Field names carry "u" + user id: qs turns purely numeric keys (mark[12]) into compacted arrays, losing the ids.
const userKey = z.string().regex(/^u\d{1,9}$/);
const record = <T extends z.ZodType>(value: T) =>
  z.preprocess((v) => (v == null || v === "" ? {} : v), z.record(userKey, value))
    .transform((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.slice(1), v])) as Record<string, z.infer<T>>);

/**
 * The roll-call sheet: mark[u{userId}]=P|L|E|A (radio, absent when none chosen), remark[u{userId}]=text,
 * and rest=P when "mark present for the rest" was pressed. Parsed to records keyed by the user id.
 */
export const rollCallSchema = z.object({
  mark: record(z.enum(MARKS)),
  remark: record(optionalText(300)),
  rest: z.preprocess((v) => v === "P", z.boolean()),
});

/** Code check-in: which session, and the six digits shown on the kiosk (spaces allowed). */
export const codeCheckinSchema = z.object({
  sessionId: z.preprocess((v) => (v === "" || v == null ? undefined : Number(v)), z.number({ message: m.codeBadSession }).int().positive()),
  code: z.preprocess((v) => (typeof v === "string" ? v.replace(/\s+/g, "") : ""), z.string().regex(/^\d{6}$/, m.codeFormat)),
});

const minutes = z.preprocess((v) => (v === "" || v == null ? NaN : Number(v)), z.number({ message: m.badMinutes }).int(m.badMinutes).min(0, m.badMinutes).max(1440, m.badMinutes));

/** A course's check-in rules. */
export const checkinSettingsSchema = z.object({
  checkinOpensBefore: minutes,
  checkinClosesAfter: minutes,
  lateAfterMinutes: minutes,
});
