/** Backup, change, restore: the data (rows, sequences, files) is exactly as at backup, on PGlite and PostgreSQL. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { users } from "../src/db/schema";
import { exportTables, pruneBackups, restoreBackup, writeBackup } from "../src/features/backup/backup.service";
import { msUntil } from "../src/features/backup/backup.schedule";
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

test("backup, change data, restore into an empty database: identical rows, sequences and files", async () => {
  const admin = await loginAs(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer", { ho: "Đặng", tenDem: "Thị", ten: "Thuỷ" });
  await makeCourse(ctx, admin.user.id, { title: "Lớp bồi dưỡng sao lưu", trainerIds: [trainer.id], funding: [{ source: "state", amount: 1500000, note: "Ngân sách" }] });
  fs.mkdirSync(path.join(ctx.dataDir, "materials"), { recursive: true });
  fs.writeFileSync(path.join(ctx.dataDir, "materials", "abc123"), Buffer.from([0, 1, 2, 255]));
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
    delete (after as Record<string, unknown>).session;
    delete (before as Record<string, unknown>).session;
    expect(after).toEqual(before);
    expect(fs.readFileSync(path.join(dir, "materials", "abc123"))).toEqual(Buffer.from([0, 1, 2, 255]));
    // Sequences continue after the restored ids: a new row gets a fresh id, no collision.
    const [u] = await target.db.insert(users).values({ ho: "Mới", ten: "Mới", fullName: "Mới Mới", role: "trainee" }).returning();
    expect(u.id).toBeGreaterThan(Math.max(...before.users.map((x) => Number(x.id))));
    // A second restore into the now non-empty database is refused and changes nothing.
    await expect(restoreBackup(target, dir, file)).rejects.toThrow("không trống");
  } finally {
    await target.close();
  }
});

test("a truncated or foreign file is refused", async () => {
  const bad = path.join(tmp, "bad.jsonl.gz");
  fs.writeFileSync(bad, require("node:zlib").gzipSync('{"format":"khac"}\n'));
  const target = await createEmptyDb();
  try {
    await expect(restoreBackup(target, tmp, bad)).rejects.toThrow("không phải bản sao lưu taphuan");
  } finally {
    await target.close();
  }
});

test("retention keeps the newest files; the daily timer aims at the next HH:MM in Vietnam time", () => {
  const dir = fs.mkdtempSync(path.join(tmp, "keep-"));
  for (const d of ["20261120", "20261121", "20261122", "20261123"]) fs.writeFileSync(path.join(dir, `taphuan-${d}-020000.jsonl.gz`), "");
  fs.writeFileSync(path.join(dir, "other.txt"), "");
  expect(pruneBackups(dir, 2)).toEqual(["taphuan-20261120-020000.jsonl.gz", "taphuan-20261121-020000.jsonl.gz"]);
  expect(fs.readdirSync(dir).sort()).toEqual(["other.txt", "taphuan-20261122-020000.jsonl.gz", "taphuan-20261123-020000.jsonl.gz"]);
  // 2026-11-26 01:00 in Vietnam = 2026-11-25T18:00Z; next 02:00 is one hour later.
  expect(msUntil("02:00", new Date("2026-11-25T18:00:00Z"))).toBe(3_600_000);
  expect(msUntil("02:00", new Date("2026-11-25T20:00:00Z"))).toBe(23 * 3_600_000);
});
