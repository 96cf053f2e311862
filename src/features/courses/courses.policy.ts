/** Who may do what with a course: one-line rules, used by every route that touches a course. */
import type { Request } from "express";
import type { Db } from "../../db/client";
import type { EnrollmentStatus } from "../../db/schema";
import type { SessionUser } from "../../lib/auth";
import { NotFound } from "../../lib/errors";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { loadOnce, roleRule, rule } from "../../lib/policy";
import { cachedRead } from "../../lib/read-cache";
import { myEnrollment } from "../enrollment";
import { getCourse } from "./courses.service";

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

/** Course managers (admins, the course's trainers) and trainees whose enrollment is "enrolled". */
export const canDownloadMaterials = (user: SessionUser, course: CourseAccess, enrollmentStatus: EnrollmentStatus | null): boolean =>
  canManageCourse(user, course) || enrollmentStatus === "enrolled";

const isStaff = (user: SessionUser): boolean => user.role === "admin" || user.role === "trainer";

/** The course `courseId` (by default the URL's `:id`), loaded once per request: by its rule, then by the handler. NotFound if none. */
export const courseOf = (db: Db, req: Request, courseId = idParam(req)) => loadOnce(req, `course:${courseId}`, () => getCourse(db, courseId));

/** The user's enrollment in the course (any status), or null; through the read cache (GET pages share it). */
export const enrollmentOf = (db: Db, req: Request, courseId: number, userId: number) =>
  loadOnce(req, `enrollment:${courseId}:${userId}`, () => cachedRead(req, `enrollment:${courseId}:${userId}`, () => myEnrollment(db, courseId, userId)));

/**
 * The course `courseId` (by default `:id`) if the user may see it, else NotFound (a trainee does not learn that
 * a draft exists). Read through the read cache with the course page's keys.
 */
export const visibleCourse = (db: Db, req: Request, user: SessionUser, courseId = idParam(req)) =>
  loadOnce(req, `visible:${courseId}`, async () => {
    const [course, mine] = await Promise.all([cachedRead(req, `course:${courseId}`, () => getCourse(db, courseId)), enrollmentOf(db, req, courseId, user.id)]);
    if (!canViewCourse(user, course, !!mine)) throw new NotFound();
    return course;
  });

/** Creating a course: admins and trainers (a trainer who creates one teaches it). */
export const createCourses = roleRule("courses.create", "admin", "trainer");

/** The course page: whoever may see the course (404 for the others). */
export const viewCourse = rule("courses.view", "who may see the course (else 404)", async ({ db, user, req }) => !!(await visibleCourse(db, req, user)));

/** Editing a course and everything run for it (sessions, participants, quizzes, attendance, rosters). */
export const manageCourse = rule("courses.manage", "admins, the course's trainers", async ({ db, user, req }) => isStaff(user) && canManageCourse(user, await courseOf(db, req)));

/** Downloading the course's materials. */
export const downloadMaterials = rule("courses.materials", "course managers, its enrolled trainees", async ({ db, user, req }) =>
  canDownloadMaterials(user, await courseOf(db, req), (await enrollmentOf(db, req, idParam(req), user.id))?.status ?? null), t.materials.noAccess);
