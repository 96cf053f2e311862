import { eq } from "drizzle-orm";
import { courseSessions, courses, fundingLines } from "../src/db/schema";
import { seriesDates } from "../src/features/courses/schedule";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });

const courseForm = (over: Record<string, unknown> = {}) => ({
  title: "Lớp tập huấn kỹ năng thông tin đối ngoại năm 2026", kind: "training", status: "open", planTaskId: "", topic: "Thông tin đối ngoại",
  organiserUnitCode: "X-TRIEUSON", venue: "Hội trường xã", capacity: "40", enrollOpens: "01/11/2026", enrollCloses: "30/11/2026",
  description: "Mô tả", funding: { 0: { source: "state", amount: "1.500.000", note: "Kinh phí huyện" }, 1: { source: "", amount: "", note: "" } }, ...over,
});

test("unit: a weekly series on chosen weekdays", () => {
  expect(seriesDates("2026-12-01", [1, 3], "2026-12-16")).toEqual(["2026-12-02", "2026-12-07", "2026-12-09", "2026-12-14", "2026-12-16"]);
  expect(seriesDates("2026-12-01", [], null)).toEqual(["2026-12-01"]);
  expect(() => seriesDates("2026-01-01", [0, 1, 2, 3, 4, 5, 6], "2030-01-01")).toThrow(RangeError);
});

