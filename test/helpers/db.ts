/** A fresh database per test file, cloned from the template global-setup migrated. */
import crypto from "node:crypto";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { fromPglite, fromPool, type DbHandle } from "../../src/db/client";
import { withDatabase } from "./global-setup";

export const usingPostgres = !!process.env.TEST_DATABASE_URL;

/** PostgreSQL (TEST_DATABASE_URL): a new database cloned from the template, its URL and how to drop it. */
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
  if (process.env.TEST_DATABASE_URL) {
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
  const file = process.env.TAPHUAN_TEST_TEMPLATE_FILE!;
  const blob = new Blob([fs.readFileSync(file)]);
  return fromPglite(await PGlite.create({ loadDataDir: blob }));
}
