/**
 * Shared shapes of the question bank, used by the GIFT and Aiken importers, the GIFT exporter and grading.
 * Everything here is plain data so it can be stored as JSON or as rows without translation.
 */
import { formatDecimal } from "../../lib/vietnamese";

/**
 * - `single`: one choice is picked (GIFT `{=right ~wrong}`, every Aiken question).
 * - `multiple`: several choices may be picked, partial credit (GIFT `~%50%` with no `=` at all).
 * - `truefalse`: always exactly two choices, see {@link TRUE_FALSE_LABELS}.
 * - `short`: the trainee types an answer; `choices` are the accepted answers.
 */
export type QuestionKind = "single" | "multiple" | "truefalse" | "short";

/** One choice (or, for `short`, one accepted answer). */
export interface Choice {
  text: string;
  /** Credit for picking it, -1..1 (GIFT `%-50%` → -0.5). Negative only makes sense for `multiple`. */
  fraction: number;
  /** Shown to the trainee who picked this choice (GIFT `#feedback`). */
  feedback?: string;
}

/** Markup of the question text when the GIFT source said so (`[html]`, …); absent means plain text. */
export type TextFormat = "html" | "markdown" | "plain" | "moodle";

/**
 * A question as imported or as fed to the exporter.
 *
 * True/false is stored like a choice question so grading, statistics and the answer form need no special
 * case: `choices` is always `[{ text: "Đúng" }, { text: "Sai" }]` in that order, the correct one with
 * fraction 1 and the other 0; each choice's feedback is what a trainee who picked it sees.
 */
export interface ParsedQuestion {
  kind: QuestionKind;
  /** GIFT `::Title::`; the bank may show it instead of the text in lists. */
  title?: string;
  /** NFC. For GIFT "missing word" questions the gap is written as `_____`. */
  text: string;
  textFormat?: TextFormat;
  choices: Choice[];
  /** From the last `$CATEGORY:` line before the question (Moodle's `$course$/top/` prefix removed). */
  category?: string;
  /** 1-based line where the question starts in the imported file, for the preview. */
  line: number;
  /** GIFT `####feedback`: shown to everyone after answering. */
  generalFeedback?: string;
  /** Short answer only: compare without regard to case. GIFT import defaults it to true (as Moodle does). */
  ignoreCase?: boolean;
  /** Short answer only: compare without diacritics ("Ha Noi" = "Hà Nội", d = đ). */
  ignoreTones?: boolean;
}

/** One problem found while importing; `message` is Vietnamese and already starts with "Dòng N: ". */
export interface ParseError {
  line: number;
  message: string;
}

/** What an importer returns: the preview shows both lists; only `questions` are ever saved. */
export interface ParseResult {
  questions: ParsedQuestion[];
  errors: ParseError[];
}

/** Labels of the two true/false choices, index 0 = true, 1 = false (answer forms send these indexes). */
export const TRUE_FALSE_LABELS = ["Đúng", "Sai"] as const;

/** Builds the two choices of a true/false question; the feedbacks are for whoever picks that choice. */
export function trueFalseChoices(correct: boolean, feedbackTrue?: string, feedbackFalse?: string): Choice[] {
  return [
    withFeedback({ text: TRUE_FALSE_LABELS[0], fraction: correct ? 1 : 0 }, feedbackTrue),
    withFeedback({ text: TRUE_FALSE_LABELS[1], fraction: correct ? 0 : 1 }, feedbackFalse),
  ];
}

// Optional fields are left out rather than set to undefined so that toEqual and JSON stay tidy.
function withFeedback(choice: Choice, feedback: string | undefined): Choice {
  return feedback ? { ...choice, feedback } : choice;
}

/**
 * Tolerance on "positive fractions of a multiple-answer question add up to 100 %": teachers write
 * `%33.3%` three times and mean a third each.
 */
export const FRACTION_SUM_TOLERANCE = 0.01;

/**
 * Checks the rules a question must meet to be gradable, whatever its source (import or a form).
 * Returns Vietnamese messages without a line prefix; an empty list means the question is valid.
 */
export function validateQuestion(q: Pick<ParsedQuestion, "kind" | "text" | "choices">): string[] {
  const problems: string[] = [];
  if (!q.text.trim()) problems.push("câu hỏi không có nội dung");
  q.choices.forEach((c, i) => {
    if (!c.text.trim()) problems.push(`đáp án thứ ${i + 1} rỗng`);
    if (!Number.isFinite(c.fraction) || c.fraction < -1 || c.fraction > 1) {
      problems.push(`trọng số của đáp án «${c.text}» phải từ -100% đến 100%`);
    }
  });
  const best = Math.max(...q.choices.map((c) => c.fraction));
  const full = Math.abs(best - 1) < 1e-6;
  switch (q.kind) {
    case "single":
      if (q.choices.length < 2) problems.push("câu hỏi trắc nghiệm cần ít nhất hai lựa chọn");
      else if (!full) problems.push("câu hỏi một đáp án cần một lựa chọn đúng 100%");
      break;
    case "multiple": {
      if (q.choices.length < 2) problems.push("câu hỏi trắc nghiệm cần ít nhất hai lựa chọn");
      const positive = q.choices.reduce((sum, c) => sum + Math.max(0, c.fraction), 0);
      if (Math.abs(positive - 1) > FRACTION_SUM_TOLERANCE) {
        problems.push(`tổng trọng số các đáp án đúng phải là 100% (hiện là ${formatPercent(positive)}%)`);
      }
      break;
    }
    case "truefalse": {
      const [t, f] = q.choices;
      const ok = q.choices.length === 2 && t.text === TRUE_FALSE_LABELS[0] && f.text === TRUE_FALSE_LABELS[1]
        && t.fraction + f.fraction === 1 && (t.fraction === 1 || f.fraction === 1);
      if (!ok) problems.push("câu hỏi đúng/sai phải có đúng hai lựa chọn «Đúng», «Sai» và một lựa chọn đúng");
      break;
    }
    case "short":
      if (q.choices.length === 0) problems.push("câu trả lời ngắn cần ít nhất một đáp án được chấp nhận");
      else if (!full) problems.push("câu trả lời ngắn cần một đáp án đúng 100%");
      break;
  }
  return problems;
}

// Vietnamese writes decimals with a comma (33,3 %).
function formatPercent(fraction: number): string {
  return formatDecimal(fraction * 100, 1);
}
