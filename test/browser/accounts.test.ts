/** Main flow of the foundation, as a person does it: admin logs in, creates a trainee, logs out; the trainee logs in. */
import { makeUser } from "../helpers/app";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";

jest.setTimeout(180000);
const app = setupBrowserApp();

browserTest("admin creates a trainee, logs out, the trainee logs in (desktop and phone)", async () => {
  const browser = await app.browser();
  const errors: string[] = [];
  const admin = await makeUser(app.ctx, "admin", { ho: "Đỗ", tenDem: "Thị", ten: "Hương" });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(45000);
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));

  await loginInBrowser(page, app.url, admin.login!, admin.password);
  await page.getByText("Xin chào, Đỗ Thị Hương!").waitFor();
  await page.getByRole("link", { name: "Người dùng" }).first().click();
  await page.getByRole("link", { name: "Thêm người dùng" }).click();
  await page.getByRole("textbox", { name: "Họ", exact: true }).fill("nguyễn");
  await page.getByLabel("Tên đệm").fill("văn");
  await page.getByRole("textbox", { name: "Tên", exact: true }).fill("đức");
  await page.getByLabel("Tên đăng nhập hoặc email").fill("duc.nguyen");
  await page.getByLabel("Mật khẩu ban đầu").fill("hoc-vien-duc-2026");
  await page.getByLabel("Ngày sinh (dd/mm/yyyy)").fill("09/02/1988");
  await page.getByLabel("Giới tính").selectOption("Nam");
  await page.getByLabel("Dân tộc").selectOption({ label: "Mường" });
  await page.getByLabel("Đơn vị công tác").selectOption({ label: "Xã Thọ Bình" });
  await page.screenshot({ path: screenshotPath("user-form-desktop"), fullPage: true });
  await Promise.all([page.waitForURL(/\/users\/\d+\/edit$/), page.getByRole("button", { name: "Lưu" }).click()]);
  await page.getByText("Đã thêm người dùng.").waitFor();
  await page.goto(app.url + "/users");
  await page.getByRole("link", { name: "Nguyễn Văn Đức" }).waitFor();
  await page.screenshot({ path: screenshotPath("users-desktop"), fullPage: true });
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();

  // The trainee, on a phone.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  phone.on("pageerror", (e) => errors.push(e.message));
  await loginInBrowser(phone, app.url, "duc.nguyen", "hoc-vien-duc-2026");
  await phone.getByText("Xin chào, Nguyễn Văn Đức!").waitFor();
  await phone.getByRole("button", { name: "☰" }).click();
  await phone.getByText("Học viên").first().waitFor();
  await phone.screenshot({ path: screenshotPath("home-phone"), fullPage: true });
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  expect(errors).toEqual([]);
});
