/** A fresh database per test file, cloned from the template global-setup migrated. */
import crypto from "node:crypto";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { fromPglite, fromPool, type DbHandle } from "../../src/db/client";
import { withDatabase } from "./global-setup";

export const usingPostgres = !!process.env.TEST_DATABASE_URL;

export async function createTestDb(): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const tpl = process.env.TAPHUAN_TEST_TEMPLATE_DB!;
    // The global-setup pid prefix lets the teardown sweep databases a crashed file left behind.
    const name = `taphuan_t_${tpl.split("_").pop()}_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${tpl}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: withDatabase(url, name), max: 10 });
    // pool.end() resolves before its clients have closed; the DROP … WITH (FORCE) below then kills them,
    // and an unheard pool error would crash the test file.
    pool.on("error", () => undefined);
    const handle = fromPool(pool);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const file = process.env.TAPHUAN_TEST_TEMPLATE_FILE!;
  const blob = new Blob([fs.readFileSync(file)]);
  return fromPglite(await PGlite.create({ loadDataDir: blob }));
}
