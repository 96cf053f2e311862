/** A trainee finds an open course, enrolls from its page on a phone, and sees it under "my courses". */
import { addSessions } from "../../src/features/courses/sessions.service";
import { getCourse } from "../../src/features/courses/courses.service";
import { makeUser } from "../helpers/app";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";
import { makeCourse } from "../helpers/courses";

jest.setTimeout(180000);
const app = setupBrowserApp();

browserTest("a trainee enrolls from the course page", async () => {
  const ctx = app.ctx;
  const admin = await makeUser(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer", { ho: "Lê", tenDem: "Văn", ten: "Giảng" });
  const course = await makeCourse(ctx, admin.id, { title: "Lớp bồi dưỡng kỹ năng phát ngôn và cung cấp thông tin", capacity: 25, trainerIds: [trainer.id] });
  await addSessions(ctx.handle.db, await getCourse(ctx.handle.db, course.id), { date: "2026-12-07", startTime: "07:30", endTime: "11:00", venue: null, topic: "Khai giảng", trainerId: trainer.id, weekdays: [1, 3], repeatUntil: "2026-12-16" }, { id: admin.id });
  const trainee = await makeUser(ctx, "trainee", { ho: "Hoàng", tenDem: "Thị", ten: "Ước" });

  const browser = await app.browser();
  const errors: string[] = [];
  const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  page.setDefaultTimeout(45000);
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await loginInBrowser(page, app.url, trainee.login!, trainee.password);
  await page.goto(app.url + "/courses");
  await page.getByRole("link", { name: "Lớp bồi dưỡng kỹ năng phát ngôn và cung cấp thông tin" }).click();
  await page.getByRole("button", { name: "Đăng ký tham gia" }).click();
  await page.getByText("Bạn đã đăng ký khóa học.").waitFor();
  await page.getByText("0 / 25").or(page.getByText("1 / 25")).first().waitFor();
  await page.screenshot({ path: screenshotPath("course-enrolled-phone"), fullPage: true });
  await page.goto(app.url + "/my/courses");
  await page.getByText("Đã đăng ký").first().waitFor();
  await page.getByText("07/12/2026").waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await loginInBrowser(desktop, app.url, trainer.login!, trainer.password);
  await desktop.goto(`${app.url}/courses/${course.id}`);
  await desktop.screenshot({ path: screenshotPath("course-trainer-desktop"), fullPage: true });
  await desktop.goto(`${app.url}/courses/${course.id}/participants`);
  await desktop.getByText("Hoàng Thị Ước").waitFor();
  expect(errors).toEqual([]);
});
