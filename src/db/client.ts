/**
 * Opens the database: the embedded PostgreSQL server in DATA_DIR by default (embedded-server.ts), a
 * PostgreSQL server when DATABASE_URL is set. Either way the app talks to it through a node-postgres pool:
 * the same Drizzle API (type Db), the same migrations and a `query` function for raw SQL users such as
 * the session store.
 */
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { migrateJobs } from "../lib/jobs";
import pg from "pg";
import { MIGRATIONS_DIR } from "../paths";
import { startEmbeddedServer, type EmbeddedServer } from "./embedded-server";
import { schema } from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** "embedded": the server taphuan started itself; "postgres": a server named by DATABASE_URL. */
export type DbKind = "embedded" | "postgres";

/** The smallest client interface connect-pg-simple needs; pg.Pool provides it. */
export interface QueryClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg.Pool's rows are `any`; each caller names its row shape.
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

export interface DbHandle {
  db: Db;
  kind: DbKind;
  client: QueryClient;
  /** The pool itself (the job queue takes it); absent for the old PGlite folder opened to be moved. */
  pool?: pg.Pool;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The embedded server, when this handle started one. */
  server?: EmbeddedServer;
}

/** Wraps a node-postgres pool. */
export function fromPool(pool: pg.Pool, kind: DbKind = "postgres"): DbHandle {
  const pgDb = drizzle(pool, { schema });
  const db = pgDb as unknown as Db;
  return {
    db,
    kind,
    client: pool,
    pool,
    migrate: async () => {
      await migrate(pgDb, { migrationsFolder: MIGRATIONS_DIR });
      await migrateJobs(pool);
    },
    close: () => pool.end(),
  };
}

const POOL_SIZE = 10;

/** Opens the configured database (not yet migrated); checks that it does not trade durability for speed. */
export async function openDb(opts: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: POOL_SIZE });
    await warnIfNotDurable(pool);
    return fromPool(pool);
  }
  const handle = fromEmbeddedServer(await startEmbeddedServer(opts.dataDir));
  const off = await settingsOff(handle.client);
  if (off.length) {
    await handle.close();
    throw new Error(`Máy chủ PostgreSQL nhúng đang đặt ${off.join(", ")}: taphuan không chạy khi dữ liệu có thể mất lúc mất điện.`);
  }
  return handle;
}

/**
 * A pool on a database another process opened and checked (a cluster worker, src/cluster.ts). On the
 * embedded server, as in fromEmbeddedServer, a connection it ends while stopping must not crash the process.
 */
export function openPool(url: string, kind: DbKind): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  if (kind === "embedded") pool.on("error", () => undefined);
  return fromPool(pool, kind);
}

/** A pool on an embedded server's `taphuan` database; closing the handle also stops the server. */
export function fromEmbeddedServer(server: EmbeddedServer): DbHandle {
  const pool = new pg.Pool({ ...server.connection, max: POOL_SIZE });
  // The server stops with the handle; a connection it ends then must not crash the process.
  pool.on("error", () => undefined);
  const handle = fromPool(pool, "embedded");
  return {
    ...handle,
    server,
    close: async () => {
      await handle.close();
      await server.stop();
    },
  };
}

export const DURABILITY_SETTINGS = ["fsync", "synchronous_commit", "full_page_writes"] as const;

/** The durability settings that are off on this server (each must be "on" for a commit to survive a power cut). */
export async function settingsOff(client: QueryClient): Promise<string[]> {
  const { rows } = await client.query("select name, setting from pg_settings where name = any($1)", [DURABILITY_SETTINGS]);
  return (rows as { name: string; setting: string }[]).filter((r) => r.setting !== "on").map((r) => `${r.name}=${r.setting}`);
}

/** A server named by DATABASE_URL is the office's to configure: say loudly when it may lose commits. */
async function warnIfNotDurable(pool: pg.Pool): Promise<void> {
  const off = await settingsOff(pool);
  if (off.length) console.warn(`CẢNH BÁO: máy chủ PostgreSQL đang đặt ${off.join(", ")}: khi mất điện có thể mất dữ liệu vừa ghi. Hãy đặt lại thành on.`);
}
