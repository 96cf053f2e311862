/**
 * Browser tests drive the system Chromium (Debian package) with playwright-core: never a downloaded browser.
 * Where Chromium is missing they say why and skip, unless REQUIRE_BROWSER=1 (CI), which makes that a failure.
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { chromium, type Browser } from "playwright-core";
import type { Express } from "express";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const browserAvailable = fs.existsSync(CHROMIUM);

if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER === "1") throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
}

/** `test` when a browser is available, `test.skip` otherwise (the reason is printed above). */
export const browserTest = browserAvailable ? test : test.skip;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
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
