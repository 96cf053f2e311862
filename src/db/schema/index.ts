/**
 * All tables of taphuan, one file per feature. Migrations in drizzle/ are generated from this folder
 * (`npm run db:generate`, drizzle.config.ts). Keep to PostgreSQL 15 features: the same migrations run on
 * every supported server. `schema` (every table) types `Db` and `db.query`.
 */
import { auditLog } from "./audit";
import { loginThrottle, session } from "./auth";
import { attendanceChanges, attendanceMarks } from "./attendance";
import { certificateCounters, certificates, completionApprovals } from "./certificates";
import { courses, courseSessions, courseTargetCategories, courseTrainers, fundingLines, materials } from "./courses";
import { enrollments } from "./enrollment";
import { fileChunks, storedFiles } from "./files";
import { planTasks, plans } from "./plans";
import { attemptAnswers, questionCategories, questions, quizAttempts, quizQuestions, quizzes } from "./quizzes";
import { issueJobs, jobWorkers } from "./jobs";
import { rateLimitHits } from "./rate-limits";
import { reportDrafts, reportVersions } from "./reports";
import { appSettings, orgSettings } from "./settings";
import { ethnicities, participantCategories, unitAliases, units } from "./units";
import { users } from "./users";

export * from "./audit";
export * from "./auth";
export * from "./attendance";
export * from "./certificates";
export * from "./courses";
export * from "./enrollment";
export * from "./jobs";
export * from "./files";
export * from "./plans";
export * from "./quizzes";
export * from "./rate-limits";
export * from "./reports";
export * from "./settings";
export * from "./units";
export * from "./users";

export const schema = {
  ethnicities, units, unitAliases, participantCategories, users, loginThrottle, auditLog, orgSettings, session,
  plans, planTasks, courses, courseTrainers, courseTargetCategories, fundingLines, courseSessions, materials, enrollments,
  attendanceMarks, attendanceChanges, questionCategories, questions, quizzes, quizQuestions, quizAttempts, attemptAnswers,
  completionApprovals, certificateCounters, certificates, appSettings, reportDrafts, reportVersions,
  rateLimitHits, storedFiles, fileChunks, issueJobs, jobWorkers,
};
