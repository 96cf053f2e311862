/** Roster import as a person does it: an admin uploads an XLSX roster, reads the preview, confirms (desktop and phone). */
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { enrollments, users } from "../../src/db/schema";
import { createCourse } from "../../src/features/courses/courses.service";
import { createTestApp, makeUser, type TestContext } from "../helpers/app";
import { browserTest, launchBrowser, screenshotPath, serve } from "../helpers/browser";

jest.setTimeout(180000);
let ctx: TestContext;
let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  ctx = await createTestApp();
  server = await serve(ctx.app);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ctx?.close();
});

async function roster(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  ws.addRow(["DANH SÁCH HỌC VIÊN LỚP BỒI DƯỠNG NGHIỆP VỤ THÔNG TIN ĐỐI NGOẠI"]);
  ws.addRow(["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"]);
  ws.addRow([1, "Nguyễn Thị Thu Hà", "05/03/1990", "Nữ", "Kinh", "Công chức Văn hóa - Xã hội", "Xã Triệu Sơn", "Cán bộ cấp xã", "038190000123", "0912345678", "ha.nguyen@example.vn"]);
  ws.addRow([2, "lê văn bình", new Date(Date.UTC(1985, 10, 20)), "nam", "mường", "Phóng viên", "thọ bình", "Phóng viên, biên tập viên", "038085000456", "+84 987 654 321", ""]);
  ws.addRow([3, "Trần Thị Cúc", "31/02/1992", "Nữ", "Kinh", "Tuyên truyền viên", "Xã Không Có", "", "12345678", "", ""]);
  ws.addRow([4, "Nguyễn Thị Thu Hà", "05/03/1990", "Nữ", "Kinh", "", "Xã Triệu Sơn", "", "038190000123", "", ""]);
  ws.addRow([5, "Hoàng Văn Đài", "1975", "Nam", "Kinh", "Phát thanh viên", "Đài truyền thanh xã", "", "", "0912000555", ""]);
  ws.getCell("C4").numFmt = "dd/mm/yyyy";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function login(page: Page, loginName: string, password: string) {
  await page.goto(server.url + "/login");
  await page.getByLabel("Email hoặc tên đăng nhập").fill(loginName);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByText("Xin chào").first().waitFor();
}

async function uploadAndPreview(page: Page, courseId: number, file: Buffer) {
  await page.goto(`${server.url}/courses/${courseId}/import`);
  await page.getByRole("heading", { name: "Nhập danh sách học viên" }).waitFor();
  await page.getByLabel("Tệp danh sách").setInputFiles({ name: "danh-sach-lop.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: file });
  await page.getByRole("button", { name: "Tải lên và kiểm tra" }).click();
  await page.getByRole("heading", { name: "Kiểm tra danh sách trước khi nhập" }).waitFor();
}

browserTest("an admin imports a roster: preview with reasons, then confirm (desktop and phone)", async () => {
  browser = await launchBrowser();
  const errors: string[] = [];
  const admin = await makeUser(ctx, "admin", { ho: "Đỗ", tenDem: "Thị", ten: "Hương" });
  const course = await createCourse(ctx.handle.db, {
    title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
    venue: "Hội trường UBND xã Triệu Sơn", capacity: 1, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
    trainerIds: [], targetCategoryIds: [], funding: [],
  }, { id: admin.id });
  const file = await roster();
  // Someone else already has row 4's phone: a conflict the admin resolves on the page.
  const other = await makeUser(ctx, "trainee", { ho: "Lê", tenDem: "Thị", ten: "Khác" });
  await ctx.handle.db.update(users).set({ phone: "0987654321", gender: "Nữ" }).where(eq(users.id, other.id));

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => errors.push(e.message));
  await login(page, admin.login!, admin.password);
  await uploadAndPreview(page, course.id, file);
  await page.getByText("Ngày sinh không hợp lệ (dd/mm/yyyy): \"31/02/1992\"").waitFor();
  await page.getByText("Đơn vị \"Đài truyền thanh xã\" chưa có trong danh mục: chọn đơn vị ở trên, nếu không sẽ để trống").waitFor();
  await page.getByText("Đơn vị chưa có trong danh mục", { exact: true }).waitFor();
  await page.getByRole("cell", { name: "Sinh năm 1975" }).waitFor();
  await page.getByText("Số CCCD phải gồm đúng 12 chữ số: \"12345678\"").waitFor();
  await page.getByText("Trùng với dòng 3 (theo số CCCD)").waitFor();
  await page.getByRole("cell", { name: "Lê Văn Bình" }).waitFor();
  await page.getByRole("cell", { name: "20/11/1985" }).waitFor();
  await page.getByText("Có thể là Lê Thị Khác (theo điện thoại), nhưng khác họ tên, giới tính.").waitFor();
  await page.screenshot({ path: screenshotPath("import-preview-desktop"), fullPage: true });
  await page.getByRole("button", { name: "Xác nhận nhập 2 người: 1 được xếp chỗ, 1 vào danh sách chờ" }).waitFor();
  // The same page on a phone: cards, the conflict's choices within the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: screenshotPath("import-preview-conflict-phone"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByLabel("Là người khác: tạo hồ sơ mới").check();
  await page.getByRole("button", { name: "Áp dụng và kiểm tra lại" }).click();
  // The tables fit the page at 1280 px: nothing scrolls sideways, the Email column is whole.
  const overflow = await page.evaluate(() => Array.from(document.querySelectorAll(".table-wrap")).map((w) => w.scrollWidth - w.clientWidth));
  expect(Math.max(...overflow)).toBeLessThanOrEqual(0);
  // Summary first, then the problems, then the valid rows.
  const order = await page.evaluate(() => ["import-summary", "import-confirm"].map((c) => document.querySelector("." + c)!.getBoundingClientRect().top));
  expect(order[0]).toBeLessThan(order[1]);

  await page.getByRole("button", { name: "Xác nhận nhập 3 người: 1 được xếp chỗ, 2 vào danh sách chờ" }).click();
  await page.getByText("Đã nhập 3 người: 3 hồ sơ mới, 1 được xếp chỗ, 2 vào danh sách chờ, 0 đã có trong khóa.").waitFor();
  const rows = await ctx.handle.db.select().from(enrollments).where(eq(enrollments.courseId, course.id));
  expect(rows.map((r) => r.status).sort()).toEqual(["enrolled", "waitlisted", "waitlisted"]);

  // The same roster again, on a phone: both people are now recognised as already in the course.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  phone.setDefaultTimeout(10000);
  phone.on("pageerror", (e) => errors.push(e.message));
  await login(phone, admin.login!, admin.password);
  await uploadAndPreview(phone, course.id, file);
  await phone.getByText("Nguyễn Thị Thu Hà (theo số CCCD), đã có trong khóa").waitFor();
  await phone.screenshot({ path: screenshotPath("import-preview-phone"), fullPage: true });
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await phone.goto(`${server.url}/courses/${course.id}/import`);
  await phone.screenshot({ path: screenshotPath("import-form-phone"), fullPage: true });
  expect(errors).toEqual([]);
});
