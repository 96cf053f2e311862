import request from "supertest";
import { eq } from "drizzle-orm";
import session from "express-session";
import { users, auditLog } from "../src/db/schema";
import { createSessionStore } from "../src/features/auth/session-store";
import { anonymousAgent, createTestApp, csrfFrom, loginAs, makeUser, useTestApp } from "./helpers/app";

const { ctx } = useTestApp();

test("GET /login shows the form with a CSRF token", async () => {
  const res = await request(ctx.app).get("/login");
  expect(res.status).toBe(200);
  expect(res.text).toContain("Đăng nhập");
  expect(csrfFrom(res.text)).toBeTruthy();
});

test("anonymous visitors are sent to the login page", async () => {
  const res = await request(ctx.app).get("/");
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe("/login");
});

test("correct password logs in and regenerates the session id", async () => {
  const u = await makeUser(ctx, "trainer");
  const { agent, csrf } = await anonymousAgent(ctx);
  const before = (await agent.get("/login")).headers["set-cookie"];
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: u.login, password: u.password });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe("/");
  const cookie = String(res.headers["set-cookie"]);
  expect(cookie).toMatch(/taphuan\.sid=/);
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  expect(cookie).not.toBe(String(before));
  const home = await agent.get("/");
  expect(home.status).toBe(200);
  expect(home.text).toContain(u.fullName);
});

test("login is case-insensitive and accepts NFD input", async () => {
  const u = await makeUser(ctx, "trainee", { login: "thuy.nguyen" });
  const { agent, csrf } = await anonymousAgent(ctx);
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: "Thuy.Nguyen", password: u.password });
  expect(res.status).toBe(302);
});

test("wrong password stays on the login page with a message", async () => {
  const u = await makeUser(ctx, "trainee");
  const { agent, csrf } = await anonymousAgent(ctx);
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: u.login, password: "sai-mat-khau" });
  expect(res.status).toBe(401);
  expect(res.text).toContain("Tên đăng nhập hoặc mật khẩu không đúng.");
  expect(res.text).toContain(`value="${u.login}"`);
  const failed = await ctx.handle.db.select().from(auditLog).where(eq(auditLog.action, "login.failed"));
  expect(failed.some((r) => r.targetId === u.login)).toBe(true);
});

test("the 6th attempt within 15 minutes is refused even with the right password", async () => {
  const u = await makeUser(ctx, "trainee");
  const { agent, csrf } = await anonymousAgent(ctx);
  for (let i = 0; i < 5; i++) {
    const r = await agent.post("/login").type("form").send({ _csrf: csrf, login: u.login, password: "sai" + i });
    expect(r.status).toBe(401);
  }
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: u.login, password: u.password });
  expect(res.status).toBe(401);
  expect(res.text).toContain("tạm bị khóa đăng nhập 15 phút");
  // another login is not affected
  const other = await makeUser(ctx, "trainee");
  const ok = await agent.post("/login").type("form").send({ _csrf: csrf, login: other.login, password: other.password });
  expect(ok.status).toBe(302);
});

test("per-IP limit stops spraying across many logins", async () => {
  const small = await createTestApp({ loginIpLimit: 3 });
  try {
    const { agent, csrf } = await anonymousAgent(small);
    for (let i = 0; i < 3; i++) {
      const r = await agent.post("/login").type("form").send({ _csrf: csrf, login: `nobody${i}`, password: "x" });
      expect(r.status).toBe(401);
    }
    const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: "nobody9", password: "x" });
    expect(res.status).toBe(429);
    expect(res.text).toContain("quá nhiều lần đăng nhập");
  } finally {
    await small.close();
  }
});

test("empty form gives 422 with field messages", async () => {
  const { agent, csrf } = await anonymousAgent(ctx);
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login: "", password: "" });
  expect(res.status).toBe(422);
  expect(res.text).toContain("Bắt buộc nhập");
});

test("a POST without a CSRF token gets 403", async () => {
  const res = await request(ctx.app).post("/login").type("form").send({ login: "a", password: "b" });
  expect(res.status).toBe(403);
  expect(res.text).toContain("Phiên làm việc đã hết hạn");
});

test("logout destroys the session", async () => {
  const { agent, csrf } = await loginAs(ctx, "trainer");
  const res = await agent.post("/logout").type("form").send({ _csrf: csrf });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe("/login");
  expect((await agent.get("/")).status).toBe(302);
});

