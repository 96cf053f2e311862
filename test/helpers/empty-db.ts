/** A migrated database WITHOUT reference data (restore targets must be empty). */
import crypto from "node:crypto";
import pg from "pg";
import { fromPool, type DbHandle } from "../../src/db/client";
import { withDatabase } from "./global-setup";

export async function createEmptyDb(): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL!;
  const name = `taphuan_t_${process.env.TAPHUAN_TEST_TEMPLATE_DB!.split("_").pop()}_e${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: withDatabase(url, name), max: 4 });
  pool.on("error", () => undefined); // see helpers/db.ts
  const handle = fromPool(pool);
  await handle.migrate();
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
