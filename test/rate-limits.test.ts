/**
 * Rate limits hold across app processes: two apps, each with its own connection pool to ONE database (what
 * two server processes are), share every limit's counter, so spreading attempts over them gains nothing.
 * The store itself: atomic counting under concurrency, windows that end, and the sweep of expired rows.
 */
import { eq, like } from "drizzle-orm";
import pg from "pg";
import request from "supertest";
import { fromPool } from "../src/db/client";
import { courseSessions, rateLimitHits } from "../src/db/schema";
import { updateCheckinSettings } from "../src/features/attendance/attendance.service";
import { checkinCode, windowIndex } from "../src/features/attendance/checkin-token";
import { checkinKey } from "../src/features/attendance/checkin.service";
import { VERIFY_LIMIT } from "../src/features/certificates/certificates.routes";
import { getCourse } from "../src/features/courses/courses.service";
import { addSessions } from "../src/features/courses/sessions.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { DbRateLimitStore } from "../src/lib/rate-limit-store";
import { anonymousAgent, createTestApp, loginAs, makeUser, type TestContext } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { cloneTemplateDatabase } from "./helpers/db";

jest.setTimeout(180000);
const LOGIN_LIMIT = 6;
const KEY = checkinKey("test-secret-test-secret-test-secret!"); // what test/helpers/app.ts gives createApp

let clone: Awaited<ReturnType<typeof cloneTemplateDatabase>>;
/** Two "processes": one database, two pools, two apps. */
let a: TestContext;
let b: TestContext;
/** One process alone on a database of its own: the reference the pair must match. */
let solo: TestContext;

function poolTo(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  pool.on("error", () => undefined); // the final DROP … WITH (FORCE) ends connections pool.end() left
  return fromPool(pool);
}

beforeAll(async () => {
  clone = await cloneTemplateDatabase();
  a = await createTestApp({ handle: poolTo(clone.url), loginIpLimit: LOGIN_LIMIT });
  b = await createTestApp({ handle: poolTo(clone.url), loginIpLimit: LOGIN_LIMIT, setup: false });
  solo = await createTestApp({ loginIpLimit: LOGIN_LIMIT });
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), solo?.close()]);
  await clone?.drop();
});

/** `n` failed logins from one address (supertest's loopback), the i-th sent to apps[i % apps.length]. */
async function failedLogins(apps: TestContext[], n: number, from = 0): Promise<number[]> {
  const agents = await Promise.all(apps.map((app) => anonymousAgent(app)));
  const statuses: number[] = [];
  for (let i = from; i < from + n; i++) {
    const { agent, csrf } = agents[i % apps.length];
    statuses.push((await agent.post("/login").type("form").send({ _csrf: csrf, login: `khong-co-${i}`, password: "doan-mo-123" })).status);
  }
  return statuses;
}

test("wrong check-in codes spread over two apps are limited to 10 per person in total", async () => {
  const admin = await makeUser(a, "admin");
  const course = await makeCourse(a, admin.id);
  const db = a.handle.db;
  // A session starting in an hour, or tomorrow morning when that would run past midnight (Vietnam time).
  const vn = (ms: number) => new Date(ms + 7 * 3_600_000);
  const start = vn(Date.now() + 3_600_000);
  const session = start.getUTCHours() >= 20
    ? { date: vn(Date.now() + 12 * 3_600_000).toISOString().slice(0, 10), startTime: "07:00", endTime: "10:00" }
    : { date: start.toISOString().slice(0, 10), startTime: start.toISOString().slice(11, 16), endTime: `${String(start.getUTCHours() + 3).padStart(2, "0")}:${start.toISOString().slice(14, 16)}` };
  await addSessions(db, await getCourse(db, course.id), { ...session, venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.id });
  await updateCheckinSettings(db, course.id, { checkinOpensBefore: 1440, checkinClosesAfter: 30, lateAfterMinutes: 15 }, { id: admin.id });
  const [{ id: sid }] = await db.select({ id: courseSessions.id }).from(courseSessions).where(eq(courseSessions.courseId, course.id));
  const trainee = await makeUser(a, "trainee");
  await addParticipant(db, course.id, trainee.id, "admin", null);
  // The same person logged in on both apps (a phone whose requests land on either process).
  const onA = await loginAs(a, trainee);
  const onB = await loginAs(b, trainee);
  const code = checkinCode(KEY, sid, windowIndex(Date.now()));
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");

  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    const { agent, csrf } = i % 2 ? onB : onA;
    statuses.push((await agent.post("/checkin").type("form").send({ _csrf: csrf, sessionId: sid, code: wrong })).status);
  }
  expect(statuses).toEqual([...Array(10).fill(400), 429]);
  // The right code is refused on either app until the window ends.
  for (const { agent, csrf } of [onA, onB]) {
    expect((await agent.post("/checkin").type("form").send({ _csrf: csrf, sessionId: sid, code })).status).toBe(429);
  }
});

