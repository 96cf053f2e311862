/**
 * Importing GIFT or Aiken text in two steps. Step 1 parses and shows the preview while the text waits
 * on disk (DATA_DIR/quiz-imports, random name, its hash kept in the session). Step 2 parses that same
 * text again and saves its valid questions: the browser never sends the question list back.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { storeFile } from "../../lib/upload";
import { parseAiken } from "./aiken";
import { parseGift } from "./gift";
import { findUnescaped } from "./gift-syntax";
import type { ParseResult } from "./question-types";
import { toLines } from "./source-text";

export const IMPORT_FORMATS = ["auto", "gift", "aiken"] as const;
export type ImportFormat = "gift" | "aiken";
export const QUIZ_IMPORT_MAX_BYTES = 1024 * 1024;

const DIR = "quiz-imports";
const STORED_NAME = /^[0-9a-f]{32}$/;
/** A preview nobody confirmed is swept after a day. */
const KEEP_MS = 24 * 60 * 60 * 1000;

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

const sha256 = (s: string) => crypto.createHash("sha256").update(s, "utf8").digest("hex");

/** Keeps the previewed text until it is confirmed; sweeps old unconfirmed ones. */
export function storePending(dataDir: string, text: string, now = Date.now()): { stored: string; sha256: string } {
  const dir = path.join(dataDir, DIR);
  const stored = storeFile(dir, Buffer.from(text, "utf8"));
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (name !== stored && now - fs.statSync(file).mtimeMs > KEEP_MS) fs.rmSync(file, { force: true });
    } catch {
      // Another request removed it first.
    }
  }
  return { stored, sha256: sha256(text) };
}

/** The previewed text, or null when it is gone or not what was previewed. */
export function readPending(dataDir: string, stored: string, hash: string): string | null {
  if (!STORED_NAME.test(stored)) return null;
  try {
    const text = fs.readFileSync(path.join(dataDir, DIR, stored), "utf8");
    return sha256(text) === hash ? text : null;
  } catch {
    return null;
  }
}

export function removePending(dataDir: string, stored: string): void {
  if (STORED_NAME.test(stored)) fs.rmSync(path.join(dataDir, DIR, stored), { force: true });
}
