/** Courses, their trainers, target categories, funding, sessions and materials. */
import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, numeric, pgTable, primaryKey, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { storedFiles } from "./files";
import { planTasks } from "./plans";
import { participantCategories, units } from "./units";
import { users } from "./users";

export const COURSE_KINDS = ["training", "conference"] as const;
export type CourseKind = (typeof COURSE_KINDS)[number];
export const COURSE_STATUSES = ["draft", "open", "closed", "finished", "cancelled"] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];
export const FUNDING_SOURCES = ["state", "business", "social", "other"] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export const courses = pgTable(
  "courses",
  {
    id: serial("id").primaryKey(),
    title: text("title").notNull(),
    kind: varchar("kind", { length: 16 }).$type<CourseKind>().notNull(),
    planTaskId: integer("plan_task_id").references(() => planTasks.id),
    topic: text("topic"),
    description: text("description"),
    organiserUnitCode: varchar("organiser_unit_code", { length: 32 }).references(() => units.code),
    venue: text("venue"),
    /** null = no limit. */
    capacity: integer("capacity"),
    enrollOpens: date("enroll_opens"),
    enrollCloses: date("enroll_closes"),
    approvalRequired: boolean("approval_required").notNull().default(false),
    status: varchar("status", { length: 16 }).$type<CourseStatus>().notNull().default("draft"),
    /** Whether "vắng có phép" (E) counts as attended in the attendance rate. */
    countExcused: boolean("count_excused").notNull().default(false),
    /** QR check-in opens this many minutes before a session starts… */
    checkinOpensBefore: integer("checkin_opens_before").notNull().default(30),
    /** …and closes this many minutes after it starts. */
    checkinClosesAfter: integer("checkin_closes_after").notNull().default(30),
    /** A check-in later than this many minutes after the start is marked L (late). */
    lateAfterMinutes: integer("late_after_minutes").notNull().default(15),
    /** Completion rule (training courses): minimum attendance rate, 0..1. */
    minAttendanceRate: numeric("min_attendance_rate", { precision: 4, scale: 3, mode: "number" }).notNull().default(0.8),
    /** Completion rule: the quiz that must be passed, if any. */
    requiredQuizId: integer("required_quiz_id"),
    /** Completion rule: a trainer must confirm each trainee's completion. */
    completionApprovalRequired: boolean("completion_approval_required").notNull().default(false),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("courses_status_idx").on(t.status), index("courses_task_idx").on(t.planTaskId)],
);

export const courseTrainers = pgTable(
  "course_trainers",
  {
    courseId: integer("course_id").notNull().references(() => courses.id),
    userId: integer("user_id").notNull().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index("course_trainers_user_idx").on(t.userId)],
);

export const courseTargetCategories = pgTable(
  "course_target_categories",
  {
    courseId: integer("course_id").notNull().references(() => courses.id),
    categoryId: integer("category_id").notNull().references(() => participantCategories.id),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.categoryId] })],
);

/** Money for a course by source (task 4 of the plan), in whole đồng. */
export const fundingLines = pgTable("funding_lines", {
  id: serial("id").primaryKey(),
  courseId: integer("course_id").notNull().references(() => courses.id),
  source: varchar("source", { length: 16 }).$type<FundingSource>().notNull(),
  amount: bigint("amount", { mode: "number" }).notNull(),
  note: text("note"),
});

/** A session (buổi) of a course; cancelled sessions stay, marked, and do not count in attendance. */
export const courseSessions = pgTable(
  "course_sessions",
  {
    id: serial("id").primaryKey(),
    courseId: integer("course_id").notNull().references(() => courses.id),
    date: date("date").notNull(),
    startTime: varchar("start_time", { length: 5 }).notNull(),
    endTime: varchar("end_time", { length: 5 }).notNull(),
    venue: text("venue"),
    topic: text("topic"),
    trainerId: integer("trainer_id").references(() => users.id),
    cancelled: boolean("cancelled").notNull().default(false),
    cancelReason: text("cancel_reason"),
  },
  (t) => [index("course_sessions_course_idx").on(t.courseId, t.date)],
);

/**
 * Course materials; the bytes are a stored file in the database (file_id, schema/files.ts). stored_name is
 * the file's name in DATA_DIR/materials from the versions that kept materials on disk: set only until the
 * start-up move (src/files-upgrade.ts) has brought that file into the database.
 */
export const materials = pgTable("materials", {
  id: serial("id").primaryKey(),
  courseId: integer("course_id").notNull().references(() => courses.id),
  originalName: text("original_name").notNull(),
  fileId: integer("file_id").references(() => storedFiles.id),
  storedName: text("stored_name"),
  mime: text("mime").notNull(),
  size: integer("size").notNull(),
  uploadedBy: integer("uploaded_by").references(() => users.id),
  uploadedAt: timestamp("uploaded_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check("materials_file_check", sql`${t.fileId} is not null or ${t.storedName} is not null`)]);
