/** Attendance marks and their history. */
import { index, integer, pgTable, serial, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { courseSessions } from "./courses";
import { users } from "./users";

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
