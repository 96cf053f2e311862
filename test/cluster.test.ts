/**
 * WORKERS=2 (src/cluster.ts): the real server process on its embedded database forks two workers that
 * both answer requests on the one port; a session made through one is valid on the other; a killed worker
 * is replaced; SIGUSR2 (`npm run backup`) writes one backup; SIGTERM on the primary stops the workers and
 * the embedded PostgreSQL, leaving no process.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { csrfFrom } from "./helpers/app";
import { startServer, type ServerProcess } from "./helpers/server-process";
import { pidAlive } from "../src/db/lock";

jest.setTimeout(240000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-cluster-"));
const port = 44000 + Math.floor(Math.random() * 900); // each server test file has a range of its own
const base = `http://127.0.0.1:${port}`;
let server: ServerProcess;

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  const pg = postmasterPid();
  if (pg && pidAlive(pg)) process.kill(pg, "SIGINT");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The node processes whose parent is `pid` (the workers; the embedded postgres is a child too, not node). */
function nodeChildren(pid: number): number[] {
  return fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e)).flatMap((e) => {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      // By the executable, not the name: Node 24 names its main thread "MainThread".
      return ppid === pid && path.basename(fs.readlinkSync(`/proc/${e}/exe`)).startsWith("node") ? [Number(e)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** CPU time (clock ticks) a process has used. */
function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function postmasterPid(): number | null {
  try {
    return Number(fs.readFileSync(path.join(dataDir, "postgres", "data", "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timeout: ${what}\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Every request on a new connection: the primary hands connections to the workers in turn.
const get = (p: string, cookie?: string) => request(base).get(p).set("Connection", "close").set(cookie ? { cookie } : {});

test("two workers answer on one port, share sessions, are replaced when killed, and stop with the primary", async () => {
  server = startServer({ DATA_DIR: dataDir, PORT: String(port), WORKERS: "2" });
  await server.waitFor("taphuan đang chạy");
  expect(server.output()).toContain("2 tiến trình xử lý yêu cầu");
  const primary = server.child.pid!;
  const workers = nodeChildren(primary);
  expect(workers).toHaveLength(2);

  // Both workers answer: each one's CPU time grows under 60 requests on new connections.
  const before = workers.map(cpuTicks);
  const answers = await Promise.all(Array.from({ length: 60 }, () => get("/login")));
  expect(answers.map((r) => r.status)).toEqual(Array(60).fill(200));
  const used = workers.map((w, i) => cpuTicks(w) - before[i]);
  expect(used.every((ticks) => ticks > 0)).toBe(true);
  expect((await get("/healthz")).body).toEqual({ status: "ok", database: "embedded" });

  // A session started through one worker is valid on the next requests, whichever worker answers.
  const password = server.output().match(/Mật khẩu \(chỉ hiện một lần\): (\S+)/)![1];
  const page = await get("/login");
  const cookie0 = page.headers["set-cookie"][0].split(";")[0];
  const login = await request(base).post("/login").set("Connection", "close").set("cookie", cookie0).type("form")
    .send({ _csrf: csrfFrom(page.text), login: "admin", password });
  expect(login.status).toBe(302);
  const cookie = (login.headers["set-cookie"] as unknown as string[]).map((c) => c.split(";")[0]).find((c) => c.startsWith("taphuan.sid="))!;
  for (let i = 0; i < 6; i++) expect((await get("/users", cookie)).status).toBe(200);

  // SIGKILL of a worker: the primary says so and starts another; the app keeps answering, session included.
  process.kill(workers[0], "SIGKILL");
  await server.waitFor("đang khởi động tiến trình thay thế");
  const replaced = await until("a new worker", () => {
    const now = nodeChildren(primary);
    return now.length === 2 && !now.includes(workers[0]) ? now : undefined;
  });
  expect(replaced).toContain(workers[1]);
  await until("the new worker answers", async () => {
    const statuses = await Promise.all([get("/users", cookie), get("/users", cookie), get("/users", cookie)]).then((rs) => rs.map((r) => r.status)).catch(() => []);
    return statuses.length === 3 && statuses.every((s) => s === 200) ? true : undefined;
  });

  // `npm run backup` signals the lock holder (the primary): exactly one backup is written.
  expect(Number(fs.readFileSync(path.join(dataDir, "taphuan.lock"), "utf8"))).toBe(primary);
  process.kill(primary, "SIGUSR2");
  await server.waitFor("Đã sao lưu:");
  await new Promise((r) => setTimeout(r, 1500)); // a second backup, if any worker wrote one, would show now
  expect(fs.readdirSync(path.join(dataDir, "backups")).filter((f) => f.endsWith(".jsonl.gz"))).toHaveLength(1);

  // SIGTERM on the primary: workers, then the embedded server, then the primary itself; nothing left.
  const pg = postmasterPid()!;
  expect(pidAlive(pg)).toBe(true);
  server.child.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  expect(replaced.filter(pidAlive)).toEqual([]);
  expect(pidAlive(pg)).toBe(false);
  expect(fs.existsSync(path.join(dataDir, "taphuan.lock"))).toBe(false);
});

test("a worker that cannot start stops the whole server with an error (no restart loop)", async () => {
  // The port is taken: every worker fails to listen.
  const holder = net.createServer().listen(port + 1, "127.0.0.1");
  await new Promise((r) => holder.once("listening", r));
  try {
    server = startServer({ DATA_DIR: dataDir, PORT: String(port + 1), HOST: "127.0.0.1", WORKERS: "2" });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("dừng khi đang khởi động");
    expect(fs.existsSync(path.join(dataDir, "taphuan.lock"))).toBe(false);
    // The embedded server stopped cleanly: its pid file is gone.
    expect(postmasterPid()).toBeNull();
  } finally {
    holder.close();
  }
});
