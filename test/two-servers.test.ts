/**
 * Issue #18's acceptance: two app servers (real child processes on two ports, each with a DATA_DIR of its
 * own) on one PostgreSQL database. A session made on A is valid on B; failed logins spread over A and B
 * lock the account; a material uploaded through A downloads through B byte for byte; the daily backup is
 * written once; a class's certificate job of 200, its process SIGKILLed midway, is finished by the other
 * server: 200 certificates numbered 1..200, no gap, nobody twice.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { PDFDocument } from "pdf-lib";
import request from "supertest";
import { fromPool, type DbHandle } from "../src/db/client";
import { certificates, issueJobs, jobWorkers, materials, users } from "../src/db/schema";
import { createUser } from "../src/features/users/users.service";
import { completeTestSetup, csrfFrom, type TestContext } from "./helpers/app";
import { eligibleClass } from "./helpers/courses";
import { cloneTemplateDatabase } from "./helpers/db";
import { download } from "./helpers/office-files";
import { startServer, type ServerProcess } from "./helpers/server-process";

jest.setTimeout(300_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-two-"));
const port = 45000 + Math.floor(Math.random() * 900); // each server test file has a range of its own
const base = { A: `http://127.0.0.1:${port}`, B: `http://127.0.0.1:${port + 1}` };
const running: ServerProcess[] = [];
let handle: DbHandle;
let drop: () => Promise<void>;
let env: Record<string, string>;
const PASSWORD = "mat-khau-hai-may-chu";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The next whole minute, in Vietnam time, at least 40 s away (when both servers are surely up). */
function nextMinute(): { hhmm: string; at: number } {
  const at = Math.ceil((Date.now() + 40_000) / 60_000) * 60_000;
  const vn = new Date(at + 7 * 3_600_000);
  return { hhmm: `${String(vn.getUTCHours()).padStart(2, "0")}:${String(vn.getUTCMinutes()).padStart(2, "0")}`, at };
}
const daily = nextMinute();

beforeAll(async () => {
  const clone = await cloneTemplateDatabase();
  drop = () => clone.drop();
  const pool = new pg.Pool({ connectionString: clone.url, max: 4 });
  pool.on("error", () => undefined);
  handle = fromPool(pool);
  await completeTestSetup(handle.db);
  env = {
    DATABASE_URL: clone.url, SESSION_SECRET: "bi-mat-chung-cua-hai-may-chu-0123456789", JOB_STALE_SECONDS: "2",
    BACKUP_DAILY_AT: daily.hhmm, TAPHUAN_ADMIN_EMAIL: "quantri@example.vn", TAPHUAN_ADMIN_PASSWORD: PASSWORD,
  };
});

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await handle.close();
  await drop();
  fs.rmSync(root, { recursive: true, force: true });
});

function start(name: "A" | "B"): ServerProcess {
  const s = startServer({ ...env, DATA_DIR: path.join(root, name), PORT: String(name === "A" ? port : port + 1) });
  running.push(s);
  return s;
}

/** Logs in through `at` and returns the session cookie and its CSRF token. */
async function login(at: string, loginName: string, password: string): Promise<{ status: number; cookie: string; text: string }> {
  const page = await request(at).get("/login");
  const cookie = (page.headers["set-cookie"] as unknown as string[]).map((c) => c.split(";")[0]).join("; ");
  const res = await request(at).post("/login").set("Cookie", cookie).type("form").send({ _csrf: csrfFrom(page.text), login: loginName, password });
  const next = res.headers["set-cookie"] as unknown as string[] | undefined;
  return { status: res.status, cookie: next ? next.map((c) => c.split(";")[0]).join("; ") : cookie, text: res.text };
}

const backups = () => ["A", "B"].flatMap((n) => {
  const dir = path.join(root, n, "backups");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl.gz")) : [];
});

