/**
 * The job queue (lib/jobs.ts): a job added in a transaction exists only if it commits; a job locked by a
 * worker that died (no heartbeat) is freed and run by a live process within seconds, not graphile-worker's
 * 4 hours; a live worker's job is left alone.
 */
import { sql } from "drizzle-orm";
import type { DbHandle } from "../src/db/client";
import { jobWorkers } from "../src/db/schema";
import { addJob, startJobRunner, type JobRunner } from "../src/lib/jobs";
import { createTestDb } from "./helpers/db";

jest.setTimeout(60_000);
let handle: DbHandle;
const runners: JobRunner[] = [];
const ran: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  for (const r of runners) await r.stop();
  await handle.close();
});

async function jobsOf(task: string) {
  const r = await handle.pool!.query<{ id: string; locked_by: string | null }>("select id, locked_by from graphile_worker.jobs where task_identifier = $1", [task]);
  return r.rows;
}

test("a job added inside a transaction that rolls back does not exist", async () => {
  await handle.db.transaction(async (tx) => {
    await addJob(tx, "note", { text: "kept" });
  });
  await expect(handle.db.transaction(async (tx) => {
    await addJob(tx, "note", { text: "rolled back" });
    throw new Error("rollback");
  })).rejects.toThrow("rollback");
  expect(await jobsOf("note")).toHaveLength(1);
});

test("a job locked by a dead worker is freed and run; a live worker's lock is kept", async () => {
  await addJob(handle.db, "orphan", { text: "from a killed process" });
  await addJob(handle.db, "held", { text: "by a live process" });
  // As a SIGKILLed process leaves them: locked by a worker whose heartbeat stopped (or never came)…
  await handle.pool!.query("update graphile_worker._private_jobs set locked_by = 'worker-da-chet', locked_at = now() - interval '10 seconds' where task_id = (select id from graphile_worker._private_tasks where identifier = 'orphan')");
  await handle.db.insert(jobWorkers).values({ workerId: "worker-da-chet", host: "may-cu", pid: 1, seenAt: sql`now() - interval '10 seconds'` });
  // …and one locked by a worker that is alive (its heartbeat is fresh, kept fresh below).
  await handle.pool!.query("update graphile_worker._private_jobs set locked_by = 'worker-dang-song', locked_at = now() - interval '10 seconds' where task_id = (select id from graphile_worker._private_tasks where identifier = 'held')");
  const alive = () => handle.db.insert(jobWorkers).values({ workerId: "worker-dang-song", host: "may-khac", pid: 2 }).onConflictDoUpdate({ target: jobWorkers.workerId, set: { seenAt: sql`now()` } });
  await alive();
  runners.push(await startJobRunner(handle.pool!, {
    tasks: { orphan: (p) => void ran.push((p as { text: string }).text), held: (p) => void ran.push((p as { text: string }).text), note: () => undefined },
    staleSeconds: 2,
  }));
  for (let i = 0; i < 100 && !ran.length; i++) {
    await alive();
    await sleep(100);
  }
  expect(ran).toEqual(["from a killed process"]);
  expect(await jobsOf("orphan")).toHaveLength(0);
  expect((await jobsOf("held")).map((j) => j.locked_by)).toEqual(["worker-dang-song"]);
  // The dead worker's heartbeat row is gone; this process's workers have theirs.
  const workers = await handle.db.select().from(jobWorkers);
  expect(workers.map((w) => w.workerId)).not.toContain("worker-da-chet");
  expect(workers.filter((w) => w.pid === process.pid).length).toBeGreaterThan(0);
});
