import { and, eq } from "drizzle-orm";
import { enrollments } from "../src/db/schema";
import { waitlistPosition } from "../src/features/enrollment/enrollment.service";
import { loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"] });

const statusOf = async (courseId: number, userId: number) =>
  (await ctx.handle.db.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId))))[0]?.status;

test("60 concurrent enrollment requests into a 30-seat course: 30 enrolled, 30 waitlisted at positions 1–30", async () => {
  const course = await makeCourse(ctx, admin.user.id, { capacity: 30 });
  const trainees = [];
  for (let i = 0; i < 60; i++) trainees.push(await loginAs(ctx, "trainee"));
  const responses = await Promise.all(
    trainees.map((tr) => tr.agent.post(`/courses/${course.id}/enroll`).set("Accept", "application/json").set("x-csrf-token", tr.csrf).send()),
  );
  expect(responses.every((r) => r.status === 200)).toBe(true);
  const rows = await ctx.handle.db.select().from(enrollments).where(eq(enrollments.courseId, course.id));
  expect(rows).toHaveLength(60);
  expect(rows.filter((r) => r.status === "enrolled")).toHaveLength(30);
  const waiting = rows.filter((r) => r.status === "waitlisted");
  expect(waiting).toHaveLength(30);
  const positions = await Promise.all(waiting.map((r) => waitlistPosition(ctx.handle.db, course.id, r.userId)));
  expect(positions.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  // What each person was told matches what was stored.
  for (const r of responses) if (r.body.status === "waitlisted") expect(r.body.position).toBeGreaterThanOrEqual(1);

  // A cancellation promotes waitlist position 1, and everyone else moves up one.
  const firstWaiting = waiting.find((_, i) => positions[i] === 1)!;
  const posOf = new Map(await Promise.all(waiting.map(async (r) => [r.userId, await waitlistPosition(ctx.handle.db, course.id, r.userId)] as const)));
  const head = [...posOf.entries()].find(([, p]) => p === 1)![0];
  const second = [...posOf.entries()].find(([, p]) => p === 2)![0];
  const leaver = trainees.find((tr) => rows.find((r) => r.userId === tr.user.id)?.status === "enrolled")!;
  const cancel = await leaver.agent.post(`/courses/${course.id}/unenroll`).type("form").send({ _csrf: leaver.csrf });
  expect(cancel.status).toBe(302);
  expect(await statusOf(course.id, leaver.user.id)).toBe("cancelled");
  expect(await statusOf(course.id, head)).toBe("enrolled");
  expect(await waitlistPosition(ctx.handle.db, course.id, second)).toBe(1);
  expect(firstWaiting).toBeDefined();

  // Enrolling twice changes nothing; the trainee sees their position on "my courses".
  const again = await leaver.agent.post(`/courses/${course.id}/enroll`).type("form").send({ _csrf: leaver.csrf });
  expect(again.status).toBe(302);
  const secondAgent = trainees.find((tr) => tr.user.id === second)!;
  const my = await secondAgent.agent.get("/my/courses");
  expect(my.text).toContain("Danh sách chờ");
  expect(my.text).toContain("Vị trí chờ: 1");
});

test("approval mode holds enrollments until a trainer approves or rejects with a reason", async () => {
  const trainer = await loginAs(ctx, "trainer");
  const course = await makeCourse(ctx, admin.user.id, { approvalRequired: true, capacity: 1, trainerIds: [trainer.user.id] });
  const a = await loginAs(ctx, "trainee");
  const b = await loginAs(ctx, "trainee");
  const c = await loginAs(ctx, "trainee");
  for (const tr of [a, b, c]) await tr.agent.post(`/courses/${course.id}/enroll`).type("form").send({ _csrf: tr.csrf });
  expect(await statusOf(course.id, a.user.id)).toBe("pending");
  const page = await a.agent.get(`/courses/${course.id}`);
  expect(page.text).toContain("Chờ duyệt");
  const rowOf = async (uid: number) => (await ctx.handle.db.select().from(enrollments).where(and(eq(enrollments.courseId, course.id), eq(enrollments.userId, uid))))[0];
  // a trainer of another course cannot approve
  const stranger = await loginAs(ctx, "trainer");
  expect((await stranger.agent.post(`/courses/${course.id}/enrollments/${(await rowOf(a.user.id)).id}/approve`).type("form").send({ _csrf: stranger.csrf })).status).toBe(403);
  expect((await trainer.agent.post(`/courses/${course.id}/enrollments/${(await rowOf(a.user.id)).id}/approve`).type("form").send({ _csrf: trainer.csrf })).status).toBe(302);
  expect(await statusOf(course.id, a.user.id)).toBe("enrolled");
  // the course is full now: approving b puts b on the waitlist
  await trainer.agent.post(`/courses/${course.id}/enrollments/${(await rowOf(b.user.id)).id}/approve`).type("form").send({ _csrf: trainer.csrf });
  expect(await statusOf(course.id, b.user.id)).toBe("waitlisted");
  const noReason = await trainer.agent.post(`/courses/${course.id}/enrollments/${(await rowOf(c.user.id)).id}/reject`).type("form").send({ _csrf: trainer.csrf, reason: "" });
  expect(noReason.status).toBe(422);
  expect(await statusOf(course.id, c.user.id)).toBe("pending");
  await trainer.agent.post(`/courses/${course.id}/enrollments/${(await rowOf(c.user.id)).id}/reject`).type("form").send({ _csrf: trainer.csrf, reason: "Không thuộc đối tượng" });
  expect(await rowOf(c.user.id)).toMatchObject({ status: "rejected", rejectReason: "Không thuộc đối tượng" });
  const my = await c.agent.get("/my/courses");
  expect(my.text).toContain("Không thuộc đối tượng");
  const manage = await trainer.agent.get(`/courses/${course.id}/participants`);
  expect(manage.status).toBe(200);
  expect(manage.text).toContain(a.user.fullName);
});

test("closed or draft courses refuse enrollment; staff cannot self-enroll", async () => {
  const closed = await makeCourse(ctx, admin.user.id, { status: "closed" });
  const tr = await loginAs(ctx, "trainee");
  // A closed course is not shown to trainees outside it.
  expect((await tr.agent.post(`/courses/${closed.id}/enroll`).type("form").send({ _csrf: tr.csrf })).status).toBe(404);
  const draft = await makeCourse(ctx, admin.user.id, { status: "draft" });
  expect((await tr.agent.post(`/courses/${draft.id}/enroll`).type("form").send({ _csrf: tr.csrf })).status).toBe(404);
  const window = await makeCourse(ctx, admin.user.id, { enrollCloses: "2020-01-01" });
  const late = await tr.agent.post(`/courses/${window.id}/enroll`).type("form").send({ _csrf: tr.csrf });
  expect(late.status).toBe(409);
  expect(late.text).toContain("không nhận đăng ký");
  const trainer = await makeUser(ctx, "trainer");
  const t2 = await loginAs(ctx, trainer);
  expect((await t2.agent.post(`/courses/${window.id}/enroll`).type("form").send({ _csrf: t2.csrf })).status).toBe(403);
});
