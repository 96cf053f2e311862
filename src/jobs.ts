/**
 * The background jobs of the app (lib/jobs.ts runs them): the certificate job of a class and the daily
 * backup. Every app process starts them; the queue gives each job to one process.
 */
import type { Logger } from "pino";
import type { DbHandle } from "./db/client";
import { backupWriter, DAILY_BACKUP_TASK, dailyBackupCrontab, type BackupSchedule } from "./features/backup/backup.schedule";
import { ISSUE_TASK, issueTask } from "./features/certificates";
import { startJobRunner, type JobRunner } from "./lib/jobs";

export interface JobsOptions {
  dataDir: string;
  logger: Logger;
  backup: BackupSchedule;
  staleSeconds?: number;
}

/** Starts this process's share of the job queue. */
export async function startJobs(handle: DbHandle, opts: JobsOptions): Promise<JobRunner> {
  if (!handle.pool) throw new Error("the job queue needs a PostgreSQL pool");
  const onError = (err: unknown) => opts.logger.error({ err }, "certificate issue job");
  const writeBackup = backupWriter(handle, opts.dataDir, opts.backup.keep, opts.logger);
  return startJobRunner(handle.pool, {
    tasks: {
      [ISSUE_TASK]: issueTask(handle.db, opts.dataDir, onError),
      [DAILY_BACKUP_TASK]: async () => writeBackup("daily"),
    },
    crontab: dailyBackupCrontab(opts.backup.dailyAt),
    logger: opts.logger,
    staleSeconds: opts.staleSeconds,
  });
}
