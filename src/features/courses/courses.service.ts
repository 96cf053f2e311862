import { and, asc, count, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jsonList, jsonRow } from "../../db/json";
import {
  courseSessions, courseTargetCategories, courseTrainers, courses, enrollments, fundingLines, planTasks, plans, units, users,
  type CourseKind, type CourseStatus, type FundingSource,
} from "../../db/schema";
import type { SessionUser } from "../../lib/auth";
import { audit } from "../../lib/audit";
import { NotFound, ValidationError } from "../../lib/errors";
import { containsPattern } from "../../lib/like";
import { t } from "../../messages";

type Actor = { id: number; ip?: string | null };

export interface CourseInput {
  title: string;
  kind: CourseKind;
  planTaskId: number | null;
  topic: string | null;
  description: string | null;
  organiserUnitCode: string | null;
  venue: string | null;
  capacity: number | null;
  enrollOpens: string | null;
  enrollCloses: string | null;
  approvalRequired: boolean;
  status: CourseStatus;
  countExcused: boolean;
  trainerIds: number[];
  targetCategoryIds: number[];
  funding: { source: FundingSource; amount: number; note: string | null }[];
}

export type CourseDetail = Awaited<ReturnType<typeof getCourse>>;

async function checkTrainers(db: Db, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const rows = await db.select({ id: users.id }).from(users).where(and(inArray(users.id, ids), eq(users.role, "trainer"), eq(users.active, true)));
  if (rows.length !== new Set(ids).size) throw new ValidationError({ trainerIds: t.courses.badTrainer });
}

async function writeLinks(tx: Db, courseId: number, input: CourseInput): Promise<void> {
  await tx.delete(courseTrainers).where(eq(courseTrainers.courseId, courseId));
  await tx.delete(courseTargetCategories).where(eq(courseTargetCategories.courseId, courseId));
  await tx.delete(fundingLines).where(eq(fundingLines.courseId, courseId));
  const trainers = [...new Set(input.trainerIds)];
  if (trainers.length) await tx.insert(courseTrainers).values(trainers.map((userId) => ({ courseId, userId })));
  const cats = [...new Set(input.targetCategoryIds)];
  if (cats.length) await tx.insert(courseTargetCategories).values(cats.map((categoryId) => ({ courseId, categoryId })));
  if (input.funding.length) await tx.insert(fundingLines).values(input.funding.map((f) => ({ courseId, ...f })));
}

function columns(input: CourseInput) {
  const { trainerIds: _t, targetCategoryIds: _c, funding: _f, ...cols } = input;
  return cols;
}

/** Creates a course with its trainers, target categories and funding lines. Throws ValidationError. */
export async function createCourse(db: Db, input: CourseInput, actor: Actor) {
  await checkTrainers(db, input.trainerIds);
  return db.transaction(async (tx) => {
    const [course] = await tx.insert(courses).values({ ...columns(input), createdBy: actor.id }).returning();
    await writeLinks(tx, course.id, input);
    await audit(tx, { actorId: actor.id, action: "course.create", targetType: "course", targetId: course.id, ip: actor.ip });
    return course;
  });
}

/** Replaces a course's details (and its trainers, categories, funding). */
export async function updateCourse(db: Db, id: number, input: CourseInput, actor: Actor): Promise<void> {
  await checkTrainers(db, input.trainerIds);
  await db.transaction(async (tx) => {
    const updated = await tx.update(courses).set({ ...columns(input), updatedAt: new Date() }).where(eq(courses.id, id)).returning({ id: courses.id });
    if (!updated.length) throw new NotFound();
    await writeLinks(tx, id, input);
    await audit(tx, { actorId: actor.id, action: "course.update", targetType: "course", targetId: id, ip: actor.ip });
  });
}

