/**
 * Backup, change, restore: the data (rows, sequences, stored files) is exactly as at backup.
 * Backups are private (0600 in 0700) and never carry the session secret or sessions.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { rateLimitHits, users } from "../src/db/schema";
import { backupsDir, exportTables, pruneBackups, restoreBackup, writeBackup } from "../src/features/backup/backup.service";
import { backupWriter, dailyBackupCrontab, listenForBackupRequests } from "../src/features/backup/backup.schedule";
import { CHUNK_SIZE, putFile } from "../src/lib/file-store";
import { createTestApp, loginAs, makeUser, type TestContext } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { createEmptyDb } from "./helpers/empty-db";

jest.setTimeout(60000);
let ctx: TestContext;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-backup-"));
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => {
  await ctx.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("backup, change data, restore into an empty database: identical rows, sequences and stored files", async () => {
  const admin = await loginAs(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer", { ho: "Đặng", tenDem: "Thị", ten: "Thuỷ" });
  await makeCourse(ctx, admin.user.id, { title: "Lớp bồi dưỡng sao lưu", trainerIds: [trainer.id], funding: [{ source: "state", amount: 1500000, note: "Ngân sách" }] });
  // A stored file of two chunks (files are rows: the backup is the database alone).
  await putFile(ctx.handle.db, Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.alloc(CHUNK_SIZE, 9)]), { kind: "material", mime: "application/pdf" });
  const before = await exportTables(ctx.handle.db);
  const file = path.join(tmp, "b1.jsonl.gz");
  const written = await writeBackup(ctx.handle, ctx.dataDir, file);
  expect(written.rows).toBeGreaterThan(50);
  expect(written.files).toBe(1);

  // Changes after the backup must not survive the restore.
  await ctx.handle.db.update(users).set({ fullName: "Đã Đổi Tên" }).where(eq(users.id, trainer.id));
  await makeUser(ctx, "trainee");

  const target = await createEmptyDb();
  const dir = fs.mkdtempSync(path.join(tmp, "data-"));
  try {
    const r = await restoreBackup(target, dir, file);
    expect(r.rows).toBe(written.rows);
    const after = await exportTables(target.db);
    // Neither sessions nor rate-limit counters are backed up (the admin's login above wrote both).
    for (const t of ["session", "rate_limit_hits"]) for (const x of [after, before]) delete (x as Record<string, unknown>)[t];
    expect(after).toEqual(before);
    expect(after.file_chunks).toHaveLength(2);
    expect(fs.readdirSync(dir)).toEqual([]);
    // Sequences continue after the restored ids: a new row gets a fresh id, no collision.
    const [u] = await target.db.insert(users).values({ ho: "Mới", ten: "Mới", fullName: "Mới Mới", role: "trainee" }).returning();
    expect(u.id).toBeGreaterThan(Math.max(...before.users.map((x) => Number(x.id))));
    // A second restore into the now non-empty database is refused and changes nothing.
    await expect(restoreBackup(target, dir, file)).rejects.toThrow("không trống");
  } finally {
    await target.close();
  }
});

test("rate-limit counters (keyed by visitors' addresses) are not backed up, and counters alone do not make a database non-empty", async () => {
  await ctx.handle.db.insert(rateLimitHits).values({ key: "login-ip:203.0.113.7", hits: 3, resetAt: new Date(Date.now() + 60_000) });
  const file = path.join(tmp, "counters.jsonl.gz");
  await writeBackup(ctx.handle, ctx.dataDir, file);
  const text = linesOf(file).join("\n");
  expect(text).not.toContain("rate_limit_hits");
  expect(text).not.toContain("203.0.113.7");
  // A fresh install that already answered a failed login still takes the restore.
  const target = await createEmptyDb();
  const dir = fs.mkdtempSync(path.join(tmp, "data-"));
  try {
    await target.db.insert(rateLimitHits).values({ key: "login-ip:198.51.100.9", hits: 1, resetAt: new Date(Date.now() + 60_000) });
    expect((await restoreBackup(target, dir, file)).rows).toBeGreaterThan(50);
  } finally {
    await target.close();
  }
});

test("a truncated or foreign file is refused", async () => {
  const bad = path.join(tmp, "bad.jsonl.gz");
  fs.writeFileSync(bad, zlib.gzipSync('{"format":"khac"}\n'));
  const target = await createEmptyDb();
  try {
    await expect(restoreBackup(target, tmp, bad)).rejects.toThrow("không phải bản sao lưu taphuan");
  } finally {
    await target.close();
  }
});

test("retention keeps the newest files; the daily backup's cron line is the HH:MM of Vietnam time in UTC", () => {
  const dir = fs.mkdtempSync(path.join(tmp, "keep-"));
  for (const d of ["20261120", "20261121", "20261122", "20261123"]) fs.writeFileSync(path.join(dir, `taphuan-${d}-020000.jsonl.gz`), "");
  fs.writeFileSync(path.join(dir, "other.txt"), "");
  expect(pruneBackups(dir, 2)).toEqual(["taphuan-20261120-020000.jsonl.gz", "taphuan-20261121-020000.jsonl.gz"]);
  expect(fs.readdirSync(dir).sort()).toEqual(["other.txt", "taphuan-20261122-020000.jsonl.gz", "taphuan-20261123-020000.jsonl.gz"]);
  // 02:00 in Vietnam is 19:00 UTC the day before; 09:30 is 02:30 UTC. Unset: no cron line.
  expect(dailyBackupCrontab("02:00")).toBe("0 19 * * * daily-backup ?id=daily-backup&max=1");
  expect(dailyBackupCrontab("09:30")).toBe("30 2 * * * daily-backup ?id=daily-backup&max=1");
  expect(dailyBackupCrontab(undefined)).toBe("");
});

const SECRET = "bi-mat-phien-dang-nhap-khong-duoc-sao-luu-0123456789";
const modeOf = (p: string) => fs.statSync(p).mode & 0o777;
const linesOf = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n").filter(Boolean);

/** A logged-in session row and a session secret file in DATA_DIR, as a running server has them. */
async function liveSessionAndSecret(): Promise<string> {
  await loginAs(ctx, "admin");
  fs.writeFileSync(path.join(ctx.dataDir, "session-secret"), SECRET + "\n", { mode: 0o600 });
  const rows = (await ctx.handle.db.execute(sql`select sid from "session"`)) as { rows: { sid: string }[] };
  expect(rows.rows.length).toBeGreaterThan(0);
  return rows.rows[0].sid;
}

