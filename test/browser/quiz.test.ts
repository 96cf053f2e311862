/**
 * Quizzes as people use them: a trainer imports GIFT questions and builds a timed quiz (desktop);
 * a trainee takes it on a phone, loses the connection, reloads in the middle without losing answers,
 * submits and sees the score; the trainer reads the results.
 */
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { attemptAnswers, quizAttempts } from "../../src/db/schema";
import { addParticipant } from "../../src/features/enrollment/enrollment.service";
import { makeUser } from "../helpers/app";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";
import { makeCourse } from "../helpers/courses";

jest.setTimeout(120000);
const app = setupBrowserApp();

const GIFT = [
  "::Câu 1:: Cơ quan nào theo dõi và báo cáo hằng năm việc thực hiện Kế hoạch? {",
  "=Phòng Văn hóa và Thông tin #Đúng: Phòng theo dõi, báo cáo UBND và Bộ.",
  "~Phòng Tài chính - Kế hoạch #Phòng này bố trí kinh phí.",
  "~Công an tỉnh",
  "}",
  "",
  "Những nguồn kinh phí nào được huy động theo Kế hoạch? {",
  "~%50%Ngân sách nhà nước",
  "~%50%Đóng góp của doanh nghiệp, tổ chức xã hội",
  "~%-100%Vay nước ngoài",
  "}",
  "",
  "Quyết định 1191/QĐ-TTg do ai ký ban hành? {=Thủ tướng Chính phủ =Thủ tướng}",
].join("\n");

function watchErrors(page: Page, errors: string[]) {
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && !m.text().includes("net::ERR_FAILED") && errors.push(m.text()));
  page.on("dialog", (d) => void d.accept());
}

