/** Who may do what with a course: one-line rules, used by every route that touches a course. */
import type { SessionUser } from "../../lib/auth";

export interface CourseAccess {
  status: string;
  trainerIds: number[];
}

/** Admins manage every course; trainers only the courses they teach. */
export const canManageCourse = (user: SessionUser, course: CourseAccess): boolean =>
  user.role === "admin" || (user.role === "trainer" && course.trainerIds.includes(user.id));

/** Trainees see courses open for enrollment and those they belong to; staff see what they can manage (admins all, trainers all non-draft). */
export const canViewCourse = (user: SessionUser, course: CourseAccess, isParticipant: boolean): boolean =>
  canManageCourse(user, course) || isParticipant || (course.status !== "draft" && (user.role === "trainer" || course.status === "open"));
