/**
 * `npm run bench:files`: a 20 MB course material through the app with files in the database
 * (src/lib/file-store.ts; BENCH_FILE_MB for another size), on a throw-away embedded PostgreSQL server (production settings): the upload
 * (one transaction), then BENCH_DOWNLOADS (default 4) downloads at once, each consumed as it arrives
 * (hashed, never kept), while the process's memory is sampled every 20 ms after a full garbage collection
 * (so it is what is held, not garbage waiting: run with `node --expose-gc`, as the npm script does); then a
 * backup of that database. The app and the clients share this process, so the memory figure is an upper
 * bound for the server.
 * Prints the figures; the last line is one JSON object.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CookieAccessInfo } from "cookiejar";
import { createApp } from "../src/app";
import { materials } from "../src/db/schema";
import { writeBackup } from "../src/features/backup/backup.service";
import { loginAs, completeTestSetup, type TestContext } from "../test/helpers/app";
import { makeCourse } from "../test/helpers/courses";
import { openScratchDb } from "../scripts/scratch-db";

const MB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_FILE_MB ?? 20) * MB;
const DOWNLOADS = Number(process.env.BENCH_DOWNLOADS ?? 4);

/** Memory beyond the heap too: Buffers (chunks, socket writes) are counted in arrayBuffers/external. */
const used = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, buffers: m.external + m.arrayBuffers, heap: m.heapUsed };
};

/** A client reading at about 5 MB/s (a pause after each piece): the server must wait for it. Resolves with the SHA-256 of the body. */
function slowGet(url: string, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { cookie } }, (res) => {
      const hash = crypto.createHash("sha256");
      res.on("data", (c: Buffer) => {
        hash.update(c);
        res.pause();
        setTimeout(() => res.resume(), Math.ceil(c.length / 5000));
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: hash.digest("hex") }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

async function main(): Promise<void> {
  const handle = await openScratchDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-files-"));
  try {
    await completeTestSetup(handle.db);
    const app = createApp({ handle, sessionSecret: "bench-secret-bench-secret-bench-secret", pruneSessions: false, publicUrl: "https://taphuan.example.vn" });
    const ctx: TestContext = { handle, app, dataDir, close: async () => undefined };
    const admin = await loginAs(ctx, "admin");
    const course = await makeCourse(ctx, admin.user.id, { title: "Lớp đo tệp lớn" });
    let bytes: Buffer | null = Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(SIZE - 9)]);
    const sha = crypto.createHash("sha256").update(bytes).digest("hex");

    let t = performance.now();
    await admin.agent.post(`/courses/${course.id}/materials`).field("_csrf", admin.csrf).attach("file", bytes, { filename: "Tài liệu 20 MB.pdf" }).expect(302);
    const uploadMs = performance.now() - t;
    const [row] = await handle.db.select().from(materials).where(eq(materials.courseId, course.id));
    bytes = null; // from here on the file is only in the database: the baseline holds no copy of it

    /**
     * The downloads at once; with `live`, memory is sampled after a full collection (slow: timed separately);
     * with `slow`, each client reads at about 5 MB/s (a pause after each 64 KB), so the server must wait.
     */
    const downloadAll = async (live: boolean, slow = false) => {
      global.gc?.();
      const base = used();
      const peak = { ...base };
      const timer = setInterval(() => {
        if (live) global.gc?.();
        const u = used();
        for (const k of ["rss", "buffers", "heap"] as const) peak[k] = Math.max(peak[k], u[k]);
      }, live ? 20 : 5);
      const start = performance.now();
      const got = slow ? await Promise.all(Array.from({ length: DOWNLOADS }, () => slowGet(url, cookie))) : await Promise.all(Array.from({ length: DOWNLOADS }, () =>
        admin.agent.get(`/courses/${course.id}/materials/${row.id}`).buffer(true).parse((res, cb) => {
          const hash = crypto.createHash("sha256");
          res.on("data", (c: Buffer) => hash.update(c));
          res.on("end", () => cb(null, hash.digest("hex")));
        }),
      ));
      const ms = performance.now() - start;
      clearInterval(timer);
      if (!got.every((r) => r.status === 200 && r.body === sha)) throw new Error(`a download differs from the upload: ${got.map((r) => r.status).join(",")} ${cookie}`);
      return { ms, rss: peak.rss - base.rss, buffers: peak.buffers - base.buffers, heap: peak.heap - base.heap };
    };
    const server = app.listen(0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/courses/${course.id}/materials/${row.id}`;
    const cookie = admin.agent.jar.getCookies(CookieAccessInfo.All).toValueString();
    const timed = await downloadAll(false);
    const live = global.gc ? await downloadAll(true) : null;
    const slow = global.gc ? await downloadAll(true, true) : null;

    server.close();
    t = performance.now();
    const backup = path.join(dataDir, "b.jsonl.gz");
    await writeBackup(handle, dataDir, backup);
    const backupMs = performance.now() - t;

    const mb = (n: number) => Math.round((n / MB) * 10) / 10;
    const result = {
      fileMB: SIZE / MB, uploadSeconds: +(uploadMs / 1000).toFixed(2), downloads: DOWNLOADS, downloadSeconds: +(timed.ms / 1000).toFixed(2),
      downloadMBps: Math.round((DOWNLOADS * SIZE) / MB / (timed.ms / 1000)),
      peakGrowthWithGarbageMB: { rss: mb(timed.rss), buffers: mb(timed.buffers), heap: mb(timed.heap) },
      peakLiveGrowthMB: live && { rss: mb(live.rss), buffers: mb(live.buffers), heap: mb(live.heap) },
      slowClientsSeconds: slow && +(slow.ms / 1000).toFixed(2), slowClientsLiveGrowthMB: slow && { rss: mb(slow.rss), buffers: mb(slow.buffers), heap: mb(slow.heap) },
      backupSeconds: +(backupMs / 1000).toFixed(2), backupMB: mb(fs.statSync(backup).size),
    };
    console.log(`Upload of ${SIZE / MB} MB: ${result.uploadSeconds} s. ${DOWNLOADS} downloads at once: ${result.downloadSeconds} s (${result.downloadMBps} MB/s).`);
    console.log(`Memory growth at the peak, garbage included: RSS ${mb(timed.rss)} MB, Buffers ${mb(timed.buffers)} MB, heap ${mb(timed.heap)} MB (${DOWNLOADS} × ${SIZE / MB} MB sent).`);
    if (live) console.log(`Memory held at the peak (after collections): RSS ${mb(live.rss)} MB, Buffers ${mb(live.buffers)} MB, heap ${mb(live.heap)} MB.`);
    if (slow) console.log(`Clients reading at ~5 MB/s: ${result.slowClientsSeconds} s; memory held at the peak: Buffers ${mb(slow.buffers)} MB, heap ${mb(slow.heap)} MB.`);
    console.log(`Backup with it: ${result.backupSeconds} s, ${result.backupMB} MB.`);
    console.log(JSON.stringify(result));
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
