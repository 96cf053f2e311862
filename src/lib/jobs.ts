/**
 * Background jobs in PostgreSQL (issue #18), through graphile-worker: any app process may add a job, one
 * process runs it, cron items (the daily backup) run once per database whatever the number of processes.
 * graphile-worker frees the jobs of a dead worker only after 4 hours; taphuan's processes therefore write
 * a heartbeat for their workers (table job_workers) and unlock the jobs of workers silent for more than
 * `staleSeconds`, so another process (or the restarted one) continues a job soon after a crash or a
 * SIGKILL. Tasks must be safe to run again from the start (the certificate job skips what is done).
 */
import { EventEmitter } from "node:events";
import os from "node:os";
import { sql } from "drizzle-orm";
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import type pg from "pg";
import type { Logger } from "pino";
import type { Db } from "../db/client";

/** Seconds without a heartbeat after which a worker counts as dead (JOB_STALE_SECONDS, tests use less). */
export const DEFAULT_STALE_SECONDS = 30;

/** Creates or updates graphile-worker's tables (schema graphile_worker); run with the app's migrations. */
export async function migrateJobs(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: quietLogger() });
}

/**
 * Adds a job inside the caller's transaction (or alone on `db`): the job exists exactly when the rows
 * written beside it do. A failed run is retried (graphile-worker's backoff, up to 25 attempts).
 */
export async function addJob(db: Db, task: string, payload: Record<string, unknown>): Promise<void> {
  await db.execute(sql`select graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json)`);
}

export interface JobRunnerOptions {
  tasks: TaskList;
  /** graphile-worker crontab lines; times are UTC. */
  crontab?: string;
  logger?: Logger;
  /** Jobs one process runs at once (default 2: a long certificate job does not hold back a backup). */
  concurrency?: number;
  staleSeconds?: number;
}

export interface JobRunner {
  /** Stops taking jobs; a running task gets its abort signal after a few seconds and is left to be retried. */
  stop(): Promise<void>;
}

/** Starts this process's workers, their heartbeat and the sweep that frees dead workers' jobs. */
export async function startJobRunner(pool: pg.Pool, opts: JobRunnerOptions): Promise<JobRunner> {
  const stale = opts.staleSeconds ?? DEFAULT_STALE_SECONDS;
  const ids = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  const report = (err: unknown) => opts.logger?.error({ err }, "job heartbeat");
  const beat = () => (ids.size ? pool.query(HEARTBEAT, [[...ids], os.hostname(), process.pid]).then(() => undefined, report) : Promise.resolve());
  events.on("worker:create", ({ worker }) => {
    ids.add(worker.workerId);
    void beat();
  });
  const runner: Runner = await run({
    pgPool: pool, taskList: opts.tasks, crontab: opts.crontab ?? "", concurrency: opts.concurrency ?? 2,
    noHandleSignals: true, pollInterval: 1000, events, logger: quietLogger(opts.logger),
  });
  const sweep = async () => {
    const dead = await pool.query<{ worker_id: string }>(DEAD_WORKERS, [stale]);
    const gone = dead.rows.map((r) => r.worker_id).filter((id) => !ids.has(id));
    if (gone.length) {
      await pool.query("select graphile_worker.force_unlock_workers($1::text[])", [gone]);
      opts.logger?.warn({ workers: gone }, "jobs of dead workers unlocked");
    }
  };
  const timer = setInterval(() => {
    void beat().then(sweep).catch(report);
  }, Math.max(250, (stale * 1000) / 3));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await runner.stop();
      if (ids.size) await pool.query("delete from job_workers where worker_id = any($1::text[])", [[...ids]]).catch(report);
    },
  };
}

const HEARTBEAT = `insert into job_workers (worker_id, host, pid) select unnest($1::text[]), $2, $3
  on conflict (worker_id) do update set seen_at = now()`;

// Workers whose heartbeat stopped (their rows are removed by whoever sees it first), and workers that locked a
// job but never wrote a heartbeat (killed right after starting), once their lock is older than the limit.
const DEAD_WORKERS = `with dead as (
    delete from job_workers where seen_at < now() - make_interval(secs => $1) returning worker_id
  )
  select worker_id from dead
  union
  select distinct j.locked_by from graphile_worker.jobs j
  where j.locked_by is not null and j.locked_at < now() - make_interval(secs => $1)
    and not exists (select 1 from job_workers w where w.worker_id = j.locked_by)`;

/** graphile-worker's messages: warnings and errors to the app's log, the rest dropped. */
function quietLogger(logger?: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    const name = String(level);
    if (name === "error") logger?.error(meta ?? {}, message);
    else if (name === "warning") logger?.warn(meta ?? {}, message);
  });
}
