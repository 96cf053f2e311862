import type { ParseError } from "./question-types";

/**
 * Splits an uploaded question file into lines both importers can read.
 *
 * Files come from Word, Notepad and Moodle exports: a BOM (sometimes several, when files were
 * concatenated), CRLF, LF or old-Mac CR endings, and Vietnamese typed as NFC or NFD depending on the
 * keyboard. Text is NFC-normalised so the same answer typed on two machines compares equal.
 * Smart quotes (“ ” ‘ ’) are left alone: neither GIFT nor Aiken uses quotes as syntax, so they are
 * only ever text, and grading folds them when comparing short answers.
 */
export function toLines(text: string): string[] {
  return text.replace(/\uFEFF/g, "").normalize("NFC").split(/\r\n|\r|\n/);
}

/** Builds a parse error whose message carries the line, so a plain list of messages is readable. */
export function lineError(line: number, message: string): ParseError {
  return { line, message: `Dòng ${line}: ${message}` };
}
