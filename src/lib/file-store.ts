/**
 * Files in the database (issue #18): every app server sharing the PostgreSQL database sees the same course
 * materials, seal images and pending imports, and the backup is the database alone. A file is one
 * stored_files row (kind, optional name, size, SHA-256, type) and its bytes in file_chunks of CHUNK_SIZE.
 *
 * - Writing: the row and every chunk in one transaction (the caller's, when it passes one), so a killed
 *   upload leaves no row and no chunk; the owner's own row (a material) goes in the same transaction.
 * - Reading: `readChunks` fetches one chunk per statement, when the previous one has been consumed, so a
 *   20 MB download holds one 256 KB chunk at a time (plus what the socket buffers), never the whole file.
 *
 * Why chunks of bytea rather than large objects (lo_*): chunks are ordinary rows, so they travel in the
 * backup like every other table, are deleted by ON DELETE CASCADE, and need no privileges or clean-up of
 * orphaned large objects. 256 KB keeps a chunk's statement cheap and a 20 MB file at 80 rows.
 */
import { createHash } from "node:crypto";
import { and, eq, lt, ne, or, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { fileChunks, storedFiles } from "../db/schema";

export const CHUNK_SIZE = 256 * 1024;

/** Who owns a stored file (the kinds are the owners' names; a pending import is swept by its kind). */
export type FileKind = "material" | "seal" | "roster-import" | "quiz-import";

export type StoredFile = typeof storedFiles.$inferSelect;

export interface PutOptions {
  kind: FileKind;
  mime: string;
  /** The key the owner finds the file by (unique per kind); storing a name already there keeps the stored file. */
  name?: string;
  createdAt?: Date;
  /** Awaited after each chunk is written, inside the transaction (the crash test stops there). */
  afterChunk?: (seq: number) => unknown;
}

/**
 * Stores `bytes` as a new file: its row and chunks in one transaction (a savepoint inside the caller's).
 * With a `name` this kind already has, nothing is written and the stored file is returned (names are
 * content-addressed or random: the same name means the same bytes).
 */
export async function putFile(db: Db, bytes: Buffer, opts: PutOptions): Promise<StoredFile> {
  return db.transaction(async (tx) => {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const values = { kind: opts.kind, name: opts.name ?? null, size: bytes.length, sha256, mime: opts.mime, ...(opts.createdAt ? { createdAt: opts.createdAt } : {}) };
    const [row] = await tx.insert(storedFiles).values(values).onConflictDoNothing({ target: [storedFiles.kind, storedFiles.name] }).returning();
    if (!row) return (await findFile(tx, opts.kind, opts.name!))!;
    for (let seq = 0, offset = 0; offset < bytes.length; seq++, offset += CHUNK_SIZE) {
      // A view of the upload's buffer, sent as a binary parameter: no copy of the file is made.
      await tx.insert(fileChunks).values({ fileId: row.id, seq, data: bytes.subarray(offset, offset + CHUNK_SIZE) });
      await opts.afterChunk?.(seq);
    }
    return row;
  });
}

/** The file of `kind` stored under `name`, if any. */
export async function findFile(db: Db, kind: FileKind, name: string): Promise<StoredFile | undefined> {
  const [row] = await db.select().from(storedFiles).where(and(eq(storedFiles.kind, kind), eq(storedFiles.name, name)));
  return row;
}

/** A stored file by id, if any. */
export async function getFile(db: Db, id: number): Promise<StoredFile | undefined> {
  const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, id));
  return row;
}

export class FileGoneError extends Error {}

/**
 * The bytes of a file, chunk by chunk: each chunk is read by its own statement when the consumer asks
 * for it (a download reads the next one once the socket has taken the previous one).
 * @throws FileGoneError when a chunk is missing (the file was deleted meanwhile) or shorter than the size says.
 */
export async function* readChunks(db: Db, file: Pick<StoredFile, "id" | "size">): AsyncGenerator<Buffer> {
  if (file.size) yield* readRange(db, file, 0, file.size - 1);
}

/**
 * Bytes `start`..`end` (inclusive) of a file, reading only the chunks that hold them, one statement each
 * (a resumed download, a PDF viewer fetching a part).
 * @throws FileGoneError when a chunk is missing or too short.
 */
export async function* readRange(db: Db, file: Pick<StoredFile, "id">, start: number, end: number): AsyncGenerator<Buffer> {
  for (let seq = Math.floor(start / CHUNK_SIZE); seq <= Math.floor(end / CHUNK_SIZE); seq++) {
    const [chunk] = await db.select({ data: fileChunks.data }).from(fileChunks).where(and(eq(fileChunks.fileId, file.id), eq(fileChunks.seq, seq)));
    const from = Math.max(0, start - seq * CHUNK_SIZE);
    const to = Math.min(CHUNK_SIZE, end - seq * CHUNK_SIZE + 1);
    if (!chunk || chunk.data.length < to) throw new FileGoneError(`stored file ${file.id}: chunk ${seq} is missing or short`);
    yield chunk.data.subarray(from, to);
  }
}

/** The whole file in memory: for small files only (a seal image, a pending import the parser reads at once). */
export async function readFile(db: Db, file: Pick<StoredFile, "id" | "size">): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of readChunks(db, file)) parts.push(chunk);
  return Buffer.concat(parts, file.size);
}

/** Deletes a file and its chunks. */
export async function deleteFile(db: Db, id: number): Promise<void> {
  await db.delete(storedFiles).where(eq(storedFiles.id, id));
}

/** Deletes the file of `kind` stored under `name`, if any. */
export async function deleteNamedFile(db: Db, kind: FileKind, name: string): Promise<void> {
  await db.delete(storedFiles).where(and(eq(storedFiles.kind, kind), eq(storedFiles.name, name)));
}

/** Deletes the files of `kind` created before `before`, except the one named `keep`; returns how many. */
export async function deleteFilesBefore(db: Db, kind: FileKind, before: Date, keep?: string): Promise<number> {
  const notKept = keep === undefined ? undefined : or(isNull(storedFiles.name), ne(storedFiles.name, keep));
  const gone = await db.delete(storedFiles).where(and(eq(storedFiles.kind, kind), lt(storedFiles.createdAt, before), notKept)).returning({ id: storedFiles.id });
  return gone.length;
}
