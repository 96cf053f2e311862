/**
 * `npm run backup`: writes one backup file (the database, uploaded files included) into DATA_DIR/backups, or to the
 * path given as first argument. With the embedded database held by a running server, asks that server
 * to write it (SIGUSR2), waits for the file and, when a path was given, moves it there.
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../config";
import { openDb } from "../db/client";
import { DataDirLockedError, lockDataDir } from "../db/lock";
import { backupFileName, backupsDir, moveBackup, prepareBackupDir, writeBackup } from "../features/backup/backup.service";

async function viaRunningServer(dataDir: string): Promise<string> {
  const pid = Number(fs.readFileSync(path.join(dataDir, "taphuan.lock"), "utf8").trim());
  const dir = backupsDir(dataDir);
  prepareBackupDir(dataDir, dir);
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith(".jsonl.gz"));
    if (fresh) return path.join(dir, fresh);
  }
  throw new Error("Máy chủ đang chạy không tạo bản sao lưu trong 5 phút.");
}

async function main() {
  const config = loadConfig();
  const named = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const target = named ?? path.join(backupsDir(config.dataDir), backupFileName());
  if (!config.databaseUrl) {
    let release: () => void;
    try {
      release = lockDataDir(config.dataDir);
    } catch (e) {
      if (!(e instanceof DataDirLockedError)) throw e;
      let file = await viaRunningServer(config.dataDir);
      if (named) {
        moveBackup(config.dataDir, file, named);
        file = named;
      }
      console.log(`Đã sao lưu (qua máy chủ đang chạy): ${file}`);
      return;
    }
    try {
      const handle = await openDb(config);
      const r = await writeBackup(handle, config.dataDir, target);
      await handle.close();
      console.log(`Đã sao lưu ${r.rows} dòng, ${r.files} tệp: ${r.file}`);
    } finally {
      release();
    }
    return;
  }
  const handle = await openDb(config);
  const r = await writeBackup(handle, config.dataDir, target);
  await handle.close();
  console.log(`Đã sao lưu ${r.rows} dòng, ${r.files} tệp: ${r.file}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
