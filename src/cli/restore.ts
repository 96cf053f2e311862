/**
 * `npm run restore FILE`: restores a backup into a fresh DATA_DIR (embedded database) or an empty
 * PostgreSQL database (DATABASE_URL). Refuses a database that already holds data. The files of a backup
 * made by a version that kept them in DATA_DIR are moved into the database at once (src/files-upgrade.ts).
 */
import path from "node:path";
import { loadConfig } from "../config";
import { openDb } from "../db/client";
import { lockDataDir } from "../db/lock";
import { restoreBackup } from "../features/backup/backup.service";
import { moveFilesIntoDatabase } from "../files-upgrade";

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error("Cách dùng: npm run restore -- TỆP_SAO_LƯU");
  const config = loadConfig();
  const release = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  try {
    const handle = await openDb(config);
    await handle.migrate();
    const r = await restoreBackup(handle, config.dataDir, path.resolve(file));
    const moved = await moveFilesIntoDatabase(handle.db, config.dataDir);
    await handle.close();
    const files = moved.materials + moved.seals;
    console.log(`Đã khôi phục ${r.rows} dòng từ ${file}.${files ? ` ${files} tệp của bản sao lưu phiên bản cũ đã được đưa vào cơ sở dữ liệu.` : ""}`);
  } finally {
    release();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
