/** Files kept in the database (src/lib/file-store.ts), as tests look at them. */
import { asc, count, eq } from "drizzle-orm";
import type { Db } from "../../src/db/client";
import { fileChunks, storedFiles } from "../../src/db/schema";
import type { FileKind } from "../../src/lib/file-store";

/** The names of the stored files of a kind (pending uploads, seals), sorted. */
export async function storedNames(db: Db, kind: FileKind): Promise<string[]> {
  const rows = await db.select({ name: storedFiles.name }).from(storedFiles).where(eq(storedFiles.kind, kind)).orderBy(asc(storedFiles.name));
  return rows.map((r) => r.name ?? "");
}

/** How many stored files and chunks the database holds. */
export async function fileRows(db: Db): Promise<{ files: number; chunks: number }> {
  const [files] = await db.select({ n: count() }).from(storedFiles);
  const [chunks] = await db.select({ n: count() }).from(fileChunks);
  return { files: files.n, chunks: chunks.n };
}
