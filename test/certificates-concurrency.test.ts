/**
 * Register numbers under concurrency (50 simultaneous issue requests → 50 distinct consecutive numbers),
 * and issuing a whole class as a background job with progress. The requests really run in parallel on a
 * pool of connections.
 */
import { eq } from "drizzle-orm";
import { auditLog, certificateCounters, certificates } from "../src/db/schema";
import { useTestApp } from "./helpers/app";
import { eligibleClass as classOf } from "./helpers/courses";

jest.setTimeout(240000);
const { ctx, admin } = useTestApp({ as: ["admin"], jobs: true });
const eligibleClass = (n: number, title: string, absentEvery = 0) => classOf(ctx, admin.user.id, n, title, absentEvery);

test("50 concurrent issue requests give 50 distinct consecutive numbers", async () => {
  const db = ctx.handle.db;
  const { course, userIds } = await eligibleClass(50, "Lớp bồi dưỡng kỹ năng thông tin đối ngoại trên mạng xã hội");
  const year = new Date().getFullYear();
  const [counter] = await db.select().from(certificateCounters).where(eq(certificateCounters.year, year));
  const start = counter?.lastSeq ?? 0;
  const responses = await Promise.all(
    userIds.map((userId) => admin.agent.post(`/courses/${course.id}/certificates`).set("Accept", "application/json").set("x-csrf-token", admin.csrf).send({ userId })),
  );
  expect(responses.map((r) => r.status)).toEqual(userIds.map(() => 201));
  const rows = await db.select().from(certificates).where(eq(certificates.courseId, course.id));
  expect(rows).toHaveLength(50);
  const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => start + i + 1));
  expect(new Set(rows.map((r) => r.number)).size).toBe(50);
  expect(new Set(rows.map((r) => r.token)).size).toBe(50);
  // What each request answered is what was stored.
  expect(responses.map((r) => r.body.number).sort()).toEqual(rows.map((r) => r.number).sort());
  const [after] = await db.select().from(certificateCounters).where(eq(certificateCounters.year, year));
  expect(after.lastSeq).toBe(start + 50);
});

test("issuing to a whole class runs as a job with progress; ineligible people are left out, the page can be reopened", async () => {
  const db = ctx.handle.db;
  const { course, userIds } = await eligibleClass(30, "Lớp tập huấn công tác tuyên truyền biên giới", 10);
  const page = await admin.agent.get(`/courses/${course.id}/certificates`);
  expect(page.text).toContain("27 học viên đạt điều kiện chưa có giấy chứng nhận.");
  const started = await admin.agent.post(`/courses/${course.id}/certificates/issue-all`).type("form").send({ _csrf: admin.csrf });
  expect(started.status).toBe(302);
  // A second click while it runs does not start a second job.
  await admin.agent.post(`/courses/${course.id}/certificates/issue-all`).type("form").send({ _csrf: admin.csrf });
  const seen: number[] = [];
  let job: { running: boolean; done: number; total: number; issued: number; failures: unknown[] } | null = null;
  for (let i = 0; i < 600; i++) {
    const res = await admin.agent.get(`/courses/${course.id}/certificates/job`).set("Accept", "application/json");
    job = res.body.job;
    seen.push(job!.done);
    if (!job!.running) break;
    // The page shows the progress bar meanwhile.
    if (i === 0) expect((await admin.agent.get(`/courses/${course.id}/certificates`)).text).toMatch(/<progress id="job-bar" max="27"/);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(job).toMatchObject({ running: false, total: 27, done: 27, issued: 27, failures: [] });
  expect([...seen].sort((a, b) => a - b)).toEqual(seen); // progress only moves forward
  const rows = await db.select().from(certificates).where(eq(certificates.courseId, course.id));
  expect(rows).toHaveLength(27);
  const absent = userIds.filter((_, i) => i % 10 === 0);
  expect(rows.some((r) => absent.includes(r.userId))).toBe(false);
  const done = await admin.agent.get(`/courses/${course.id}/certificates`);
  expect(done.text).toContain("Đã cấp 27 giấy chứng nhận.");
  expect(done.text).toContain("Không còn học viên đạt điều kiện nào chưa có giấy chứng nhận.");
  // The job ends with one audit row of its own (its ordinary commit also flushes the certificates' lazy ones on a server).
  const jobAudits = (await db.select().from(auditLog).where(eq(auditLog.action, "certificate.issue_all"))).filter((a) => a.targetId === String(course.id));
  expect(jobAudits.map((a) => a.details)).toEqual([{ courseId: course.id, issued: 27, failed: 0 }]);
  // Running it again issues nothing new.
  await admin.agent.post(`/courses/${course.id}/certificates/issue-all`).type("form").send({ _csrf: admin.csrf });
  expect(await db.select().from(certificates).where(eq(certificates.courseId, course.id))).toHaveLength(27);
});
