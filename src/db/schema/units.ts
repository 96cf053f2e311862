/** Reference data: ethnic groups, administrative units (dated), the names imports map to units, participant categories. */
import { boolean, date, integer, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";

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
