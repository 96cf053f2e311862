/** Forms of the question bank: a category, a question (one form for every kind). */
import { z } from "zod";
import { checkbox, optionalText, requiredText } from "../../lib/forms";
import { t } from "../../messages";
import { roundFraction } from "./gift-syntax";
import { trueFalseChoices, validateQuestion, type Choice, type QuestionKind } from "./question-types";
import { quizzesMessages as m } from "./quizzes.messages";

export const QUESTION_KINDS = ["single", "multiple", "truefalse", "short"] as const;

export const categorySchema = z.object({ name: requiredText(200) });

/**
 * Multi-line plain text as typed or pasted: NFC, invisible characters dropped, line ends unified,
 * trailing spaces and runs of blank lines removed. Line breaks stay (a question may have several lines).
 */
export function cleanMultiline(s: unknown): string {
  if (typeof s !== "string") return "";
  return s.normalize("NFC").replace(/[\u00AD\u200B-\u200D\u2060\uFEFF]/g, "").replace(/\r\n?/g, "\n")
    .split("\n").map((l) => l.replace(/[ \t\u00A0]+$/, "")).join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

const multiline = (max: number, required: boolean) =>
  z.preprocess(cleanMultiline, z.string().max(max, t.validation.tooLong).refine((s) => !required || s.length > 0, t.validation.required));

/** "50", "-33,3", "100%" → 0.5, -0.333, 1; blank → `blank`; anything else → NaN. */
export function percentToFraction(raw: unknown, blank: number): number {
  const s = typeof raw === "string" ? raw.trim().replace(/%$/, "").replace(",", ".").trim() : "";
  if (!s) return blank;
  if (!/^-?\d+(\.\d+)?$/.test(s)) return NaN;
  return roundFraction(Number(s) / 100);
}

const choiceRow = z.object({ text: z.unknown().optional(), fraction: z.unknown().optional(), feedback: z.unknown().optional() });

export const questionSchema = z.object({
  categoryId: z.coerce.number().int().positive(t.validation.required),
  kind: z.enum(QUESTION_KINDS),
  title: optionalText(200),
  text: multiline(10_000, true),
  textHtml: checkbox,
  generalFeedback: multiline(5_000, false).transform((s) => s || null),
  // `choices[0][text]`…: qs gives an array, or an object past 20 rows.
  choices: z.preprocess((v) => (v && typeof v === "object" ? (Object.values(v) as unknown[]) : []), z.array(choiceRow).max(50)),
  tfCorrect: z.enum(["true", "false"]).catch("true"),
  tfFeedbackTrue: multiline(2_000, false),
  tfFeedbackFalse: multiline(2_000, false),
  ignoreCase: checkbox,
  ignoreTones: checkbox,
});

export interface QuestionInput {
  categoryId: number;
  kind: QuestionKind;
  title: string | null;
  text: string;
  /** "html": the text is formatted HTML, sanitised when saved and when shown; absent or "plain": plain text. */
  textFormat?: "plain" | "html";
  choices: Choice[];
  generalFeedback: string | null;
  ignoreCase: boolean;
  ignoreTones: boolean;
}

/**
 * Turns the parsed form into a question, or field messages: blank choice rows are dropped, weights
 * read as percents, and the result checked by the same rules as imported questions.
 */
export function questionFromForm(f: z.infer<typeof questionSchema>): { ok: true; question: QuestionInput } | { ok: false; errors: Record<string, string> } {
  let choices: Choice[];
  if (f.kind === "truefalse") {
    choices = trueFalseChoices(f.tfCorrect === "true", f.tfFeedbackTrue || undefined, f.tfFeedbackFalse || undefined);
  } else {
    choices = [];
    for (const row of f.choices) {
      const text = cleanMultiline(row.text);
      if (!text) continue;
      const fraction = percentToFraction(row.fraction, f.kind === "short" ? 1 : 0);
      if (!Number.isFinite(fraction) || fraction < -1 || fraction > 1) return { ok: false, errors: { choices: `${m.badFraction} (${text})` } };
      const feedback = cleanMultiline(row.feedback);
      choices.push(feedback ? { text, fraction, feedback } : { text, fraction });
    }
  }
  const problems = validateQuestion({ kind: f.kind, text: f.text, choices });
  if (problems.length) return { ok: false, errors: { choices: problems.map((p) => p[0].toUpperCase() + p.slice(1)).join(". ") + "." } };
  const short = f.kind === "short";
  return {
    ok: true,
    question: {
      categoryId: f.categoryId, kind: f.kind, title: f.title, text: f.text, textFormat: f.textHtml ? "html" : "plain", choices, generalFeedback: f.generalFeedback,
      ignoreCase: short ? f.ignoreCase : true, ignoreTones: short ? f.ignoreTones : false,
    },
  };
}
