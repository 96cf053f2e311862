/**
 * Benchmark: QR check-in against the real server (dist/server.js in its own process, bench/app-server.ts),
 * driven over HTTP like phones do (session cookie, GET of the QR URL, HTML answer), four times on a fresh
 * database each: the embedded database (a temporary DATA_DIR) and a PostgreSQL server (BENCH_DATABASE_URL,
 * else the machine's at 127.0.0.1:5432; a throw-away database), each with WORKERS=1 and WORKERS=2
 * (BENCH_TARGETS=postgres or embedded runs one database only).
 *   (a) burst: 200 enrolled trainees check in to one session at the same moment; all must be answered,
 *       each marked exactly once, the slowest within 250 ms; measured on each trainee's open keep-alive
 *       connection, and again (another session) with every trainee opening a new connection;
 *   (b) sustained: 50 keep-alive connections for 10 s, each request a new check-in (another trainee
 *       or session), reporting check-ins per second and latency percentiles (goal ≥ 1,000/s);
 *   baselines in the same run, same 50 connections: GET /healthz (no session, one `select 1`), and an
 *   authenticated request refused before any query of ours (a malformed token): the fixed cost of
 *   every logged-in request (session load, user load, session touch, page render).
 * Set-up goes through the services (users, course, sessions, enrollments), then the database is closed
 * and the server started on it; trainees log in through the login form, and each checks in once to a
 * warm-up session (not measured) so the figures are those of a server that has been running.
 * On a shared machine wall-clock figures depend on the load: the JSON line also gives the server's CPU
 * time per request (from /proc) and the load average. BENCH_CPU_PROF=dir writes a CPU profile.
 * Run: npm run bench:checkin  (or npx tsx bench/checkin.ts [seconds])
 * Prints one JSON line at the end: each configuration's figures, and WORKERS=2 / WORKERS=1 ratios.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { count, eq } from "drizzle-orm";
import { openDb } from "../src/db/client";
import { benchDatabase, build, freePort, startAppServer, stopAppServer } from "./app-server";
import { load, percentile, request, round, stats, type Reply } from "./http-load";
import { memorySampler, postmasterPid } from "./memory";
import { seedReferenceData } from "../src/db/reference-data";
import { attendanceChanges, attendanceMarks, courseSessions } from "../src/db/schema";
import { updateCheckinSettings } from "../src/features/attendance/attendance.service";
import { checkinPath } from "../src/features/attendance/kiosk.service";
import { checkinKey } from "../src/features/attendance/checkin.service";
import { createCourse, getCourse } from "../src/features/courses/courses.service";
import { addSessions } from "../src/features/courses/sessions.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { createUser } from "../src/features/users/users.service";

const TRAINEES = 200;
const SESSIONS = 80; // sustained phase: up to 200 × 78 = 15,600 distinct check-ins (+ warm-up and two burst sessions)
const CONNECTIONS = 50;
const SECONDS = Number(process.argv[2] ?? 10);
const PASSWORD = "mat-khau-bench-checkin";
const SECRET = "bench-checkin-secret-bench-checkin-secret";

const pad = (n: number) => String(n).padStart(2, "0");
/** A session whose check-in (opened 24 h ahead) is open now, whatever the time of day. */
function sessionOpenNow() {
  const s = new Date(Date.now() + 60 * 60_000 + 7 * 3_600_000);
  if (s.getUTCHours() >= 20) return { date: new Date(Date.now() + 19 * 3_600_000).toISOString().slice(0, 10), startTime: "07:00", endTime: "10:00" };
  return { date: s.toISOString().slice(0, 10), startTime: `${pad(s.getUTCHours())}:${pad(s.getUTCMinutes())}`, endTime: `${pad(s.getUTCHours() + 3)}:${pad(s.getUTCMinutes())}` };
}

async function setUp(dbOpts: { dataDir: string; databaseUrl?: string }) {
  const handle = await openDb(dbOpts);
  await handle.migrate();
  await seedReferenceData(handle.db);
  const db = handle.db;
  const person = (i: number, role: "admin" | "trainer" | "trainee") => ({
    ho: "Nguyễn", tenDem: "Văn", ten: `Thử ${i}`, login: `${role}${i}@bench.vn`, email: `${role}${i}@bench.vn`, phone: null, role,
    dateOfBirth: null, gender: null, ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null, password: PASSWORD,
  });
  const admin = await createUser(db, person(0, "admin"), null);
  const trainer = await createUser(db, person(0, "trainer"), null);
  const course = await createCourse(db, {
    title: "Hội nghị quán triệt Quyết định 1191/QĐ-TTg", kind: "conference", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
    venue: "Hội trường UBND xã Triệu Sơn", capacity: null, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
    trainerIds: [trainer.id], targetCategoryIds: [], funding: [],
  }, { id: admin.id });
  const when = sessionOpenNow();
  for (let i = 0; i <= SESSIONS; i++) {
    await addSessions(db, await getCourse(db, course.id), { ...when, venue: null, topic: `Buổi ${i}`, trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.id });
  }
  await updateCheckinSettings(db, course.id, { checkinOpensBefore: 1440, checkinClosesAfter: 30, lateAfterMinutes: 15 }, { id: admin.id });
  const trainees: { id: number; login: string }[] = [];
  for (let i = 1; i <= TRAINEES; i += 4) {
    const batch = await Promise.all([0, 1, 2, 3].filter((k) => i + k <= TRAINEES).map((k) => createUser(db, person(i + k, "trainee"), null)));
    for (const u of batch) {
      await addParticipant(db, course.id, u.id, "admin", null);
      trainees.push({ id: u.id, login: u.login! });
    }
  }
  const sessions = (await db.select({ id: courseSessions.id }).from(courseSessions).where(eq(courseSessions.courseId, course.id)).orderBy(courseSessions.id)).map((s) => s.id);
  await handle.close();
  return { courseId: course.id, sessions, trainees, trainer: { login: trainer.login! } };
}

