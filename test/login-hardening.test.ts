/**
 * Logging in from one venue, and guessing: the per-address limit counts failures only, browsers that
 * logged in to an account before are never stopped by it, unknown logins cost a password verification
 * like real ones, and changing one's password ends the other sessions and is throttled.
 */
import request from "supertest";
import { sql } from "drizzle-orm";
import { users } from "../src/db/schema";
import { hashPassword } from "../src/lib/passwords";
import { passwordProblem } from "../src/lib/password-strength";
import { t } from "../src/messages";
import { anonymousAgent, createTestApp, loginAs, makeUser, type TestContext } from "./helpers/app";

jest.setTimeout(300000);
// The object our password module calls into (a namespace import would be a copy that a spy cannot reach).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2: typeof import("@node-rs/argon2") = require("@node-rs/argon2");

let ctx: TestContext;
/** Its own app with the production default (50 failed logins per address per 15 minutes): the spray test fills it. */
let venue: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
  venue = await createTestApp({ loginIpLimit: 50 });
});
afterAll(async () => Promise.all([ctx?.close(), venue?.close()]));

const PASSWORD = "mot-mat-khau-chung-cua-lop";

/** `n` trainees sharing one password hash (hashing 200 passwords would only slow the test down). */
async function classOf(n: number, prefix: string, on = venue) {
  const passwordHash = await hashPassword(PASSWORD);
  const rows = Array.from({ length: n }, (_, i) => ({ ho: "Lê", tenDem: "Văn", ten: `Học${i}`, fullName: `Lê Văn Học${i}`, login: `${prefix}${i}`, role: "trainee" as const, passwordHash }));
  return on.handle.db.insert(users).values(rows).returning({ id: users.id, login: users.login });
}
const db = () => ctx.handle.db;
const sessionRows = async () => Number(((await db().execute(sql`select count(*)::int as n from session`)) as { rows: { n: number }[] }).rows[0].n);

test("200 trainees log in from one address within a minute: all succeed", async () => {
  const trainees = await classOf(200, "hv-lop-", venue);
  const statuses: number[] = [];
  for (let i = 0; i < trainees.length; i += 20) {
    const batch = trainees.slice(i, i + 20);
    statuses.push(
      ...(await Promise.all(
        batch.map(async (tr) => {
          const { agent, csrf } = await anonymousAgent(venue);
          return (await agent.post("/login").type("form").send({ _csrf: csrf, login: tr.login, password: PASSWORD })).status;
        }),
      )),
    );
  }
  expect(statuses.filter((s) => s !== 302)).toEqual([]);
});

test("a guesser spraying one address is stopped, and cannot lock out a trainee who logged in on this phone before", async () => {
  const [regular, fresh] = await classOf(2, "hv-phun-");
  const phone = await anonymousAgent(venue);
  expect((await phone.agent.post("/login").type("form").send({ _csrf: phone.csrf, login: regular.login, password: PASSWORD })).status).toBe(302);
  const logoutToken = csrfOf((await phone.agent.get("/account/password")).text);
  await phone.agent.post("/logout").type("form").send({ _csrf: logoutToken });

  const guesser = await anonymousAgent(venue);
  const answers: number[] = [];
  for (let i = 0; i < 55; i++) answers.push((await guesser.agent.post("/login").type("form").send({ _csrf: guesser.csrf, login: `khong-co-${i}`, password: "doan-mo-123" })).status);
  expect(answers.slice(0, 50).every((s) => s === 401)).toBe(true);
  expect(answers.slice(50).every((s) => s === 429)).toBe(true);
  // Guessing stays stopped, even with the right password of a real account.
  const stopped = await guesser.agent.post("/login").type("form").send({ _csrf: guesser.csrf, login: fresh.login, password: PASSWORD });
  expect(stopped.status).toBe(429);
  expect(stopped.text).toContain(t.auth.ipLimited);
  // The trainee's own phone, which logged in to this account before, still gets in.
  const token = csrfOf((await phone.agent.get("/login")).text);
  const back = await phone.agent.post("/login").type("form").send({ _csrf: token, login: regular.login, password: PASSWORD });
  expect(back.status).toBe(302);
  // A forged device cookie (another login's, or a tampered one) does not pass.
  const other = await anonymousAgent(venue);
  const forged = await other.agent.post("/login").set("Cookie", `taphuan.device=${Buffer.from(fresh.login!).toString("base64url")}.AAAA`).type("form").send({ _csrf: other.csrf, login: fresh.login, password: PASSWORD });
  expect(forged.status).not.toBe(302);
});

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1];

