/**
 * A class from roster to first quiz, as people do it: the admin imports the roster and creates the
 * class's accounts (slips PDF); a trainee logs in with a slip on a phone, must set a new password, sees
 * what to do next on the start page, checks in with the kiosk's code and takes the quiz.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { questionCategories, questions, users } from "../../src/db/schema";
import { updateCheckinSettings } from "../../src/features/attendance/attendance.service";
import { getCourse } from "../../src/features/courses/courses.service";
import { addSessions } from "../../src/features/courses/sessions.service";
import { saveImportedQuestions } from "../../src/features/quizzes/bank.service";
import { parseGift } from "../../src/features/quizzes/gift";
import { quizSchema } from "../../src/features/quizzes/quizzes.schema";
import { createQuiz, setQuizQuestions } from "../../src/features/quizzes/quizzes.service";
import { makeUser } from "../helpers/app";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";
import { makeCourse, sessionOpenNow } from "../helpers/courses";
import { POPPLER } from "../helpers/pdf";

jest.setTimeout(180000);
const app = setupBrowserApp();
const journeyTest = POPPLER ? browserTest : test.skip;

async function roster(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  ws.addRow(["DANH SÁCH HỌC VIÊN"]);
  ws.addRow(["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"]);
  ws.addRow([1, "Nguyễn Thị Thu Hà", "05/03/1990", "Nữ", "Kinh", "Công chức Văn hóa - Xã hội", "Xã Triệu Sơn", "Cán bộ cấp xã", "038190000123", "", ""]);
  ws.addRow([2, "Lê Văn Bình", "20/11/1985", "Nam", "Mường", "Phóng viên", "Xã Thọ Bình", "", "038085000456", "", ""]);
  ws.addRow([3, "Hoàng Thị Ước", "01/01/1992", "Nữ", "Kinh", "Tuyên truyền viên", "Xã Triệu Sơn", "", "038192000789", "", ""]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const GIFT = [
  "::Câu hỏi ẩn tên:: Cơ quan nào theo dõi và báo cáo hằng năm việc thực hiện Kế hoạch? {",
  "=Phòng Văn hóa và Thông tin",
  "~Phòng Tài chính - Kế hoạch",
  "}",
].join("\n");

journeyTest("import a roster → class accounts → slips PDF → a trainee logs in with a slip, sets a password, checks in by code and takes the quiz", async () => {
  const ctx = app.ctx;
  const db = ctx.handle.db;
  const admin = await makeUser(ctx, "admin", { ho: "Đỗ", tenDem: "Thị", ten: "Hương" });
  const course = await makeCourse(ctx, admin.id, { title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026" });
  await addSessions(db, await getCourse(db, course.id), { ...sessionOpenNow(), venue: "Hội trường UBND xã", topic: "Khai giảng", trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.id });
  await updateCheckinSettings(db, course.id, { checkinOpensBefore: 1440, checkinClosesAfter: 30, lateAfterMinutes: 15 }, { id: admin.id });
  await saveImportedQuestions(db, course.id, parseGift(GIFT).questions, "Kế hoạch 1191", { id: admin.id });
  const quiz = await createQuiz(db, course.id, quizSchema.parse({ title: "Kiểm tra đầu khóa", closesAt: "31/12/2099 17:00" }), { id: admin.id });
  const qs = await db.select({ id: questions.id }).from(questions).innerJoin(questionCategories, eq(questionCategories.id, questions.categoryId)).where(eq(questionCategories.courseId, course.id));
  await setQuizQuestions(db, quiz, qs.map((q, i) => ({ questionId: q.id, mark: 1, position: i + 1 })), { id: admin.id });

  const browser = await app.browser();
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.setDefaultTimeout(20000);
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    p.on("dialog", (d) => void d.accept()); // "start the quiz?", "submit?"
  };

  // The admin imports the roster with the existing import pages and lands on the participants page.
  const desk = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  watch(desk);
  await loginInBrowser(desk, app.url, admin.login!, admin.password);
  await desk.goto(`${app.url}/courses/${course.id}/import`);
  await desk.getByLabel("Tệp danh sách").setInputFiles({ name: "danh-sach.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: await roster() });
  await desk.getByRole("button", { name: "Tải lên và kiểm tra" }).click();
  await desk.getByRole("button", { name: "Xác nhận nhập 3 người" }).click();
  await desk.getByText("3 học viên của lớp chưa có tài khoản đăng nhập.").waitFor();
  await desk.screenshot({ path: screenshotPath("journey-participants-1280"), fullPage: true });

  // One press: accounts for the class, and the slips PDF downloads.
  const [download] = await Promise.all([desk.waitForEvent("download"), desk.getByRole("button", { name: "Tạo tài khoản cho học viên chưa có" }).click()]);
  const pdfFile = path.resolve(screenshotPath("journey-slips").replace(/\.png$/, ".pdf"));
  await download.saveAs(pdfFile);
  const text = execFileSync("pdftotext", ["-raw", pdfFile, "-"], { encoding: "utf8" }).normalize("NFC");
  expect((text.match(/PHIẾU TÀI KHOẢN HỌC VIÊN/g) ?? []).length).toBe(3);
  execFileSync("pdftoppm", ["-r", "70", "-png", "-f", "1", "-l", "1", pdfFile, pdfFile.replace(/\.pdf$/, "")]);
  const [uoc] = await db.select().from(users).where(eq(users.fullName, "Hoàng Thị Ước"));
  expect(uoc.login).toBe("uocht");
  const slip = new RegExp(`Hoàng Thị Ước[\\s\\S]*?Tên đăng nhập:\\s*uocht\\s*Mật khẩu \\(dùng một lần\\):\\s*([a-z0-9]{10})`).exec(text);
  expect(slip).not.toBeNull();
  const password = slip![1];
  await desk.reload();
  await desk.getByText("Mọi học viên của lớp đã có tài khoản đăng nhập.").waitFor();

  // The trainer opens the kiosk for today's session (admin here) on the big screen.
  await desk.goto(`${app.url}/courses/${course.id}`);
  await desk.locator(".att-sessions li").first().getByRole("link", { name: "Màn hình QR" }).click();
  const codeText = (await desk.locator("#kiosk-code").textContent())!;
  expect(codeText).toMatch(/^\d{3} \d{3}$/);

  // The trainee, on a phone, with the slip: the first page asks for a new password.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  watch(phone);
  await loginInBrowser(phone, app.url, "uocht", password);
  await phone.getByRole("heading", { name: "Đặt mật khẩu mới" }).waitFor();
  expect(new URL(phone.url()).pathname).toBe("/account/password");
  await phone.screenshot({ path: screenshotPath("journey-first-password-360"), fullPage: true });
  await phone.goto(`${app.url}/my/courses`);
  await phone.getByRole("heading", { name: "Đặt mật khẩu mới" }).waitFor();
  await phone.getByLabel("Mật khẩu mới", { exact: true }).fill("uoc-hoang-2026");
  await phone.getByLabel("Nhập lại mật khẩu mới").fill("uoc-hoang-2026");
  await phone.getByRole("button", { name: "Lưu mật khẩu mới" }).click();
  await phone.getByText("Đã đặt mật khẩu mới.").waitFor();

  // The start page says what to do next.
  await phone.goto(`${app.url}/`);
  await phone.getByRole("heading", { name: "Buổi học hôm nay" }).waitFor();
  await phone.getByText("Kiểm tra đầu khóa").waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await phone.screenshot({ path: screenshotPath("journey-home-360"), fullPage: true });
  await phone.setViewportSize({ width: 1280, height: 900 });
  await phone.screenshot({ path: screenshotPath("journey-home-1280"), fullPage: true });

  // Check-in by the kiosk's code, at 390 px: each session's date and time are visible in full.
  await phone.setViewportSize({ width: 390, height: 800 });
  await phone.getByRole("link", { name: "Điểm danh bằng mã" }).click();
  await phone.getByRole("heading", { name: "Điểm danh bằng mã số" }).waitFor();
  const choice = phone.locator(".att-code-session").first();
  const box = (await choice.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(box.height).toBeLessThan(200); // a few wrapped lines, not one character per line
  expect(await choice.innerText()).toMatch(/\d{2}\/\d{2}\/\d{4} · \d{2}:\d{2}–\d{2}:\d{2}/);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.screenshot({ path: screenshotPath("journey-checkin-code-390"), fullPage: true });
  await phone.getByLabel("Mã số (6 chữ số)").fill(codeText.replace(" ", ""));
  await phone.getByRole("button", { name: "Điểm danh" }).click();
  await phone.getByText(/Đã điểm danh: .* lúc/).waitFor();
  await desk.getByText("Hoàng Thị Ước").first().waitFor();

  // Back home: checked in; then the quiz.
  await phone.goto(`${app.url}/`);
  await phone.getByText("Đã điểm danh", { exact: true }).waitFor();
  await phone.getByRole("link", { name: "Làm bài" }).click();
  await phone.getByRole("button", { name: "Bắt đầu làm bài" }).click();
  await phone.getByText("Cơ quan nào theo dõi và báo cáo hằng năm việc thực hiện Kế hoạch?").waitFor();
  // Question names are hidden from trainees by another branch; here only the question text is asserted.
  await phone.getByText("Phòng Văn hóa và Thông tin").click();
  await phone.locator("#quiz-save-status").filter({ hasText: "Đã lưu" }).waitFor();
  await phone.getByRole("button", { name: "Nộp bài" }).click();
  await phone.getByRole("heading", { name: "Kết quả bài làm" }).waitFor();
  await phone.getByText("1 / 1 điểm (100%)").waitFor();
  expect(fs.existsSync(pdfFile.replace(/\.pdf$/, "-1.png"))).toBe(true);
  expect(errors).toEqual([]);
});
