/**
 * Moodle's GIFT question format, read and written by our own code. Why not a library: the one npm parser
 * (gift-pegjs, a PEG grammar) stops at the first syntax error with a parser message in English, while a
 * teacher pasting a bank needs every faulty question named by its line, in Vietnamese; and our export
 * must read back through the same rules (including the `@taphuan` options comment below). Pure.
 */
import {
  answerMarkers, cleanPart, escapeGift, findUnescaped, formatWeight, readWeight, unescapeGift,
} from "./gift-syntax";
import {
  trueFalseChoices, validateQuestion,
  type Choice, type ParsedQuestion, type ParseResult, type QuestionKind, type TextFormat,
} from "./question-types";
import { lineError, toLines } from "./source-text";

/**
 * Our one extension to GIFT, written as a comment so Moodle ignores it: short-answer comparison options,
 * e.g. `// @taphuan ignoreCase=false ignoreTones=true` on the line before (or inside) the question.
 * GIFT has no syntax for them, and without it an export → import round trip would lose them.
 */
const OPTIONS_COMMENT = /^\/\/\s*@taphuan\b(.*)$/i;
const CATEGORY_LINE = /^\$CATEGORY:(.*)$/i;
const FORMAT_TAG = /^\s*\[(html|markdown|plain|moodle)\]/i;
/** What a GIFT "missing word" gap (`text {…} more text`) becomes in the stored question text. */
export const GAP = "_____";

interface ShortOptions { ignoreCase?: boolean; ignoreTones?: boolean }

/** One question's source: its non-comment lines joined by "\n", with where each line starts. */
interface Block { text: string; starts: number[]; lineNumbers: number[]; options?: ShortOptions }

type Fail = (offset: number, message: string) => null;

/**
 * Parses Moodle GIFT text into questions plus every error with its line, for the import preview.
 *
 * Supported: `//` comments, `::Title::`, `[html]`-style format tags, `{=right ~wrong}` (single),
 * `~%50%` weights, no `=` → multiple answer, negative weights, `{T}`/`{TRUE}`/`{F}`/`{FALSE}` with
 * `#wrong#right` feedback, short answer `{=a =b}` (optionally `=%50%b`), `#feedback` per answer,
 * `####general feedback`, escapes, `$CATEGORY:` lines, "missing word" text after the braces.
 * Numeric (`{#…}`), matching (`->`) and essay (`{}`) questions are reported as unsupported.
 * A question with any error is left out; the others are still returned. Never throws.
 */
export function parseGift(text: string): ParseResult {
  const result: ParseResult = { questions: [], errors: [] };
  let category: string | undefined;
  let options: ShortOptions | undefined;
  let rows: { line: number; text: string }[] = [];

  const flush = () => {
    if (rows.length === 0) return; // an options comment before a blank line still applies to the next question
    let offset = 0;
    const block: Block = { text: rows.map((r) => r.text).join("\n"), starts: [], lineNumbers: [], options };
    for (const r of rows) {
      block.starts.push(offset);
      block.lineNumbers.push(r.line);
      offset += r.text.length + 1;
    }
    parseBlock(block, category, result);
    rows = [];
    options = undefined;
  };

  toLines(text).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (!trimmed) return flush();
    if (trimmed.startsWith("//")) {
      const m = OPTIONS_COMMENT.exec(trimmed);
      if (m) options = readOptions(m[1]);
      return;
    }
    const cat = CATEGORY_LINE.exec(trimmed);
    if (cat) {
      flush(); // Moodle puts $CATEGORY in its own block; be lenient when the blank line is missing
      category = cleanCategory(cat[1]);
      return;
    }
    rows.push({ line: i + 1, text: raw.trimEnd() });
  });
  flush();
  return result;
}

function readOptions(rest: string): ShortOptions {
  const opts: ShortOptions = {};
  for (const m of rest.matchAll(/(ignoreCase|ignoreTones)\s*=\s*(true|false|1|0)/gi)) {
    const value = m[2] === "true" || m[2] === "1";
    if (m[1].toLowerCase() === "ignorecase") opts.ignoreCase = value;
    else opts.ignoreTones = value;
  }
  return opts;
}

