/**
 * Course materials. The bytes are a stored file in the database (lib/file-store.ts): every app server
 * serves every material, and a download is streamed chunk by chunk. The row keeps the original Vietnamese
 * file name for downloads. Type and size are checked by lib/upload.ts before anything reaches these
 * functions. Installations of the versions that kept materials in DATA_DIR/materials have them moved in at
 * start-up (moveMaterialFiles).
 */
import fs from "node:fs";
import path from "node:path";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { materials, users } from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound } from "../../lib/errors";
import { DOCX_MIME, PDF_MIME, XLSX_MIME, type StreamedFile } from "../../lib/download";
import { deleteFile, getFile, putFile, readChunks, readRange } from "../../lib/file-store";
import { t } from "../../messages";
import { drainLegacyFolder, isTempFileName } from "../../lib/legacy-files";
import type { CheckedFile } from "../../lib/upload";
import { formatDecimal } from "../../lib/vietnamese";

type Actor = { id: number; ip?: string | null };

export const MATERIAL_MAX_BYTES = 20 * 1024 * 1024;

/** Types as file-type detects them from the bytes (OOXML files get their specific MIME, not "zip"). */
export const MATERIAL_TYPES = [
  PDF_MIME,
  DOCX_MIME,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  XLSX_MIME,
  "image/jpeg",
  "image/png",
];

/** "350 KB", "1,2 MB" (decimal comma). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${formatDecimal(Math.max(1, bytes / 1024), 0)} KB`;
  return `${formatDecimal(bytes / (1024 * 1024), 1)} MB`;
}

/** Materials of a course in upload order, with the uploader's name and a display size (`sizeText`). */
export async function listMaterials(db: Db, courseId: number) {
  const rows = await db
    .select({
      id: materials.id, courseId: materials.courseId, originalName: materials.originalName, mime: materials.mime, size: materials.size,
      uploadedAt: materials.uploadedAt, uploadedBy: materials.uploadedBy, uploaderName: users.fullName,
    })
    .from(materials)
    .leftJoin(users, eq(users.id, materials.uploadedBy))
    .where(eq(materials.courseId, courseId))
    .orderBy(asc(materials.uploadedAt), asc(materials.id));
  return rows.map((r) => ({ ...r, sizeText: formatFileSize(r.size) }));
}

/**
 * Stores an already checked file and records it for the course: the file's chunks, the row and the audit
 * entry in one transaction (a killed upload leaves nothing). The caller has checked that the actor manages
 * the course. `afterChunk` is awaited after each chunk is written (the crash test stops there).
 */
export async function addMaterial(db: Db, courseId: number, file: CheckedFile, actor: Actor, opts: { afterChunk?: (seq: number) => unknown } = {}) {
  return db.transaction(async (tx) => {
    const stored = await putFile(tx, file.buffer, { kind: "material", mime: file.mime, afterChunk: opts.afterChunk });
    const [row] = await tx
      .insert(materials)
      .values({ courseId, originalName: file.originalName, fileId: stored.id, mime: file.mime, size: file.size, uploadedBy: actor.id })
      .returning();
    await audit(tx, { actorId: actor.id, action: "material.upload", targetType: "course", targetId: courseId, details: { materialId: row.id, name: row.originalName, size: row.size }, ip: actor.ip });
    return row;
  });
}

/**
 * A material of the course: its original name, type and its file, to be streamed chunk by chunk (who may
 * have it: courses.policy.ts). Throws NotFound (material, or its file, missing).
 */
export async function getDownload(db: Db, courseId: number, materialId: number): Promise<{ originalName: string; mime: string; file: StreamedFile }> {
  const [row] = await db.select().from(materials).where(and(eq(materials.id, materialId), eq(materials.courseId, courseId)));
  if (!row) throw new NotFound(t.materials.notFound);
  // A material of an older version whose file was missing when the start-up move ran has no stored file.
  const stored = row.fileId === null ? undefined : await getFile(db, row.fileId);
  if (!stored) throw new NotFound(t.materials.fileMissing);
  const file = { chunks: readChunks(db, stored), size: stored.size, sha256: stored.sha256, range: (start: number, end: number) => readRange(db, stored, start, end) };
  return { originalName: row.originalName, mime: row.mime, file };
}

/**
 * Deletes a material's row and its file in one transaction. The caller has checked that the actor manages
 * the course. Throws NotFound.
 */
export async function deleteMaterial(db: Db, courseId: number, materialId: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(materials).where(and(eq(materials.id, materialId), eq(materials.courseId, courseId))).returning();
    if (!deleted) throw new NotFound(t.materials.notFound);
    if (deleted.fileId !== null) await deleteFile(tx, deleted.fileId);
    await audit(tx, { actorId: actor.id, action: "material.delete", targetType: "course", targetId: courseId, details: { materialId, name: deleted.originalName }, ip: actor.ip });
  });
}

// ---------------------------------------------------------------------------------------------------
// Materials of the versions that kept them in DATA_DIR/materials

/** Where the versions before files moved into the database kept materials. */
export const legacyMaterialsDir = (dataDir: string): string => path.join(dataDir, "materials");
// Those versions named files with 32 hex digits; anything else in that folder is not ours and stays.
const LEGACY_NAME = /^[0-9a-f]{32}$/;

class AlreadyMoved extends Error {}

/**
 * Start-up step (and after restoring an older backup): brings the files of DATA_DIR/materials into the
 * database, one material per transaction (its file stored and the row pointed at it together), then
 * deletes the file from disk. Files no row waits for (already moved, or left by an upload killed before
 * its row) and temp files are deleted; files not named as those versions named them are left alone.
 * Safe to kill and run again, and to run in two processes at once. Returns how many files were moved.
 */
export async function moveMaterialFiles(db: Db, dataDir: string): Promise<number> {
  const dir = legacyMaterialsDir(dataDir);
  if (!fs.existsSync(dir)) return 0;
  const waiting = await db.select({ id: materials.id, storedName: materials.storedName, mime: materials.mime }).from(materials).where(isNull(materials.fileId));
  const byName = new Map(waiting.map((r) => [r.storedName, r]));
  return drainLegacyFolder(dir, async (name, file) => {
    if (!LEGACY_NAME.test(name)) return isTempFileName(name) ? "delete" : "keep";
    const row = byName.get(name);
    if (!row) return "delete";
    const bytes = fs.readFileSync(file);
    try {
      await db.transaction(async (tx) => {
        const stored = await putFile(tx, bytes, { kind: "material", mime: row.mime });
        const done = await tx.update(materials).set({ fileId: stored.id, storedName: null }).where(and(eq(materials.id, row.id), isNull(materials.fileId))).returning({ id: materials.id });
        if (!done.length) throw new AlreadyMoved();
      });
      return "moved";
    } catch (e) {
      if (e instanceof AlreadyMoved) return "delete";
      throw e;
    }
  });
}