/** A course with trainers, categories, funding, sessions and seat counts; NotFound if missing. */
export async function getCourse(db: Db, id: number) {
  // One statement: the course with its trainers, target categories, funding, sessions and enrollment
  // counts (it is read by every course page and every trainer action).
  const [row] = await db
    .select({
      course: courses, taskNumber: planTasks.number, taskTitle: planTasks.title, planTitle: plans.title, organiserName: units.name,
      trainers: jsonList<{ id: number; fullName: string }>(
        sql`json_build_object('id', ${users.id}, 'fullName', ${users.fullName})`,
        sql`from ${courseTrainers} join ${users} on ${users.id} = ${courseTrainers.userId} where ${courseTrainers.courseId} = ${courses.id}`,
        sql`${users.ten}`,
      ),
      cats: jsonList<number>(sql`${courseTargetCategories.categoryId}`, sql`from ${courseTargetCategories} where ${courseTargetCategories.courseId} = ${courses.id}`),
      funding: jsonList<typeof fundingLines.$inferSelect>(jsonRow(fundingLines), sql`from ${fundingLines} where ${fundingLines.courseId} = ${courses.id}`, sql`${fundingLines.id}`),
      sessions: jsonList<typeof courseSessions.$inferSelect>(
        jsonRow(courseSessions),
        sql`from ${courseSessions} where ${courseSessions.courseId} = ${courses.id}`,
        sql`${courseSessions.date}, ${courseSessions.startTime}, ${courseSessions.id}`,
      ),
      counts: jsonList<{ status: string; n: number }>(
        sql`json_build_object('status', status, 'n', n)`,
        sql`from (select ${enrollments.status} as status, count(*)::int as n from ${enrollments} where ${enrollments.courseId} = ${courses.id} group by ${enrollments.status}) c`,
      ),
    })
    .from(courses)
    .leftJoin(planTasks, eq(planTasks.id, courses.planTaskId))
    .leftJoin(plans, eq(plans.id, planTasks.planId))
    .leftJoin(units, eq(units.code, courses.organiserUnitCode))
    .where(eq(courses.id, id));
  if (!row) throw new NotFound();
  const { trainers, cats, funding, sessions, counts } = row;
  const countOf = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
  const live = sessions.filter((s) => !s.cancelled);
  return {
    ...row.course,
    taskNumber: row.taskNumber,
    taskTitle: row.taskTitle,
    planTitle: row.planTitle,
    organiserName: row.organiserName,
    trainers,
    trainerIds: trainers.map((tr) => tr.id),
    targetCategoryIds: cats,
    funding,
    sessions,
    startDate: live[0]?.date ?? null,
    endDate: live[live.length - 1]?.date ?? null,
    enrolledCount: countOf("enrolled"),
    waitlistCount: countOf("waitlisted"),
    pendingCount: countOf("pending"),
  };
}

export interface CourseFilters {
  q: string;
  status?: CourseStatus;
  kind?: CourseKind;
  planTaskId?: number;
  year?: number;
  page: number;
}
export const COURSE_PAGE_SIZE = 20;

/** Courses the viewer may see, filtered and paged, newest first. */
export async function listCourses(db: Db, viewer: SessionUser, f: CourseFilters) {
  const conds: SQL[] = [];
  if (viewer.role === "trainee") {
    const mine = db.select({ id: enrollments.courseId }).from(enrollments).where(eq(enrollments.userId, viewer.id));
    conds.push(or(eq(courses.status, "open"), inArray(courses.id, mine))!);
  } else if (viewer.role === "trainer") {
    const taught = db.select({ id: courseTrainers.courseId }).from(courseTrainers).where(eq(courseTrainers.userId, viewer.id));
    conds.push(or(sql`${courses.status} <> 'draft'`, inArray(courses.id, taught))!);
  }
  if (f.q) conds.push(or(ilike(courses.title, containsPattern(f.q)), ilike(courses.topic, containsPattern(f.q)))!);
  if (f.status) conds.push(eq(courses.status, f.status));
  if (f.kind) conds.push(eq(courses.kind, f.kind));
  if (f.planTaskId) conds.push(eq(courses.planTaskId, f.planTaskId));
  if (f.year) {
    const inYear = db.select({ id: courseSessions.courseId }).from(courseSessions).where(and(gte(courseSessions.date, `${f.year}-01-01`), lte(courseSessions.date, `${f.year}-12-31`)));
    conds.push(inArray(courses.id, inYear));
  }
  const where = conds.length ? and(...conds) : undefined;
  const [{ total }] = await db.select({ total: count() }).from(courses).where(where);
  // Columns spelled out with aliases: Drizzle leaves column names unqualified in a one-table query, so
  // ${courses.id} inside the subquery would mean the subquery's own "id" (test/courses.test.ts).
  const firstDay = sql<string | null>`(select min(s.date) from ${courseSessions} s where s.course_id = ${courses}.id and not s.cancelled)`;
  const enrolled = sql<number>`(select count(*)::int from ${enrollments} e where e.course_id = ${courses}.id and e.status = 'enrolled')`;
  const rows = await db
    .select({ id: courses.id, title: courses.title, kind: courses.kind, status: courses.status, venue: courses.venue, capacity: courses.capacity, firstDay, enrolled })
    .from(courses)
    .where(where)
    .orderBy(desc(courses.createdAt), desc(courses.id))
    .limit(COURSE_PAGE_SIZE)
    .offset((f.page - 1) * COURSE_PAGE_SIZE);
  return { rows, total, page: f.page, pages: Math.max(1, Math.ceil(total / COURSE_PAGE_SIZE)) };
}

/** Plan tasks for select boxes ("1. Quán triệt…"). */
export async function listPlanTasks(db: Db) {
  return db
    .select({ id: planTasks.id, number: planTasks.number, title: planTasks.title, planId: plans.id, planTitle: plans.title })
    .from(planTasks)
    .innerJoin(plans, eq(plans.id, planTasks.planId))
    .orderBy(desc(plans.id), asc(planTasks.number));
}

/** Active trainers for the trainer picker. */
export async function listTrainers(db: Db) {
  return db.select({ id: users.id, fullName: users.fullName }).from(users).where(and(eq(users.role, "trainer"), eq(users.active, true))).orderBy(asc(users.ten), asc(users.ho));
}
