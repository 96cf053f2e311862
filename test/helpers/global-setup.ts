/**
 * Runs once per `jest` run: migrates ONE template database and seeds reference data, so each test
 * file only clones it (PGlite: ~0.5 s instead of ~3 s; PostgreSQL: CREATE DATABASE … TEMPLATE).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { fromPglite, fromPool } from "../../src/db/client";
import { seedReferenceData } from "../../src/db/reference-data";

export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `taphuan_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const tplUrl = withDatabase(url, name);
    const pool = new pg.Pool({ connectionString: tplUrl, max: 2 });
    const handle = fromPool(pool);
    await handle.migrate();
    await seedReferenceData(handle.db);
    await handle.close();
    process.env.TAPHUAN_TEST_TEMPLATE_DB = name;
    return;
  }
  const pglite = await PGlite.create();
  const handle = fromPglite(pglite);
  await handle.migrate();
  await seedReferenceData(handle.db);
  const dump = await pglite.dumpDataDir("none");
  const file = path.join(os.tmpdir(), `taphuan-template-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  process.env.TAPHUAN_TEST_TEMPLATE_FILE = file;
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = "/" + db;
  return u.toString();
}
