/** Question bank, quizzes, attempts and answers. */
import { boolean, index, integer, jsonb, numeric, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { courses } from "./courses";
import { users } from "./users";

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
