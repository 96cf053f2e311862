/**
 * In the server process: backups on request (SIGUSR2, sent by `npm run backup` while the server holds
 * the embedded database) and, when BACKUP_DAILY_AT is set, every day at that Vietnam time, keeping
 * BACKUP_KEEP files.
 */
import path from "node:path";
import type { Logger } from "pino";
import type { DbHandle } from "../../db/client";
import { vnInstant, vnParts } from "../../lib/time";
import { backupFileName, backupsDir, pruneBackups, writeBackup } from "./backup.service";

export interface BackupSchedule {
  dailyAt?: string;
  keep: number;
}

/** Milliseconds from `now` to the next HH:MM in Vietnam time. */
export function msUntil(hhmm: string, now = new Date()): number {
  const [h, m] = hhmm.split(":").map(Number);
  const today = vnParts(now);
  const target = vnInstant(today.year, today.month, today.day, h, m).getTime();
  return target > now.getTime() ? target - now.getTime() : target + 86_400_000 - now.getTime();
}

export function startBackupService(handle: DbHandle, dataDir: string, schedule: BackupSchedule, logger: Logger): () => void {
  let running = false;
  const run = async (why: string) => {
    if (running) return;
    running = true;
    try {
      const r = await writeBackup(handle, dataDir, path.join(backupsDir(dataDir), backupFileName()));
      const pruned = pruneBackups(backupsDir(dataDir), schedule.keep);
      logger.info({ file: r.file, rows: r.rows, files: r.files, pruned }, `backup written (${why})`);
      console.log(`Đã sao lưu: ${r.file}`);
    } catch (err) {
      logger.error({ err }, "backup failed");
      console.error("Sao lưu thất bại:", err);
    } finally {
      running = false;
    }
  };
  const onSignal = () => void run("requested");
  process.on("SIGUSR2", onSignal);
  let timer: NodeJS.Timeout | undefined;
  const plan = () => {
    if (!schedule.dailyAt) return;
    timer = setTimeout(() => {
      void run("daily").then(plan);
    }, msUntil(schedule.dailyAt));
    timer.unref();
  };
  plan();
  return () => {
    process.off("SIGUSR2", onSignal);
    if (timer) clearTimeout(timer);
  };
}
