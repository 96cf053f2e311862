/**
 * Page data cached between requests (src/lib/read-cache.ts): a repeated page costs only the session
 * read, and any change to the database, wherever it comes from, shows on the next page.
 */
import { eq } from "drizzle-orm";
import { courses, courseSessions } from "../src/db/schema";
import { addSessions } from "../src/features/courses/sessions.service";
import { getCourse } from "../src/features/courses/courses.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { createTestApp, loginAs, type TestContext } from "./helpers/app";
import { createPrivateDb } from "./helpers/db";
import { makeCourse } from "./helpers/courses";

let ctx: TestContext;
beforeAll(async () => {
  // A server of its own: the cache's key is cluster-wide (see createPrivateDb).
  ctx = await createTestApp({ handle: await createPrivateDb() });
});
afterAll(async () => ctx.close());

/** Statements the app sends while `fn` runs (Drizzle and the session store both go through client.query). */
async function countStatements(fn: () => Promise<unknown>): Promise<number> {
  const client = ctx.handle.client as unknown as { query: (...args: unknown[]) => Promise<unknown> };
  const original = client.query;
  let n = 0;
  client.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    client.query = original;
  }
  return n;
}

/** An admin, a trainee enrolled on a new course with one session, all logged in. */
async function courseWithTrainee(title: string) {
  const admin = await loginAs(ctx, "admin");
  const trainee = await loginAs(ctx, "trainee");
  const course = await makeCourse(ctx, admin.user.id, { title });
  const session = { date: "2026-12-01", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null };
  await addSessions(ctx.handle.db, await getCourse(ctx.handle.db, course.id), session, { id: admin.user.id });
  await addParticipant(ctx.handle.db, course.id, trainee.user.id, "admin", null);
  return { admin, trainee, course };
}

test("the main pages, seen again with nothing changed, cost one statement (the session read)", async () => {
  const { admin, trainee, course } = await courseWithTrainee("Lớp bộ nhớ đệm");
  const pages: [typeof admin, string][] = [[trainee, "/courses"], [trainee, `/courses/${course.id}`], [trainee, "/my/courses"], [admin, `/courses/${course.id}`], [admin, "/dashboard"]];
  for (const [who, path] of pages) {
    const first = await countStatements(async () => expect((await who.agent.get(path)).status).toBe(200));
    let again = "";
    const second = await countStatements(async () => (again = (await who.agent.get(path)).text));
    expect({ path, second }).toEqual({ path, second: 1 });
    expect(first).toBeGreaterThan(1);
    expect(again).toContain(path === "/dashboard" ? "Tổng quan" : "Lớp bộ nhớ đệm");
  }
});

test("a change written straight to the database (as by another server process) shows on the next page", async () => {
  const { trainee, course } = await courseWithTrainee("Lớp trước khi sửa");
  for (const path of [`/courses/${course.id}`, "/my/courses", "/courses"]) expect((await trainee.agent.get(path)).text).toContain("Lớp trước khi sửa");
  await ctx.handle.db.update(courses).set({ title: "Lớp sau khi sửa" }).where(eq(courses.id, course.id));
  for (const path of [`/courses/${course.id}`, "/my/courses", "/courses"]) {
    const text = (await trainee.agent.get(path)).text;
    expect(text).toContain("Lớp sau khi sửa");
    expect(text).not.toContain("Lớp trước khi sửa");
  }
  await ctx.handle.db.update(courseSessions).set({ venue: "Phòng họp số 2" }).where(eq(courseSessions.courseId, course.id));
  expect((await trainee.agent.get("/my/courses")).text).toContain("Phòng họp số 2");
});

test("cached data is per viewer: each trainee sees their own enrollment and the admin the full list", async () => {
  const admin = await loginAs(ctx, "admin");
  const one = await loginAs(ctx, "trainee");
  const two = await loginAs(ctx, "trainee");
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp riêng từng người", status: "draft" });
  await addParticipant(ctx.handle.db, course.id, one.user.id, "admin", null);
  expect((await one.agent.get(`/courses/${course.id}`)).status).toBe(200);
  expect((await two.agent.get(`/courses/${course.id}`)).status).toBe(404); // a draft, and not on it
  expect((await one.agent.get("/courses")).text).toContain("Lớp riêng từng người");
  expect((await two.agent.get("/courses")).text).not.toContain("Lớp riêng từng người");
  expect((await admin.agent.get("/courses")).text).toContain("Lớp riêng từng người");
  expect((await one.agent.get("/my/courses")).text).toContain("Lớp riêng từng người");
  expect((await two.agent.get("/my/courses")).text).not.toContain("Lớp riêng từng người");
});
