/**
 * HTTP load helpers shared by the benchmarks that drive the real server (bench/checkin.ts): one request
 * with its latency, latency percentiles, and a fixed-time load over keep-alive connections that also
 * reports the server's CPU time per request.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { appCpuSeconds } from "./memory";

export interface Reply { status: number; body: string; cookie: string | null; ms: number }

export function request(agent: http.Agent, port: number, method: string, pathName: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ host: "127.0.0.1", port, method, path: pathName, agent, headers: { ...headers, ...(body ? { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const set = res.headers["set-cookie"]?.find((c) => c.startsWith("taphuan.sid="));
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), cookie: set ? set.split(";")[0] : null, ms: performance.now() - started });
      });
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
export const round = (n: number) => Math.round(n * 10) / 10;
export function stats(latencies: number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  return { p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)), maxMs: round(s[s.length - 1]) };
}

/**
 * `connections` loops sending next() until `seconds` pass; returns the latencies and failures, and the CPU
 * time the server (its primary and workers, bench/memory.ts) used per request: on a shared machine the
 * wall clock depends on what else runs, the server's CPU time per request much less.
 */
export async function load(port: number, seconds: number, connections: number, next: () => { path: string; cookie?: string; check(r: Reply): boolean } | null, serverPid?: number) {
  const cpu0 = serverPid ? appCpuSeconds(serverPid) : NaN;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const job = next();
      if (!job) return;
      const r = await request(agent, port, "GET", job.path, job.cookie ? { cookie: job.cookie } : {});
      latencies.push(r.ms);
      if (!job.check(r)) failures++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = serverPid ? appCpuSeconds(serverPid) - cpu0 : NaN;
  agent.destroy();
  return {
    requests: latencies.length, perSecond: Math.round(latencies.length / elapsed), failures, ...stats(latencies),
    // Server CPU per request, and the rate one fully available core would give at that cost.
    serverCpuMsPerRequest: round((cpu * 1000) / latencies.length), perSecondAtOneCore: Math.round(latencies.length / cpu),
  };
}
