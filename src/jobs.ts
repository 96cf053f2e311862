/**
 * The background jobs of the app (lib/jobs.ts runs them): the certificate job of a class, the daily
 * backup and the hourly sweep of uploads never confirmed (a roster holds personal data). Every app process
 * starts them; the queue gives each job to one process, and each cron item runs once per database.
 */
import type { Logger } from "pino";
import type { DbHandle } from "./db/client";
import { backupWriter, DAILY_BACKUP_TASK, dailyBackupCrontab, type BackupSchedule } from "./features/backup/backup.schedule";
import { ISSUE_TASK, issueTask } from "./features/certificates";
import { startJobRunner, type JobRunner } from "./lib/jobs";
import { cleanPendingUploads } from "./lib/pending-uploads";

const SWEEP_TASK = "sweep-pending-uploads";
/** Every hour at minute 7 (UTC; any minute would do). */
const SWEEP_CRONTAB = `7 * * * * ${SWEEP_TASK} ?id=${SWEEP_TASK}&max=1`;

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
      [ISSUE_TASK]: issueTask(handle.db, onError),
      [DAILY_BACKUP_TASK]: async () => writeBackup("daily"),
      [SWEEP_TASK]: async () => cleanPendingUploads(handle.db),
    },
    crontab: [SWEEP_CRONTAB, dailyBackupCrontab(opts.backup.dailyAt)].filter(Boolean).join("\n"),
    logger: opts.logger,
    staleSeconds: opts.staleSeconds,
  });
}
