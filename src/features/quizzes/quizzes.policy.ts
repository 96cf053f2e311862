/** Who may do what with quizzes: one-line rules. Managing a quiz follows managing its course (courses.policy.ts). */
import type { EnrollmentStatus } from "../../db/schema";
import type { SessionUser } from "../../lib/auth";

/** Only trainees whose enrollment in the course is confirmed take its quizzes (not waitlisted, not pending). */
export const canTakeQuizzes = (user: SessionUser, enrollmentStatus: EnrollmentStatus | string | null): boolean =>
  user.role === "trainee" && enrollmentStatus === "enrolled";

/** An attempt is read and written by the person who made it, and by no one else. */
export const ownsAttempt = (user: SessionUser, attempt: { userId: number }): boolean => attempt.userId === user.id;
