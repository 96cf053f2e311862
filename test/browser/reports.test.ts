/** The admin opens the dashboard (charts drawn, no console errors) and downloads the yearly report, on a desktop and a phone. */
import fs from "node:fs";
import JSZip from "jszip";
import { todayIso } from "../../src/lib/time";
import { makeUser } from "../helpers/app";
import { browserTest, loginInBrowser, screenshotPath, setupBrowserApp } from "../helpers/browser";
import { buildKnownDataset } from "../reports.fixture";

jest.setTimeout(120000);
const app = setupBrowserApp();
const Y = Number(todayIso().slice(0, 4));
let data: Awaited<ReturnType<typeof buildKnownDataset>>;
let admin: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  admin = await makeUser(app.ctx, "admin", { ho: "Lê", tenDem: "Thị", ten: "Quản" });
  data = await buildKnownDataset(app.ctx, admin.id, Y);
});

browserTest("the admin sees this year's charts and downloads the yearly report", async () => {
  const browser = await app.browser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.setDefaultTimeout(45000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await loginInBrowser(page, app.url, admin.login!, admin.password);
  await page.getByRole("link", { name: "Tổng quan" }).click();
  await page.getByRole("heading", { name: `Tổng quan năm ${Y}` }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('canvas[data-drawn="1"]').length === 4);
  // Each chart is a Chart.js instance that painted something (not a blank canvas).
  const painted = await page.evaluate(() =>
    Array.from(document.querySelectorAll("canvas[data-chart]")).map((c) => {
      const canvas = c as HTMLCanvasElement;
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(canvas);
      const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
      return !!chart && ink > 100;
    }),
  );
  expect(painted).toEqual([true, true, true, true]);
  await page.screenshot({ path: screenshotPath("reports-dashboard-desktop"), fullPage: true });

  await page.getByRole("link", { name: "Mở báo cáo năm" }).click();
  await page.getByRole("heading", { name: `Báo cáo năm ${Y}` }).waitFor();
  await page.screenshot({ path: screenshotPath("reports-report-desktop"), fullPage: true });
  // Readable parts of the long page, for people to look at.
  for (const [selector, name] of [[".quality-summary", "reports-report-top"], [".breakdown", "reports-report-breakdown"], ["#tai-ve", "reports-report-exports"]]) {
    await page.locator(selector).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(name) });
  }
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Báo cáo (DOCX)" }).click()]);
  expect(download.suggestedFilename()).toBe(`bao-cao-${Y}-nhap.docx`);
  const file = await download.path();
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  const xml = await zip.file("word/document.xml")!.async("string");
  expect(xml).toContain("BÁO CÁO");
  expect(xml).toContain(`năm ${Y}`);

  // A figure leads to the people behind it.
  await page.locator('a[data-figure="t1.uniquePersons"]').click();
  await page.getByRole("heading", { name: "Số người tham dự (mỗi người tính một lần)" }).waitFor();
  await page.getByRole("link", { name: "Nguyễn Văn An" }).waitFor();

  // Freeze from the page (confirm dialog accepted): the version page shows its hash.
  await page.goto(`${app.url}/reports/${data.planId}/${Y}`);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Chốt báo cáo" }).click();
  await page.getByText("Đã chốt báo cáo (phiên bản 1).").waitFor();
  await page.getByText("Nội dung lưu trữ khớp mã băm.").waitFor();
  await page.screenshot({ path: screenshotPath("reports-version-desktop"), fullPage: true });
  expect(errors).toEqual([]);

  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  phone.on("pageerror", (e) => errors.push(e.message));
  phone.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await loginInBrowser(phone, app.url, admin.login!, admin.password);
  for (const [path, name] of [["/dashboard", "reports-dashboard-phone"], [`/reports/${data.planId}/${Y}`, "reports-report-phone"]]) {
    await phone.goto(app.url + path);
    if (path === "/dashboard") await phone.waitForFunction(() => document.querySelectorAll('canvas[data-drawn="1"]').length === 4);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await phone.screenshot({ path: screenshotPath(name), fullPage: path === "/dashboard" });
  }
  await phone.locator(".breakdown").first().scrollIntoViewIfNeeded();
  await phone.screenshot({ path: screenshotPath("reports-report-phone-breakdown") });
  expect(errors).toEqual([]);
});
