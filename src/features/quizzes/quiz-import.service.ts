/**
 * Importing GIFT or Aiken text in two steps. Step 1 parses and shows the preview while the text waits
 * in the database (random name, its hash kept in the session; see lib/pending-uploads.ts).
 * Step 2 parses that same text again and saves its valid questions: the browser never sends the question
 * list back.
 */
import type { Db } from "../../db/client";
import { readPending as read, removePending as remove, storePending as store } from "../../lib/pending-uploads";
import { parseAiken } from "./aiken";
import { parseGift } from "./gift";
import { findUnescaped } from "./gift-syntax";
import type { ParseResult } from "./question-types";
import { toLines } from "./source-text";

export const IMPORT_FORMATS = ["auto", "gift", "aiken"] as const;
export type ImportFormat = "gift" | "aiken";
export const QUIZ_IMPORT_MAX_BYTES = 1024 * 1024;

const AIKEN_ANSWER = /^\s*(?:ANSWER|ĐÁP ÁN)\s*:/i;

/**
 * Guesses the format: Aiken when some line is `ANSWER:` and no line holds a GIFT answer block `{…}`;
 * GIFT otherwise (its errors then explain what is missing).
 */
export function detectFormat(text: string): ImportFormat {
  const lines = toLines(text);
  const hasAnswerLine = lines.some((l) => AIKEN_ANSWER.test(l));
  const hasBraces = lines.some((l) => !l.trim().startsWith("//") && findUnescaped(l, "{") >= 0);
  return hasAnswerLine && !hasBraces ? "aiken" : "gift";
}

/** Parses with the chosen format (or the detected one for "auto"). Never throws. */
export function parseQuestionText(text: string, format: (typeof IMPORT_FORMATS)[number]): { format: ImportFormat; result: ParseResult } {
  const used = format === "auto" ? detectFormat(text) : format;
  return { format: used, result: used === "aiken" ? parseAiken(text) : parseGift(text) };
}

/** Keeps the previewed text (in the database) until it is confirmed (a day at most); sweeps old unconfirmed ones. */
export const storePending = (db: Db, text: string, now = Date.now()) => store(db, "quiz", Buffer.from(text, "utf8"), now);

/** The previewed text, or null when it is gone, older than a day or not what was previewed. */
export async function readPending(db: Db, stored: string, hash: string, now = Date.now()): Promise<string | null> {
  return (await read(db, "quiz", stored, hash, now))?.toString("utf8") ?? null;
}

export const removePending = (db: Db, stored: string) => remove(db, "quiz", stored);
