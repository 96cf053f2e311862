/**
 * The kiosk shows a QR; a trainee on a phone opens the URL it encodes; the kiosk count goes up without
 * a reload. Then the trainer finishes the roll-call on a phone, and everyone sees the rates.
 */
import { eq } from "drizzle-orm";
import { users } from "../../src/db/schema";
import { updateCheckinSettings } from "../../src/features/attendance/attendance.service";
import { getCourse } from "../../src/features/courses/courses.service";
import { addSessions } from "../../src/features/courses/sessions.service";
import { addParticipant } from "../../src/features/enrollment/enrollment.service";
import { makeUser } from "../helpers/app";
import type { Page } from "playwright-core";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";
import { makeCourse, sessionOpenNow } from "../helpers/courses";

jest.setTimeout(120000);
const app = setupBrowserApp();

/** Full-page screenshots at 1280 px and 360 px (.tmp/screenshots/NAME-1280.png, -360.png); nothing wider than 360 px. */
async function shoot(page: Page, name: string) {
  const before = page.viewportSize()!;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: screenshotPath(`${name}-1280`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: screenshotPath(`${name}-360`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize(before);
}

browserTest("a trainee checks in from the kiosk's QR; the count goes up; the roll-call finishes on a phone", async () => {
  const ctx = app.ctx;
  const db = ctx.handle.db;
  const admin = await makeUser(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer", { ho: "Lê", tenDem: "Văn", ten: "Giảng" });
  const course = await makeCourse(ctx, admin.id, { title: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", trainerIds: [trainer.id] });
  await addSessions(db, await getCourse(db, course.id), { date: "2026-03-02", startTime: "07:30", endTime: "11:00", venue: null, topic: "Khai giảng", trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.id });
  await addSessions(db, await getCourse(db, course.id), { ...sessionOpenNow(), venue: null, topic: "Kỹ năng phát ngôn", trainerId: trainer.id, weekdays: [], repeatUntil: null }, { id: admin.id });
  await updateCheckinSettings(db, course.id, { checkinOpensBefore: 1440, checkinClosesAfter: 30, lateAfterMinutes: 15 }, { id: admin.id });
  const names = [["Hoàng", "Thị", "Ước"], ["Nguyễn", "Thị Thu", "Hà"], ["Đặng", "Văn", "Ưng"], ["Phạm", "Thị Ngọc", "Ánh"], ["Trần", "Quốc", "Việt"]];
  const trainees = [];
  for (const [ho, tenDem, ten] of names) {
    const u = await makeUser(ctx, "trainee", { ho, tenDem, ten });
    await db.update(users).set({ unitCode: "X-TRIEUSON" }).where(eq(users.id, u.id));
    await addParticipant(db, course.id, u.id, "admin", null);
    trainees.push(u);
  }
  const uoc = trainees[0];
  const sessionId = (await getCourse(db, course.id)).sessions[1].id;

  const browser = await app.browser();
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.setDefaultTimeout(20000);
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  };

  // The trainer opens the kiosk from the course page.
  const kioskContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const kiosk = await kioskContext.newPage();
  watch(kiosk);
  await loginInBrowser(kiosk, app.url, trainer.login!, trainer.password);
  await kiosk.goto(`${app.url}/courses/${course.id}`);
  await kiosk.locator(".att-sessions li").nth(1).getByRole("link", { name: "Màn hình QR" }).click();
  const qr = kiosk.locator("#kiosk-qr");
  await qr.waitFor({ state: "visible" });
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const encoded = (await qr.getAttribute("data-url"))!;
  expect(encoded).toMatch(new RegExp(`^${app.url}/checkin/${sessionId}/[A-Za-z0-9_-]{22}$`));
  await kiosk.getByText("Đã điểm danh 0/5").waitFor();
  expect(await kiosk.locator("#kiosk-code").textContent()).toMatch(/^\d{3} \d{3}$/);
  // At 1280×800 the whole kiosk fits: the full-screen button is not cut off; the page shows the public address.
  const fs = (await kiosk.locator("#kiosk-fullscreen").boundingBox())!;
  expect(fs.y + fs.height).toBeLessThanOrEqual(800);
  expect(await kiosk.locator(".kiosk-code-label").textContent()).toContain(`${app.url}/checkin`);
  await kiosk.screenshot({ path: screenshotPath("attendance-kiosk-1280x800") });
  await kiosk.setViewportSize({ width: 360, height: 740 });
  await kiosk.screenshot({ path: screenshotPath("attendance-kiosk-360"), fullPage: true });
  await kiosk.setViewportSize({ width: 1280, height: 800 });

  // A trainee, on a phone in another browser context, opens the URL the QR encodes.
  const phoneContext = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  watch(phone);
  await loginInBrowser(phone, app.url, uoc.login!, uoc.password);
  await phone.goto(`${app.url}/checkin`);
  await phone.getByLabel("Mã số (6 chữ số)").waitFor();
  await shoot(phone, "attendance-code-form");
  await phone.goto((await qr.getAttribute("data-url"))!);
  await phone.getByText(/Đã điểm danh: Có mặt lúc \d{2}:\d{2}\./).waitFor();
  await shoot(phone, "attendance-checkin-result");

  // The kiosk's count goes up and the name appears, without a reload.
  await kiosk.getByText("Đã điểm danh 1/5").waitFor();
  await kiosk.locator("#kiosk-latest").getByText("Hoàng Thị Ước").waitFor();
  await kiosk.screenshot({ path: screenshotPath("attendance-kiosk-after-scan-1280") });

  // The trainer finishes the roll-call on a phone: Ưng is excused, the rest present.
  const trainerPhoneContext = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const trainerPhone = await trainerPhoneContext.newPage();
  watch(trainerPhone);
  await loginInBrowser(trainerPhone, app.url, trainer.login!, trainer.password);
  await trainerPhone.goto(`${app.url}/courses/${course.id}/sessions/${sessionId}/attendance`);
  const ung = trainerPhone.locator("li.att-row", { hasText: "Đặng Văn Ưng" });
  await ung.getByRole("radio", { name: "Phép", exact: true }).click();
  await ung.getByPlaceholder("Ghi chú").fill("Có giấy mời họp xã");
  await shoot(trainerPhone, "attendance-rollcall");
  const [saved] = await Promise.all([
    trainerPhone.waitForResponse((r) => r.request().method() === "POST"),
    trainerPhone.getByRole("button", { name: "Lưu và đánh dấu có mặt cho những người còn lại" }).click(),
  ]);
  expect(saved.status()).toBe(302);
  await trainerPhone.getByText("Đã lưu điểm danh (4 thay đổi).").waitFor();
  expect(await ung.locator('input[value="E"]').isChecked()).toBe(true);
  // The scan stays as it was (P by QR), shown with its source.
  await trainerPhone.locator("li.att-row", { hasText: "Hoàng Thị Ước" }).getByText("Quét mã QR").waitFor();
  await kiosk.getByText("Đã điểm danh 4/5").waitFor();

  // The trainee sees their own rate on the course page; the trainer sees everyone's.
  await phone.goto(`${app.url}/courses/${course.id}`);
  await phone.getByText("Chuyên cần của bạn:").waitFor();
  expect(await phone.locator(".att-mine").textContent()).toContain("1/2 buổi (50%)");
  await shoot(phone, "attendance-course-trainee");

  const desk = await kioskContext.newPage();
  watch(desk);
  await desk.goto(`${app.url}/courses/${course.id}`);
  await desk.locator("#diem-danh").getByText("Tỷ lệ chuyên cần").waitFor();
  await shoot(desk, "attendance-course-trainer");
  await desk.goto(`${app.url}/courses/${course.id}/attendance`);
  await shoot(desk, "attendance-overview");

  // An admin sees the change log on the session page.
  const adminPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(adminPage);
  await loginInBrowser(adminPage, app.url, admin.login!, admin.password);
  await adminPage.goto(`${app.url}/courses/${course.id}/sessions/${sessionId}/attendance`);
  await adminPage.getByText("Lịch sử thay đổi điểm danh").waitFor();
  await adminPage.getByText("Chưa điểm danh → Vắng có phép").waitFor();
  await shoot(adminPage, "attendance-session-audit-admin");
  await shoot(kiosk, "attendance-kiosk");
  expect(errors).toEqual([]);
  await Promise.all([kioskContext.close(), phoneContext.close(), trainerPhoneContext.close()]);
});
