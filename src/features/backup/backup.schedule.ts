/**
 * Backups written by the server: on request (SIGUSR2, sent by `npm run backup` while the server holds the
 * embedded database) and, when BACKUP_DAILY_AT is set, every day at that Vietnam time, keeping BACKUP_KEEP
 * files. The daily one is a cron item of the job queue (lib/jobs.ts): however many app processes share the
 * database, one of them writes it, once.
 */
import path from "node:path";
import type { Logger } from "pino";
import type { DbHandle } from "../../db/client";
import { backupFileName, backupsDir, pruneBackups, writeBackup } from "./backup.service";

export interface BackupSchedule {
  dailyAt?: string;
  keep: number;
}

/** The queue task that writes the daily backup. */
export const DAILY_BACKUP_TASK = "daily-backup";

/** The crontab line of the daily backup (graphile-worker reads times as UTC; Vietnam is UTC+7). */
export function dailyBackupCrontab(hhmm: string | undefined): string {
  if (!hhmm) return "";
  const [h, m] = hhmm.split(":").map(Number);
  return `${m} ${(h + 24 - 7) % 24} * * * ${DAILY_BACKUP_TASK} ?id=daily-backup&max=1`;
}

/** Writes a backup into DATA_DIR/backups and prunes old ones; never throws (logs). */
export function backupWriter(handle: DbHandle, dataDir: string, keep: number, logger: Logger): (why: string) => Promise<void> {
  let running = false;
  return async (why) => {
    if (running) return;
    running = true;
    try {
      const r = await writeBackup(handle, dataDir, path.join(backupsDir(dataDir), backupFileName()));
      const pruned = pruneBackups(backupsDir(dataDir), keep);
      logger.info({ file: r.file, rows: r.rows, files: r.files, pruned }, `backup written (${why})`);
      console.log(`Đã sao lưu: ${r.file}`);
    } catch (err) {
      logger.error({ err }, "backup failed");
      console.error("Sao lưu thất bại:", err);
    } finally {
      running = false;
    }
  };
}

/** Answers SIGUSR2 (`npm run backup`) with a backup; returns the function that stops listening. */
export function listenForBackupRequests(write: (why: string) => Promise<void>): () => void {
  const onSignal = () => void write("requested");
  process.on("SIGUSR2", onSignal);
  return () => process.off("SIGUSR2", onSignal);
}
