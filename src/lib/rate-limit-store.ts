/**
 * An express-rate-limit store whose counters live in PostgreSQL (table rate_limit_hits), so a limit holds
 * whatever app process answers: with two processes, 50 failed logins from one address are 50 in total, not
 * 50 each. Our own few lines: the PostgreSQL stores on npm are not installed, and the Store interface is
 * five small methods.
 *
 * One row per key ("<limiter>:<client>"). Each hit is one atomic `insert … on conflict do update`: it starts
 * a window (hits 1, reset_at = now + window) when the row is new or its window is over, else adds one. The
 * database's clock decides, so processes on machines with slightly different clocks share one window.
 * Expired rows are reused by the next hit on the same key, and swept about once per window.
 */
import { and, eq, gt, like, lte, sql, type SQL } from "drizzle-orm";
import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { Db } from "../db/client";
import { rateLimitHits } from "../db/schema";

export class DbRateLimitStore implements Store {
  /** Keys of this store are unique to its limiter, so two limiters never share a counter. */
  readonly prefix: string;
  /** Counted in the database: a key's hits are seen by every process (tells express-rate-limit's checks). */
  readonly localKeys = false;
  private windowMs = 60_000;
  private lastSweep = Date.now();
  /** Matches this limiter's rows (the prefix with LIKE's wildcards escaped). */
  private readonly mine: SQL;

  /** `name` identifies the limiter ("login-ip", "verify", …); it prefixes every key. */
  constructor(
    private readonly db: Db,
    name: string,
  ) {
    this.prefix = `${name}:`;
    this.mine = like(rateLimitHits.key, `${this.prefix.replace(/[\\%_]/g, "\\$&")}%`);
  }

  /** Called once by express-rate-limit with the limiter's options. */
  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  /** Counts one hit for `key`, starting a new window when the last one is over. */
  async increment(key: string): Promise<ClientRateLimitInfo> {
    const window = sql`now() + ${Math.round(this.windowMs)}::integer * interval '1 millisecond'`;
    const over = sql`${rateLimitHits.resetAt} <= now()`;
    const [row] = await this.db
      .insert(rateLimitHits)
      .values({ key: this.prefix + key, hits: 1, resetAt: window })
      .onConflictDoUpdate({
        target: rateLimitHits.key,
        set: {
          hits: sql`case when ${over} then 1 else ${rateLimitHits.hits} + 1 end`,
          resetAt: sql`case when ${over} then excluded.reset_at else ${rateLimitHits.resetAt} end`,
        },
      })
      .returning({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt });
    await this.sweepNowAndThen();
    return { totalHits: row.hits, resetTime: row.resetAt };
  }

  /** Takes back one hit (a request the limiter does not count, e.g. a successful login). */
  async decrement(key: string): Promise<void> {
    await this.db
      .update(rateLimitHits)
      .set({ hits: sql`${rateLimitHits.hits} - 1` })
      .where(and(eq(rateLimitHits.key, this.prefix + key), gt(rateLimitHits.hits, 0), gt(rateLimitHits.resetAt, sql`now()`)));
  }

  /** The hits and reset time of `key` in its current window, if any. */
  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await this.db
      .select({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt })
      .from(rateLimitHits)
      .where(and(eq(rateLimitHits.key, this.prefix + key), gt(rateLimitHits.resetAt, sql`now()`)));
    return row ? { totalHits: row.hits, resetTime: row.resetAt } : undefined;
  }

  /** Forgets `key`'s hits. */
  async resetKey(key: string): Promise<void> {
    await this.db.delete(rateLimitHits).where(eq(rateLimitHits.key, this.prefix + key));
  }

  /** Forgets every hit of this limiter. */
  async resetAll(): Promise<void> {
    await this.db.delete(rateLimitHits).where(this.mine);
  }

  /**
   * Deletes this limiter's expired rows, at most once per window per process: keys that never come back
   * (an address seen once) would otherwise stay forever. A delete racing a hit on the same key is safe:
   * PostgreSQL re-checks `reset_at` on the row the hit just renewed and leaves it.
   */
  private async sweepNowAndThen(): Promise<void> {
    if (Date.now() - this.lastSweep < this.windowMs) return;
    this.lastSweep = Date.now();
    await this.db.delete(rateLimitHits).where(and(this.mine, lte(rateLimitHits.resetAt, sql`now()`)));
  }
}
