/**
 * Benchmark: the yearly report (2025) on the large dataset (seeds/large.ts: 1,000 courses, ≈ 50,000
 * enrollments, ≈ 500,000 attendance marks over 2021–2025), on the embedded PostgreSQL server (a temporary
 * data directory, as the app uses it) and on a PostgreSQL server (a temporary database created and dropped here).
 * Measured: the report computation as the report page calls it (SQL gathering + maths), split into its two
 * parts; in the same run, a baseline query that only counts the year's attendance marks; the DOCX of the
 * live report; the dashboard (every course, current-year maths on 2025). Median and max of 9 runs after
 * one warm-up, the measured functions taking turns. Goals: report ≤ 200 ms on the embedded server, ≤ 300 ms on PostgreSQL.
 * Run: npm run bench:reports   (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres, is
 * only used to create and drop the temporary database; BENCH_SKIP_PG=1 skips PostgreSQL).
 * Prints one JSON line at the end.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import pg from "pg";
import { fromPool, openDb, type DbHandle } from "../src/db/client";
import { plans } from "../src/db/schema";
import { dashboardData } from "../src/features/reports/dashboard.service";
import { effectiveEnd, yearPeriod } from "../src/features/reports/period";
import { buildReportDocx } from "../src/features/reports/report-docx";
import { computeFigures } from "../src/features/reports/report-figures";
import { buildFacts } from "../src/features/reports/report-facts";
import { gatherReportInput } from "../src/features/reports/reports.gather";
import { computeReport, getPlan } from "../src/features/reports/reports.service";
import { orgSettingsOn } from "../src/features/settings/settings.service";
import { todayIso } from "../src/lib/time";
import { seedLarge } from "../seeds/large";

const YEAR = 2025;
const RUNS = 9;
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Times several functions in turns (a, b, c, a, b, c, …) after one warm-up each, so that a burst of other
 * work on the machine hits them alike; returns the median and max of each, in ms.
 */
async function timeInTurns(fns: Record<string, () => Promise<unknown>>): Promise<Record<string, { median: number; max: number }>> {
  const ms: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(fns)) {
    await fn();
    ms[name] = [];
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of Object.entries(fns)) {
      const t = performance.now();
      await fn();
      ms[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(ms).map(([name, xs]) => {
    xs.sort((a, b) => a - b);
    return [name, { median: round(xs[Math.floor(xs.length / 2)]), max: round(xs[xs.length - 1]) }];
  }));
}

async function measure(handle: DbHandle, label: string) {
  const t0 = performance.now();
  const seeded = await seedLarge(handle, (s) => console.error(`[${label}] ${s}`));
  const seedSeconds = round((performance.now() - t0) / 1000);
  const db = handle.db;
  const [plan] = await db.select().from(plans).orderBy(plans.id).limit(1);
  const period = yearPeriod(YEAR);
  const today = todayIso();
  const to = effectiveEnd(period, today);
  const input = await gatherReportInput(db, plan.id, period.from, to);
  const { figures } = await computeReport(db, plan.id, period, today);
  const info = await getPlan(db, plan.id);
  const org = await orgSettingsOn(db, today);
  const narrative = { documentNumber: "", reportDate: "", radioProgrammes: 24, radioNote: "", results: "", limitations: "", directions: "", recommendations: "" };

  const t = await timeInTurns({
    report: () => computeReport(db, plan.id, period, today),
    gather: () => gatherReportInput(db, plan.id, period.from, to),
    maths: async () => computeFigures(buildFacts(input), today),
    baseline: () => db.execute(sql`select count(*) from attendance_marks m join course_sessions s on s.id = m.session_id where s.date between ${period.from} and ${to}`),
  });
  const more = await timeInTurns({
    docx: () => buildReportDocx({ plan: info, period, figures: { ...figures, plan: info }, org, narrative, frozen: null, documentTime: new Date().toISOString() }),
    dashboard: () => dashboardData(db, YEAR, today),
  });
  const counts = (await db.execute(sql`select (select count(*) from courses) as courses, (select count(*) from enrollments) as enrollments, (select count(*) from attendance_marks) as marks`)) as { rows: Record<string, unknown>[] };
  const result = {
    seedSeconds, seeded: seeded !== null, ...Object.fromEntries(Object.entries(counts.rows[0]).map(([k, v]) => [k, Number(v)])),
    yearMarks: figures.task1.personSessions + figures.task3.personSessions, yearParticipantTimes: figures.overall.participantTimes, yearUniquePersons: figures.overall.uniquePersons,
    reportMs: t.report.median, reportMaxMs: t.report.max, gatherMs: t.gather.median, mathsMs: t.maths.median, baselineCountMs: t.baseline.median,
    docxMs: more.docx.median, dashboardMs: more.dashboard.median,
  };
  console.error(`[${label}] ${JSON.stringify(result)}`);
  return result;
}

async function onEmbedded() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-"));
  // As the server opens it (src/db/client.ts), settings included.
  const handle = await openDb({ dataDir: dir });
  try {
    await handle.migrate();
    return await measure(handle, "embedded");
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres() {
  const adminUrl = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `taphuan_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on("error", () => undefined); // idle clients are cut when the database is dropped
  const handle = fromPool(pool);
  try {
    await handle.migrate();
    return await measure(handle, "postgres");
  } finally {
    await handle.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const embedded = await onEmbedded();
  let postgres: Awaited<ReturnType<typeof onPostgres>> | { skipped: string } = { skipped: "BENCH_SKIP_PG=1" };
  if (process.env.BENCH_SKIP_PG !== "1") {
    try {
      postgres = await onPostgres();
    } catch (e) {
      postgres = { skipped: String(e instanceof Error ? e.message : e).slice(0, 200) };
    }
  }
  const goals = { embeddedReportMs: 200, postgresReportMs: 300 };
  const met = { embedded: embedded.reportMs <= goals.embeddedReportMs, postgres: "reportMs" in postgres ? postgres.reportMs <= goals.postgresReportMs : null };
  // Other work on the machine slows every figure; the load average says how busy it was.
  const loadAverage = os.loadavg().map((x) => Math.round(x * 10) / 10);
  console.log(JSON.stringify({ year: YEAR, runs: RUNS, cpus: os.cpus().length, loadAverage, embedded, postgres, goals, met }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(String(e instanceof Error ? e.stack : e).slice(0, 1000));
    process.exit(1);
  });
}
