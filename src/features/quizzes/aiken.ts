/**
 * Moodle's Aiken format (one-answer multiple choice), read by our own code: no maintained npm package
 * reads it, the format is a dozen lines of rules, and errors must be reported by line in Vietnamese
 * (plus "ĐÁP ÁN:", which Vietnamese teachers write for "ANSWER:"). Pure.
 */
import { validateQuestion, type ParsedQuestion, type ParseResult } from "./question-types";
import { lineError, toLines } from "./source-text";

/** `A. text` or `A) text`: Moodle's rule (a capital letter, `.` or `)`, then whitespace). */
const CHOICE = /^([A-Z])[.)](?:\s+(.*))?$/;
/** `ANSWER: B`; "ĐÁP ÁN: B" is accepted too because Vietnamese teachers write it that way. */
const ANSWER = /^(?:ANSWER|ĐÁP ÁN)\s*:(.*)$/i;
/** Several letters (`A, C`, `A C`, `A và C`): Aiken allows one right answer only. */
const SEVERAL = /^[A-Z](?:\s*(?:[,;&/]|\s|và|and)\s*[A-Z])+\s*\.?$/i;

interface Draft {
  line: number;
  text: string[];
  choices: { label: string; text: string; line: number }[];
  /** An error was already reported: keep consuming its lines silently until its ANSWER. */
  broken: boolean;
}

/**
 * Parses Aiken text: a question line (further lines before the first choice continue it), choice lines
 * `A.` or `A)`, then `ANSWER: B`. Blank lines are optional. Every question becomes `single` with the
 * named choice at fraction 1. A question with any error is left out and the error carries its line;
 * the other questions are still returned. Never throws.
 */
export function parseAiken(text: string): ParseResult {
  const result: ParseResult = { questions: [], errors: [] };
  let draft: Draft | null = null;
  // After a choice line with no question, skip the rest of that question instead of repeating the error.
  let orphan = false;
  const fail = (line: number, message: string) => result.errors.push(lineError(line, message));
  const missingAnswer = (d: Draft) => {
    if (!d.broken) fail(d.line, `câu hỏi thiếu dòng ANSWER (sau lựa chọn cuối ở dòng ${d.choices[d.choices.length - 1].line})`);
  };

  toLines(text).forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (!t) return;

    const answer = ANSWER.exec(t);
    if (answer) {
      if (orphan) orphan = false;
      else if (!draft) fail(line, "dòng ANSWER không thuộc câu hỏi nào");
      else finish(draft, answer[1].trim(), line, result);
      draft = null;
      return;
    }

    const choice = CHOICE.exec(t);
    if (choice) {
      if (orphan) return;
      if (!draft) {
        orphan = true;
        return fail(line, `lựa chọn ${choice[1]} đứng ngoài câu hỏi: thiếu dòng câu hỏi phía trên`);
      }
      const [, label, body = ""] = choice;
      if (draft.choices.some((c) => c.label === label)) {
        if (!draft.broken) fail(line, `lựa chọn ${label} bị lặp lại`);
        draft.broken = true;
      } else if (!body.trim()) {
        if (!draft.broken) fail(line, `lựa chọn ${label} không có nội dung`);
        draft.broken = true;
      }
      draft.choices.push({ label, text: body.trim(), line });
      return;
    }

    orphan = false;
    if (draft && draft.choices.length === 0) {
      draft.text.push(t);
      return;
    }
    // A text line after choices: the previous question never got its ANSWER line; this one starts anew.
    if (draft) missingAnswer(draft);
    draft = { line, text: [t], choices: [], broken: false };
  });

  const last = draft as Draft | null; // TS narrows the closure-assigned variable to null otherwise
  if (last) {
    if (last.choices.length) missingAnswer(last);
    else if (!last.broken) fail(last.line, "câu hỏi không có lựa chọn A., B., … và dòng ANSWER");
  }
  return result;
}

/** Closes `draft` with the text after `ANSWER:` and adds the question or an error. */
function finish(draft: Draft, given: string, line: number, out: ParseResult): void {
  const fail = (at: number, message: string) => void out.errors.push(lineError(at, message));
  if (draft.broken) return;
  if (draft.choices.length < 2) return fail(draft.line, "câu hỏi cần ít nhất hai lựa chọn A., B., …");
  if (!given) return fail(line, "dòng ANSWER thiếu chữ cái của đáp án đúng");
  if (SEVERAL.test(given)) return fail(line, `Aiken chỉ cho phép một đáp án đúng (ANSWER: ${given})`);
  // Tolerate "ANSWER: b" and "ANSWER: B. Hà Nội"; a lone letter is what the format asks for.
  const m = /^([A-Z])(?:$|[.)\s])/i.exec(given);
  if (!m) return fail(line, `«${given}» không phải chữ cái của một lựa chọn`);
  const label = m[1].toUpperCase();
  if (!draft.choices.some((c) => c.label === label)) {
    return fail(line, `đáp án ${label} không có trong các lựa chọn (${draft.choices.map((c) => c.label).join(", ")})`);
  }
  const q: ParsedQuestion = {
    kind: "single",
    text: draft.text.join("\n"),
    choices: draft.choices.map((c) => ({ text: c.text, fraction: c.label === label ? 1 : 0 })),
    line: draft.line,
  };
  const problems = validateQuestion(q);
  if (problems.length) return problems.forEach((p) => fail(draft.line, p));
  out.questions.push(q);
}
