/**
 * Memory and CPU of the processes a benchmark runs, from /proc (Linux): the app's RSS (its primary and,
 * with WORKERS > 1, its worker processes), and the embedded database server's memory as the sum of PSS over its process group (postmaster and backends share
 * shared_buffers: adding their RSS would count it once per backend).
 */
import fs from "node:fs";
import path from "node:path";

const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);

export function rssMb(pid: number): number {
  try {
    return Math.round(kb(fs.readFileSync(`/proc/${pid}/status`, "utf8"), "VmRSS") / 1024);
  } catch {
    return 0;
  }
}

function stat(pid: number | string): { comm: string; ppid: number; pgrp: number; ticks: number } {
  const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), ppid: Number(f[1]), pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) };
}

/** The app's processes: `pid` and its node children (cluster workers; not the embedded postgres). */
export function appPids(pid: number): number[] {
  const children = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e)).flatMap((e) => {
    try {
      const s = stat(e);
      return s.ppid === pid && s.comm.startsWith("node") ? [Number(e)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
  return [pid, ...children];
}

/** CPU seconds (user + system) the app's processes have used (clock ticks at 100 Hz on Linux). */
export function appCpuSeconds(pid: number): number {
  try {
    return appPids(pid).reduce((sum, p) => sum + stat(p).ticks, 0) / 100;
  } catch {
    return NaN;
  }
}

/** PSS of every process in the process group `pgid` (the embedded server runs as its own group). */
export function groupPssMb(pgid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (stat(entry).pgrp !== pgid) continue;
      total += kb(fs.readFileSync(`/proc/${entry}/smaps_rollup`, "utf8"), "Pss");
    } catch {
      /* gone meanwhile */
    }
  }
  return Math.round(total / 1024);
}

/** The pid of the embedded server of `dataDir` (null when the app uses DATABASE_URL). */
export function postmasterPid(dataDir: string): number | null {
  try {
    return Number(fs.readFileSync(path.join(dataDir, "postgres", "data", "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
}

/** Samples the peaks every 200 ms until stop(). */
export function memorySampler(appPid: number, dbPgid: number | null) {
  const peak = { appRssMb: 0, dbPssMb: 0 };
  const sample = () => {
    peak.appRssMb = Math.max(peak.appRssMb, appPids(appPid).reduce((sum, p) => sum + rssMb(p), 0));
    if (dbPgid) peak.dbPssMb = Math.max(peak.dbPssMb, groupPssMb(dbPgid));
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return dbPgid ? peak : { appRssMb: peak.appRssMb };
    },
  };
}
