/**
 * Benchmark: 500 certificates through the real issuing code, then printed as one merged PDF.
 * A fresh embedded database (the embedded PostgreSQL server, production settings, in a temporary folder) gets a training course with 500 eligible trainees (distinct names
 * and birth dates) and a seal image; the admin starts "issue to all" over HTTP (one transaction per
 * certificate: number, snapshot, PDF, SHA-256) and the job is polled to the end; then the class's
 * merged PDF is fetched over HTTP (snapshots loaded, roster order, rendered). Baselines in the same
 * run: one bare pdf-lib page with the same four Tinos faces, and the renderer alone on the same 500
 * snapshots (rendererSeconds).
 * Run: npm run bench:certificates  (or npx tsx bench/certificates.ts [count] [out.pdf])
 * On a PostgreSQL server instead: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_bench_cert npm run bench:certificates
 * (the database named in the URL is created for the run, must not exist yet, and is dropped at the end).
 * Prints one JSON line at the end:
 *   {"certificates":500,"database":"embedded","seconds":…,"bytes":…,"pages":…,"barePageSeconds":…,"rendererSeconds":…,"issueSeconds":…,…}
 * `seconds` and `bytes` are the merged print (goal ≤ 3 s, ≤ 2 MB); `issueSeconds` the whole "issue to all"
 * job (goal ≤ 10 s for 500), `issueCpuSeconds` the CPU this process used meanwhile, `issueServerCpuSeconds` the
 * embedded database server's (0 on a PostgreSQL server), `load` the 1-minute load average after it (the machine may be shared).
 * bench/issue-batch.ts measures the issuing service alone, one certificate per transaction and in batches.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import pg from "pg";
import QRCode from "qrcode";
import request from "supertest";
import pino from "pino";
import { createApp } from "../src/app";
import { startJobs } from "../src/jobs";
import { fromPool, type DbHandle } from "../src/db/client";
import { openScratchDb } from "../scripts/scratch-db";
import { seedReferenceData } from "../src/db/reference-data";
import { certificates } from "../src/db/schema";
import { createUser } from "../src/features/users/users.service";
import { toCertificateData, type CertificateSnapshot } from "../src/features/certificates/snapshot";
import { embedTinos, renderCertificates } from "../src/lib/pdf";
import { markSetupDone } from "../src/lib/setup-state";
import { benchClass, serverCpuSeconds } from "./certificates-class";

const COUNT = Number(process.argv[2] ?? 500);
const OUT = process.argv[3];
const DATABASE_URL = process.env.BENCH_DATABASE_URL;

const round = (x: number): number => Math.round(x * 1000) / 1000;
const csrfOf = (html: string): string => html.match(/name="_csrf" value="([^"]+)"/)![1];

async function barePage(): Promise<number> {
  const t = performance.now();
  const doc = await PDFDocument.create();
  const fonts = await embedTinos(doc);
  doc.addPage().drawText("Nguyễn Thị Thu Hà", { x: 50, y: 700, size: 14, font: fonts.regular });
  await doc.save();
  return (performance.now() - t) / 1000;
}

/** A fresh database: an embedded server of its own, or the database BENCH_DATABASE_URL names, created now and dropped by `drop`. */
async function openBenchDb(): Promise<{ handle: DbHandle; drop: () => Promise<void> }> {
  if (!DATABASE_URL) return { handle: await openScratchDb(), drop: async () => undefined };
  const url = new URL(DATABASE_URL);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_DATABASE_URL: a database name of lower-case letters, digits and _ please, not "${name}"`);
  const admin = new URL(DATABASE_URL);
  admin.pathname = "/postgres";
  const server = new pg.Client({ connectionString: admin.toString() });
  await server.connect();
  await server.query(`CREATE DATABASE ${name}`);
  await server.end();
  const drop = async () => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return { handle: fromPool(new pg.Pool({ connectionString: DATABASE_URL, max: 10 })), drop };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-cert-"));
  const { handle, drop } = await openBenchDb();
  let stopJobs: () => Promise<void> = () => Promise.resolve();
  try {
    await handle.migrate();
    await seedReferenceData(handle.db);
    const db = handle.db;
    const password = "mat-khau-bench-cert";
    const admin = await createUser(db, {
      ho: "Quản", tenDem: "Trị", ten: "Viên", login: "bench.admin", email: null, phone: null, role: "admin", dateOfBirth: null, gender: null,
      ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null, password,
    }, null);
    const { courseId } = await benchClass(db, admin.id, COUNT);
    const course = { id: courseId };

    // The first-run setup done as an office would (the seeded organisation kept), a public address for the QR codes.
    await markSetupDone(db, null);
    const app = createApp({ handle, sessionSecret: "bench-secret-bench-secret-bench-secret", pruneSessions: false, publicUrl: "https://taphuan.example.vn" });
    // The job queue as the server runs it (the class's job is picked up by this process).
    const jobs = await startJobs(handle, { dataDir, logger: pino({ level: "silent" }), backup: { keep: 1 } });
    stopJobs = () => jobs.stop();
    const agent = request.agent(app);
    const loginCsrf = csrfOf((await agent.get("/login")).text);
    await agent.post("/login").type("form").send({ _csrf: loginCsrf, login: "bench.admin", password }).expect(302);
    const csrf = csrfOf((await agent.get("/certificates/settings").expect(200)).text);
    // A signature/seal image like an office would upload (a few KB PNG), embedded once in the merged PDF.
    const seal = await QRCode.toBuffer("Phòng Văn hóa và Thông tin — con dấu", { type: "png", width: 300, margin: 1 });
    await agent.post("/certificates/settings/seal").field("_csrf", csrf).attach("seal", seal, "con-dau.png").expect(302);

    // Issue: the real "issue to all" job through the queue, a batch of ISSUE_BATCH_SIZE per transaction.
    let t = performance.now();
    const cpu = process.cpuUsage();
    const server = serverCpuSeconds(handle.server?.pid);
    await agent.post(`/courses/${course.id}/certificates/issue-all`).type("form").send({ _csrf: csrf }).expect(302);
    for (;;) {
      const { job } = (await agent.get(`/courses/${course.id}/certificates/job`).set("Accept", "application/json").expect(200)).body;
      if (!job.running) {
        if (job.issued !== COUNT) throw new Error(`issued ${job.issued} of ${COUNT}: ${JSON.stringify(job.failures.slice(0, 3))}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const issueSeconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const issueCpuSeconds = (used.user + used.system) / 1e6;
    const issueServerCpuSeconds = serverCpuSeconds(handle.server?.pid) - server;
    const load = os.loadavg()[0];

    // Print: one merged PDF of the class through the HTTP route.
    const binary = (req: request.Test) =>
      req.buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      });
    t = performance.now();
    const res = await binary(agent.get(`/courses/${course.id}/certificates.pdf`)).expect(200);
    const seconds = (performance.now() - t) / 1000;
    const bytes = res.body as Buffer;
    const barePageSeconds = await barePage();
    // The renderer alone on the same snapshots (what the route adds: loading, roster order, seal, HTTP).
    const stored = await db.select({ snapshot: certificates.snapshot }).from(certificates).where(eq(certificates.courseId, course.id));
    const list = stored.map((r) => toCertificateData(r.snapshot as unknown as CertificateSnapshot, seal));
    t = performance.now();
    await renderCertificates(list);
    const rendererSeconds = (performance.now() - t) / 1000;

    const pages = (await PDFDocument.load(bytes)).getPageCount();
    if (pages !== COUNT) throw new Error(`expected ${COUNT} pages, got ${pages}`);
    const rows = await db.select({ seq: certificates.seq }).from(certificates).where(eq(certificates.courseId, course.id));
    const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
    if (seqs.some((s, i) => s !== i + 1)) throw new Error("register numbers are not 1..n without gaps");
    if (OUT) fs.writeFileSync(OUT, bytes);
    console.log(`issued ${COUNT} certificates in ${issueSeconds.toFixed(1)} s (${(COUNT / issueSeconds).toFixed(1)}/s, numbers 1..${COUNT} without gaps); merged print ${seconds.toFixed(2)} s, ${(bytes.length / 1024).toFixed(0)} KiB, ${pages} pages`);
    console.log(JSON.stringify({
      certificates: COUNT, database: handle.kind, seconds: round(seconds), bytes: bytes.length, pages, barePageSeconds: round(barePageSeconds), rendererSeconds: round(rendererSeconds),
      issueSeconds: round(issueSeconds), issueMsPerCertificate: round((issueSeconds * 1000) / COUNT), issueCpuSeconds: round(issueCpuSeconds),
      issueServerCpuSeconds: round(issueServerCpuSeconds), load: round(load),
    }));
  } finally {
    await stopJobs();
    await handle.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