test("a user changes their own password", async () => {
  const { agent, csrf, user } = await loginAs(ctx, "trainee");
  const bad = await agent.post("/account/password").type("form").send({ _csrf: csrf, currentPassword: "sai", newPassword: "mat-khau-moi-123", confirmPassword: "mat-khau-moi-123" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Mật khẩu hiện tại không đúng.");
  const mismatch = await agent.post("/account/password").type("form").send({ _csrf: csrf, currentPassword: user.password, newPassword: "mat-khau-moi-123", confirmPassword: "khac" });
  expect(mismatch.status).toBe(422);
  const ok = await agent.post("/account/password").type("form").send({ _csrf: csrf, currentPassword: user.password, newPassword: "mat-khau-moi-123", confirmPassword: "mat-khau-moi-123" });
  expect(ok.status).toBe(302);
  await loginAs(ctx, { ...user, password: "mat-khau-moi-123" });
  const [row] = await ctx.handle.db.select().from(users).where(eq(users.id, user.id));
  expect(row.passwordHash).toMatch(/^\$argon2id\$/);
});

test("GET /healthz reports the database in use", async () => {
  const res = await request(ctx.app).get("/healthz");
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: "ok", database: "postgres" });
});

test("a request that renders no page creates no session (health checks do not fill the session table)", async () => {
  const sessions = async () => ((await ctx.handle.client.query(`select count(*)::int as n from "session"`)).rows[0].n as number);
  const before = await sessions();
  for (let i = 0; i < 3; i++) {
    const res = await request(ctx.app).get("/healthz");
    expect(res.headers["set-cookie"]).toBeUndefined();
  }
  expect(await sessions()).toBe(before);
});

test("a logged-in page reads the session and its user in one query, and a deactivated user is still logged out at once", async () => {
  const { agent, user } = await loginAs(ctx, "trainee");
  const seen: string[] = [];
  const client = ctx.handle.client as unknown as { query: (text: string, ...rest: unknown[]) => Promise<unknown> };
  const original = client.query;
  client.query = (text: string, ...rest: unknown[]) => {
    seen.push(text);
    return original.call(client, text, ...rest);
  };
  try {
    expect((await agent.get("/account/password")).status).toBe(200);
  } finally {
    client.query = original;
  }
  expect(seen.filter((q) => /from "session"/.test(q))).toHaveLength(1);
  expect(seen.filter((q) => /from "users"/.test(q))).toHaveLength(0);
  await ctx.handle.db.update(users).set({ active: false }).where(eq(users.id, user.id));
  const after = await agent.get("/account/password");
  expect(after.status).toBe(302);
  expect(after.headers.location).toBe("/login");
});

/** A stored session as passport leaves it. */
type StoredSession = session.SessionData & { passport: { user: string } };

test("sessions read together share one query, and each request gets its own copy of its session", async () => {
  const a = await loginAs(ctx, "trainee");
  const b = await loginAs(ctx, "trainer");
  const sidOf = (agent: typeof a.agent) => decodeURIComponent(/taphuan\.sid=s%3A([^.;]+)/.exec(agent.jar.getCookie("taphuan.sid", { domain: "127.0.0.1", path: "/", secure: false, script: false })!.toString())![1]);
  let queries = 0;
  const counting = { query: (text: string, params?: unknown[]) => (queries++, ctx.handle.client.query(text, params)) };
  const store = createSessionStore(session, counting, { prune: false });
  const get = (sid: string) => new Promise<session.SessionData | null | undefined>((resolve, reject) => store.get(sid, (err: Error | null, sess) => (err ? reject(err) : resolve(sess))));
  const [s1, s2, s1again, none] = await Promise.all([get(sidOf(a.agent)), get(sidOf(b.agent)), get(sidOf(a.agent)), get("khong-co")]);
  expect(queries).toBe(1);
  expect((s1 as StoredSession).passport.user).toMatch(new RegExp(`^${a.user.id}:`));
  expect((s2 as StoredSession).passport.user).toMatch(new RegExp(`^${b.user.id}:`));
  expect(s1again).toEqual(s1);
  expect(s1again).not.toBe(s1);
  expect(none).toBeNull();
});

test("files of public/ are served with caching; nothing else of the disk is", async () => {
  const css = await request(ctx.app).get("/css/app.css");
  expect(css.status).toBe(200);
  expect(css.headers["cache-control"]).toBe("public, max-age=3600");
  for (const url of ["/app.css", "/js/../../package.json", "/package.json"]) expect((await request(ctx.app).get(url)).status).toBe(404);
});

test("unknown pages get a Vietnamese 404 without internals", async () => {
  const res = await request(ctx.app).get("/khong-co-trang-nay");
  expect(res.status).toBe(404);
  expect(res.text).toContain("Không tìm thấy");
});

test("security headers: CSP forbids inline scripts", async () => {
  const res = await request(ctx.app).get("/login");
  const csp = res.headers["content-security-policy"];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(res.text).not.toMatch(/<script>(?!<\/script>)|onclick=/);
});
