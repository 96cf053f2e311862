/**
 * All tables of taphuan. Migrations in drizzle/ are generated from this file (`npm run db:generate`).
 * Keep to PostgreSQL 15 features: the same migrations run on PGlite (PostgreSQL 18) and a real server.
 */
import { sql } from "drizzle-orm";
import {
  bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar,
} from "drizzle-orm/pg-core";

export const ROLES = ["admin", "trainer", "trainee"] as const;
export type Role = (typeof ROLES)[number];
export const GENDERS = ["Nam", "Nữ"] as const;

export const ethnicities = pgTable("ethnicities", {
  code: varchar("code", { length: 8 }).primaryKey(),
  name: text("name").notNull(),
  /** Ethnic codes differ between systems; we say which one the code belongs to. */
  codeSystem: text("code_system").notNull().default("QĐ 121-TCTK/PPCĐ"),
});

/** Administrative units as dated data: the 2025 merger replaced 32 units by 8 xã. */
export const units = pgTable("units", {
  code: varchar("code", { length: 32 }).primaryKey(),
  name: text("name").notNull(),
  type: varchar("type", { length: 16 }).notNull(),
  parentCode: varchar("parent_code", { length: 32 }),
  validFrom: date("valid_from"),
  validTo: date("valid_to"),
  mergedInto: varchar("merged_into", { length: 32 }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const participantCategories = pgTable("participant_categories", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  sortOrder: integer("sort_order").notNull().default(0),
  active: boolean("active").notNull().default(true),
});

export const users = pgTable(
  "users",
  {
    id: serial("id").primaryKey(),
    ho: text("ho").notNull(),
    tenDem: text("ten_dem").notNull().default(""),
    ten: text("ten").notNull(),
    fullName: text("full_name").notNull(),
    /** Lower-cased email or user name; null for participants without an account (walk-ins). */
    login: text("login"),
    email: text("email"),
    phone: text("phone"),
    passwordHash: text("password_hash"),
    role: varchar("role", { length: 16 }).$type<Role>().notNull(),
    active: boolean("active").notNull().default(true),
    /** Bumped on deactivation and password reset: sessions carrying an older value stop working. */
    sessionVersion: integer("session_version").notNull().default(1),
    dateOfBirth: date("date_of_birth"),
    gender: varchar("gender", { length: 8 }),
    ethnicityCode: varchar("ethnicity_code", { length: 8 }).references(() => ethnicities.code),
    position: text("position"),
    unitCode: varchar("unit_code", { length: 32 }).references(() => units.code),
    categoryId: integer("category_id").references(() => participantCategories.id),
    /** Citizen id (12 digits): personal data, shown to admins only. */
    cccd: varchar("cccd", { length: 12 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_login_unique").on(t.login),
    index("users_cccd_idx").on(t.cccd),
    index("users_role_idx").on(t.role),
  ],
);

/** Failed-login counter per login name: 5 failures in 15 minutes lock that login for 15 minutes. */
export const loginThrottle = pgTable("login_throttle", {
  login: text("login").primaryKey(),
  failures: integer("failures").notNull().default(0),
  firstFailureAt: timestamp("first_failure_at", { withTimezone: true }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

/** Who did what, when, from where. Rows are only ever inserted. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: serial("id").primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: integer("actor_id").references(() => users.id),
    action: varchar("action", { length: 64 }).notNull(),
    targetType: varchar("target_type", { length: 32 }),
    targetId: text("target_id"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    ip: text("ip"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_action_idx").on(t.action)],
);

/**
 * Organisation settings as dated versions: the version in force on a date is the latest valid_from ≤ date.
 * Certificates and frozen reports copy what was in force, so later edits never change them.
 */
export const orgSettings = pgTable("org_settings", {
  id: serial("id").primaryKey(),
  validFrom: date("valid_from").notNull(),
  managingBody: text("managing_body").notNull(),
  issuingBody: text("issuing_body").notNull(),
  placeName: text("place_name").notNull(),
  signerPrefix: text("signer_prefix").notNull(),
  signerTitle: text("signer_title").notNull(),
  signerName: text("signer_name").notNull(),
  /** One recipient per line, as printed under "Nơi nhận:". */
  reportRecipients: text("report_recipients").notNull().default(""),
  createdBy: integer("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A plan (kế hoạch) with numbered tasks; courses count towards one task in the plan's report. */
export const plans = pgTable("plans", {
  id: serial("id").primaryKey(),
  title: text("title").notNull(),
  number: text("number"),
  issuedDate: date("issued_date"),
  issuingBody: text("issuing_body"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const planTasks = pgTable(
  "plan_tasks",
  {
    id: serial("id").primaryKey(),
    planId: integer("plan_id").notNull().references(() => plans.id),
    number: integer("number").notNull(),
    title: text("title").notNull(),
  },
  (t) => [uniqueIndex("plan_tasks_plan_number").on(t.planId, t.number)],
);

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

/** Course materials; files live in DATA_DIR/materials under random names, never in public/. */
export const materials = pgTable("materials", {
  id: serial("id").primaryKey(),
  courseId: integer("course_id").notNull().references(() => courses.id),
  originalName: text("original_name").notNull(),
  storedName: text("stored_name").notNull(),
  mime: text("mime").notNull(),
  size: integer("size").notNull(),
  uploadedBy: integer("uploaded_by").references(() => users.id),
  uploadedAt: timestamp("uploaded_at", { withTimezone: true }).notNull().defaultNow(),
});

export const ENROLLMENT_STATUSES = ["pending", "enrolled", "waitlisted", "rejected", "cancelled"] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/**
 * One row per person and course. Waitlist order is waitlisted_at then id, so a position is never stored
 * and never needs renumbering.
 */
export const enrollments = pgTable(
  "enrollments",
  {
    id: serial("id").primaryKey(),
    courseId: integer("course_id").notNull().references(() => courses.id),
    userId: integer("user_id").notNull().references(() => users.id),
    status: varchar("status", { length: 16 }).$type<EnrollmentStatus>().notNull(),
    source: varchar("source", { length: 16 }).notNull().default("self"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    waitlistedAt: timestamp("waitlisted_at", { withTimezone: true }),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    rejectReason: text("reject_reason"),
  },
  (t) => [uniqueIndex("enrollments_course_user").on(t.courseId, t.userId), index("enrollments_user_idx").on(t.userId), index("enrollments_course_status_idx").on(t.courseId, t.status)],
);

/** express-session rows (connect-pg-simple's layout); created here because its own DDL fails on PGlite. */
export const session = pgTable(
  "session",
  {
    sid: varchar("sid").primaryKey(),
    sess: jsonb("sess").notNull(),
    expire: timestamp("expire", { precision: 6 }).notNull(),
  },
  (t) => [index("IDX_session_expire").on(t.expire)],
);

export const schema = {
  ethnicities, units, participantCategories, users, loginThrottle, auditLog, orgSettings, session,
  plans, planTasks, courses, courseTrainers, courseTargetCategories, fundingLines, courseSessions, materials, enrollments,
};
export const nowSql = sql`now()`;
