/**
 * WORKERS=N (N > 1): N server processes on one machine with node's cluster, sharing the port. Everything a
 * request touches across processes lives in the database (sessions, rate limits, row locks), so any
 * worker may answer any request.
 *
 * The primary process does the start-up (DATA_DIR lock, embedded server, migrations, first admin, see
 * server.ts), then forks the workers, which only open a pool to the same database and listen. The primary:
 * - restarts a worker that dies once it was serving (logged); one that dies before it listened stops
 *   everything with an error, since a start-up failure would only repeat;
 * - answers SIGUSR2 from `npm run backup` (sent to the lock holder) with exactly one backup; the workers
 *   run the job queue (the daily backup is a cron item of it: written once per database, lib/jobs.ts);
 * - on SIGINT/SIGTERM stops the workers, then closes the database (stopping the embedded server), then exits.
 * Workers exit by themselves when the primary dies (node's cluster), so no worker outlives it.
 */
import cluster, { type Worker } from "node:cluster";
import type { Config } from "./config";
import { openPool, type DbHandle, type DbKind } from "./db/client";

/** How the primary tells a worker which kind of database its DATABASE_URL points to (/healthz shows it). */
const KIND_VAR = "TAPHUAN_WORKER_DATABASE_KIND";
/** Workers that do not stop within this time after SIGTERM are killed. */
const STOP_GRACE_MS = 10_000;

export const isWorker = (): boolean => cluster.isWorker;

/** In a worker: a pool on the database the primary opened (its URL came in DATABASE_URL). */
export function workerDb(config: Config): DbHandle {
  const kind: DbKind = process.env[KIND_VAR] === "embedded" ? "embedded" : "postgres";
  return openPool(config.databaseUrl!, kind);
}

export interface PrimaryOptions {
  workers: number;
  /** Where workers connect: the embedded server's URL (Unix socket) or DATABASE_URL. */
  databaseUrl: string;
  databaseKind: DbKind;
  /** Workers must sign and read session cookies with the same secret. */
  sessionSecret: string;
  /** Called once, when every worker listens. */
  onListening(): void;
  /** Called after the workers stopped: closes the database and releases DATA_DIR. */
  onStop(): Promise<void>;
}

/** In the primary: forks the workers, keeps them running, stops them on SIGINT/SIGTERM. */
export function runPrimary(opts: PrimaryOptions): void {
  const env = { DATABASE_URL: opts.databaseUrl, SESSION_SECRET: opts.sessionSecret, [KIND_VAR]: opts.databaseKind };
  const serving = new Set<number>();
  let announced = false;
  let stopping = false;
  const fork = () => cluster.fork(env);

  cluster.on("listening", (worker) => {
    serving.add(worker.id);
    if (!announced && serving.size === opts.workers) {
      announced = true;
      opts.onListening();
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    const how = signal ?? `mã ${code}`;
    if (!serving.delete(worker.id)) {
      console.error(`Tiến trình xử lý yêu cầu (pid ${worker.process.pid}) dừng khi đang khởi động (${how}): taphuan dừng.`);
      void stop(1);
      return;
    }
    console.error(`Tiến trình xử lý yêu cầu (pid ${worker.process.pid}) đã dừng (${how}); đang khởi động tiến trình thay thế.`);
    fork();
  });

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    await stopWorkers(Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w));
    await opts.onStop().catch((err) => console.error(err));
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  for (let i = 0; i < opts.workers; i++) fork();
}

/** SIGTERM to each worker (it closes its server and pool, as one process does), SIGKILL after the grace time. */
function stopWorkers(workers: Worker[]): Promise<void> {
  return new Promise((resolve) => {
    const alive = workers.filter((w) => !w.isDead());
    if (!alive.length) return resolve();
    let left = alive.length;
    const timer = setTimeout(() => alive.forEach((w) => w.isDead() || w.process.kill("SIGKILL")), STOP_GRACE_MS);
    for (const w of alive) {
      w.once("exit", () => {
        if (--left > 0) return;
        clearTimeout(timer);
        resolve();
      });
      w.process.kill("SIGTERM");
    }
  });
}
