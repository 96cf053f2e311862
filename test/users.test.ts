import { eq } from "drizzle-orm";
import { users } from "../src/db/schema";
import { loginAs, makeUser, useTestApp } from "./helpers/app";

const { ctx, admin } = useTestApp({ as: ["admin"] });

const findByLogin = async (login: string) => (await ctx.handle.db.select().from(users).where(eq(users.login, login)))[0];

const validUser = (over: Record<string, string> = {}) => ({
  ho: "trần", tenDem: "thị thu", ten: "hà", login: `ha.tran.${Math.random().toString(36).slice(2, 8)}`, email: "", phone: "0912 345 678",
  role: "trainee", password: "mat-khau-dai-du", dateOfBirth: "05/03/1990", gender: "Nữ", ethnicityCode: "06", position: "Chuyên viên",
  unitCode: "X-TRIEUSON", categoryId: "", cccd: "038190000123", ...over,
});

test("a trainee and a trainer get 403 on admin pages", async () => {
  for (const role of ["trainee", "trainer"] as const) {
    const { agent, csrf } = await loginAs(ctx, role);
    for (const url of ["/users", "/users/new", "/units", "/categories", "/settings"]) {
      const res = await agent.get(url);
      expect(res.status).toBe(403);
      expect(res.text).toContain("Không có quyền truy cập");
    }
    const post = await agent.post("/users").type("form").send({ _csrf: csrf, ...validUser() });
    expect(post.status).toBe(403);
  }
});

test("admin creates a user: names capitalised and NFC, fields stored", async () => {
  const body = validUser({ ho: "nguyễn".normalize("NFD"), tenDem: "thị  thuỷ".normalize("NFD"), ten: "hoà".normalize("NFD") });
  const res = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ...body });
  expect(res.status).toBe(302);
  const row = await findByLogin(body.login);
  expect(row.fullName).toBe("Nguyễn Thị Thuỷ Hoà".normalize("NFC"));
  expect(row.fullName).toBe(row.fullName.normalize("NFC"));
  expect(row.ho).toBe("Nguyễn");
  expect(row.tenDem).toBe("Thị Thuỷ");
  expect(row.dateOfBirth).toBe("1990-03-05");
  expect(row.phone).toBe("0912345678");
  expect(row.cccd).toBe("038190000123");
  expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  const list = await admin.agent.get("/users").query({ q: "Thuỷ" });
  expect(list.text).toContain("Nguyễn Thị Thuỷ Hoà");
});

test("invalid form: 422, messages, values kept, nothing written", async () => {
  const body = validUser({ ten: "", dateOfBirth: "31/02/1990", cccd: "123456789", phone: "12", unitCode: "KHONG-CO" });
  const res = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ...body });
  expect(res.status).toBe(422);
  expect(res.text).toContain("Bắt buộc nhập");
  expect(res.text).toContain("Ngày không hợp lệ");
  expect(res.text).toContain("Số CCCD phải gồm đúng 12 chữ số");
  expect(res.text).toContain('value="123456789"');
  expect(await findByLogin(body.login)).toBeUndefined();
  const badRef = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ...validUser({ unitCode: "KHONG-CO" }) });
  expect(badRef.status).toBe(422);
  expect(badRef.text).toContain("Giá trị không có trong danh sách");
});

test("a login already used is refused", async () => {
  const u = await makeUser(ctx, "trainee");
  const res = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ...validUser({ login: u.login!.toUpperCase() }) });
  expect(res.status).toBe(422);
  expect(res.text).toContain("Tên đăng nhập này đã được dùng.");
});

test("a POST without a CSRF token gets 403 and writes nothing", async () => {
  const body = validUser();
  const res = await admin.agent.post("/users").type("form").send(body);
  expect(res.status).toBe(403);
  expect(await findByLogin(body.login)).toBeUndefined();
  const wrong = await admin.agent.post("/users").type("form").send({ ...body, _csrf: "gia-mao" });
  expect(wrong.status).toBe(403);
  expect(await findByLogin(body.login)).toBeUndefined();
});

test("<script> in a user's name is shown escaped", async () => {
  const body = validUser({ ten: "<script>alert(1)</script>" });
  const res = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ...body });
  expect(res.status).toBe(302);
  const list = await admin.agent.get("/users");
  expect(list.text).not.toMatch(/<script>alert/i);
  expect(list.text).toContain("&lt;script&gt;");
  const edit = await admin.agent.get(res.headers.location);
  expect(edit.text).not.toMatch(/<script>alert/i);
});

