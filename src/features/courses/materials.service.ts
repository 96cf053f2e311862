/**
 * Course materials. Files live in DATA_DIR/materials under random names (never in public/); the row keeps
 * the original Vietnamese file name for downloads. Type and size are checked by lib/upload.ts before
 * anything reaches these functions.
 */
import fs from "node:fs";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { materials, users } from "../../db/schema";
import { audit } from "../../lib/audit";
import { NotFound } from "../../lib/errors";
import { DOCX_MIME, PDF_MIME, XLSX_MIME } from "../../lib/download";
import { t } from "../../messages";
import { isTempFileName, storeFile, type CheckedFile } from "../../lib/upload";
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

/** Where material files are stored. */
export const materialsDir = (dataDir: string): string => path.join(dataDir, "materials");

/** "350 KB", "1,2 MB" (decimal comma). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${formatDecimal(Math.max(1, bytes / 1024), 0)} KB`;
  return `${formatDecimal(bytes / (1024 * 1024), 1)} MB`;
}

// storeFile names are 32 hex digits; anything else in the row is never turned into a path.
const STORED_NAME = /^[0-9a-f]{32}$/;
const filePath = (dataDir: string, storedName: string) => path.join(materialsDir(dataDir), storedName);

/**
 * At start-up, before anyone can upload: removes what a process killed mid-upload or mid-delete left in
 * DATA_DIR/materials — stored files no row names, and temp files of an unfinished write. Files not
 * named the way storeFile names them are left alone. Returns how many were removed.
 */
export async function cleanMaterialFiles(db: Db, dataDir: string): Promise<number> {
  let names: string[];
  try {
    names = fs.readdirSync(materialsDir(dataDir));
  } catch {
    return 0; // no upload yet
  }
  const known = new Set((await db.select({ storedName: materials.storedName }).from(materials)).map((r) => r.storedName));
  const stray = names.filter((n) => (STORED_NAME.test(n) && !known.has(n)) || isTempFileName(n));
  for (const n of stray) fs.rmSync(filePath(dataDir, n), { force: true });
  return stray.length;
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
 * Stores an already checked file and records it for the course. The caller has checked that the actor
 * manages the course. If the row cannot be written the file is removed again.
 */
export async function addMaterial(db: Db, dataDir: string, courseId: number, file: CheckedFile, actor: Actor) {
  const storedName = storeFile(materialsDir(dataDir), file.buffer);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(materials)
        .values({ courseId, originalName: file.originalName, storedName, mime: file.mime, size: file.size, uploadedBy: actor.id })
        .returning();
      await audit(tx, { actorId: actor.id, action: "material.upload", targetType: "course", targetId: courseId, details: { materialId: row.id, name: row.originalName, size: row.size }, ip: actor.ip });
      return row;
    });
  } catch (e) {
    fs.rmSync(filePath(dataDir, storedName), { force: true });
    throw e;
  }
}

/**
 * A material of the course: its path on disk, original name and type (who may have it: courses.policy.ts).
 * Throws NotFound (material or file missing).
 */
export async function getDownload(db: Db, dataDir: string, courseId: number, materialId: number) {
  const [row] = await db.select().from(materials).where(and(eq(materials.id, materialId), eq(materials.courseId, courseId)));
  if (!row || !STORED_NAME.test(row.storedName)) throw new NotFound(t.materials.notFound);
  const file = filePath(dataDir, row.storedName);
  if (!fs.existsSync(file)) throw new NotFound(t.materials.fileMissing);
  return { path: file, originalName: row.originalName, mime: row.mime };
}

/**
 * Deletes a material's row, then its file (a file left by a crash is harmless; a row without its file
 * is not). The caller has checked that the actor manages the course. Throws NotFound.
 */
export async function deleteMaterial(db: Db, dataDir: string, courseId: number, materialId: number, actor: Actor): Promise<void> {
  const row = await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(materials).where(and(eq(materials.id, materialId), eq(materials.courseId, courseId))).returning();
    if (!deleted) throw new NotFound(t.materials.notFound);
    await audit(tx, { actorId: actor.id, action: "material.delete", targetType: "course", targetId: courseId, details: { materialId, name: deleted.originalName }, ip: actor.ip });
    return deleted;
  });
  if (STORED_NAME.test(row.storedName)) fs.rmSync(filePath(dataDir, row.storedName), { force: true });
}
