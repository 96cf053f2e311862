/**
 * Start-up steps that write (migrations, reference data, moving old files in, the first admin) run under one
 * PostgreSQL advisory lock: several app servers started at once on one database (two machines, a rolling
 * upgrade) take turns, so the second finds the first's work done instead of racing it (two "first admins",
 * a migration applied twice).
 */
import type pg from "pg";

/** Arbitrary, fixed: the advisory lock taphuan's start-up holds. */
const STARTUP_LOCK = 73_060_001;

export async function withStartupLock<T>(pool: pg.Pool, steps: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [STARTUP_LOCK]);
    return await steps();
  } finally {
    await client.query("select pg_advisory_unlock($1)", [STARTUP_LOCK]).catch(() => undefined);
    client.release();
  }
}
