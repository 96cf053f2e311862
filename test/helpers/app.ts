/** Test app, users and logged-in agents. Tests talk HTTP only; factories write through services. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import type { Express } from "express";
import pino from "pino";
import { createApp } from "../../src/app";
import { startJobs } from "../../src/jobs";
import type { DbHandle } from "../../src/db/client";
import { appSettings, type Role } from "../../src/db/schema";
import type { Db } from "../../src/db/client";
import { PUBLIC_URL_KEY } from "../../src/lib/public-url";
import { markSetupDone } from "../../src/lib/setup-state";
import { createUser } from "../../src/features/users/users.service";
import { createTestDb } from "./db";

export interface TestContext {
  handle: DbHandle;
  dataDir: string;
  app: Express;
  close(): Promise<void>;
}

/** The public address test apps print in QR codes (not loopback, so issuing is allowed). */
export const TEST_PUBLIC_URL = "http://taphuan.test";

/**
 * What an administrator's first-run setup writes, for tests that are not about it: the public address,
 * the number pattern the tests were written with, and the "done" mark (the seeded organisation stays).
 */
export async function completeTestSetup(db: Db, publicUrl = TEST_PUBLIC_URL): Promise<void> {
  await db.insert(appSettings).values([{ key: PUBLIC_URL_KEY, value: publicUrl }, { key: "certificate.numberPattern", value: "{seq}/GCN-VHTT" }]);
  await markSetupDone(db, null);
}

/**
 * A fresh app on a fresh database. The first-run setup is completed (as {@link completeTestSetup}) unless
 * `setup: false` (tests of the setup itself); `publicUrl` is the PUBLIC_URL default; `handle` replaces the
 * cloned test database (e.g. helpers/db.ts createPrivateDb); `jobs` runs the job queue in the test process.
 */
export async function createTestApp(opts: { loginIpLimit?: number; setup?: boolean; publicUrl?: string; handle?: DbHandle; jobs?: boolean } = {}): Promise<TestContext> {
  const handle = opts.handle ?? (await createTestDb());
  if (opts.setup !== false) await completeTestSetup(handle.db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-data-"));
  const app = createApp({ handle, sessionSecret: "test-secret-test-secret-test-secret!", pruneSessions: false, loginIpLimit: opts.loginIpLimit ?? 1000, publicUrl: opts.publicUrl });
  // The background job queue (the class's certificate job), only for the tests that start jobs.
  const jobs = opts.jobs ? await startJobs(handle, { dataDir, logger: pino({ level: "silent" }), backup: { keep: 1 } }) : null;
  return {
    handle, app, dataDir,
    close: async () => {
      await jobs?.stop();
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
export const PASSWORD = "mat-khau-thu-nghiem";

/** Creates a user with a unique login; name parts can be overridden. */
export async function makeUser(ctx: TestContext, role: Role, over: Partial<{ ho: string; tenDem: string; ten: string; login: string; password: string }> = {}) {
  counter += 1;
  const login = over.login ?? `${role}${counter}-${Date.now().toString(36)}@example.vn`;
  const user = await createUser(
    ctx.handle.db,
    {
      ho: over.ho ?? "Nguyễn", tenDem: over.tenDem ?? "Văn", ten: over.ten ?? `Thử`, login, email: login.includes("@") ? login : null, phone: null, role,
      dateOfBirth: null, gender: null, ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null,
      password: over.password ?? PASSWORD,
    },
    null,
  );
  return { ...user, password: over.password ?? PASSWORD };
}

/** The CSRF token of a rendered page. */
export function csrfFrom(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error("no CSRF token in page");
  return m[1];
}

/** An agent (cookie jar) that has a session and knows its CSRF token. */
export async function anonymousAgent(ctx: TestContext) {
  const agent = request.agent(ctx.app);
  const page = await agent.get("/login");
  return { agent, csrf: csrfFrom(page.text) };
}

/** Logs in through the real form; returns the agent and a fresh CSRF token (login regenerates the session). */
type LoginUser = { id: number; login: string | null; password: string; fullName?: string };
export async function loginAs(ctx: TestContext, role: Role): Promise<{ agent: ReturnType<typeof request.agent>; user: Awaited<ReturnType<typeof makeUser>>; csrf: string }>;
export async function loginAs<U extends LoginUser>(ctx: TestContext, user: U): Promise<{ agent: ReturnType<typeof request.agent>; user: U; csrf: string }>;
export async function loginAs(ctx: TestContext, roleOrUser: Role | LoginUser) {
  const user = typeof roleOrUser === "string" ? await makeUser(ctx, roleOrUser) : roleOrUser;
  const { agent, csrf } = await anonymousAgent(ctx);
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: user.login, password: user.password });
  if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  const home = await agent.get("/account/password");
  return { agent, user, csrf: csrfFrom(home.text) };
}

type LoggedIn = Awaited<ReturnType<typeof loginAs>>;

/**
 * The usual set-up of a test file in one line: a fresh app on a fresh database before the file's tests
 * (closed after them), and one logged-in user per role named in `as`:
 *   const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
 * The objects are filled in by a beforeAll, so use them inside tests and hooks, not at the top level.
 */
export function useTestApp<R extends Role = never>(opts: Parameters<typeof createTestApp>[0] & { as?: readonly R[] } = {}): { ctx: TestContext } & Record<R, LoggedIn> {
  const { as = [], ...appOpts } = opts;
  const ctx = {} as TestContext;
  const users = Object.fromEntries(as.map((role) => [role, {} as LoggedIn])) as Record<R, LoggedIn>;
  beforeAll(async () => {
    Object.assign(ctx, await createTestApp(appOpts));
    for (const role of as) Object.assign(users[role], await loginAs(ctx, role));
  });
  afterAll(async () => ctx.close?.());
  return { ctx, ...users };
}
