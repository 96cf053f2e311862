/**
 * Issuing for a whole class as a background job with progress, one registry per app (in memory).
 * The job issues one certificate per transaction, so after a crash or restart the certificates already
 * issued stay and starting the job again issues only the rest (those with a valid certificate are
 * skipped). The page polls the job's progress and can be left and reopened meanwhile.
 */
import type { Db } from "../../db/client";
import { audit } from "../../lib/audit";
import { HttpError } from "../../lib/errors";
import { t } from "../../messages";
import { awaitsCertificate, classCompletion, type CourseRuleRow } from "./completion.service";
import { issueCertificate, prepareIssue, type IssueEnv, type IssuePrep } from "./issue.service";

type Actor = { id: number; ip?: string | null };

/** Progress of one class's job, as the page and its script see it. */
export interface IssueJob {
  courseId: number;
  total: number;
  done: number;
  issued: number;
  failures: { name: string; message: string }[];
  running: boolean;
  startedAt: string;
  finishedAt: string | null;
}

/** The registry: at most one running job per course. */
export class IssueJobs {
  private jobs = new Map<number, IssueJob>();
  private runs = new Map<number, Promise<void>>();

  /** The course's current or last job (null if none since start-up). */
  get(courseId: number): IssueJob | null {
    return this.jobs.get(courseId) ?? null;
  }

  /** Resolves when the course's running job ends (tests, benchmarks, shutdown). */
  async settled(courseId: number): Promise<void> {
    await this.runs.get(courseId);
  }

  /**
   * Starts issuing to every eligible trainee of the course who never had a certificate (awaitsCertificate).
   * Returns the job (the running one if a job is already running for the course); `running` is false
   * at once when there was nobody to issue to.
   */
  async start(db: Db, course: CourseRuleRow, actor: Actor, env: IssueEnv, onError?: (err: unknown) => void): Promise<IssueJob> {
    const current = this.jobs.get(course.id);
    if (current?.running) return current;
    // Registered before the first await, so a second click cannot start a second job.
    const job: IssueJob = { courseId: course.id, total: 0, done: 0, issued: 0, failures: [], running: true, startedAt: new Date().toISOString(), finishedAt: null };
    this.jobs.set(course.id, job);
    const finish = () => {
      job.running = false;
      job.finishedAt = new Date().toISOString();
    };
    let todo: { userId: number; fullName: string }[];
    try {
      // Eligible people without a birth date are tried too, so the job lists them as not issued.
      // Holders of a revoked certificate are skipped: issuing to them again is an explicit action with a reason.
      todo = (await classCompletion(db, course)).rows.filter(awaitsCertificate);
    } catch (err) {
      finish();
      throw err;
    }
    job.total = todo.length;
    if (!todo.length) {
      finish();
      return job;
    }
    const run = (async () => {
      // Settings, seal and organisation are read once for the job (a failure is retried with the next person, as
      // before). Each certificate is committed, flushed to the disk, before it counts as issued: what the
      // job reports survives a power cut (a commit without waiting for the flush was measured and left out).
      let prep: IssuePrep | undefined;
      for (const person of todo) {
        try {
          prep ??= await prepareIssue(db, env);
          await issueCertificate(db, course.id, person.userId, actor, env, undefined, prep);
          job.issued++;
        } catch (err) {
          // Expected refusals (someone else issued it meanwhile, marks changed) are listed; others logged.
          if (!(err instanceof HttpError)) onError?.(err);
          job.failures.push({ name: person.fullName, message: err instanceof HttpError ? err.message : t.errors.body500 });
        }
        job.done++;
      }
      if (job.issued) {
        const details = { courseId: course.id, issued: job.issued, failed: job.failures.length };
        await audit(db, { actorId: actor.id, action: "certificate.issue_all", targetType: "course", targetId: course.id, details, ip: actor.ip }).catch((err) => onError?.(err));
      }
      finish();
    })();
    this.runs.set(course.id, run);
    return job;
  }
}
