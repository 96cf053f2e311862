/**
 * Browser tests drive the system Chromium (Debian package) with playwright-core: never a downloaded browser.
 * Where Chromium is missing they say why and skip, unless REQUIRE_BROWSER=1 (CI), which makes that a failure.
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Express } from "express";
import { eq } from "drizzle-orm";
import { appSettings } from "../../src/db/schema";
import { PUBLIC_URL_KEY } from "../../src/lib/public-url";
import { createTestApp, TEST_PUBLIC_URL, type TestContext } from "./app";

/** The test app's public host (not loopback, so QR codes are printed); Chromium resolves it to 127.0.0.1. */
const PUBLIC_HOST = new URL(TEST_PUBLIC_URL).hostname;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const browserAvailable = fs.existsSync(CHROMIUM);

if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER === "1") throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
}

/** `test` when a browser is available, `test.skip` otherwise (the reason is printed above). */
export const browserTest = browserAvailable ? test : test.skip;

/** `secureOrigins`: the test app's public origin, which Chromium is to treat as it treats 127.0.0.1. */
export async function launchBrowser(secureOrigins: string[] = []): Promise<Browser> {
  const secure = secureOrigins.length ? [`--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(",")}`] : [];
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [`--host-resolver-rules=MAP ${PUBLIC_HOST} 127.0.0.1`, ...secure, "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Serves an app on a random local port. */
export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Screenshots go to .tmp/screenshots for people to look at; tests never compare pixels. */
export function screenshotPath(name: string): string {
  fs.mkdirSync(".tmp/screenshots", { recursive: true });
  return `.tmp/screenshots/${name}.png`;
}

/**
 * The usual set-up of a browser test file: a fresh test app served on a local port, and a browser
 * launched on first use; everything is closed after the file. Pages are opened by the public address
 * (http://taphuan.test:port), so the QR codes the app prints lead where the browser already is.
 */
export function setupBrowserApp() {
  const state = {} as { ctx: TestContext; url: string; browser(): Promise<Browser> };
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    state.ctx = await createTestApp({ jobs: true });
    server = await serve(state.ctx.app);
    state.url = `http://${PUBLIC_HOST}:${new URL(server.url).port}`;
    await state.ctx.handle.db.update(appSettings).set({ value: state.url }).where(eq(appSettings.key, PUBLIC_URL_KEY));
  });
  state.browser = async () => (browser ??= await launchBrowser([state.url]));
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await state.ctx?.close();
  });
  return state;
}

/** Logs in through the login form. */
export async function loginInBrowser(page: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await page.goto(baseUrl + "/login");
  await page.getByLabel("Email hoặc tên đăng nhập").fill(login);
  await page.getByLabel("Mật khẩu").fill(password);
  // Wait for the login's answer and the page it leads to, as a person would before going elsewhere.
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    page.getByRole("button", { name: "Đăng nhập" }).click(),
  ]);
  await page.waitForLoadState();
}
