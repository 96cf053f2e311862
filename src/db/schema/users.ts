/** People (with or without an account) and their roles. */
import { boolean, date, index, integer, pgTable, serial, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { ethnicities, participantCategories, units } from "./units";

export const ROLES = ["admin", "trainer", "trainee"] as const;
export type Role = (typeof ROLES)[number];
export const GENDERS = ["Nam", "Nữ"] as const;

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
