/**
 * All tables of taphuan. Migrations in drizzle/ are generated from this file (`npm run db:generate`).
 * Keep to PostgreSQL 15 features: the same migrations run on PGlite (PostgreSQL 18) and a real server.
 */
import { sql } from "drizzle-orm";
import {
  bigint, boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar,
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

/**
 * Names a roster import met that are not a unit's name (an abbreviation, a former name, a body of the xã
 * such as its radio station or police), mapped once by an admin to the unit they belong to.
 */
export const unitAliases = pgTable("unit_aliases", {
  /** matchKey of the name as typed (case, diacritics placement and spacing ignored). */
  aliasKey: text("alias_key").primaryKey(),
  alias: text("alias").notNull(),
  unitCode: varchar("unit_code", { length: 32 }).notNull().references(() => units.code),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
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
    /** Set when an administrator or trainer issued a one-time password: every page asks for a new one first. */
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    dateOfBirth: date("date_of_birth"),
    /** The year of birth when only the year is known (date_of_birth then stays null, never an invented 01/01). */
    birthYear: integer("birth_year"),
    gender: varchar("gender", { length: 8 }),
    ethnicityCode: varchar("ethnicity_code", { length: 8 }).references(() => ethnicities.code),
    position: text("position"),
    unitCode: varchar("unit_code", { length: 32 }).references(() => units.code),
    /**
     * The unit name as typed in an imported roster when it named no known unit (unit_code then null):
     * flagged in the data checks until a unit is set through the user form, which clears it.
     */
    unitAsImported: text("unit_as_imported"),
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

export const MARKS = ["P", "L", "E", "A"] as const;
export type MarkStatus = (typeof MARKS)[number];

/** One mark per person and session: P có mặt, L đi muộn, E vắng có phép, A vắng không phép. */
export const attendanceMarks = pgTable(
  "attendance_marks",
  {
    id: serial("id").primaryKey(),
    sessionId: integer("session_id").notNull().references(() => courseSessions.id),
    userId: integer("user_id").notNull().references(() => users.id),
    status: varchar("status", { length: 1 }).$type<MarkStatus>().notNull(),
    remark: text("remark"),
    /** "rollcall", "qr" or "code". */
    source: varchar("source", { length: 16 }).notNull(),
    markedBy: integer("marked_by").references(() => users.id),
    markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("attendance_marks_session_user").on(t.sessionId, t.userId), index("attendance_marks_user_idx").on(t.userId)],
);

/** Every change of a mark: who, when, old → new, remark, from where. Rows are only inserted. */
export const attendanceChanges = pgTable(
  "attendance_changes",
  {
    id: serial("id").primaryKey(),
    sessionId: integer("session_id").notNull().references(() => courseSessions.id),
    userId: integer("user_id").notNull().references(() => users.id),
    oldStatus: varchar("old_status", { length: 1 }),
    newStatus: varchar("new_status", { length: 1 }).notNull(),
    remark: text("remark"),
    source: varchar("source", { length: 16 }).notNull(),
    changedBy: integer("changed_by").references(() => users.id),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
    ip: text("ip"),
  },
  (t) => [index("attendance_changes_session_idx").on(t.sessionId)],
);

/** Question bank: categories and questions belong to a course. */
export const questionCategories = pgTable(
  "question_categories",
  {
    id: serial("id").primaryKey(),
    courseId: integer("course_id").notNull().references(() => courses.id),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("question_categories_course_name").on(t.courseId, t.name)],
);

export const questions = pgTable(
  "questions",
  {
    id: serial("id").primaryKey(),
    courseId: integer("course_id").notNull().references(() => courses.id),
    categoryId: integer("category_id").notNull().references(() => questionCategories.id),
    /** "single" | "multiple" | "truefalse" | "short" (src/features/quizzes/question-types.ts). */
    kind: varchar("kind", { length: 16 }).notNull(),
    title: text("title"),
    text: text("text").notNull(),
    /** "plain" | "html" (GIFT `[html]`, or the form's box): html text is kept and shown sanitised (question-html.ts). */
    textFormat: varchar("text_format", { length: 8 }).notNull().default("plain"),
    /** [{ text, fraction, feedback? }]: fractions -1..1; never sent to a browser before review. */
    choices: jsonb("choices").$type<{ text: string; fraction: number; feedback?: string }[]>().notNull(),
    generalFeedback: text("general_feedback"),
    ignoreCase: boolean("ignore_case").notNull().default(true),
    ignoreTones: boolean("ignore_tones").notNull().default(false),
    archived: boolean("archived").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("questions_category_idx").on(t.categoryId)],
);

export const GRADING_METHODS = ["highest", "last", "first", "average"] as const;

export const quizzes = pgTable("quizzes", {
  id: serial("id").primaryKey(),
  courseId: integer("course_id").notNull().references(() => courses.id),
  title: text("title").notNull(),
  /** "fixed": the questions in quiz_questions; "random": randomCount questions drawn from randomCategoryId. */
  mode: varchar("mode", { length: 8 }).notNull().default("fixed"),
  randomCategoryId: integer("random_category_id").references(() => questionCategories.id),
  randomCount: integer("random_count"),
  shuffleQuestions: boolean("shuffle_questions").notNull().default(false),
  shuffleAnswers: boolean("shuffle_answers").notNull().default(false),
  timeLimitMinutes: integer("time_limit_minutes"),
  opensAt: timestamp("opens_at", { withTimezone: true }),
  closesAt: timestamp("closes_at", { withTimezone: true }),
  maxAttempts: integer("max_attempts"),
  gradingMethod: varchar("grading_method", { length: 8 }).notNull().default("highest"),
  passMark: numeric("pass_mark", { precision: 5, scale: 2, mode: "number" }).notNull().default(50),
  /** "score": only the score after submission; "full": with correct answers and feedback. */
  reviewMode: varchar("review_mode", { length: 8 }).notNull().default("score"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const quizQuestions = pgTable(
  "quiz_questions",
  {
    quizId: integer("quiz_id").notNull().references(() => quizzes.id),
    questionId: integer("question_id").notNull().references(() => questions.id),
    position: integer("position").notNull(),
    mark: numeric("mark", { precision: 6, scale: 2, mode: "number" }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.quizId, t.questionId] })],
);

export const quizAttempts = pgTable(
  "quiz_attempts",
  {
    id: serial("id").primaryKey(),
    quizId: integer("quiz_id").notNull().references(() => quizzes.id),
    userId: integer("user_id").notNull().references(() => users.id),
    attemptNo: integer("attempt_no").notNull(),
    /** "open" | "submitted" | "expired" (closed automatically past its deadline). */
    status: varchar("status", { length: 12 }).notNull().default("open"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    /** Time limit end (without the grace period); null = no limit. */
    deadline: timestamp("deadline", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** The questions as shown: order, choice order and marks, fixed at start. */
    layout: jsonb("layout").$type<{ questionId: number; mark: number; choiceOrder: number[] }[]>().notNull(),
    score: numeric("score", { precision: 8, scale: 3, mode: "number" }),
    maxScore: numeric("max_score", { precision: 8, scale: 3, mode: "number" }),
    percent: numeric("percent", { precision: 7, scale: 3, mode: "number" }),
  },
  (t) => [uniqueIndex("quiz_attempts_quiz_user_no").on(t.quizId, t.userId, t.attemptNo), index("quiz_attempts_user_idx").on(t.userId)],
);

export const attemptAnswers = pgTable(
  "attempt_answers",
  {
    attemptId: integer("attempt_id").notNull().references(() => quizAttempts.id),
    questionId: integer("question_id").notNull().references(() => questions.id),
    response: jsonb("response").$type<{ choiceIndexes: number[] } | { text: string }>().notNull(),
    savedAt: timestamp("saved_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.questionId] })],
);

/** A trainer's confirmation of a trainee's completion (when the course's rule asks for it). */
export const completionApprovals = pgTable(
  "completion_approvals",
  {
    courseId: integer("course_id").notNull().references(() => courses.id),
    userId: integer("user_id").notNull().references(() => users.id),
    approved: boolean("approved").notNull(),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

/** Last register number used per year and series: numbers run without gaps and are never reused. */
export const certificateCounters = pgTable(
  "certificate_counters",
  {
    year: integer("year").notNull(),
    series: text("series").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.year, t.series] })],
);

export const certificates = pgTable(
  "certificates",
  {
    id: serial("id").primaryKey(),
    courseId: integer("course_id").notNull().references(() => courses.id),
    userId: integer("user_id").notNull().references(() => users.id),
    version: integer("version").notNull().default(1),
    previousId: integer("previous_id"),
    year: integer("year").notNull(),
    series: text("series").notNull(),
    seq: integer("seq").notNull(),
    /** The register number as printed, e.g. "015/GCN-VHTT". */
    number: text("number").notNull(),
    /** Random verification token (≥ 128 bits), separate from the human number. */
    token: text("token").notNull(),
    /** Everything printed, as in force on the issue date: reprints use only this. */
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
    pdfSha256: text("pdf_sha256").notNull(),
    /** "valid" | "revoked" | "superseded". */
    status: varchar("status", { length: 12 }).notNull().default("valid"),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    issuedBy: integer("issued_by").references(() => users.id),
    reissueReason: text("reissue_reason"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: integer("revoked_by").references(() => users.id),
    revokeReason: text("revoke_reason"),
    supersededAt: timestamp("superseded_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("certificates_token").on(t.token),
    uniqueIndex("certificates_year_series_seq").on(t.year, t.series, t.seq),
    index("certificates_course_user_idx").on(t.courseId, t.userId),
  ],
);

/** Small settings that are not dated (certificate number pattern, printer offsets, seal image). */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

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
  ethnicities, units, unitAliases, participantCategories, users, loginThrottle, auditLog, orgSettings, session,
  plans, planTasks, courses, courseTrainers, courseTargetCategories, fundingLines, courseSessions, materials, enrollments,
  attendanceMarks, attendanceChanges, questionCategories, questions, quizzes, quizQuestions, quizAttempts, attemptAnswers,
  completionApprovals, certificateCounters, certificates, appSettings,
};
export const nowSql = sql`now()`;

// Tables owned by features, kept next to their code; re-exported so drizzle-kit sees every table.
export * from "../features/reports/reports.tables";

// ── Rate limits (issue #18): counters shared by every app process ──────────────────────────────────
/** One express-rate-limit counter per key ("<limiter>:<client>"): hits in the window ending at reset_at. */
export const rateLimitHits = pgTable("rate_limit_hits", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  resetAt: timestamp("reset_at", { withTimezone: true }).notNull(),
});