test("admin edits a user; role changes are audited", async () => {
  const u = await makeUser(ctx, "trainee");
  const res = await admin.agent.post(`/users/${u.id}`).type("form").send({ _csrf: admin.csrf, ...validUser({ login: u.login!, role: "trainer", ten: "Bình" }) });
  expect(res.status).toBe(302);
  const row = (await ctx.handle.db.select().from(users).where(eq(users.id, u.id)))[0];
  expect(row.role).toBe("trainer");
  expect(row.fullName).toBe("Trần Thị Thu Bình");
});

test("a deactivated user is logged out on the next request and cannot log in", async () => {
  const session = await loginAs(ctx, "trainer");
  expect((await session.agent.get("/")).status).toBe(200);
  const res = await admin.agent.post(`/users/${session.user.id}/deactivate`).type("form").send({ _csrf: admin.csrf });
  expect(res.status).toBe(302);
  const next = await session.agent.get("/");
  expect(next.status).toBe(302);
  expect(next.headers.location).toBe("/login");
  await expect(loginAs(ctx, session.user)).rejects.toThrow("login failed: 401");
  await admin.agent.post(`/users/${session.user.id}/activate`).type("form").send({ _csrf: admin.csrf });
  await loginAs(ctx, session.user);
});

test("an admin cannot deactivate themselves", async () => {
  const res = await admin.agent.post(`/users/${admin.user.id}/deactivate`).type("form").send({ _csrf: admin.csrf });
  expect(res.status).toBe(409);
  expect((await admin.agent.get("/")).status).toBe(200);
});

test("reset password shows a one-time password once, on the response page only, and ends the user's sessions", async () => {
  const session = await loginAs(ctx, "trainee");
  const res = await admin.agent.post(`/users/${session.user.id}/reset-password`).type("form").send({ _csrf: admin.csrf });
  expect(res.status).toBe(200);
  expect(res.headers["cache-control"]).toBe("no-store");
  const m = res.text.match(/id="issued-password">([a-z0-9]{10})</);
  expect(m).not.toBeNull();
  expect(res.text).toContain(`id="issued-login">${session.user.login}<`);
  expect((await session.agent.get("/")).status).toBe(302);
  // The old flash carried the password in the session until the next page: nothing of it there now.
  const stored = await ctx.handle.client.query(`select sess::text as s from "session"`);
  expect(stored.rows.map((r) => (r as { s: string }).s).join()).not.toContain(m![1]);
  const again = await admin.agent.get(`/users/${session.user.id}/edit`);
  expect(again.text).not.toContain(m![1]);
  const back = await loginAs(ctx, { ...session.user, password: m![1] });
  expect((await back.agent.get("/")).headers.location).toBe("/account/password");
});

test("list: search, role filter and pagination", async () => {
  for (let i = 0; i < 22; i++) await makeUser(ctx, "trainer", { ho: "Phạm", tenDem: "Văn", ten: `Phân Trang` });
  const p1 = await admin.agent.get("/users").query({ role: "trainer", q: "phân trang" });
  expect(p1.status).toBe(200);
  expect(p1.text).toContain("22 người dùng");
  expect(p1.text).toContain("Trang 1/2");
  const p2 = await admin.agent.get("/users").query({ role: "trainer", q: "phân trang", page: 2 });
  expect((p2.text.match(/Phạm Văn Phân Trang/g) ?? []).length).toBe(2);
  const nonsense = await admin.agent.get("/users").query({ page: "abc", role: "hacker" });
  expect(nonsense.status).toBe(200);
});

test("unknown or malformed ids give 404", async () => {
  expect((await admin.agent.get("/users/999999/edit")).status).toBe(404);
  expect((await admin.agent.get("/users/abc/edit")).status).toBe(404);
});

test("the new-user form posts to /users and asks for a password (not the admin's own record)", async () => {
  const page = await admin.agent.get("/users/new");
  expect(page.status).toBe(200);
  expect(page.text).toContain('action="/users"');
  expect(page.text).toContain('name="password"');
  expect(page.text).not.toContain(`/users/${admin.user.id}/deactivate`);
});