browserTest("a trainer builds a quiz from GIFT; a trainee takes it on a phone, reloads midway, submits and sees the score", async () => {
  const ctx = app.ctx;
  const db = ctx.handle.db;
  const admin = await makeUser(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer", { ho: "Lê", tenDem: "Văn", ten: "Giảng" });
  const course = await makeCourse(ctx, admin.id, { title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", trainerIds: [trainer.id] });
  const trainee = await makeUser(ctx, "trainee", { ho: "Hoàng", tenDem: "Thị", ten: "Ước" });
  await addParticipant(db, course.id, trainee.id, "admin", null);
  const browser = await app.browser();
  const errors: string[] = [];

  // The trainer, on a desktop: import with preview, then a 10-minute quiz with every question.
  const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  desk.setDefaultTimeout(20000);
  watchErrors(desk, errors);
  await loginInBrowser(desk, app.url, trainer.login!, trainer.password);
  await desk.goto(`${app.url}/courses/${course.id}`);
  await desk.getByRole("link", { name: "Ngân hàng câu hỏi" }).click();
  await desk.getByRole("link", { name: "Nhập câu hỏi từ tệp" }).click();
  await desk.getByLabel("Hoặc dán nội dung").fill(GIFT);
  await desk.getByLabel("Danh mục cho câu hỏi").fill("Kế hoạch 1191");
  await desk.screenshot({ path: screenshotPath("quiz-import-form-desktop"), fullPage: true });
  await desk.getByRole("button", { name: "Kiểm tra và xem trước" }).click();
  await desk.getByRole("heading", { name: "Kiểm tra câu hỏi trước khi lưu" }).waitFor();
  await desk.getByText("Quyết định 1191/QĐ-TTg do ai ký ban hành?").waitFor();
  await desk.screenshot({ path: screenshotPath("quiz-import-preview-desktop"), fullPage: true });
  await desk.getByRole("button", { name: "Xác nhận lưu 3 câu hỏi" }).click();
  await desk.getByText("Đã lưu 3 câu hỏi vào ngân hàng.").waitFor();
  await desk.screenshot({ path: screenshotPath("quiz-bank-desktop"), fullPage: true });

  await desk.goto(`${app.url}/courses/${course.id}/quizzes`);
  await desk.getByRole("link", { name: "Tạo bài kiểm tra" }).click();
  await desk.getByLabel("Tên bài kiểm tra").fill("Kiểm tra cuối khóa");
  await desk.getByLabel("Thời gian làm bài (phút)").fill("10");
  await desk.getByLabel("Sau khi nộp bài, học viên xem").selectOption("full");
  await desk.screenshot({ path: screenshotPath("quiz-settings-desktop"), fullPage: true });
  await desk.getByRole("button", { name: "Lưu" }).click();
  await desk.getByRole("heading", { name: "Chọn câu hỏi" }).waitFor();
  for (const box of await desk.getByRole("checkbox").all()) await box.check();
  await desk.getByRole("button", { name: "Lưu" }).click();
  await desk.getByText("Đã lưu 3 câu hỏi cho bài kiểm tra.").waitFor();
  await desk.screenshot({ path: screenshotPath("quiz-show-trainer-desktop"), fullPage: true });

  // The trainee, on a phone.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  phone.setDefaultTimeout(20000);
  watchErrors(phone, errors);
  await loginInBrowser(phone, app.url, trainee.login!, trainee.password);
  await phone.goto(`${app.url}/courses/${course.id}`);
  await phone.getByRole("link", { name: "Bài kiểm tra" }).click();
  await phone.getByRole("link", { name: "Kiểm tra cuối khóa" }).click();
  await phone.screenshot({ path: screenshotPath("quiz-start-phone"), fullPage: true });
  await phone.getByRole("button", { name: "Bắt đầu làm bài" }).click();
  await phone.getByText("Câu 1/3").waitFor();
  await phone.locator("#quiz-countdown").filter({ hasText: /^(10:00|09:\d\d)$/ }).waitFor();
  const attemptUrl = phone.url();
  const attemptId = Number(attemptUrl.split("/").pop());

  const saved = () => phone.waitForResponse((r) => r.url().endsWith(`/attempts/${attemptId}/answers`) && r.status() === 200);
  let done = saved();
  await phone.getByText("Phòng Văn hóa và Thông tin").click();
  await done;
  await phone.locator("#quiz-save-status").filter({ hasText: "Đã lưu" }).waitFor();
  await phone.screenshot({ path: screenshotPath("quiz-attempt-phone"), fullPage: true });

  // The connection drops: the answer stays on the phone and the page says it is not saved yet.
  await phone.route("**/answers", (route) => route.abort());
  await phone.getByText("Ngân sách nhà nước").click();
  await phone.getByText("Đóng góp của doanh nghiệp, tổ chức xã hội").click();
  await phone.locator("#quiz-save-status").filter({ hasText: "Chưa lưu được" }).waitFor();
  const savedRows = async () => db.select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, attemptId));
  expect(await savedRows()).toHaveLength(1);

  // A reload in the middle (still without saving) loses nothing; once the connection is back it is saved.
  await phone.reload();
  await phone.getByText("Câu 1/3").waitFor();
  expect(await phone.getByLabel("Phòng Văn hóa và Thông tin").isChecked()).toBe(true);
  expect(await phone.getByLabel("Ngân sách nhà nước").isChecked()).toBe(true);
  expect(await phone.getByLabel("Đóng góp của doanh nghiệp, tổ chức xã hội").isChecked()).toBe(true);
  await phone.unroute("**/answers");
  done = saved();
  await phone.evaluate(() => window.dispatchEvent(new Event("online")));
  await done;
  expect(await savedRows()).toHaveLength(2);
  // A second reload shows the same answers, now from the server.
  await phone.evaluate(() => window.localStorage.clear());
  await phone.reload();
  expect(await phone.getByLabel("Ngân sách nhà nước").isChecked()).toBe(true);
  expect(await phone.getByLabel("Phòng Văn hóa và Thông tin").isChecked()).toBe(true);

  done = saved();
  await phone.getByLabel("Câu trả lời của bạn").fill("thủ tướng");
  await done;
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await phone.getByRole("button", { name: "Nộp bài" }).click();
  await phone.getByRole("heading", { name: "Kết quả bài làm" }).waitFor();
  await phone.getByText("3 / 3 điểm (100%)").waitFor();
  await phone.getByText("Đạt", { exact: true }).waitFor();
  await phone.getByText("Đúng: Phòng theo dõi, báo cáo UBND và Bộ.").waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await phone.screenshot({ path: screenshotPath("quiz-result-phone"), fullPage: true });
  const [row] = await db.select().from(quizAttempts).where(and(eq(quizAttempts.id, attemptId), eq(quizAttempts.userId, trainee.id)));
  expect(row).toMatchObject({ status: "submitted", percent: 100 });

  // Back on the quiz page the attempt is listed; the trainer sees the results (desktop and phone).
  await phone.goto(`${app.url}/courses/${course.id}/quizzes`);
  await phone.getByText("100% · Đạt").waitFor();
  await desk.getByRole("link", { name: "Kết quả" }).click();
  await desk.getByRole("cell", { name: "Hoàng Thị Ước" }).waitFor();
  await desk.screenshot({ path: screenshotPath("quiz-results-desktop"), fullPage: true });
  const trainerPhone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  watchErrors(trainerPhone, errors);
  await loginInBrowser(trainerPhone, app.url, trainer.login!, trainer.password);
  await trainerPhone.goto(desk.url());
  await trainerPhone.getByText("Hoàng Thị Ước").waitFor();
  expect(await trainerPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await trainerPhone.screenshot({ path: screenshotPath("quiz-results-phone"), fullPage: true });
  await trainerPhone.goto(`${app.url}/courses/${course.id}/questions`);
  expect(await trainerPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await trainerPhone.screenshot({ path: screenshotPath("quiz-bank-phone"), fullPage: true });
  await trainerPhone.goto(`${app.url}/courses/${course.id}/questions/new`);
  await trainerPhone.screenshot({ path: screenshotPath("quiz-question-form-phone"), fullPage: true });
  await desk.goto(`${app.url}/courses/${course.id}/questions/new`);
  await desk.screenshot({ path: screenshotPath("quiz-question-form-desktop"), fullPage: true });
  expect(errors).toEqual([]);
});
