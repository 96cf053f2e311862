import fs from "node:fs";
import pg from "pg";
import { testServerState } from "./global-setup";

export default async function globalTeardown(): Promise<void> {
  const own = testServerState.taphuanTestServer;
  if (own) {
    await own.server.stop();
    fs.rmSync(own.dir, { recursive: true, force: true });
    return;
  }
  const tpl = process.env.TAPHUAN_TEST_TEMPLATE_DB;
  const url = process.env.TEST_DATABASE_URL;
  if (tpl && url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Per-file databases are dropped by their files; sweep any a crashed file left behind.
    // starts_with, not LIKE: "_" is a LIKE wildcard, and pid 1110 must not sweep run 11108's databases.
    const { rows } = await admin.query(`select datname from pg_database where starts_with(datname, $1)`, [`taphuan_t_${tpl.split("_").pop()}_`]);
    for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
    await admin.query(`drop database if exists ${tpl} with (force)`);
    await admin.end();
  }
}
