/** A fresh database per test file, cloned from the template global-setup migrated. */
import crypto from "node:crypto";
import pg from "pg";
import { openScratchDb } from "../../scripts/scratch-db";
import { fromPool, type DbHandle } from "../../src/db/client";
import { TEST_SETTINGS, withDatabase } from "./global-setup";

/** A new database cloned from the template (global-setup.ts), its URL and how to drop it. */
export async function cloneTemplateDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL!;
  const tpl = process.env.TAPHUAN_TEST_TEMPLATE_DB!;
  // The global-setup pid prefix lets the teardown sweep databases a crashed file left behind.
  const name = `taphuan_t_${tpl.split("_").pop()}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name} template ${tpl}`);
  await admin.end();
  return {
    url: withDatabase(url, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function createTestDb(): Promise<DbHandle> {
  const clone = await cloneTemplateDatabase();
  const pool = new pg.Pool({ connectionString: clone.url, max: 10 });
  // pool.end() resolves before its clients have closed; the DROP … WITH (FORCE) below then kills them,
  // and an unheard pool error would crash the test file.
  pool.on("error", () => undefined);
  const handle = fromPool(pool);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await clone.drop();
    },
  };
}

/**
 * A database on an embedded server of its own (a few seconds to create), for the tests whose subject is
 * cluster-wide: the read cache's key (pg_current_snapshot()) moves with any write in any database of the
 * server, so other test files running beside would make its cache misses unpredictable.
 */
export function createPrivateDb(): Promise<DbHandle> {
  return openScratchDb({ settings: TEST_SETTINGS });
}
