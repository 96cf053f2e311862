/** Plans (kế hoạch) and their numbered tasks. */
import { date, integer, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

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