/** The file is 0600 in a 0700 folder, with neither the secret nor a session (its table, its id). */
function expectPrivateWithoutSessions(file: string, sid: string) {
  expect(modeOf(file)).toBe(0o600);
  expect(modeOf(path.dirname(file))).toBe(0o700);
  const lines = linesOf(file);
  const text = lines.join("\n");
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(Buffer.from(SECRET).toString("base64").slice(0, 40));
  expect(text).not.toContain(sid);
  expect(lines.map((l) => JSON.parse(l)).filter((o) => o.table === "session" || o.file === "session-secret")).toEqual([]);
}

test("a backup is 0600 in a 0700 folder (older 0755/0644 ones are narrowed) and holds neither the session secret nor session rows", async () => {
  const sid = await liveSessionAndSecret();
  // An installation from before: backups folder 0755 with a 0644 backup in it.
  const dir = backupsDir(ctx.dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  const old = path.join(dir, "taphuan-20261120-020000.jsonl.gz");
  fs.writeFileSync(old, "", { mode: 0o644 });
  fs.chmodSync(old, 0o644);
  const written = await writeBackup(ctx.handle, ctx.dataDir, path.join(dir, "taphuan-20261201-020000.jsonl.gz"));
  expectPrivateWithoutSessions(written.file, sid);
  expect(modeOf(old)).toBe(0o600);
  // A path given elsewhere: its new folder is created 0700 too.
  const elsewhere = path.join(tmp, "new-folder", "b.jsonl.gz");
  expectPrivateWithoutSessions((await writeBackup(ctx.handle, ctx.dataDir, elsewhere)).file, sid);
});

test("the backup on request is private and holds neither the secret nor sessions", async () => {
  const sid = await liveSessionAndSecret();
  const dir = backupsDir(ctx.dataDir);
  fs.rmSync(dir, { recursive: true, force: true });
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  const stop = listenForBackupRequests(backupWriter(ctx.handle, ctx.dataDir, 5, pino({ level: "silent" })));
  try {
    process.emit("SIGUSR2", "SIGUSR2");
    let files: string[] = [];
    for (let i = 0; i < 100 && !files.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl.gz")) : [];
    }
    expect(files).toHaveLength(1);
    expectPrivateWithoutSessions(path.join(dir, files[0]), sid);
  } finally {
    stop();
    log.mockRestore();
  }
});

test("restoring an older backup that still holds sessions and the session secret restores neither", async () => {
  await liveSessionAndSecret();
  const file = (await writeBackup(ctx.handle, ctx.dataDir, path.join(tmp, "now.jsonl.gz"))).file;
  // As an older version wrote it: the session table with a live admin session, and the secret file.
  const lines = linesOf(file);
  const end = lines.pop()!;
  const session = { sid: "phien-cu-cua-quan-tri", sess: { cookie: { originalMaxAge: 3600000 }, passport: { user: "1:0" } }, expire: "2099-01-01T00:00:00" };
  lines.push(JSON.stringify({ table: "session", count: 1 }), JSON.stringify({ rows: [session] }));
  lines.push(JSON.stringify({ file: "session-secret", base64: Buffer.from(SECRET + "\n").toString("base64") }), end);
  const oldFile = path.join(tmp, "old.jsonl.gz");
  fs.writeFileSync(oldFile, zlib.gzipSync(lines.join("\n") + "\n"));

  const target = await createEmptyDb();
  const dir = fs.mkdtempSync(path.join(tmp, "data-"));
  try {
    await restoreBackup(target, dir, oldFile);
    const restored = (await target.db.execute(sql`select count(*)::int as n from "session"`)) as { rows: { n: number }[] };
    expect(Number(restored.rows[0].n)).toBe(0);
    expect(fs.existsSync(path.join(dir, "session-secret"))).toBe(false);
    expect((await exportTables(target.db)).users.length).toBeGreaterThan(0);
  } finally {
    await target.close();
  }
});
