/** Forms of quiz settings and of the fixed-question picker. */
import { z } from "zod";
import { GRADING_METHODS } from "../../db/schema";
import { checkbox, requiredText } from "../../lib/forms";
import { parseVnDateTime } from "./quiz-time";
import { quizzesMessages as m } from "./quizzes.messages";

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** An optional whole number within [min, max]; blank → null. */
const optionalInt = (min: number, max: number) =>
  z.preprocess((v) => (blank(v) ? null : Number(String(v).trim())), z.number({ error: m.badNumber }).int(m.badNumber).min(min, m.badNumber).max(max, m.badNumber).nullable());

/** An optional date-time typed in Vietnam time; blank → null. */
const optionalDateTime = z.preprocess((v) => (blank(v) ? null : v), z.string().nullable()).transform((s, ctx) => {
  if (s === null) return null;
  const d = parseVnDateTime(s);
  if (!d) {
    ctx.addIssue({ code: "custom", message: m.badDateTime });
    return z.NEVER;
  }
  return d;
});

export const quizSchema = z.object({
  title: requiredText(200),
  mode: z.enum(["fixed", "random"]).catch("fixed"),
  randomCategoryId: optionalInt(1, 2_000_000_000),
  randomCount: optionalInt(1, 500),
  shuffleQuestions: checkbox,
  shuffleAnswers: checkbox,
  timeLimitMinutes: optionalInt(1, 24 * 60),
  opensAt: optionalDateTime,
  closesAt: optionalDateTime,
  maxAttempts: optionalInt(1, 100),
  gradingMethod: z.enum(GRADING_METHODS).catch("highest"),
  passMark: z.preprocess((v) => (blank(v) ? 50 : Number(String(v).trim().replace(",", "."))), z.number({ error: m.badNumber }).min(0, m.badNumber).max(100, m.badNumber)),
  reviewMode: z.enum(["score", "full"]).catch("score"),
}).superRefine((q, ctx) => {
  if (q.opensAt && q.closesAt && q.closesAt <= q.opensAt) ctx.addIssue({ code: "custom", path: ["closesAt"], message: m.closeBeforeOpen });
  if (q.mode === "random" && !q.randomCategoryId) ctx.addIssue({ code: "custom", path: ["randomCategoryId"], message: m.randomNeedsCategory });
  if (q.mode === "random" && !q.randomCount) ctx.addIssue({ code: "custom", path: ["randomCount"], message: m.randomNeedsCount });
});

export type QuizInput = z.infer<typeof quizSchema>;

/**
 * The picker: `include` lists the ticked question ids; `mark-<id>` and `pos-<id>` hold each one's mark
 * and order. Returns the picked questions in order, or a message.
 */
export function readQuestionPick(body: Record<string, unknown>): { ok: true; items: { questionId: number; mark: number; position: number }[] } | { ok: false; error: string } {
  const raw = body.include;
  const ids = [...new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => Number(v)))];
  if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) return { ok: false, error: m.badQuestionPick };
  const items = [];
  for (const [i, questionId] of ids.entries()) {
    const markRaw = body[`mark-${questionId}`];
    const mark = blank(markRaw) ? 1 : Number(String(markRaw).trim().replace(",", "."));
    if (!Number.isFinite(mark) || mark < 0 || mark > 100) return { ok: false, error: m.badMark };
    const posRaw = body[`pos-${questionId}`];
    const position = blank(posRaw) ? i + 1 : Number(posRaw);
    items.push({ questionId, mark: Math.round(mark * 100) / 100, position: Number.isFinite(position) ? position : i + 1, order: i });
  }
  items.sort((a, b) => a.position - b.position || a.order - b.order);
  return { ok: true, items: items.map((it, i) => ({ questionId: it.questionId, mark: it.mark, position: i + 1 })) };
}
