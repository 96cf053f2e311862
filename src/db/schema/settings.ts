/** Organisation settings (dated versions) and small undated settings. */
import { date, integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users";

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

/** Small settings that are not dated (certificate number pattern, printer offsets, seal image). */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
