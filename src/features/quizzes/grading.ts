import type { ParsedQuestion } from "./question-types";

/** What grading needs from a question; a bank row or a ParsedQuestion both fit. */
export type GradableQuestion = Pick<ParsedQuestion, "kind" | "choices" | "ignoreCase" | "ignoreTones">;

/**
 * A trainee's answer to one question: indexes into `choices` for single, multiple and true/false
 * (true/false: 0 = "Đúng", 1 = "Sai"), typed text for short answer. Missing means unanswered.
 */
export type QuestionResponse = { choiceIndexes: number[] } | { text: string };

/** Ways to turn several attempts into the course grade (Moodle's names). */
export type GradingMethod = "highest" | "last" | "first" | "average";

// Sums like 1/3 + 1/3 + 1/3 must give exactly 1, not 0.9999999999999999.
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Grades one answer as a fraction 0..1 of the question's mark.
 * - single / true/false: the chosen choice's fraction, floored at 0; more than one index scores 0.
 * - multiple: sum of the chosen choices' fractions (each index counted once, so a forged response
 *   repeating a right index gains nothing), floored at 0 and capped at 1, so wrong choices can only
 *   cost what this question earned, never marks from other questions.
 * - short: the best fraction among accepted answers equal to the text after {@link normalizeAnswer}.
 * Unanswered, the wrong response shape or an index out of range scores 0 rather than throwing.
 */
export function gradeQuestion(q: GradableQuestion, response: QuestionResponse | null | undefined): number {
  if (!response) return 0;
  if (q.kind === "short") {
    if (!("text" in response) || typeof response.text !== "string") return 0;
    const given = normalizeAnswer(response.text, q);
    if (!given) return 0;
    const matches = q.choices.filter((c) => normalizeAnswer(c.text, q) === given).map((c) => c.fraction);
    return round6(clamp01(Math.max(0, ...matches)));
  }
  if (!("choiceIndexes" in response) || !Array.isArray(response.choiceIndexes)) return 0;
  const picked = [...new Set(response.choiceIndexes)];
  if (picked.some((i) => !Number.isInteger(i) || i < 0 || i >= q.choices.length)) return 0;
  if (q.kind !== "multiple" && picked.length !== 1) return 0;
  const sum = picked.reduce((total, i) => total + q.choices[i].fraction, 0);
  return round6(clamp01(sum));
}

/**
 * Canonical form of a short answer for comparison: NFC, trimmed, inner whitespace collapsed, smart
 * quotes made plain (Word types “ ” where the teacher meant "), and optionally lower-cased and stripped
 * of diacritics. Even when tones count, the tone mark's position inside a syllable does not, so the old
 * and new spellings "Thuỷ"/"Thủy" and "Hoà"/"Hòa" are equal.
 */
export function normalizeAnswer(text: string, opts: { ignoreCase?: boolean; ignoreTones?: boolean } = {}): string {
  let s = text.normalize("NFC").trim().replace(/\s+/g, " ")
    .replace(/[“”„‟″]/g, '"').replace(/[‘’‚‛′]/g, "'");
  if (opts.ignoreCase) s = s.toLocaleLowerCase("vi");
  return opts.ignoreTones ? stripVietnameseTones(s) : canonicalTonePlacement(s);
}

/**
 * Removes all Vietnamese diacritics and maps đ/Đ to d/D ("Hà Nội" → "Ha Noi"), as when someone types
 * without a Vietnamese keyboard. Local on purpose: src/lib/vietnamese.ts is being written concurrently.
 */
export function stripVietnameseTones(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
}

/** The five tone marks as combining characters: grave, acute, tilde, hook above, dot below. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

// Moves each word's tone mark to the word's end (in NFD), where placement rules cannot differ.
function canonicalTonePlacement(text: string): string {
  return text.normalize("NFD").replace(/[^\s]+/g, (word) => {
    const tones = word.match(TONE_MARKS);
    return tones ? word.replace(TONE_MARKS, "") + tones.join("") : word;
  });
}

/** A question as placed in a quiz: the bank question plus its id and its mark (điểm) in this quiz. */
export interface MarkedQuestion extends GradableQuestion {
  id: string;
  mark: number;
}

