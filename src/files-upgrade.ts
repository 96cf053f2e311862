/**
 * Upgrade from the versions that kept files in DATA_DIR (issue #18: files now live in the database, so
 * every app server sees them and the backup is the database alone). At start-up, before listening, and
 * after restoring a backup of such a version (its files are written back where that version kept them):
 * course materials (DATA_DIR/materials), seal images (DATA_DIR/settings) and uploads waiting for their
 * confirmation (DATA_DIR/imports, DATA_DIR/quiz-imports) are stored in the database and deleted from disk,
 * and expired pending uploads are swept.
 *
 * Each file is moved in its own transaction and deleted only after it committed: killed midway, the next
 * start moves what is left (a file already moved is recognised and only deleted). Running it again, or in
 * two processes at once, moves nothing twice.
 */
import type { Db } from "./db/client";
import { moveSealFiles } from "./features/certificates/certificate-settings";
import { moveMaterialFiles } from "./features/courses/materials.service";
import { cleanPendingUploads, movePendingFiles } from "./lib/pending-uploads";

/** Moves the files of an older version into the database (see above); returns how many of each. */
export async function moveFilesIntoDatabase(db: Db, dataDir: string): Promise<{ materials: number; seals: number; pending: number }> {
  const moved = { materials: await moveMaterialFiles(db, dataDir), seals: await moveSealFiles(db, dataDir), pending: await movePendingFiles(db, dataDir) };
  await cleanPendingUploads(db);
  return moved;
}