/** Logs in through the form, then opens the home page (as the browser does after the redirect). */
async function login(agent: http.Agent, port: number, loginName: string): Promise<string> {
  const page = await request(agent, port, "GET", "/login");
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
  const form = new URLSearchParams({ _csrf: csrf, login: loginName, password: PASSWORD }).toString();
  const res = await request(agent, port, "POST", "/login", { cookie: page.cookie! }, form);
  if (res.status !== 302 || !res.cookie) throw new Error(`login of ${loginName} failed: ${res.status}`);
  await request(agent, port, "GET", "/", { cookie: res.cookie });
  return res.cookie;
}

interface Target { database: "embedded" | "postgres"; workers: number }

/** One server configuration on a fresh database: set-up, log-ins, warm-up, bursts, baselines, sustained load. */
async function measure(target: Target) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-checkin-"));
  const db = target.database === "postgres" ? benchDatabase(`taphuan_bench_checkin_${process.pid}`) : null;
  const dbOpts = { dataDir, databaseUrl: db?.url };
  let server: ChildProcess | undefined;
  try {
    const t0 = performance.now();
    const setup = await setUp(dbOpts);
    const port = await freePort();
    server = await startAppServer({ DATA_DIR: dataDir, PORT: String(port), SESSION_SECRET: SECRET, WORKERS: String(target.workers), ...(db ? { DATABASE_URL: db.url } : {}) });
    console.error(`${target.database}, WORKERS=${target.workers}: set-up ${((performance.now() - t0) / 1000).toFixed(1)} s; logging in ${TRAINEES} trainees…`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: TRAINEES, maxFreeSockets: TRAINEES });
    const cookies: string[] = [];
    for (let i = 0; i < setup.trainees.length; i += 4) {
      cookies.push(...(await Promise.all(setup.trainees.slice(i, i + 4).map((tr) => login(agent, port, tr.login)))));
    }
    const trainerCookie = await login(agent, port, setup.trainer.login);
    const key = checkinKey(SECRET);
    const marked = (r: Reply) => r.status === 200 && r.body.includes("Đã điểm danh: Có mặt lúc");

    // Warm-up (JIT, compiled templates, the code paths of large groups), as on a server that has been
    // running: all trainees check in to a session of their own at the same moment; not measured. It
    // also leaves each trainee's keep-alive connection open for the first measured burst.
    const [warmSession, burstSession, coldSession, ...others] = setup.sessions;
    const warmQr = checkinPath(key, warmSession, new Date());
    await Promise.all(cookies.map((cookie) => request(agent, port, "GET", warmQr, { cookie })));
    // Memory under load: the app's RSS and the database server's (PSS of its processes), peaks.
    const memory = memorySampler(server.pid!, postmasterPid(dataDir));

    // (a) Burst: every trainee, one session, the same moment, each on their open connection.
    // (a') The same on new connections (each phone opens one): the TCP set-up of 200 connections at once.
    const burstOn = async (session: number, via: http.Agent) => {
      const qr = checkinPath(key, session, new Date());
      const replies = await Promise.all(cookies.map((cookie) => request(via, port, "GET", qr, { cookie })));
      const kiosk = JSON.parse((await request(via, port, "GET", `/courses/${setup.courseId}/sessions/${session}/kiosk.json`, { cookie: trainerCookie, accept: "application/json" })).body);
      const ms = replies.map((r) => r.ms);
      return {
        requests: replies.length, answered200: replies.filter((r) => r.status === 200).length, marked: replies.filter(marked).length, kioskCount: kiosk.count as number,
        ...stats(ms), p90Ms: round(percentile([...ms].sort((a, b) => a - b), 90)), over250Ms: ms.filter((x) => x > 250).length,
      };
    };
    const burstResult = await burstOn(burstSession, agent);
    console.error("burst (open connections)", JSON.stringify(burstResult));
    agent.destroy();
    const fresh = new http.Agent({ keepAlive: true, maxSockets: TRAINEES });
    const coldResult = await burstOn(coldSession, fresh);
    console.error("burst (new connections)", JSON.stringify(coldResult));
    fresh.destroy();

    // Baselines, same connections and duration.
    const pid = server.pid!;
    const health = await load(port, Math.min(5, SECONDS), CONNECTIONS, () => ({ path: "/healthz", check: (r) => r.status === 200 }), pid);
    let b = 0;
    const sessionOnly = await load(port, Math.min(5, SECONDS), CONNECTIONS, () => ({ path: `/checkin/${burstSession}/x`, cookie: cookies[b++ % cookies.length], check: (r) => r.status === 400 }), pid);
    console.error("baselines", JSON.stringify({ health, sessionOnly }));

    // (b) Sustained: each request is a new check-in (trainee i, session j), never a repeat.
    let n = 0;
    const sustained = await load(port, SECONDS, CONNECTIONS, () => {
      if (n >= cookies.length * others.length) return null;
      const i = n % cookies.length;
      const j = Math.floor(n / cookies.length);
      n++;
      return { path: checkinPath(key, others[j], new Date()), cookie: cookies[i], check: marked };
    }, pid);
    console.error("sustained", JSON.stringify(sustained));
    const memoryPeaks = memory.stop();
    console.error("memory", JSON.stringify(memoryPeaks));

    await stopAppServer(server);
    server = undefined;
    // Count what was stored: one mark and one change-log row per successful check-in, no duplicates.
    const handle = await openDb(dbOpts);
    const [[{ marks }], [{ changes }], [{ burstMarks }], [{ coldMarks }]] = await Promise.all([
      handle.db.select({ marks: count() }).from(attendanceMarks),
      handle.db.select({ changes: count() }).from(attendanceChanges),
      handle.db.select({ burstMarks: count() }).from(attendanceMarks).where(eq(attendanceMarks.sessionId, burstSession)),
      handle.db.select({ coldMarks: count() }).from(attendanceMarks).where(eq(attendanceMarks.sessionId, coldSession)),
    ]);
    await handle.close();
    return {
      burst: { ...burstResult, storedMarks: burstMarks, goalMaxMs: 250, ok: burstResult.marked === TRAINEES && burstMarks === TRAINEES && burstResult.maxMs <= 250 },
      burstNewConnections: { ...coldResult, storedMarks: coldMarks, goalMaxMs: 250, ok: coldResult.marked === TRAINEES && coldMarks === TRAINEES && coldResult.maxMs <= 250 },
      sustained: {
        connections: CONNECTIONS, seconds: SECONDS, checkins: sustained.requests, checkinsPerSecond: sustained.perSecond, failures: sustained.failures,
        p50Ms: sustained.p50Ms, p99Ms: sustained.p99Ms, maxMs: sustained.maxMs, goalPerSecond: 1000,
        serverCpuMsPerCheckin: sustained.serverCpuMsPerRequest, perSecondAtOneCore: sustained.perSecondAtOneCore,
      },
      memory: { ...memoryPeaks, goalAppRssMb: 250 },
      stored: { marks, changes, expected: 3 * TRAINEES + sustained.requests - sustained.failures },
      baseline: {
        healthzPerSecond: health.perSecond, healthzP99Ms: health.p99Ms, healthzCpuMs: health.serverCpuMsPerRequest,
        loggedInNoQueryPerSecond: sessionOnly.perSecond, loggedInNoQueryP99Ms: sessionOnly.p99Ms, loggedInNoQueryCpuMs: sessionOnly.serverCpuMsPerRequest,
      },
      loadAverage: os.loadavg().map(round),
    };
  } finally {
    if (server) await stopAppServer(server);
    db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** BENCH_TARGETS=postgres (or embedded) limits the run to one database. */
const TARGETS: Target[] = [
  { database: "embedded", workers: 1 }, { database: "embedded", workers: 2 },
  { database: "postgres", workers: 1 }, { database: "postgres", workers: 2 },
].filter((t) => !process.env.BENCH_TARGETS || process.env.BENCH_TARGETS.split(",").includes(t.database)) as Target[];

async function main() {
  build();
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const t of TARGETS) results[`${t.database}Workers${t.workers}`] = await measure(t);
  // WORKERS=2 against WORKERS=1 on the same database: above 1 = more check-ins per second; below 1 = a faster burst.
  const ratios = Object.fromEntries(["embedded", "postgres"].filter((d) => results[`${d}Workers1`] && results[`${d}Workers2`]).map((d) => {
    const [one, two] = [results[`${d}Workers1`], results[`${d}Workers2`]];
    return [d, {
      sustainedPerSecond: round2(two.sustained.checkinsPerSecond / one.sustained.checkinsPerSecond),
      burstMaxMs: round2(two.burst.maxMs / one.burst.maxMs), burstNewConnectionsMaxMs: round2(two.burstNewConnections.maxMs / one.burstNewConnections.maxMs),
    }];
  }));
  const pg2 = results.postgresWorkers2;
  const goal = pg2 ? { postgresWorkers2BurstMaxMs: Math.max(pg2.burst.maxMs, pg2.burstNewConnections.maxMs), goalMaxMs: 200, ok: Math.max(pg2.burst.maxMs, pg2.burstNewConnections.maxMs) <= 200 } : null;
  console.log(JSON.stringify({ bench: "checkin", trainees: TRAINEES, ...results, workersRatios: ratios, workersGoal: goal, loadAverage: os.loadavg().map(round), cpus: os.cpus().length }));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
