/**
 * Uploads waiting between a preview and its confirmation (roster import, question import). Each waits in
 * the database (lib/file-store.ts, so the confirmation may reach another app server than the preview)
 * under a random name; the session keeps that name and the SHA-256 of what was previewed, so step 2 uses
 * exactly the bytes step 1 showed. Confirmed ones are removed; abandoned ones (a roster holds personal
 * data) are swept when another is stored, at start-up and every hour (a job: src/jobs.ts).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/client";
import { deleteFilesBefore, deleteNamedFile, findFile, putFile, readFile, type FileKind } from "./file-store";
import { drainLegacyFolder, isTempFileName } from "./legacy-files";

const HOUR = 60 * 60 * 1000;

/**
 * Each kind of waiting upload: its kind of stored file, how long an unconfirmed one is kept, and the folder
 * under DATA_DIR where the versions before files moved into the database kept it.
 */
const KINDS = {
  roster: { file: "roster-import", keepMs: HOUR, legacyFolder: "imports" },
  quiz: { file: "quiz-import", keepMs: 24 * HOUR, legacyFolder: "quiz-imports" },
} as const satisfies Record<string, { file: FileKind; keepMs: number; legacyFolder: string }>;
export type PendingKind = keyof typeof KINDS;
/** The kinds of stored file that are uploads waiting for a confirmation (backups leave them out). */
export const PENDING_FILE_KINDS: FileKind[] = Object.values(KINDS).map((k) => k.file);

const STORED_NAME = /^[0-9a-f]{32}$/;

/** Keeps bytes until their confirmation; sweeps abandoned uploads of the same kind. Returns the name and hash for the session. */
export async function storePending(db: Db, kind: PendingKind, bytes: Buffer, now = Date.now()): Promise<{ stored: string; sha256: string }> {
  const stored = crypto.randomBytes(16).toString("hex");
  const file = await putFile(db, bytes, { kind: KINDS[kind].file, name: stored, mime: "application/octet-stream", createdAt: new Date(now) });
  await deleteFilesBefore(db, KINDS[kind].file, new Date(now - KINDS[kind].keepMs), stored);
  return { stored, sha256: file.sha256 };
}

/** The waiting upload if it is still there, within its keep time and unchanged; null otherwise (the preview is stale). */
export async function readPending(db: Db, kind: PendingKind, stored: string, sha256: string, now = Date.now()): Promise<Buffer | null> {
  if (!STORED_NAME.test(stored)) return null;
  const file = await findFile(db, KINDS[kind].file, stored);
  if (!file || file.sha256 !== sha256 || now - file.createdAt.getTime() > KINDS[kind].keepMs) return null;
  return readFile(db, file);
}

/** Removes a waiting upload (confirmed, or replaced by a new preview). */
export async function removePending(db: Db, kind: PendingKind, stored: string): Promise<void> {
  if (STORED_NAME.test(stored)) await deleteNamedFile(db, KINDS[kind].file, stored);
}

/** Start-up clean-up: for every kind, the uploads older than their keep time. */
export async function cleanPendingUploads(db: Db, now = Date.now()): Promise<void> {
  for (const k of Object.values(KINDS)) await deleteFilesBefore(db, k.file, new Date(now - k.keepMs));
}

/**
 * Start-up step: the uploads the versions before kept in DATA_DIR/imports and DATA_DIR/quiz-imports are
 * moved into the database under the same name (a preview shown before the upgrade can still be
 * confirmed), keeping their age; expired ones and temp files are deleted. Files not named as those
 * versions named them are left alone. Safe to kill and run again. Returns how many were moved.
 */
export async function movePendingFiles(db: Db, dataDir: string, now = Date.now()): Promise<number> {
  let moved = 0;
  for (const k of Object.values(KINDS)) {
    moved += await drainLegacyFolder(path.join(dataDir, k.legacyFolder), async (name, file) => {
      if (!STORED_NAME.test(name)) return isTempFileName(name) ? "delete" : "keep";
      const createdAt = fs.statSync(file).mtime;
      if (now - createdAt.getTime() > k.keepMs) return "delete";
      await putFile(db, fs.readFileSync(file), { kind: k.file, name, mime: "application/octet-stream", createdAt });
      return "moved";
    });
  }
  return moved;
}