test("public verification spread over two apps is limited per address in total", async () => {
  const statuses: number[] = [];
  for (let i = 0; i <= VERIFY_LIMIT.limit; i++) statuses.push((await request(i % 2 ? b.app : a.app).get("/verify/AAAAAAAAAAAAAAAAAAAAAA")).status);
  expect(statuses).toEqual([...Array(VERIFY_LIMIT.limit).fill(404), 429]);
});

// Last of the HTTP tests: it uses up this address's login allowance, which the logins above need.
test("failed logins from one address spread over two apps hit the per-address limit at the same total as on one app", async () => {
  const expected = [...Array(LOGIN_LIMIT).fill(401), 429, 429];
  expect(await failedLogins([solo], LOGIN_LIMIT + 2)).toEqual(expected);
  expect(await failedLogins([a, b], LOGIN_LIMIT + 2)).toEqual(expected);
  // Each app is stopped, even for a real account with its right password.
  const user = await makeUser(a, "trainee");
  for (const app of [a, b]) {
    const { agent, csrf } = await anonymousAgent(app);
    const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: user.login, password: user.password });
    expect(res.status).toBe(429);
  }
  const [row] = await a.handle.db.select().from(rateLimitHits).where(like(rateLimitHits.key, "login-ip:%"));
  expect(row.hits).toBe(LOGIN_LIMIT + 4);
});

describe("the database store", () => {
  const store = (name: string, windowMs: number) => {
    const s = new DbRateLimitStore(a.handle.db, name);
    s.init({ windowMs } as Parameters<DbRateLimitStore["init"]>[0]);
    return s;
  };

  test("counts concurrent hits from two pools exactly once each", async () => {
    const one = store("t-concurrent", 60_000);
    const two = new DbRateLimitStore(b.handle.db, "t-concurrent");
    two.init({ windowMs: 60_000 } as Parameters<DbRateLimitStore["init"]>[0]);
    const hits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).increment("k")));
    expect(hits.map((h) => h.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await one.get("k"))?.totalHits).toBe(40);
    await two.decrement("k");
    expect((await one.get("k"))?.totalHits).toBe(39);
    await one.resetKey("k");
    expect(await two.get("k")).toBeUndefined();
  });

  test("starts a new window when the last one is over, and sweeps expired rows of its own limiter", async () => {
    const s = store("t-window", 300);
    const other = store("t-other", 60_000);
    await other.increment("stays");
    const first = await s.increment("x");
    await s.increment("gone");
    expect((await s.increment("x")).totalHits).toBe(2);
    expect(first.resetTime!.getTime()).toBeGreaterThan(Date.now() - 1000);
    await new Promise((r) => setTimeout(r, 400));
    expect(await s.get("x")).toBeUndefined();
    await s.decrement("x"); // a late decrement does not reach into the next window
    // This hit reuses the expired row, and (a window since the last sweep) deletes the other expired ones.
    expect((await s.increment("x")).totalHits).toBe(1);
    const keys = (await a.handle.db.select({ key: rateLimitHits.key }).from(rateLimitHits).where(like(rateLimitHits.key, "t-%"))).map((r) => r.key).sort();
    expect(keys).toEqual(["t-other:stays", "t-window:x"]);
  });
});