test("an unknown login costs a password verification, like a real one (so timing tells nothing)", async () => {
  const known = await makeUser(ctx, "trainee");
  const spy = jest.spyOn(argon2, "verify");
  try {
    const { agent, csrf } = await anonymousAgent(ctx);
    await agent.post("/login").type("form").send({ _csrf: csrf, login: known.login, password: "sai-mat-khau-1" });
    expect(spy).toHaveBeenCalledTimes(1);
    await agent.post("/login").type("form").send({ _csrf: csrf, login: "khong-ton-tai@example.vn", password: "sai-mat-khau-2" });
    expect(spy).toHaveBeenCalledTimes(2);
    expect(spy.mock.calls[1][1]).toBe("sai-mat-khau-2");
  } finally {
    spy.mockRestore();
  }
});

test("changing one's password ends the user's other sessions; this one goes on", async () => {
  const user = await makeUser(ctx, "trainee");
  const laptop = await loginAs(ctx, user);
  const phone = await loginAs(ctx, user);
  const res = await laptop.agent.post("/account/password").type("form").send({ _csrf: laptop.csrf, currentPassword: user.password, newPassword: "mot-cau-rat-dai-va-kho-doan", confirmPassword: "mot-cau-rat-dai-va-kho-doan" });
  expect(res.status).toBe(302);
  expect((await laptop.agent.get("/account/password")).status).toBe(200);
  const other = await phone.agent.get("/account/password");
  expect(other.status).toBe(302);
  expect(other.headers.location).toBe("/login");
});

test("the current-password check is throttled like a login: 5 wrong, then even the right one is refused", async () => {
  const { agent, csrf, user } = await loginAs(ctx, "trainee");
  const change = (current: string) => agent.post("/account/password").type("form").send({ _csrf: csrf, currentPassword: current, newPassword: "mot-cau-rat-dai-va-kho-doan", confirmPassword: "mot-cau-rat-dai-va-kho-doan" });
  for (let i = 0; i < 5; i++) expect((await change(`doan-sai-${i}`)).status).toBe(422);
  const right = await change(user.password);
  expect(right.status).toBe(422);
  expect(right.text).toContain(t.auth.changeLocked);
  // Logging in is not locked by it (a stolen session cannot lock the owner out).
  await loginAs(ctx, user);
});

test("weak passwords are refused: short, common, or made from the login or name", async () => {
  expect(passwordProblem("ngan-qua")).toBe("tooShort");
  expect(passwordProblem("password123")).toBe("weak");
  expect(passwordProblem("Matkhau@2026")).toBe("weak");
  expect(passwordProblem("nguyenthihoa1990", ["hoa.nguyen", "Nguyễn Thị Hoa"])).toBe("weak");
  expect(passwordProblem("le.thuy12345", ["le.thuy"])).toBe("weak");
  expect(passwordProblem("Ta9xkLmPq27vRw", ["le.thuy"])).toBeNull();
  const { agent, csrf, user } = await loginAs(ctx, "trainee");
  const weak = await agent.post("/account/password").type("form").send({ _csrf: csrf, currentPassword: user.password, newPassword: "matkhau123456", confirmPassword: "matkhau123456" });
  expect(weak.status).toBe(422);
  expect(weak.text).toContain("quá dễ đoán");
  const admin = await loginAs(ctx, "admin");
  const created = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ho: "Lê", tenDem: "Thị", ten: "Thuỷ", login: "le.thuy", role: "trainer", password: "le.thuy12345" });
  expect(created.status).toBe(422);
  expect(created.text).toContain("quá dễ đoán");
});

test("an anonymous GET / writes no session row (and the login page still says where to go back)", async () => {
  const before = await sessionRows();
  for (let i = 0; i < 30; i++) {
    const res = await request(ctx.app).get("/");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/login");
  }
  expect(await sessionRows()).toBe(before);
  // A person who follows the redirect is told to log in and comes back to the page they asked for.
  const agent = request.agent(ctx.app);
  await agent.get("/courses");
  const page = await agent.get("/login");
  expect(page.text).toContain(t.auth.mustLogin);
  const user = await makeUser(ctx, "trainee");
  const login = await agent.post("/login").type("form").send({ _csrf: csrfOf(page.text), login: user.login, password: user.password });
  expect(login.headers.location).toBe("/courses");
});
