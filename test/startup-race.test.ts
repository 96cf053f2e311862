/**
 * Three app servers started at the same moment on one new, empty database (machines booting together, a
 * rolling upgrade): their start-up steps take turns (db/startup-lock.ts), so all three start, the
 * migrations are applied once and there is one first administrator, not a start-up crash on a duplicate.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { withDatabase } from "./helpers/global-setup";
import { startServer, type ServerProcess } from "./helpers/server-process";

jest.setTimeout(180_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-race-"));
const url = process.env.TEST_DATABASE_URL!;
const name = `taphuan_t_${process.env.TAPHUAN_TEST_TEMPLATE_DB!.split("_").pop()}_r${crypto.randomBytes(4).toString("hex")}`;
const running: ServerProcess[] = [];

async function query<T extends pg.QueryResultRow>(dbUrl: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(() => query(url, `create database ${name}`));
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await query(url, `drop database if exists ${name} with (force)`);
  fs.rmSync(root, { recursive: true, force: true });
});

test("three servers started at once on an empty database all start, with one first admin and each migration once", async () => {
  const port = 43000 + Math.floor(Math.random() * 1000);
  const env = { DATABASE_URL: withDatabase(url, name), SESSION_SECRET: "bi-mat-chung-ba-may-chu-0123456789abcdef", TAPHUAN_ADMIN_EMAIL: "quantri@example.vn", TAPHUAN_ADMIN_PASSWORD: "mat-khau-quan-tri-dau-tien" };
  for (let i = 0; i < 3; i++) running.push(startServer({ ...env, DATA_DIR: path.join(root, `m${i}`), PORT: String(port + i) }));
  await Promise.all(running.map((s) => s.waitFor("taphuan đang chạy")));
  const db = withDatabase(url, name);
  expect(await query(db, "select login from users where role = 'admin'")).toEqual([{ login: "quantri@example.vn" }]);
  const applied = await query<{ hash: string }>(db, "select hash from drizzle.__drizzle_migrations");
  expect(applied.length).toBe(fs.readdirSync(path.join(__dirname, "../drizzle")).filter((f) => f.endsWith(".sql")).length);
  expect(new Set(applied.map((r) => r.hash)).size).toBe(applied.length);
  // Exactly one of them said it created the administrator.
  expect(running.filter((s) => s.output().includes("Đã tạo tài khoản quản trị")).length).toBe(1);
});
