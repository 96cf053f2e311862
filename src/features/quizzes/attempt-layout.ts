/**
 * The layout of an attempt, fixed when it starts: which questions, in which order, with which marks,
 * and the order their choices are shown in. Pure, with the random source injected, so tests can
 * repeat a draw and the attempt stays the same on every reload.
 */
import crypto from "node:crypto";
import { gradeAttempt, type AttemptGrade, type GradableQuestion, type MarkedQuestion, type QuestionResponse } from "./grading";

export interface LayoutItem {
  questionId: number;
  mark: number;
  /** choiceOrder[displayPosition] = index into the question's choices. Empty for short answers. */
  choiceOrder: number[];
}

/** A random number in [0, 1), like Math.random; tests pass a seeded one. */
export type Rng = () => number;

/** Unpredictable draws (a trainee must not guess the next layout). */
export const cryptoRng: Rng = () => crypto.randomInt(0, 2 ** 32) / 2 ** 32;

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `n` distinct items drawn at random (all of them, shuffled, when there are fewer). */
export function drawRandom<T>(items: readonly T[], n: number, rng: Rng): T[] {
  return shuffled(items, rng).slice(0, Math.max(0, n));
}

export interface LayoutQuestion {
  id: number;
  kind: string; // a QuestionKind, or a kind this version does not know
  choiceCount: number;
  mark: number;
}

/**
 * Builds the layout from the questions in quiz order. True/false keeps "Đúng, Sai" in place (shuffling
 * two fixed labels only confuses); short answers show no choices at all.
 */
export function buildLayout(questions: LayoutQuestion[], opts: { shuffleQuestions: boolean; shuffleAnswers: boolean }, rng: Rng): LayoutItem[] {
  const ordered = opts.shuffleQuestions ? shuffled(questions, rng) : questions;
  return ordered.map((q) => {
    const natural = q.kind === "short" ? [] : Array.from({ length: q.choiceCount }, (_, i) => i);
    const choiceOrder = opts.shuffleAnswers && q.kind !== "truefalse" ? shuffled(natural, rng) : natural;
    return { questionId: q.id, mark: q.mark, choiceOrder };
  });
}

/**
 * Display positions sent by the form → indexes into the question's choices (what is stored and graded).
 * Returns null when a position is not one that was shown.
 */
export function positionsToIndexes(choiceOrder: number[], positions: number[]): number[] | null {
  const out: number[] = [];
  for (const p of positions) {
    if (!Number.isInteger(p) || p < 0 || p >= choiceOrder.length) return null;
    if (!out.includes(choiceOrder[p])) out.push(choiceOrder[p]);
  }
  return out.sort((a, b) => a - b);
}

/** Stored indexes → display positions, to tick the saved answers again after a reload. */
export function indexesToPositions(choiceOrder: number[], indexes: number[]): number[] {
  return indexes.map((i) => choiceOrder.indexOf(i)).filter((p) => p >= 0);
}

/** What grading needs of a bank question. */
export interface GradingSource extends GradableQuestion {
  id: number;
}

/**
 * Grades an attempt from its layout (marks), the bank questions it shows and its saved answers.
 * A question missing from `bank` scores 0 but still counts in the maximum.
 */
export function gradeLayout(layout: LayoutItem[], bank: GradingSource[], answers: { questionId: number; response: QuestionResponse }[]): AttemptGrade {
  const byId = new Map(bank.map((q) => [q.id, q]));
  const marked: MarkedQuestion[] = layout.map((l) => {
    const q = byId.get(l.questionId);
    return { id: String(l.questionId), mark: l.mark, kind: q?.kind ?? "single", choices: q?.choices ?? [], ignoreCase: q?.ignoreCase, ignoreTones: q?.ignoreTones };
  });
  const responses: Record<string, QuestionResponse> = {};
  for (const a of answers) responses[String(a.questionId)] = a.response;
  return gradeAttempt(marked, responses);
}