test("a trainer creates a course: funding parsed, the trainer teaches it, the page shows it", async () => {
  const res = await trainer.agent.post("/courses").type("form").send({ _csrf: trainer.csrf, ...courseForm() });
  expect(res.status).toBe(302);
  const id = Number(res.headers.location.split("/").pop());
  const page = await trainer.agent.get(`/courses/${id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Lớp tập huấn kỹ năng thông tin đối ngoại năm 2026");
  expect(page.text).toContain(trainer.user.fullName);
  expect(page.text).toContain("1.500.000");
  const [funding] = await ctx.handle.db.select().from(fundingLines).where(eq(fundingLines.courseId, id));
  expect(funding).toMatchObject({ source: "state", amount: 1500000 });
  const [row] = await ctx.handle.db.select().from(courses).where(eq(courses.id, id));
  expect(row).toMatchObject({ capacity: 40, enrollOpens: "2026-11-01", enrollCloses: "2026-11-30", status: "open" });
});

test("the course list shows each course's enrolled count and first (not cancelled) day", async () => {
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp đếm học viên", capacity: 40 });
  const other = await makeCourse(ctx, admin.user.id, { title: "Lớp không ai đăng ký", capacity: 10 });
  for (const [date, cancelled] of [["2026-12-03", true], ["2026-12-05", false], ["2026-12-09", false]] as const) {
    await ctx.handle.db.insert(courseSessions).values({ courseId: course.id, date, startTime: "07:30", endTime: "11:00", cancelled });
  }
  for (let i = 0; i < 3; i++) await addParticipant(ctx.handle.db, course.id, (await makeUser(ctx, "trainee")).id, "admin", null);
  const page = (await admin.agent.get("/courses?q=L%E1%BB%9Bp")).text;
  const row = (id: number) => page.match(new RegExp(`<tr>\\s*<td[^>]*><a href="/courses/${id}">[\\s\\S]*?</tr>`))![0];
  expect(row(course.id)).toContain(">05/12/2026<");
  expect(row(course.id)).toContain(">3/40<");
  expect(row(other.id)).toContain(">0/10<");
});

test("invalid course form: 422, messages, values kept, nothing written", async () => {
  const before = (await ctx.handle.db.select().from(courses)).length;
  const res = await admin.agent.post("/courses").type("form").send({ _csrf: admin.csrf, ...courseForm({ title: "", capacity: "-3", enrollCloses: "01/10/2026", funding: { 0: { source: "state", amount: "mười triệu" } } }) });
  expect(res.status).toBe(422);
  expect(res.text).toContain("Bắt buộc nhập");
  expect(res.text).toContain("Số chỗ phải là số nguyên dương");
  expect(res.text).toContain("Số tiền không hợp lệ");
  expect(res.text).toContain('value="mười triệu"');
  const window = await admin.agent.post("/courses").type("form").send({ _csrf: admin.csrf, ...courseForm({ enrollCloses: "01/10/2026" }) });
  expect(window.status).toBe(422);
  expect(window.text).toContain("Hạn đăng ký phải sau ngày mở đăng ký");
  expect((await ctx.handle.db.select().from(courses)).length).toBe(before);
});

test("trainees cannot create or edit courses; trainers edit only courses they teach", async () => {
  const trainee = await loginAs(ctx, "trainee");
  expect((await trainee.agent.get("/courses/new")).status).toBe(403);
  expect((await trainee.agent.post("/courses").type("form").send({ _csrf: trainee.csrf, ...courseForm() })).status).toBe(403);
  const other = await makeUser(ctx, "trainer");
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [other.id] });
  expect((await trainer.agent.get(`/courses/${course.id}/edit`)).status).toBe(403);
  expect((await trainer.agent.post(`/courses/${course.id}`).type("form").send({ _csrf: trainer.csrf, ...courseForm() })).status).toBe(403);
  expect((await trainer.agent.post(`/courses/${course.id}/sessions`).type("form").send({ _csrf: trainer.csrf, date: "01/12/2026", startTime: "07:30", endTime: "11:00" })).status).toBe(403);
  expect((await admin.agent.get(`/courses/${course.id}/edit`)).status).toBe(200);
});

test("sessions: a series is created, one is edited, one cancelled with a reason", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const bad = await trainer.agent.post(`/courses/${course.id}/sessions`).type("form").send({ _csrf: trainer.csrf, date: "01/12/2026", startTime: "11:00", endTime: "07:30", repeatUntil: "20/12/2026" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Giờ kết thúc phải sau giờ bắt đầu");
  const res = await trainer.agent.post(`/courses/${course.id}/sessions`).type("form").send({ _csrf: trainer.csrf, date: "01/12/2026", startTime: "07:30", endTime: "11:00", topic: "Chuyên đề", weekdays: ["1", "3"], repeatUntil: "16/12/2026" });
  expect(res.status).toBe(302);
  const rows = await ctx.handle.db.select().from(courseSessions).where(eq(courseSessions.courseId, course.id));
  expect(rows.map((r) => r.date).sort()).toEqual(["2026-12-02", "2026-12-07", "2026-12-09", "2026-12-14", "2026-12-16"]);
  const first = rows.find((r) => r.date === "2026-12-02")!;
  const edit = await trainer.agent.post(`/courses/${course.id}/sessions/${first.id}`).type("form").send({ _csrf: trainer.csrf, date: "03/12/2026", startTime: "13:30", endTime: "17:00", venue: "Nhà văn hóa thôn 3" });
  expect(edit.status).toBe(302);
  // The course page has no reason box or cancel button per row: a link to a confirm page instead.
  const before = (await trainer.agent.get(`/courses/${course.id}`)).text;
  expect(before).not.toContain('placeholder="Lý do hủy"');
  expect(before).not.toMatch(/<form[^>]*sessions\/\d+\/cancel/);
  expect(before).toContain(`href="/courses/${course.id}/sessions/${rows[1].id}/cancel"`);
  const confirm = await trainer.agent.get(`/courses/${course.id}/sessions/${rows[1].id}/cancel`);
  expect(confirm.status).toBe(200);
  expect(confirm.text).toContain("Xác nhận hủy buổi");
  expect(confirm.text).toContain('name="reason"');
  expect(confirm.text).not.toMatch(/<script(?![^>]*src=)/); // no inline script (CSP)
  const noReason = await trainer.agent.post(`/courses/${course.id}/sessions/${rows[1].id}/cancel`).type("form").send({ _csrf: trainer.csrf, reason: " " });
  expect(noReason.status).toBe(422);
  expect(noReason.text).toContain("Xác nhận hủy buổi");
  expect((await ctx.handle.db.select().from(courseSessions).where(eq(courseSessions.id, rows[1].id)))[0].cancelled).toBe(false);
  const cancel = await trainer.agent.post(`/courses/${course.id}/sessions/${rows[1].id}/cancel`).type("form").send({ _csrf: trainer.csrf, reason: "Mưa bão" });
  expect(cancel.status).toBe(302);
  const after = await ctx.handle.db.select().from(courseSessions).where(eq(courseSessions.courseId, course.id));
  expect(after.find((r) => r.id === first.id)).toMatchObject({ date: "2026-12-03", startTime: "13:30", venue: "Nhà văn hóa thôn 3" });
  expect(after.find((r) => r.id === rows[1].id)).toMatchObject({ cancelled: true, cancelReason: "Mưa bão" });
  const page = await trainer.agent.get(`/courses/${course.id}`);
  expect(page.text).toContain("Mưa bão");
  expect(page.text).toContain("03/12/2026");
});

test("course list: trainees see open courses and their own, not drafts; filters work", async () => {
  await makeCourse(ctx, admin.user.id, { title: "Hội nghị quán triệt nháp", kind: "conference", status: "draft" });
  await makeCourse(ctx, admin.user.id, { title: "Hội nghị quán triệt mở", kind: "conference", status: "open" });
  const trainee = await loginAs(ctx, "trainee");
  const list = await trainee.agent.get("/courses");
  expect(list.text).toContain("Hội nghị quán triệt mở");
  expect(list.text).not.toContain("Hội nghị quán triệt nháp");
  const drafts = await admin.agent.get("/courses").query({ status: "draft", kind: "conference" });
  expect(drafts.text).toContain("Hội nghị quán triệt nháp");
  expect(drafts.text).not.toContain("Hội nghị quán triệt mở");
  const [draft] = await ctx.handle.db.select().from(courses).where(eq(courses.title, "Hội nghị quán triệt nháp"));
  expect((await trainee.agent.get(`/courses/${draft.id}`)).status).toBe(404);
});

test("the completion rule is reachable from the course form and page, and says how to get a quiz to require", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const link = `href="/courses/${course.id}/completion#dieu-kien"`;
  expect((await admin.agent.get(`/courses/${course.id}/edit`)).text).toContain(link);
  expect((await admin.agent.get("/courses/new")).text).toContain("đặt điều kiện hoàn thành");
  expect((await trainer.agent.get(`/courses/${course.id}`)).text).toContain(link);
  const rule = (await trainer.agent.get(`/courses/${course.id}/completion`)).text;
  expect(rule).toContain('id="dieu-kien"');
  expect(rule).toContain(`href="/courses/${course.id}/quizzes/new"`);
});
