/**
 * Upgrade from a version whose embedded database was PGlite: the first start of this version moves the
 * data of DATA_DIR/pgdata into the embedded PostgreSQL server (src/pglite-upgrade.ts), keeps the old folder
 * (renamed pglite-cu) and a backup taken just before; later starts do nothing more. The PGlite folder is
 * a real one, written by PGlite through the app's own services as the previous version did.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { users } from "../src/db/schema";
import { openDb } from "../src/db/client";
import { openPgliteFolder } from "../src/db/pglite-folder";
import { seedReferenceData } from "../src/db/reference-data";
import { exportTables } from "../src/features/backup/backup.service";
import { createCourse } from "../src/features/courses/courses.service";
import { createUser } from "../src/features/users/users.service";
import { upgradeFromPglite } from "../src/pglite-upgrade";
import { completeTestSetup } from "./helpers/app";
import { startServer } from "./helpers/server-process";

jest.setTimeout(240000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-upgrade-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** What an office's PGlite folder holds: reference data, the setup, people, a course, a material file. */
async function makePgliteFolder(): Promise<Record<string, unknown[]>> {
  const old = await openPgliteFolder(path.join(dataDir, "pgdata"));
  await old.migrate();
  await seedReferenceData(old.db);
  await completeTestSetup(old.db);
  const person = { ho: "Nguyễn", tenDem: "Thị", ten: "Ánh", email: null, phone: "0912345678", dateOfBirth: "1980-02-29", gender: "Nữ", ethnicityCode: null, position: "Công chức", unitCode: null, categoryId: null, cccd: "038180012345" };
  const admin = await createUser(old.db, { ...person, ho: "Trần", ten: "Quản", login: "quantri", role: "admin", phone: null, cccd: null, password: "mat-khau-cu-rat-dai-9" } as never, null);
  await createUser(old.db, { ...person, login: "anh.nt", role: "trainee", password: "mat-khau-hoc-vien-7" } as never, null);
  await createCourse(old.db, {
    title: "Hội nghị phổ biến công tác thông tin đối ngoại năm 2026", kind: "conference", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
    venue: "Hội trường UBND xã Triệu Sơn", capacity: 120, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
    trainerIds: [], targetCategoryIds: [], funding: [{ source: "state", amount: 1500000, note: "Ngân sách xã" }],
  }, { id: admin.id });
  const tables = await exportTables(old.db);
  await old.close();
  fs.mkdirSync(path.join(dataDir, "materials"), { recursive: true });
  fs.writeFileSync(path.join(dataDir, "materials", "tai-lieu"), Buffer.from([0, 1, 2, 255]));
  return tables;
}

test("the first start moves every row of the PGlite folder into PostgreSQL, keeps the old folder and a backup; the next does nothing", async () => {
  const before = await makePgliteFolder();
  delete before.session;
  expect(before.users.length).toBe(2);

  const handle = await openDb({ dataDir });
  try {
    await handle.migrate();
    const said = await upgradeFromPglite(handle, dataDir);
    expect(said).toMatch(/Đã chuyển \d+ dòng dữ liệu từ PGlite/);
    expect(said).toContain(path.join(dataDir, "pglite-cu"));
    const after = await exportTables(handle.db);
    delete after.session;
    expect(after).toEqual(before);
    // The old folder is kept, renamed; the backup taken before the move is in DATA_DIR/backups; files untouched.
    expect(fs.existsSync(path.join(dataDir, "pgdata"))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "pglite-cu", "PG_VERSION"))).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, "backups")).filter((f) => f.startsWith("truoc-nang-cap-"))).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, "materials", "tai-lieu"))).toEqual(Buffer.from([0, 1, 2, 255]));
    // Started again: nothing to move.
    expect(await upgradeFromPglite(handle, dataDir)).toBeNull();
    expect((await handle.db.select().from(users)).map((u) => u.login).sort()).toEqual(["anh.nt", "quantri"]);
  } finally {
    await handle.close();
  }
});

test("the app itself starts on the upgraded folder: the old accounts log in (interrupted before the rename, it only renames)", async () => {
  // As if the previous start died after the move committed but before the folder was renamed.
  fs.renameSync(path.join(dataDir, "pglite-cu"), path.join(dataDir, "pgdata"));
  const port = 42000 + Math.floor(Math.random() * 1000);
  const server = startServer({ DATA_DIR: dataDir, PORT: String(port) });
  try {
    await server.waitFor("taphuan đang chạy", 120000);
    expect(server.output()).not.toContain("Đã chuyển");
    expect(server.output()).toContain("Thư mục dữ liệu PGlite cũ được giữ tại");
    expect(fs.existsSync(path.join(dataDir, "pglite-cu"))).toBe(true);
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1];
    const res = await fetch(`http://127.0.0.1:${port}/login`, {
      method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ _csrf: csrf, login: "anh.nt", password: "mat-khau-hoc-vien-7" }),
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).not.toContain("/login");
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
});
