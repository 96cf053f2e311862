/** Completion approvals, the certificate register and its counters. */
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { courses } from "./courses";
import { users } from "./users";

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
