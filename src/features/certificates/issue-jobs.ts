/**
 * Issuing for a whole class as a background job (issue #18): the job is a row of issue_jobs (its progress,
 * read by any app process) and a graphile-worker job (lib/jobs.ts) added in the same transaction. Whichever
 * process runs it issues by batches, one transaction each, the progress row updated in that transaction; if
 * the process dies, another one (or the restarted one) runs the job again: those already holding a
 * certificate are skipped, so the register stays gap-free and nobody gets two.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Task } from "graphile-worker";
import type { Db } from "../../db/client";
import { issueJobs } from "../../db/schema";
import { audit } from "../../lib/audit";
import { HttpError } from "../../lib/errors";
import { addJob } from "../../lib/jobs";
import { t } from "../../messages";
import { getCourse } from "../courses";
import { awaitsCertificate, classCompletion, type CourseRuleRow } from "./completion.service";
import { ISSUE_BATCH_SIZE, issueBatch, prepareIssue, type IssueEnv, type IssuePrep } from "./issue.service";

type Actor = { id: number; ip?: string | null };

/** The graphile-worker task name of a class's job. */
export const ISSUE_TASK = "issue-certificates";

/** Progress of one class's job, as the page and its script see it. */
export interface IssueJob {
  id: number;
  courseId: number;
  total: number;
  done: number;
  issued: number;
  failures: { name: string; message: string }[];
  running: boolean;
  startedAt: string;
  finishedAt: string | null;
}

const asJob = (r: typeof issueJobs.$inferSelect): IssueJob => ({
  id: r.id, courseId: r.courseId, total: r.total, done: r.done, issued: r.issued, failures: r.failures,
  running: r.finishedAt === null, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** The course's running or last job (null if it never had one). */
export async function issueJob(db: Db, courseId: number): Promise<IssueJob | null> {
  const [row] = await db.select().from(issueJobs).where(eq(issueJobs.courseId, courseId)).orderBy(desc(issueJobs.id)).limit(1);
  return row ? asJob(row) : null;
}

/** Who the job still has to issue to: eligible, never had a certificate (a revoked one needs a reason). */
async function todoOf(db: Db, course: CourseRuleRow) {
  // Eligible people without a birth date are tried too, so the job lists them as not issued.
  return (await classCompletion(db, course)).rows.filter(awaitsCertificate);
}

/**
 * Starts issuing to every eligible trainee of the course who never had a certificate. Returns the job and
 * whether it was already running (a second click, from any process, joins the running job); `running` is
 * false at once when there was nobody to issue to.
 */
export async function startIssueJob(db: Db, course: CourseRuleRow, actor: Actor, baseUrl: string): Promise<{ job: IssueJob; alreadyRunning: boolean }> {
  const todo = await todoOf(db, course);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(issueJobs)
      .values({ courseId: course.id, actorId: actor.id, actorIp: actor.ip ?? null, total: todo.length, finishedAt: todo.length ? null : sql`now()` })
      .onConflictDoNothing()
      .returning();
    if (!row) return { job: (await issueJob(tx, course.id))!, alreadyRunning: true };
    if (todo.length) await addJob(tx, ISSUE_TASK, { jobId: row.id, baseUrl });
    return { job: asJob(row), alreadyRunning: false };
  });
}

/**
 * Runs (or runs again, after a crash) job `jobId`: recomputes who is left, issues by batches of `batchSize`
 * (one transaction each, its progress counted in it), then marks it finished with its audit row.
 * `signal`: stop between two batches (shutdown); the queue runs the job again later.
 */
export async function runIssueJob(db: Db, jobId: number, env: IssueEnv, onError: (err: unknown) => void, signal?: AbortSignal, batchSize = ISSUE_BATCH_SIZE): Promise<void> {
  // A run after a crash starts its count from the certificates issued; failures are tried again.
  const [job] = await db.update(issueJobs).set({ done: sql`${issueJobs.issued}`, failures: [] })
    .where(and(eq(issueJobs.id, jobId), isNull(issueJobs.finishedAt))).returning();
  if (!job) return;
  const course = await getCourse(db, job.courseId);
  const todo = await todoOf(db, course);
  await db.update(issueJobs).set({ total: job.issued + todo.length }).where(eq(issueJobs.id, jobId));
  const actor = { id: job.actorId, ip: job.actorIp };
  const failed = async (list: { name: string; message: string }[]) => {
    if (!list.length) return;
    await db.update(issueJobs).set({ done: sql`${issueJobs.done} + ${list.length}`, failures: sql`${issueJobs.failures} || ${JSON.stringify(list)}::jsonb` })
      .where(eq(issueJobs.id, jobId));
  };
  const messageOf = (err: unknown) => {
    // Expected refusals (someone else issued it meanwhile, marks changed) are listed; others logged too.
    if (!(err instanceof HttpError)) onError(err);
    return err instanceof HttpError ? err.message : t.errors.body500;
  };
  let prep: IssuePrep | undefined;
  try {
    prep = await prepareIssue(db, env);
  } catch (err) {
    // Settings changed since the job was started (the route checked them): nobody can be issued now.
    const message = messageOf(err);
    await failed(todo.map((p) => ({ name: p.fullName, message })));
  }
  // Each batch is committed, flushed to the disk, with its progress before its certificates count as issued.
  const counted = async (tx: Db, n: number) => {
    await tx.update(issueJobs).set({ done: sql`${issueJobs.done} + ${n}`, issued: sql`${issueJobs.issued} + ${n}` }).where(eq(issueJobs.id, jobId));
  };
  for (let i = 0; prep && i < todo.length; i += batchSize) {
    if (signal?.aborted) throw new Error("issue job interrupted by shutdown; it will be continued");
    const outcomes = await issueBatch(db, course.id, todo.slice(i, i + batchSize), actor, env, prep, { inTransaction: counted });
    await failed(outcomes.flatMap((o) => (o.ok ? [] : [{ name: o.fullName, message: messageOf(o.error) }])));
  }
  await db.transaction(async (tx) => {
    const [end] = await tx.update(issueJobs).set({ finishedAt: sql`now()` }).where(eq(issueJobs.id, jobId)).returning();
    if (!end.issued) return;
    const details = { courseId: course.id, issued: end.issued, failed: end.failures.length };
    await audit(tx, { actorId: actor.id, action: "certificate.issue_all", targetType: "course", targetId: course.id, details, ip: actor.ip });
  });
}

/** The queue task of the certificate job (payload { jobId, baseUrl }). */
export function issueTask(db: Db, onError: (err: unknown) => void): Task {
  return async (payload, helpers) => {
    const { jobId, baseUrl } = payload as { jobId: number; baseUrl: string };
    await runIssueJob(db, jobId, { baseUrl }, onError, helpers.abortSignal);
  };
}
