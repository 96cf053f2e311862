/**
 * The office issues certificates to a class from the course page (progress bar while the job runs),
 * then a trainee finds and downloads their own certificate on a phone and opens its verification page.
 */
import { eq } from "drizzle-orm";
import { attendanceMarks, courseSessions, enrollments, users } from "../../src/db/schema";
import { makeUser } from "../helpers/app";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";
import { makeCourse } from "../helpers/courses";

jest.setTimeout(120000);
const app = setupBrowserApp();

browserTest("an admin issues certificates to a class; a trainee downloads theirs and verifies it", async () => {
  const ctx = app.ctx;
  const db = ctx.handle.db;
  const admin = await makeUser(ctx, "admin");
  const course = await makeCourse(ctx, admin.id, { title: "Lớp bồi dưỡng kỹ năng thông tin đối ngoại trên mạng xã hội" });
  const sessions = await db.insert(courseSessions).values([
    { courseId: course.id, date: "2026-06-01", startTime: "07:30", endTime: "11:00" },
    { courseId: course.id, date: "2026-06-02", startTime: "07:30", endTime: "11:00" },
  ]).returning();
  const names: [string, string, string][] = [["Hoàng", "Thị", "Ước"], ["Đặng", "Văn", "Ưng"], ["Nguyễn", "Thị Thu", "Hà"], ["Lê", "Văn", "Vắng"], ["Trần", "Quốc", "Việt"], ["Phạm", "Thị", "Ánh"]];
  const trainees = [];
  for (const [i, [ho, tenDem, ten]] of names.entries()) {
    const u = await makeUser(ctx, "trainee", { ho, tenDem, ten });
    await db.update(users).set({ dateOfBirth: `1989-0${i + 1}-15`, gender: i % 2 ? "Nam" : "Nữ", unitCode: "X-THOBINH" }).where(eq(users.id, u.id));
    await db.insert(enrollments).values({ courseId: course.id, userId: u.id, status: "enrolled" });
    // "Lê Văn Vắng" missed both sessions.
    await db.insert(attendanceMarks).values(sessions.map((s): typeof attendanceMarks.$inferInsert => ({ sessionId: s.id, userId: u.id, status: ten === "Vắng" ? "A" : "P", source: "rollcall" })));
    trainees.push(u);
  }

  const browser = await app.browser();
  const errors: string[] = [];
  const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  desk.setDefaultTimeout(30000);
  desk.on("pageerror", (e) => errors.push(e.message));
  desk.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await loginInBrowser(desk, app.url, admin.login!, admin.password);
  await desk.goto(`${app.url}/courses/${course.id}`);
  await desk.getByRole("link", { name: "Kết quả hoàn thành và điều kiện" }).click();
  await desk.getByText("Có mặt 0/2 buổi (0%, cần 80%) → chưa đạt").waitFor();
  await desk.getByText("5/6 học viên đạt điều kiện.").waitFor();
  await desk.screenshot({ path: screenshotPath("certificates-completion-desktop"), fullPage: true });
  await desk.getByRole("link", { name: "Cấp và in giấy chứng nhận" }).click();
  await desk.getByText("5 học viên đạt điều kiện chưa có giấy chứng nhận.").waitFor();
  await desk.getByRole("button", { name: "Cấp cho tất cả học viên đạt" }).click();
  await desk.locator("#job-bar").waitFor();
  // The script polls the job and reloads the page when it ends.
  await desk.getByText("Đã cấp 5 giấy chứng nhận.").waitFor();
  await desk.getByRole("cell", { name: "Đặng Văn Ưng" }).waitFor();
  await desk.screenshot({ path: screenshotPath("certificates-issued-desktop"), fullPage: true });
  const download = desk.waitForEvent("download");
  await desk.getByRole("link", { name: "In tất cả (một tệp PDF, theo thứ tự danh sách)" }).click();
  expect((await download).suggestedFilename()).toMatch(/\.pdf$/);

  await desk.getByRole("link", { name: "Chi tiết" }).first().click();
  await desk.getByRole("heading", { name: "Cấp lại (thay thế giấy này)" }).waitFor();
  await desk.screenshot({ path: screenshotPath("certificates-show-desktop"), fullPage: true });
  await desk.goto(`${app.url}/certificates/settings`);
  await desk.getByLabel("Mẫu số vào sổ").waitFor();
  await desk.screenshot({ path: screenshotPath("certificates-settings-desktop"), fullPage: true });

  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, acceptDownloads: true });
  phone.setDefaultTimeout(30000);
  phone.on("pageerror", (e) => errors.push(e.message));
  phone.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const ha = trainees[2];
  await loginInBrowser(phone, app.url, ha.login!, ha.password);
  await phone.goto(`${app.url}/courses/${course.id}`);
  await phone.getByRole("link", { name: "Giấy chứng nhận của tôi" }).click();
  await phone.getByText("Còn hiệu lực").waitFor();
  const file = phone.waitForEvent("download");
  await phone.getByRole("link", { name: "Tải PDF" }).click();
  expect((await file).suggestedFilename()).toContain("Nguyễn Thị Thu Hà");
  await phone.screenshot({ path: screenshotPath("certificates-my-phone"), fullPage: true });
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await phone.getByRole("link", { name: "Xác minh giấy chứng nhận" }).click();
  await phone.getByText("Giấy chứng nhận hợp lệ").waitFor();
  await phone.locator("dd", { hasText: "Nguyễn Thị Thu Hà" }).waitFor();
  await phone.screenshot({ path: screenshotPath("certificates-verify-phone"), fullPage: true });
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(errors).toEqual([]);
});
