/** Enrollments: one row per person and course. */
import { index, integer, pgTable, serial, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { courses } from "./courses";
import { users } from "./users";

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
