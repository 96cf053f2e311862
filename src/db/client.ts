/**
 * Opens the database: embedded PGlite in DATA_DIR by default, a PostgreSQL server when DATABASE_URL is set.
 * Both give the same Drizzle API (type Db), the same migrations and a `query` function for raw SQL users
 * such as the session store.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { MIGRATIONS_DIR } from "../paths";
import { schema } from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbKind = "pglite" | "postgres";

/** The smallest client interface connect-pg-simple needs; both PGlite and pg.Pool provide it. */
export interface QueryClient {
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

export interface DbHandle {
  db: Db;
  kind: DbKind;
  client: QueryClient;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Wraps an open PGlite instance (tests pass clones of a migrated template). */
export function fromPglite(pglite: PGlite): DbHandle {
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    client: pglite as unknown as QueryClient,
    migrate: () => migratePglite(db as any, { migrationsFolder: MIGRATIONS_DIR }),
    close: () => pglite.close(),
  };
}

/** Wraps a node-postgres pool. */
export function fromPool(pool: pg.Pool): DbHandle {
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    client: pool,
    migrate: () => migratePg(db as any, { migrationsFolder: MIGRATIONS_DIR }),
    close: () => pool.end(),
  };
}

/** Opens the configured database (not yet migrated). */
export async function openDb(opts: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    await pool.query("select 1");
    return fromPool(pool);
  }
  const dir = path.join(opts.dataDir, "pgdata");
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) initPgliteDir(dir);
  return fromPglite(await PGlite.create(dir, { startParams: PGLITE_START_PARAMS }));
}

/**
 * PostgreSQL settings of the embedded database. shared_buffers 32 MB instead of PGlite's 128 MB: the
 * server's memory (RSS) starts at ~250 MB instead of ~370 MB; the operating system's file cache still
 * holds the data files.
 */
export const PGLITE_START_PARAMS = [...(PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams, "-c", "shared_buffers=32MB"];

/**
 * Creates a new embedded database cluster (initdb) in a child process: inside WebAssembly, initdb leaves
 * ~870 MB of memory that is never given back, so the server would carry it for as long as it runs.
 */
function initPgliteDir(dir: string): void {
  const script = `require(${JSON.stringify(require.resolve("@electric-sql/pglite"))}).PGlite.create(process.argv[1]).then((db) => db.close()).catch((e) => { console.error(e); process.exit(1); });`;
  execFileSync(process.execPath, ["-e", script, dir], { stdio: ["ignore", "ignore", "inherit"] });
}