test("two app servers on one database: sessions, lockout, files, the daily backup and a killed certificate job", async () => {
  const servers = { A: start("A"), B: start("B") };
  await Promise.all([servers.A.waitFor("taphuan đang chạy"), servers.B.waitFor("taphuan đang chạy")]);

  // A session started on A is valid on B.
  const admin = await login(base.A, "quantri@example.vn", PASSWORD);
  expect(admin.status).toBe(302);
  const onB = await request(base.B).get("/courses").set("Cookie", admin.cookie);
  expect(onB.status).toBe(200);
  expect((await request(base.B).get("/courses")).status).toBe(302);

  // Five failed logins, spread over A and B, lock the account: the right password is then refused on both.
  const trainer = await createUser(handle.db, {
    ho: "Trần", tenDem: "Thị", ten: "Hằng", login: "tran.hang", email: null, phone: null, role: "trainer", dateOfBirth: null, gender: null,
    ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null, password: PASSWORD,
  }, null);
  expect(trainer.id).toBeGreaterThan(0);
  for (const at of [base.A, base.B, base.A, base.B, base.A]) expect((await login(at, "tran.hang", "sai-mat-khau")).status).toBe(401);
  for (const at of [base.B, base.A]) {
    const locked = await login(at, "tran.hang", PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.text).toContain("tạm bị khóa");
  }

  // A material uploaded through A downloads through B, byte for byte.
  const ctx = { handle } as TestContext;
  const [me] = await handle.db.select({ id: users.id }).from(users).where(eq(users.login, "quantri@example.vn"));
  const { course } = await eligibleClass(ctx, me.id, 200, "Lớp tập huấn thông tin đối ngoại cho cán bộ xã");
  const doc = await PDFDocument.create();
  doc.addPage().drawText("Tai lieu lop tap huan");
  await doc.attach(Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)), "phu-luc.bin", { mimeType: "application/octet-stream" });
  const pdf = Buffer.from(await doc.save());
  const coursePage = await request(base.A).get(`/courses/${course.id}`).set("Cookie", admin.cookie);
  const csrf = csrfFrom(coursePage.text);
  const up = await request(base.A).post(`/courses/${course.id}/materials`).set("Cookie", admin.cookie).field("_csrf", csrf).attach("file", pdf, { filename: "Tài liệu.pdf" });
  expect(up.status).toBe(302);
  const [material] = await handle.db.select().from(materials).where(eq(materials.courseId, course.id));
  const got = await download(request(base.B).get(`/courses/${course.id}/materials/${material.id}`).set("Cookie", admin.cookie));
  expect(got.equals(pdf)).toBe(true);

  // The daily backup: both servers have it in their crontab; it is written once, by one of them.
  await sleep(Math.max(0, daily.at - Date.now()) + 8_000);
  expect(backups()).toHaveLength(1);

  // The class's certificate job, started on A; the server running it is SIGKILLed midway; the other finishes it.
  const all = await request(base.A).post(`/courses/${course.id}/certificates/issue-all`).set("Cookie", admin.cookie).type("form").send({ _csrf: csrf });
  expect(all.status).toBe(302);
  const progress = async () => (await handle.db.select().from(issueJobs).where(eq(issueJobs.courseId, course.id)))[0];
  let holder: number | undefined;
  for (let i = 0; i < 600 && !holder; i++) {
    await sleep(50);
    const job = await progress();
    if (job.issued < 20) continue;
    const locks = await handle.pool!.query<{ pid: number }>(`select w.pid from graphile_worker.jobs j join job_workers w on w.worker_id = j.locked_by where j.task_identifier = 'issue-certificates'`);
    holder = locks.rows[0]?.pid;
  }
  const victim = holder === servers.A.child.pid ? servers.A : servers.B;
  const survivor = victim === servers.A ? servers.B : servers.A;
  expect(holder).toBe(victim.child.pid);
  victim.child.kill("SIGKILL");
  await victim.exited;
  const atKill = await progress();
  expect(atKill.finishedAt).toBeNull();
  expect(atKill.issued).toBeLessThan(200);

  let job = atKill;
  for (let i = 0; i < 1200 && !job.finishedAt; i++) {
    await sleep(100);
    job = await progress();
  }
  expect(job).toMatchObject({ total: 200, done: 200, issued: 200, failures: [] });
  const rows = await handle.db.select().from(certificates).where(eq(certificates.courseId, course.id));
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  expect(new Set(rows.map((r) => r.userId)).size).toBe(200);
  // The survivor answers the job's progress too; the dead server's workers are gone from the heartbeat table.
  const seen = await request(survivor === servers.A ? base.A : base.B).get(`/courses/${course.id}/certificates/job`).set("Cookie", admin.cookie);
  expect(seen.body.job).toMatchObject({ running: false, issued: 200 });
  expect((await handle.db.select().from(jobWorkers)).map((w) => w.pid)).not.toContain(victim.child.pid);
  expect(backups()).toHaveLength(1);
});
