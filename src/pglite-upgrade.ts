/**
 * Upgrade from the versions whose embedded database was PGlite (DATA_DIR/pgdata). On the first start of
 * this version the old database is moved into the embedded PostgreSQL server through the backup format:
 * PGlite is loaded (for this only), brought to the current migrations, written as an ordinary backup into
 * DATA_DIR/backups (kept: a backup from just before the upgrade), and that backup is restored into the new,
 * empty database in one transaction. The old folder is then renamed DATA_DIR/pglite-cu and kept until the
 * administrator removes it.
 *
 * Safe to interrupt: until the restore commits, the new database is empty and the next start does it
 * again; after it commits, the next start only renames the folder.
 */
import fs from "node:fs";
import path from "node:path";
import type { DbHandle } from "./db/client";
import { backupFileName, backupsDir, databaseIsEmpty, restoreBackup, writeBackup } from "./features/backup/backup.service";
import { openPgliteFolder } from "./db/pglite-folder";

export const OLD_FOLDER = "pgdata";
export const KEPT_FOLDER = "pglite-cu";

/** Moves an old PGlite database into `handle` (migrated, empty) if DATA_DIR has one; returns what it did. */
export async function upgradeFromPglite(handle: DbHandle, dataDir: string): Promise<string | null> {
  const old = path.join(dataDir, OLD_FOLDER);
  if (!fs.existsSync(path.join(old, "PG_VERSION"))) return null;
  let note = "";
  if (await databaseIsEmpty(handle.db)) {
    const pglite = await openPgliteFolder(old);
    const file = path.join(backupsDir(dataDir), `truoc-nang-cap-${backupFileName()}`);
    try {
      await pglite.migrate();
      await writeBackup(pglite, dataDir, file);
    } finally {
      await pglite.close();
    }
    const r = await restoreBackup(handle, dataDir, file, { files: false });
    note = `Đã chuyển ${r.rows} dòng dữ liệu từ PGlite sang PostgreSQL nhúng (bản sao lưu trước khi chuyển: ${file}). `;
  }
  let kept = path.join(dataDir, KEPT_FOLDER);
  for (let i = 2; fs.existsSync(kept); i++) kept = path.join(dataDir, `${KEPT_FOLDER}-${i}`);
  fs.renameSync(old, kept);
  return `${note}Thư mục dữ liệu PGlite cũ được giữ tại ${kept}; có thể xóa sau khi đã kiểm tra dữ liệu.`;
}
