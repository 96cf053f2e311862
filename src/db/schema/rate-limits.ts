import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Rate limits (issue #18): counters shared by every app process. One express-rate-limit counter per key
 * ("<limiter>:<client>"): hits in the window ending at reset_at.
 */
export const rateLimitHits = pgTable("rate_limit_hits", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  resetAt: timestamp("reset_at", { withTimezone: true }).notNull(),
});
