/** Report drafts and frozen report versions of a plan over a period. */
import { date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { plans } from "./plans";
import { users } from "./users";

/**
 * What the administrator types for a plan's report over one period: task 2 figures, the narrative
 * sections and the document number. One row per plan and period; it stays editable until the report
 * is frozen, and again after a frozen version is re-opened (reopened_from_id = that version).
 */
export const reportDrafts = pgTable(
  "report_drafts",
  {
    id: serial("id").primaryKey(),
    planId: integer("plan_id").notNull().references(() => plans.id),
    periodFrom: date("period_from").notNull(),
    periodTo: date("period_to").notNull(),
    /** ReportNarrative (report-types.ts): number line, task 2 figures, sections I–IV. */
    narrative: jsonb("narrative").$type<Record<string, unknown>>().notNull(),
    /** The frozen version this draft was re-opened from; null before the first freeze. */
    reopenedFromId: integer("reopened_from_id").references((): AnyPgColumn => reportVersions.id),
    updatedBy: integer("updated_by").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("report_drafts_plan_period").on(t.planId, t.periodFrom, t.periodTo)],
);

/**
 * A frozen report: figures, narrative and the organisation snapshot as they were when frozen, with who,
 * when and a SHA-256 over all of it. Rows are only inserted, never updated: a change means a new
 * version (previous_id points at the one it replaces).
 */
export const reportVersions = pgTable(
  "report_versions",
  {
    id: serial("id").primaryKey(),
    planId: integer("plan_id").notNull().references(() => plans.id),
    periodFrom: date("period_from").notNull(),
    periodTo: date("period_to").notNull(),
    version: integer("version").notNull(),
    previousId: integer("previous_id").references((): AnyPgColumn => reportVersions.id),
    /** ReportFigures (report-types.ts), computed from the data at frozen_at. */
    figures: jsonb("figures").$type<Record<string, unknown>>().notNull(),
    narrative: jsonb("narrative").$type<Record<string, unknown>>().notNull(),
    /** The organisation settings in force on the freeze date (header, signer, recipients). */
    orgSnapshot: jsonb("org_snapshot").$type<Record<string, unknown>>().notNull(),
    frozenBy: integer("frozen_by").notNull().references(() => users.id),
    frozenAt: timestamp("frozen_at", { withTimezone: true }).notNull(),
    /** SHA-256 (hex) of the canonical JSON of everything above (report-hash.ts). */
    sha256: text("sha256").notNull(),
    /** SHA-256 of the DOCX generated from this snapshot at freeze time: regenerating must give the same bytes. */
    docxSha256: text("docx_sha256").notNull(),
  },
  (t) => [
    uniqueIndex("report_versions_plan_period_version").on(t.planId, t.periodFrom, t.periodTo, t.version),
    index("report_versions_frozen_at_idx").on(t.frozenAt),
  ],
);