// Moodle exports "$course$/top/Tên danh mục"; the context and the hidden "top" level mean nothing to us.
function cleanCategory(raw: string): string | undefined {
  const name = raw.trim().replace(/^\$[a-z]+\$\//i, "").replace(/^top(\/|$)/, "").trim();
  return name || undefined;
}

function lineAt(block: Block, offset: number): number {
  let i = 0;
  while (i + 1 < block.starts.length && block.starts[i + 1] <= offset) i++;
  return block.lineNumbers[i];
}

function parseBlock(block: Block, category: string | undefined, out: ParseResult): void {
  const s = block.text;
  const fail: Fail = (offset, message) => {
    out.errors.push(lineError(lineAt(block, offset), message));
    return null;
  };
  let pos = s.length - s.trimStart().length;
  const line = lineAt(block, pos);
  let title: string | undefined;
  if (s.startsWith("::", pos)) {
    const end = findUnescaped(s, "::", pos + 2);
    if (end < 0) return void fail(pos, "thiếu dấu :: đóng tiêu đề (viết \\: nếu là chữ)");
    title = cleanPart(s.slice(pos + 2, end));
    pos = end + 2;
  }
  let textFormat: TextFormat | undefined;
  const tag = FORMAT_TAG.exec(s.slice(pos));
  if (tag) {
    textFormat = tag[1].toLowerCase() as TextFormat;
    pos += tag[0].length;
  }

  const open = findUnescaped(s, "{", pos);
  if (open < 0) return void fail(pos, "câu hỏi thiếu phần đáp án trong dấu { }");
  const close = findUnescaped(s, "}", open + 1);
  if (close < 0 || findUnescaped(s, "{", open + 1, close) >= 0) {
    return void fail(open, "thiếu dấu } đóng phần đáp án mở ở dòng này (viết \\{ nếu là chữ)");
  }
  const second = findUnescaped(s, "{", close + 1);
  if (second >= 0) return void fail(second, "mỗi câu hỏi chỉ có một phần { }; các câu hỏi phải cách nhau một dòng trống");
  const stray = [findUnescaped(s, "}", pos, open), findUnescaped(s, "}", close + 1)].find((i) => i >= 0);
  if (stray !== undefined) return void fail(stray, "dấu } thừa (viết \\} nếu là chữ)");

  const before = unescapeGift(s.slice(pos, open)).trim();
  const after = unescapeGift(s.slice(close + 1)).trim();
  // "Missing word" format: the answers stand for a gap inside the sentence.
  const questionText = after ? [before, GAP, after].filter(Boolean).join(" ") : before;
  if (!questionText) return void fail(pos, "câu hỏi không có nội dung");

  const answers = parseAnswers(s, open + 1, close, fail);
  if (!answers) return;
  const q: ParsedQuestion = { kind: answers.kind, text: questionText, choices: answers.choices, line };
  if (title) q.title = title;
  if (textFormat) q.textFormat = textFormat;
  if (category) q.category = category;
  if (answers.generalFeedback) q.generalFeedback = answers.generalFeedback;
  if (q.kind === "short") {
    // Moodle's GIFT import makes short answers case-insensitive; tones count unless told otherwise.
    q.ignoreCase = block.options?.ignoreCase ?? true;
    q.ignoreTones = block.options?.ignoreTones ?? false;
  }
  const problems = validateQuestion(q);
  if (problems.length) return void problems.forEach((p) => fail(open, p));
  out.questions.push(q);
}

interface Answers { kind: QuestionKind; choices: Choice[]; generalFeedback?: string }

/** Reads the part between `{` and `}` (from..to); reports at most one error through `fail`. */
function parseAnswers(s: string, from: number, to: number, fail: Fail): Answers | null {
  let end = to;
  let generalFeedback: string | undefined;
  const general = findUnescaped(s, "####", from, to);
  if (general >= 0) {
    generalFeedback = cleanPart(s.slice(general + 4, to));
    end = general;
  }
  const body = s.slice(from, end).trim();
  if (!body) return fail(from, "câu hỏi tự luận ({}) chưa được hỗ trợ");
  if (body.startsWith("#")) return fail(from, "câu hỏi dạng số ({#…}) chưa được hỗ trợ");
  const hasTilde = findUnescaped(s, "~", from, end) >= 0;
  if (!hasTilde && /^(T|TRUE|F|FALSE)\s*(#|$)/i.test(body)) {
    return { kind: "truefalse", choices: trueFalse(s, from, end), generalFeedback };
  }

  const markers = answerMarkers(s, from, end);
  const lead = s.slice(from, markers.length ? markers[0] : end);
  if (lead.trim()) {
    return fail(from + lead.search(/\S/), `«${lead.trim()}» không phải đáp án: mỗi đáp án bắt đầu bằng = hoặc ~`);
  }
  const choices: Choice[] = [];
  for (let i = 0; i < markers.length; i++) {
    const m = markers[i];
    const segEnd = i + 1 < markers.length ? markers[i + 1] : end;
    const weight = readWeight(s.slice(m + 1, segEnd));
    if (weight === "invalid") return fail(m, "trọng số phải có dạng %50% hoặc %-25%, từ -100% đến 100%");
    const start = m + 1 + (weight?.length ?? 0);
    const hash = findUnescaped(s, "#", start, segEnd);
    const text = cleanPart(s.slice(start, hash < 0 ? segEnd : hash));
    if (!text) return fail(m, "đáp án rỗng");
    const choice: Choice = { text, fraction: weight?.fraction ?? (s[m] === "=" ? 1 : 0) };
    const feedback = hash < 0 ? undefined : cleanPart(s.slice(hash + 1, segEnd));
    if (feedback) choice.feedback = feedback;
    choices.push(choice);
  }
  if (!hasTilde) {
    if (choices.some((c) => c.text.includes("->"))) return fail(from, "câu hỏi ghép cặp (->) chưa được hỗ trợ");
    return { kind: "short", choices, generalFeedback };
  }
  // GIFT's rule: a choice question with no "=" answer is a multiple-answer question.
  const kind = markers.some((m) => s[m] === "=") ? "single" : "multiple";
  return { kind, choices, generalFeedback };
}

/** `{T}`, `{FALSE#feedback if wrong#feedback if right}` (Moodle's order of the two feedbacks). */
function trueFalse(s: string, from: number, end: number): Choice[] {
  const h1 = findUnescaped(s, "#", from, end);
  const h2 = h1 < 0 ? -1 : findUnescaped(s, "#", h1 + 1, end);
  const correct = s.slice(from, h1 < 0 ? end : h1).trim().toUpperCase().startsWith("T");
  const wrong = h1 < 0 ? undefined : cleanPart(s.slice(h1 + 1, h2 < 0 ? end : h2));
  const right = h2 < 0 ? undefined : cleanPart(s.slice(h2 + 1, end));
  return correct ? trueFalseChoices(true, right, wrong) : trueFalseChoices(false, wrong, right);
}

/**
 * Writes questions as GIFT that Moodle and {@link parseGift} both read back to the same questions
 * (everything but `line`; short answers' undefined ignoreCase/ignoreTones come back as false).
 * With `category`, one `$CATEGORY:` line heads the file and the questions' own categories are ignored;
 * without it, a `$CATEGORY:` line is written wherever the questions' category changes.
 */
export function toGift(questions: ParsedQuestion[], category?: string): string {
  const out: string[] = [];
  let current: string | undefined;
  if (category !== undefined) out.push(`$CATEGORY: ${category}`, "");
  for (const q of questions) {
    if (category === undefined && q.category !== undefined && q.category !== current) {
      out.push(`$CATEGORY: ${q.category}`, "");
      current = q.category;
    }
    if (q.kind === "short" && (q.ignoreCase !== true || q.ignoreTones === true)) {
      out.push(`// @taphuan ignoreCase=${q.ignoreCase === true} ignoreTones=${q.ignoreTones === true}`);
    }
    out.push(questionToGift(q), "");
  }
  return out.join("\n");
}

function questionToGift(q: ParsedQuestion): string {
  const head = (q.title ? `::${escapeGift(q.title)}:: ` : "") + (q.textFormat ? `[${q.textFormat}]` : "");
  // True/false fits on one line; choices go one per line, as teachers write them by hand.
  const sep = q.kind === "truefalse" ? " " : "\n";
  const general = q.generalFeedback ? `${sep}####${escapeGift(q.generalFeedback)}` : "";
  return `${head}${escapeGift(q.text)} {${answersToGift(q)}${general}${q.kind === "truefalse" ? "" : "\n"}}`;
}

function answersToGift(q: ParsedQuestion): string {
  if (q.kind === "truefalse") {
    const [t, f] = q.choices;
    const correct = t.fraction >= f.fraction;
    const right = (correct ? t : f).feedback;
    const wrong = (correct ? f : t).feedback;
    const feedback = right ? `#${escapeGift(wrong ?? "")}#${escapeGift(right)}` : wrong ? `#${escapeGift(wrong)}` : "";
    return (correct ? "TRUE" : "FALSE") + feedback;
  }
  return q.choices.map((c) => "\n" + choiceToGift(q.kind, c)).join("");
}

function choiceToGift(kind: QuestionKind, c: Choice): string {
  // Multiple-answer questions must not contain "=", or they would read back as single choice.
  const marker = kind === "short" || (kind === "single" && c.fraction === 1) ? "=" : "~";
  const implied = marker === "=" ? 1 : 0;
  // A text starting with "%" would be read as a weight, so such texts always get an explicit one.
  const weight = c.fraction !== implied || c.text.startsWith("%") ? formatWeight(c.fraction) : "";
  const feedback = c.feedback ? ` #${escapeGift(c.feedback)}` : "";
  return `${marker}${weight}${escapeGift(c.text)}${feedback}`;
}
