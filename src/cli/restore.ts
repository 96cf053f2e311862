/**
 * `npm run restore FILE`: restores a backup into a fresh DATA_DIR (embedded database) or an empty
 * PostgreSQL database (DATABASE_URL). Refuses a database that already holds data.
 */
import path from "node:path";
import { loadConfig } from "../config";
import { openDb } from "../db/client";
import { lockDataDir } from "../db/lock";
import { restoreBackup } from "../features/backup/backup.service";

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error("Cách dùng: npm run restore -- TỆP_SAO_LƯU");
  const config = loadConfig();
  const release = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  try {
    const handle = await openDb(config);
    await handle.migrate();
    const r = await restoreBackup(handle, config.dataDir, path.resolve(file));
    await handle.close();
    console.log(`Đã khôi phục ${r.rows} dòng và ${r.files} tệp từ ${file}.`);
  } finally {
    release();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