/** Result of {@link gradeAttempt}; `fractions` feeds {@link questionStats}. */
export interface AttemptGrade {
  score: number;
  maxScore: number;
  /** 0..100, not rounded for display (rounding first could pass 79.996 % against an 80 % pass mark). */
  percent: number;
  fractions: Record<string, number>;
}

/**
 * Grades a whole attempt: each question's fraction times its mark. `responses` is keyed by question id;
 * missing ids count as unanswered. Throws RangeError on a negative or non-finite mark (a bug upstream).
 */
export function gradeAttempt(questions: MarkedQuestion[], responses: Record<string, QuestionResponse | undefined>): AttemptGrade {
  let score = 0;
  let maxScore = 0;
  const fractions: Record<string, number> = {};
  for (const q of questions) {
    if (!Number.isFinite(q.mark) || q.mark < 0) throw new RangeError(`Invalid mark ${q.mark} for question ${q.id}`);
    const fraction = gradeQuestion(q, Object.hasOwn(responses, q.id) ? responses[q.id] : undefined);
    fractions[q.id] = fraction;
    score += fraction * q.mark;
    maxScore += q.mark;
  }
  score = round6(score);
  maxScore = round6(maxScore);
  return { score, maxScore, percent: maxScore > 0 ? round6((score / maxScore) * 100) : 0, fractions };
}

/**
 * The grade kept for a trainee from their attempts' percents in chronological order, or null when
 * there is no finished attempt (so "no grade yet" is not confused with 0 %).
 */
export function finalGrade(attemptPercents: number[], method: GradingMethod): number | null {
  if (attemptPercents.length === 0) return null;
  switch (method) {
    case "highest": return Math.max(...attemptPercents);
    case "first": return attemptPercents[0];
    case "last": return attemptPercents[attemptPercents.length - 1];
    case "average": return round6(attemptPercents.reduce((a, b) => a + b, 0) / attemptPercents.length);
  }
}

/** Whether a percent reaches the pass mark (both 0..100; reaching it exactly passes; null never does). */
export function passed(percent: number | null, passMark: number): boolean {
  return percent !== null && percent >= passMark - 1e-9;
}

/** Per-question item analysis over finished attempts. */
export interface QuestionStat {
  /** Attempts that contained the question. */
  attempts: number;
  /** Mean fraction earned, 0..1 (partial credit counts partly; Moodle's "facility index" / 100). */
  facility: number;
  /**
   * Mean fraction in the top third of those attempts by total score minus the mean in the bottom
   * third, -1..1 (higher = the question separates strong from weak trainees). Null below 3 attempts.
   */
  discrimination: number | null;
}

/** One finished attempt for {@link questionStats}: its total percent and each question's fraction. */
export interface StatsRow {
  userScorePercent: number;
  questionFractions: Record<string, number>;
}

/**
 * Facility and discrimination for every question seen in `rows` (one row per finished attempt).
 * Only attempts containing a question count for it, so random or partial quizzes work. Ties in total
 * score at the third boundaries are broken by row order.
 */
export function questionStats(rows: StatsRow[]): Record<string, QuestionStat> {
  const sorted = rows.map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.userScorePercent - a.r.userScorePercent || a.i - b.i).map((x) => x.r);
  const ids = new Set(rows.flatMap((r) => Object.keys(r.questionFractions)));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stats: Record<string, QuestionStat> = {};
  for (const id of ids) {
    const values = sorted.filter((r) => Object.hasOwn(r.questionFractions, id)).map((r) => r.questionFractions[id]);
    const third = Math.floor(values.length / 3);
    stats[id] = {
      attempts: values.length,
      facility: round6(mean(values)),
      discrimination: third === 0 ? null : round6(mean(values.slice(0, third)) - mean(values.slice(-third))),
    };
  }
  return stats;
}
