/**
 * Runs once per `jest` run. Without TEST_DATABASE_URL it starts ONE embedded PostgreSQL server for the
 * whole run (the product's own, src/db/embedded-server.ts, in a temporary folder) and points
 * TEST_DATABASE_URL at it; then it migrates ONE template database and seeds reference data, so each test
 * file only clones it (CREATE DATABASE … TEMPLATE).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { fromPool } from "../../src/db/client";
import { startEmbeddedServer, type EmbeddedServer } from "../../src/db/embedded-server";
import { pidAlive } from "../../src/db/lock";
import { seedReferenceData } from "../../src/db/reference-data";

/** Where the run's embedded server lives; global-teardown stops it. */
export const testServerState = globalThis as unknown as { taphuanTestServer?: { server: EmbeddedServer; dir: string } };

/**
 * The test cluster is thrown away after the run: it may skip flushing to disk (each test file commits
 * thousands of times). The product's own server always flushes (src/db/embedded-server.ts), and the tests
 * that start the real app (server.test.ts, crash-safety.test.ts…) run it with its own cluster.
 */
export const TEST_SETTINGS = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };

export default async function globalSetup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) {
    sweepKilledRuns();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `taphuan-test-db-${process.pid}-`));
    const server = await startEmbeddedServer(dir, { settings: TEST_SETTINGS, createDatabase: false });
    testServerState.taphuanTestServer = { server, dir };
    process.env.TEST_DATABASE_URL = server.url("postgres");
  }
  const url = process.env.TEST_DATABASE_URL;
  const name = `taphuan_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: withDatabase(url, name), max: 2 });
  const handle = fromPool(pool);
  await handle.migrate();
  await seedReferenceData(handle.db);
  await handle.close();
  process.env.TAPHUAN_TEST_TEMPLATE_DB = name;
}

/** A run killed before its teardown (e.g. by a timeout) leaves its server running: stop it, remove its folder. */
function sweepKilledRuns(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const m = /^taphuan-test-db-(\d+)-/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const pid = Number(fs.readFileSync(path.join(dir, "postgres", "data", "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0 && pidAlive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir)) process.kill(pid, "SIGINT");
    } catch {
      /* no server, or not on Linux */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = "/" + db;
  return u.toString();
}
