/**
 * Memory of the processes a benchmark runs, from /proc (Linux): the app's RSS, and the embedded database
 * server's memory as the sum of PSS over its process group (postmaster and backends share
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

/** PSS of every process in the process group `pgid` (the embedded server runs as its own group). */
export function groupPssMb(pgid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(stat[2]) !== pgid) continue;
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
    peak.appRssMb = Math.max(peak.appRssMb, rssMb(appPid));
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
