/**
 * `npm run bench:hostile-uploads`: the memory a few hostile uploads cost the real server. Starts the app
 * (src/server.ts as its own process, with the Node flags of `npm start`) on a fresh embedded database,
 * sends at once four roster XLSX that are ~143 kB on disk and inflate to 90 MB, and one 6000×6000 PNG seal
 * (~140 kB, 144 MB once decoded), while sampling the server's RSS (/proc) and timing /healthz.
 * Prints the figures; the last line is one JSON object.
 *
 * BENCH_XLSX_MB=23 makes the rosters inflate to that many MB instead (just under the bound: the worst
 * file that is still parsed, where the limit on parses at once is what keeps memory down).
 * BENCH_APP_ROOT=/path/to/another/checkout runs that checkout's server instead (to measure older code with
 * the same load); the database is prepared with this checkout's code, so both must share the migrations.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config";
import { openDb } from "../src/db/client";
import { seedReferenceData } from "../src/db/reference-data";
import { createCourse } from "../src/features/courses/courses.service";
import { ensureFirstAdmin } from "../src/features/users/users.service";
import { transparentPng } from "../test/helpers/png";
import { hostileXlsx } from "../test/helpers/zip-bomb";
import pkg from "../package.json";

const ROOT = path.resolve(__dirname, "..");
const APP_ROOT = path.resolve(process.env.BENCH_APP_ROOT ?? ROOT);
const START_FLAGS = pkg.scripts.start.split(" ").filter((a) => a.startsWith("--"));
const EMAIL = "admin@bench.vn";
const PASSWORD = "mat-khau-bench-an-toan";
const XLSX_UPLOADS = 4;
const XLSX_MB = Number(process.env.BENCH_XLSX_MB ?? 90);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(port: number, method: string, p: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1];
const cookieOf = (r: Reply, old = "") => String(r.headers["set-cookie"]?.[0] ?? old).split(";")[0];

async function login(port: number): Promise<{ cookie: string; csrf: string }> {
  const page = await send(port, "GET", "/login");
  const body = new URLSearchParams({ _csrf: csrfOf(page.text), login: EMAIL, password: PASSWORD }).toString();
  const res = await send(port, "POST", "/login", { cookie: cookieOf(page), "content-type": "application/x-www-form-urlencoded" }, body);
  if (res.status !== 302) throw new Error(`login failed ${res.status}`);
  const cookie = cookieOf(res, cookieOf(page));
  return { cookie, csrf: csrfOf((await send(port, "GET", "/account/password", { cookie })).text) };
}

function multipart(field: string, fileName: string, bytes: Buffer, csrf: string): { body: Buffer; type: string } {
  const b = `----taphuanbench${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${b}` };
}

function rssMb(pid: number): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** The fresh data directory with the first admin and one course to import into. */
async function prepare(dataDir: string): Promise<number> {
  const handle = await openDb(loadConfig({ DATA_DIR: dataDir }));
  await handle.migrate();
  await seedReferenceData(handle.db);
  await ensureFirstAdmin(handle.db, { email: EMAIL, password: PASSWORD });
  const course = await createCourse(handle.db, {
    title: "Lớp bồi dưỡng đo bộ nhớ", kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null, venue: null, capacity: null,
    enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false, trainerIds: [], targetCategoryIds: [], funding: [],
  }, { id: 1 });
  await handle.close();
  return course.id;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-hostile-"));
  const courseId = await prepare(dataDir);
  const xlsx = hostileXlsx(XLSX_MB * 1024 * 1024);
  const png = transparentPng(6000, 6000);
  const port = 42000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, [...START_FLAGS, "--import", "tsx", "src/server.ts"], {
    cwd: APP_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Never leave the server behind when this process is stopped.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => (child.kill("SIGKILL"), process.exit(1)));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("taphuan đang chạy")) resolve();
      });
      child.on("exit", (code, signal) => {
        console.error(`server exited (${code ?? signal})`);
        reject(new Error(`server exited ${code ?? signal}`));
      });
    });
    const { cookie, csrf } = await login(port);
    // Warm up the pages involved, then let the heap settle before the baseline.
    await send(port, "GET", `/courses/${courseId}/import`, { cookie });
    await send(port, "GET", "/certificates/settings", { cookie });
    await new Promise((r) => setTimeout(r, 2000));
    const baseline = rssMb(child.pid!);

    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 25);
    let healthzMax = 0;
    let sending = true;
    const probe = (async () => {
      while (sending) {
        const t0 = performance.now();
        await send(port, "GET", "/healthz").catch(() => undefined);
        healthzMax = Math.max(healthzMax, performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const upload = async (p: string, field: string, name: string, bytes: Buffer) => {
      const { body, type } = multipart(field, name, bytes, csrf);
      // A reset connection counts as a failed upload (status 0), not as the end of the bench.
      const reply = await send(port, "POST", p, { cookie, "content-type": type, "content-length": String(body.length) }, body)
        .catch((e: Error) => ({ status: 0, headers: {}, text: e.message }));
      console.error(`${p}: ${reply.status} after ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS peak so far ${peak} MB`);
      return reply;
    };
    const replies = await Promise.all([
      ...Array.from({ length: XLSX_UPLOADS }, () => upload(`/courses/${courseId}/import`, "file", "danh-sach.xlsx", xlsx)),
      upload("/certificates/settings/seal", "seal", "dau.png", png),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    sending = false;
    await probe;
    clearInterval(sampler);
    const result = {
      bench: "hostile-uploads", app: APP_ROOT === ROOT ? "this checkout" : APP_ROOT,
      xlsxInflatedMb: XLSX_MB, xlsxBytes: xlsx.length, pngBytes: png.length,
      statuses: { xlsx: replies.slice(0, XLSX_UPLOADS).map((r) => r.status), seal: replies[XLSX_UPLOADS].status },
      rssBaselineMb: baseline, rssPeakMb: peak, rssAddedMb: peak - baseline,
      healthzMaxMs: Math.round(healthzMax), seconds: Number(seconds.toFixed(2)),
    };
    console.log(`RSS ${baseline} → ${peak} MB (+${peak - baseline}), /healthz worst ${result.healthzMaxMs} ms, ${result.seconds} s; statuses ${JSON.stringify(result.statuses)}`);
    console.log(JSON.stringify(result));
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
