/**
 * Uploads waiting between a preview and its confirmation (roster import, question import). Each waits
 * under DATA_DIR/<folder> with a random name; the session keeps that name and the SHA-256 of what was
 * previewed, so step 2 uses exactly the bytes step 1 showed. Confirmed ones are removed; abandoned ones
 * (a roster holds personal data) are swept when another is stored, and at start-up.
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "./hash";
import { isTempFileName, storeFile } from "./upload";

const HOUR = 60 * 60 * 1000;

/** Each kind of waiting upload: its folder under DATA_DIR and how long an unconfirmed one is kept. */
const KINDS = {
  roster: { folder: "imports", keepMs: HOUR },
  quiz: { folder: "quiz-imports", keepMs: 24 * HOUR },
} as const;
export type PendingKind = keyof typeof KINDS;

const STORED_NAME = /^[0-9a-f]{32}$/;
const dirOf = (kind: PendingKind, dataDir: string) => path.join(dataDir, KINDS[kind].folder);

/** Removes uploads of `kind` older than its keep time except `keep`, and, with `temps`, storeFile's temp files. */
function sweep(kind: PendingKind, dataDir: string, now: number, opts: { keep?: string; temps?: boolean }): void {
  const dir = dirOf(kind, dataDir);
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (name === opts.keep) continue;
    const file = path.join(dir, name);
    try {
      if ((opts.temps && isTempFileName(name)) || now - fs.statSync(file).mtimeMs > KINDS[kind].keepMs) fs.rmSync(file, { force: true });
    } catch {
      // Another request removed it first.
    }
  }
}

/** Keeps bytes until their confirmation; sweeps abandoned uploads of the same kind. Returns the name and hash for the session. */
export function storePending(kind: PendingKind, dataDir: string, bytes: Buffer, now = Date.now()): { stored: string; sha256: string } {
  const stored = storeFile(dirOf(kind, dataDir), bytes);
  sweep(kind, dataDir, now, { keep: stored });
  return { stored, sha256: sha256Hex(bytes) };
}

/** The waiting upload if it is still there, within its keep time and unchanged; null otherwise (the preview is stale). */
export function readPending(kind: PendingKind, dataDir: string, stored: string, sha256: string, now = Date.now()): Buffer | null {
  if (!STORED_NAME.test(stored)) return null;
  try {
    const file = path.join(dirOf(kind, dataDir), stored);
    if (now - fs.statSync(file).mtimeMs > KINDS[kind].keepMs) return null;
    const bytes = fs.readFileSync(file);
    return sha256Hex(bytes) === sha256 ? bytes : null;
  } catch {
    return null;
  }
}

/** Removes a waiting upload (confirmed, or replaced by a new preview). */
export function removePending(kind: PendingKind, dataDir: string, stored: string): void {
  if (STORED_NAME.test(stored)) fs.rmSync(path.join(dirOf(kind, dataDir), stored), { force: true });
}

/**
 * Start-up clean-up (server.ts, before listening, so no upload is being written): for every kind, the
 * temp files an upload killed before its rename left behind, and uploads older than their keep time.
 */
export function cleanPendingUploads(dataDir: string, now = Date.now()): void {
  for (const kind of Object.keys(KINDS) as PendingKind[]) sweep(kind, dataDir, now, { temps: true });
}
