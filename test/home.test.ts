/** The trainee's start page: what to do next, and nothing of other people or of courses they are not in. */
import { courseSessions, certificates, enrollments, quizzes } from "../src/db/schema";
import { todayIso } from "../src/lib/time";
import { loginAs, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

const { ctx, admin } = useTestApp({ as: ["admin"] });

const db = () => ctx.handle.db;
/** HH:MM in Vietnam, `minutes` from now, kept within today. */
const vnTime = (minutes: number) => {
  const d = new Date(Date.now() + (7 * 60 + minutes) * 60_000);
  const iso = d.toISOString().slice(11, 16);
  return d.toISOString().slice(0, 10) === todayIso() ? iso : minutes < 0 ? "00:00" : "23:59";
};
const enroll = (courseId: number, userId: number, status: "enrolled" | "waitlisted" = "enrolled") =>
  db().insert(enrollments).values({ courseId, userId, status, source: "admin" });
let certSeq = 0;
const certificate = (courseId: number, userId: number, status = "valid") =>
  db().insert(certificates).values({
    courseId, userId, year: 2026, series: "GCN", seq: ++certSeq, number: `${String(certSeq).padStart(3, "0")}/GCN-VHTT`, token: `tok-${certSeq}-${Math.random()}`,
    snapshot: {}, pdfSha256: "0".repeat(64), status,
  });

test("a trainee's start page lists today's sessions with check-in, open quizzes with deadline, certificates and open courses", async () => {
  const me = await loginAs(ctx, "trainee");
  const other = await loginAs(ctx, "trainee");
  const mine = await makeCourse(ctx, admin.user.id, { title: "Lớp của tôi", status: "closed" });
  const theirs = await makeCourse(ctx, admin.user.id, { title: "Lớp của người khác", status: "closed" });
  const open = await makeCourse(ctx, admin.user.id, { title: "Lớp đang nhận đăng ký", status: "open", enrollCloses: "2099-12-31" });
  const draft = await makeCourse(ctx, admin.user.id, { title: "Lớp nháp bí mật", status: "draft" });
  const expired = await makeCourse(ctx, admin.user.id, { title: "Lớp hết hạn đăng ký", status: "open", enrollCloses: "2020-01-01" });
  const waiting = await makeCourse(ctx, admin.user.id, { title: "Lớp chờ chỗ", status: "open" });
  await enroll(mine.id, me.user.id);
  await enroll(waiting.id, me.user.id, "waitlisted");
  await enroll(theirs.id, other.user.id);
  const today = todayIso();
  await db().insert(courseSessions).values([
    { courseId: mine.id, date: today, startTime: vnTime(-5), endTime: vnTime(120), venue: "Hội trường A" },
    { courseId: mine.id, date: today, startTime: vnTime(-5), endTime: vnTime(120), topic: "Buổi đã hủy", venue: "Phòng hủy", cancelled: true },
    { courseId: theirs.id, date: today, startTime: vnTime(-5), endTime: vnTime(120), venue: "Phòng của người khác" },
    { courseId: waiting.id, date: today, startTime: vnTime(-5), endTime: vnTime(120), venue: "Phòng chờ chỗ" },
  ]);
  await db().insert(quizzes).values([
    { courseId: mine.id, title: "Kiểm tra giữa khóa", closesAt: new Date("2099-06-30T10:00:00Z") },
    { courseId: mine.id, title: "Kiểm tra đã đóng", closesAt: new Date("2020-01-01T00:00:00Z") },
    { courseId: mine.id, title: "Kiểm tra chưa mở", opensAt: new Date("2099-01-01T00:00:00Z") },
    { courseId: theirs.id, title: "Kiểm tra của lớp khác" },
  ]);
  await certificate(mine.id, me.user.id);
  await certificate(mine.id, me.user.id, "revoked");
  await certificate(theirs.id, other.user.id);

  const res = await me.agent.get("/");
  expect(res.status).toBe(200);
  const html = res.text;
  // What to do next.
  expect(html).toContain("Buổi học hôm nay");
  expect(html).toContain("Hội trường A");
  expect(html).toContain('href="/checkin"');
  expect(html).toContain("Kiểm tra giữa khóa");
  expect(html).toContain("Hạn nộp: 30/06/2099 17:00");
  expect(html).toMatch(/href="\/quizzes\/\d+"/);
  expect(html).toContain("001/GCN-VHTT");
  expect(html).toMatch(/href="\/certificates\/\d+\.pdf"/);
  expect(html).toContain("Lớp đang nhận đăng ký");
  expect(html).toContain(`href="/courses/${open.id}"`);
  // What it must not show: other people's things, closed or unopened quizzes, cancelled sessions,
  // courses the trainee is not in unless open for enrollment, courses already asked for.
  for (const hidden of ["Phòng của người khác", "Kiểm tra của lớp khác", "002/GCN-VHTT", "003/GCN-VHTT", "Kiểm tra đã đóng", "Kiểm tra chưa mở", "Phòng hủy",
    "Lớp của người khác", "Lớp nháp bí mật", "Lớp hết hạn đăng ký", "Lớp chờ chỗ", "Phòng chờ chỗ"]) {
    expect(html).not.toContain(hidden);
  }
  expect(html).not.toContain(`/courses/${draft.id}"`);
  expect(html).not.toContain(`/courses/${expired.id}"`);

  // The other trainee sees their own, not mine.
  const theirsPage = (await other.agent.get("/")).text;
  expect(theirsPage).toContain("Phòng của người khác");
  expect(theirsPage).toContain("Kiểm tra của lớp khác");
  expect(theirsPage).not.toContain("Hội trường A");
  expect(theirsPage).not.toContain("Kiểm tra giữa khóa");
  expect(theirsPage).not.toContain("001/GCN-VHTT");
});

test("an empty start page says so in each part; staff keep their page", async () => {
  const me = await loginAs(ctx, "trainee");
  const html = (await me.agent.get("/")).text;
  for (const s of ["Hôm nay bạn không có buổi học nào.", "Không có bài kiểm tra nào đang mở.", "Bạn chưa có giấy chứng nhận nào."]) expect(html).toContain(s);
  const staff = (await admin.agent.get("/")).text;
  expect(staff).not.toContain("Buổi học hôm nay");
  expect(staff).toContain('href="/users"');
});

test("every page starts with a skip link to the main content", async () => {
  const me = await loginAs(ctx, "trainee");
  const html = (await me.agent.get("/my/courses")).text;
  expect(html).toMatch(/<body>\s*<a class="skip-link" href="#main">Bỏ qua menu<\/a>/);
  expect(html).toContain('<main class="container" id="main"');
});
