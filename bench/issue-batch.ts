/**
 * Benchmark: issuing 500 certificates by calling the issuing service directly (no HTTP, no job), as the
 * queued job will: one certificate per transaction (issueCertificate), then issueBatch with batches of
 * several sizes, each on a fresh class of the same embedded database (production settings: every commit
 * flushed to the disk), the seal uploaded as an office would. Prints per way: wall seconds, this process's
 * CPU seconds, the database server's CPU seconds (its processes, read from /proc) and the load average
 * (the machine is shared).
 * Run: npm run bench:certificates:batch [-- count [batch sizes…]]   (default: 500 1 10 20 50)
 * Prints one JSON line at the end: {"certificates":500,"runs":[{"way":"single",…},{"way":"batch","size":20,…}]}
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import { openScratchDb } from "../scripts/scratch-db";
import { appSettings, certificates, users } from "../src/db/schema";
import { saveSeal } from "../src/features/certificates/certificate-settings";
import { issueBatch, issueCertificate, prepareIssue } from "../src/features/certificates/issue.service";
import { PUBLIC_URL_KEY } from "../src/lib/public-url";
import { markSetupDone } from "../src/lib/setup-state";
import { benchClass, serverCpuSeconds } from "./certificates-class";

const COUNT = Number(process.argv[2] ?? 500);
const SIZES = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1, 10, 20, 50];
const round = (x: number): number => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-batch-"));
  const handle = await openScratchDb();
  try {
    const db = handle.db;
    const [admin] = await db.insert(users).values({ ho: "Quản", tenDem: "Trị", ten: "Viên", fullName: "Quản Trị Viên", role: "admin", login: "bench.admin" }).returning();
    await markSetupDone(db, null);
    await db.insert(appSettings).values({ key: PUBLIC_URL_KEY, value: "https://taphuan.example.vn" }).onConflictDoNothing();
    await saveSeal(db, await QRCode.toBuffer("Phòng Văn hóa và Thông tin — con dấu", { type: "png", width: 300, margin: 1 }), { id: admin.id });
    const env = { baseUrl: "https://taphuan.example.vn" };
    const actor = { id: admin.id };
    const runs: Record<string, unknown>[] = [];
    for (const size of [0, ...SIZES]) {
      const { courseId, people } = await benchClass(db, admin.id, COUNT);
      const t = performance.now();
      const cpu = process.cpuUsage();
      const server = serverCpuSeconds(handle.server?.pid);
      const prep = await prepareIssue(db, env);
      let issued = 0;
      if (size === 0) {
        for (const p of people) {
          await issueCertificate(db, courseId, p.userId, actor, env, undefined, prep);
          issued++;
        }
      } else {
        for (let i = 0; i < people.length; i += size) issued += (await issueBatch(db, courseId, people.slice(i, i + size), actor, env, prep)).filter((o) => o.ok).length;
      }
      const seconds = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      const serverSeconds = serverCpuSeconds(handle.server?.pid) - server;
      if (issued !== COUNT) throw new Error(`issued ${issued} of ${COUNT}`);
      const seqs = (await db.select({ seq: certificates.seq }).from(certificates).where(eq(certificates.courseId, courseId))).map((r) => r.seq).sort((a, b) => a - b);
      if (seqs.some((s, i) => s !== seqs[0] + i)) throw new Error("register numbers are not consecutive");
      const run = {
        way: size ? "batch" : "single", size: size || 1, issueSeconds: round(seconds), issueCpuSeconds: round((used.user + used.system) / 1e6),
        serverCpuSeconds: round(serverSeconds), msPerCertificate: round((seconds * 1000) / COUNT), load: round(os.loadavg()[0]),
      };
      console.log(`${run.way}${size ? ` of ${size}` : ""}: ${COUNT} in ${run.issueSeconds} s (CPU ${run.issueCpuSeconds} s here, ${run.serverCpuSeconds} s database server; load ${run.load})`);
      runs.push(run);
    }
    console.log(JSON.stringify({ certificates: COUNT, database: handle.kind, runs }));
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
