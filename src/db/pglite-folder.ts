/**
 * Opens a data folder of the PGlite database that versions before the embedded PostgreSQL server used
 * (DATA_DIR/pgdata). Only the upgrade (src/pglite-upgrade.ts) and its test use it; PGlite is loaded on
 * demand, so a server that has nothing to upgrade never loads its ~120 MB of WebAssembly.
 */
import type { DbHandle, Db, QueryClient } from "./client";
import { MIGRATIONS_DIR } from "../paths";
import { schema } from "./schema";

export async function openPgliteFolder(dir: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const pglite = await PGlite.create(dir);
  const liteDb = drizzle(pglite, { schema });
  const db = liteDb as unknown as Db;
  return {
    db,
    kind: "embedded",
    client: pglite as unknown as QueryClient,
    migrate: () => migrate(liteDb, { migrationsFolder: MIGRATIONS_DIR }),
    close: () => pglite.close(),
  };
}
