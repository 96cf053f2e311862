/**
 * Background jobs (issue #18). The queue itself is graphile-worker's (schema graphile_worker, migrated with
 * ours); these tables hold what taphuan adds: the progress of a class's certificate job, readable by every
 * app process, and the heartbeat of every process's queue workers (a worker silent too long is dead: its
 * jobs are unlocked for another process).
 */
import { sql } from "drizzle-orm";
import { integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { courses } from "./courses";
import { users } from "./users";

/** One "issue to everyone eligible" run for a class; finished_at null while it runs (one running per class). */
export const issueJobs = pgTable(
  "issue_jobs",
  {
    id: serial("id").primaryKey(),
    courseId: integer("course_id").notNull().references(() => courses.id, { onDelete: "cascade" }),
    actorId: integer("actor_id").notNull().references(() => users.id),
    actorIp: text("actor_ip"),
    total: integer("total").notNull(),
    done: integer("done").notNull().default(0),
    issued: integer("issued").notNull().default(0),
    failures: jsonb("failures").$type<{ name: string; message: string }[]>().notNull().default([]),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("issue_jobs_running").on(t.courseId).where(sql`${t.finishedAt} is null`)],
);

/** Queue workers alive: each process refreshes seen_at of its workers every few seconds (host and pid: who it is). */
export const jobWorkers = pgTable("job_workers", {
  workerId: text("worker_id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
});
