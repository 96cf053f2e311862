/**
 * Low-level GIFT helpers shared by the parser and the exporter: escapes, searching past escapes, weights.
 * Kept apart from gift.ts so the question-level logic there reads without character fiddling.
 */

/**
 * Characters GIFT lets a teacher write literally after a backslash. `\\` and `\n` (newline) are also
 * accepted because Moodle's own parser accepts them and its exporter writes them.
 */
const UNESCAPE = /\\([\\:#={}~n])/g;

/** Turns GIFT escapes into the characters they stand for; other backslashes stay ("C:\Windows"). */
export function unescapeGift(raw: string): string {
  return raw.replace(UNESCAPE, (_, ch: string) => (ch === "n" ? "\n" : ch));
}

/**
 * Escapes text so it can sit anywhere in a GIFT question. Newlines become `\n` so an exported question
 * is one block even when its text has blank lines (a real blank line would end the question).
 */
export function escapeGift(text: string): string {
  return text.replace(/[\\~=#{}:]/g, "\\$&").replace(/\n/g, "\\n");
}

/**
 * Index of the first `target` at or after `from` (and before `to`) that is not escaped, or -1.
 * An escape always covers exactly the next character, which is how Moodle reads `\\` followed by `{`.
 */
export function findUnescaped(s: string, target: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) {
    if (s[i] === "\\") {
      i++;
      continue;
    }
    if (s.startsWith(target, i) && i + target.length <= to) return i;
  }
  return -1;
}

/** Indexes of every unescaped `=` and `~` in [from, to): each one starts an answer. */
export function answerMarkers(s: string, from: number, to: number): number[] {
  const found: number[] = [];
  for (let i = from; i < to; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "=" || s[i] === "~") found.push(i);
  }
  return found;
}

/** Unescapes and trims a piece of GIFT; empty results become undefined so optional fields stay absent. */
export function cleanPart(raw: string): string | undefined {
  const text = unescapeGift(raw).trim();
  return text ? text : undefined;
}

/** A weight such as `%50%`, `%-33.3%` or `%33,3%` (Vietnamese decimal comma) at the start of an answer. */
const WEIGHT = /^\s*%([^%\n]*)%/;

/**
 * Reads an optional `%n%` weight at the start of `raw`.
 * Returns `{ fraction, length }` (length of the weight, leading spaces included), `null` when there is
 * none, or `"invalid"` when it starts like a weight but is not a number within -100..100.
 */
export function readWeight(raw: string): { fraction: number; length: number } | null | "invalid" {
  if (!raw.trimStart().startsWith("%")) return null;
  const m = WEIGHT.exec(raw);
  if (!m || !/^\s*-?\d+(?:[.,]\d+)?\s*$/.test(m[1])) return "invalid";
  const percent = Number(m[1].trim().replace(",", "."));
  if (percent < -100 || percent > 100) return "invalid";
  return { fraction: roundFraction(percent / 100), length: m[0].length };
}

/**
 * Fractions are kept to 7 decimals so that a weight written by {@link formatWeight} reads back as the
 * very same number (33.33333 % ↔ 0.3333333), which is what makes export → import an exact round trip.
 */
export function roundFraction(fraction: number): number {
  return Number(fraction.toFixed(7));
}

/** Writes a fraction as a GIFT weight: 0.5 → `%50%`, -0.3333333 → `%-33.33333%`. */
export function formatWeight(fraction: number): string {
  return `%${Number((fraction * 100).toFixed(5))}%`;
}
