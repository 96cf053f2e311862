/**
 * `npm run bench:pages`: 50 concurrent logged-in users on the main pages (course list, a course page,
 * my courses, the dashboard) for a fixed time, on the embedded database and on PostgreSQL, next to a bare
 * Express "hello" measured in the same run. Servers run in child processes (the app from dist/, built first); this process only sends load.
 * On PostgreSQL (BENCH_DATABASE_URL, else the machine's server at 127.0.0.1:5432; a throw-away database)
 * the real server (dist/server.js) runs with WORKERS=1, then WORKERS=2, on the same seeded database.
 * Prints throughput, p95 latency and the server's RSS (primary and workers); the last line is one JSON object.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { benchDatabase, build, freePort, START_FLAGS, startAppServer, stopAppServer } from "./app-server";
import { memorySampler } from "./memory";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const USERS = 50;
const ROOT = path.resolve(__dirname, "..");

/** What pages-server.ts prints after "READY <port>" when it seeded the app. */
type ServerInfo = { courseIds: number[]; trainees: string[]; admin: string; dbPid: number | null };

function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; info: ServerInfo | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(args[0] === "app" ? START_FLAGS : []), "-r", "tsx/cjs", "bench/pages-server.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/READY (\d+) ?(.*)\n/);
      if (m) resolve({ child, port: Number(m[1]), info: m[2] ? JSON.parse(m[2]) : null });
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: USERS * 2 });

function send(port: number, method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p, agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    if (body) req.end(body);
    else req.end();
  });
}

async function login(port: number, loginName: string): Promise<string> {
  const page = await send(port, "GET", "/login");
  let cookie = String(page.headers["set-cookie"]?.[0] ?? "").split(";")[0];
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)![1];
  const body = new URLSearchParams({ _csrf: csrf, login: loginName, password: "mat-khau-bench" }).toString();
  const res = await send(port, "POST", "/login", { cookie, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body);
  if (res.status !== 302) throw new Error(`login failed ${res.status}`);
  // The session cookie (login may also set the trusted-device cookie, first).
  cookie = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => c.startsWith("taphuan.sid=")) ?? cookie;
  // As a browser does: the page after login shows (and so clears) the welcome message.
  await send(port, "GET", String(res.headers.location), { cookie });
  return cookie;
}

async function load(port: number, users: { cookie: string; paths: string[] }[]): Promise<{ rps: number; p95: number; p50: number; errors: number; requests: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    users.map(async (u, i) => {
      let k = i;
      while (Date.now() < end) {
        const p = u.paths[k++ % u.paths.length];
        const t0 = performance.now();
        const res = await send(port, "GET", p, u.cookie ? { cookie: u.cookie } : {});
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (f: number) => Math.round(latencies[Math.floor(latencies.length * f)] * 10) / 10;
  return { rps: Math.round(latencies.length / SECONDS), p95: q(0.95), p50: q(0.5), errors, requests: latencies.length };
}

/** A server under load: its port, its process (whose node children are its workers), the fixture ids. */
type Running = { port: number; pid: number; info: ServerInfo; stop(): Promise<void> };

/** The app in pages-server.ts (one process, the database opened there). */
async function inProcessApp(env: Record<string, string>): Promise<Running> {
  const server = await start(["app"], env);
  return {
    port: server.port, pid: server.child.pid!, info: server.info!,
    // SIGTERM: the child stops its embedded database server (a SIGKILL would leave it running).
    stop: async () => {
      server.child.kill("SIGTERM");
      await new Promise((r) => server.child.once("exit", r));
    },
  };
}

/** The real server (dist/server.js) with `workers` processes on a database seeded by pages-server.ts. */
async function realServer(databaseUrl: string, info: ServerInfo, workers: number): Promise<Running> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-pages-"));
  const port = await freePort();
  const child = await startAppServer({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, PORT: String(port), WORKERS: String(workers), SESSION_SECRET: "bench-secret-bench-secret-bench-secret" });
  return {
    port, pid: child.pid!, info,
    stop: async () => {
      await stopAppServer(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measureApp(label: string, server: Running) {
  try {
    const { courseIds, trainees, admin } = server.info;
    const users = [];
    for (let i = 0; i < USERS; i++) {
      const isAdmin = i % 10 === 0;
      const cookie = await login(server.port, isAdmin ? admin : trainees[i % trainees.length]);
      const course = courseIds[i % courseIds.length];
      const paths = isAdmin ? ["/courses", `/courses/${course}`, "/dashboard"] : ["/courses", `/courses/${course}`, "/my/courses"];
      users.push({ cookie, paths });
    }
    // The dashboard may not exist in this version: drop it rather than count 404s.
    const dash = await send(server.port, "GET", "/dashboard", { cookie: users[0].cookie });
    if (dash.status !== 200) for (const u of users) u.paths = u.paths.filter((p) => p !== "/dashboard");
    // Warm-up: every user sees each of their pages once (a steady state of people browsing, measured
    // below, not the first view after a start).
    await Promise.all(users.map(async (u) => { for (const p of u.paths) await send(server.port, "GET", p, { cookie: u.cookie }); }));
    const memory = memorySampler(server.pid, server.info.dbPid);
    const r = await load(server.port, users);
    const peaks = memory.stop();
    console.log(`${label}: ${r.rps} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.errors} errors, memory peaks ${JSON.stringify(peaks)}${dash.status === 200 ? "" : " (no /dashboard yet)"}`);
    return { ...r, ...peaks };
  } finally {
    await server.stop();
  }
}

/** PostgreSQL: one seeded throw-away database, the real server with WORKERS=1 then WORKERS=2 on it. */
async function measurePostgres() {
  const db = benchDatabase(`taphuan_bench_pages_${process.pid}`);
  try {
    const seeded = await start(["seed"], { PAGES_DATABASE_URL: db.url });
    const workers1 = await measureApp("postgres, WORKERS=1", await realServer(db.url, seeded.info!, 1));
    const workers2 = await measureApp("postgres, WORKERS=2", await realServer(db.url, seeded.info!, 2));
    return { workers1, workers2, workersRatio: Math.round((workers2.rps / workers1.rps) * 100) / 100 };
  } finally {
    db.drop();
  }
}

async function main() {
  build(); // the server runs dist/, as npm start does
  const hello = await start(["hello"]);
  await load(hello.port, Array.from({ length: 5 }, () => ({ cookie: "", paths: ["/"] })));
  const bare = await load(hello.port, Array.from({ length: USERS }, () => ({ cookie: "", paths: ["/"] })));
  hello.child.kill("SIGKILL");
  console.log(`bare express: ${bare.rps} req/s, p95 ${bare.p95} ms`);
  const embedded = await measureApp("embedded", await inProcessApp({}));
  let postgres = null;
  try {
    postgres = await measurePostgres();
  } catch (e) {
    console.log(`postgres: skipped (${(e as Error).message.split("\n")[0]})`);
  }
  const ratio = (x: { rps: number } | null | undefined) => (x ? Math.round((x.rps / bare.rps) * 1000) / 1000 : null);
  console.log(JSON.stringify({
    seconds: SECONDS, users: USERS, bareRps: bare.rps, embedded, embeddedRatio: ratio(embedded), postgres,
    postgresRatio: ratio(postgres?.workers1), postgresWorkers2Ratio: ratio(postgres?.workers2), loadAverage: os.loadavg().map((n) => Math.round(n * 10) / 10), cpus: os.cpus().length,
  }));
  agent.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
