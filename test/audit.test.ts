import { createTestApp, loginAs, makeUser, anonymousAgent, type TestContext } from "./helpers/app";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx.close());

test("admins see logins, failed logins and role changes, filtered by person, action and date", async () => {
  const admin = await loginAs(ctx, "admin");
  const victim = await makeUser(ctx, "trainee", { ho: "Trịnh", tenDem: "Thị", ten: "Nhật Ký" });
  const { agent, csrf } = await anonymousAgent(ctx);
  await agent.post("/login").type("form").send({ _csrf: csrf, login: victim.login, password: "sai-mat-khau" });
  await admin.agent.post(`/users/${victim.id}`).type("form").send({ _csrf: admin.csrf, ho: "Trịnh", tenDem: "Thị", ten: "Nhật Ký", login: victim.login, role: "trainer" });

  const all = await admin.agent.get("/audit");
  expect(all.status).toBe(200);
  expect(all.text).toContain("Đăng nhập sai");
  expect(all.text).toContain("Đổi vai trò");
  const failed = await admin.agent.get("/audit").query({ action: "login.failed" });
  expect(failed.text).toContain(victim.login!);
  expect(failed.text).not.toContain("Đổi vai trò</td>");
  const byPerson = await admin.agent.get("/audit").query({ person: "Nhật Ký", action: "user.role" });
  expect(byPerson.text).toContain("&#34;to&#34;:&#34;trainer&#34;");
  const future = await admin.agent.get("/audit").query({ from: "01/01/2099" });
  expect(future.text).toContain("0 dòng");
  const bad = await admin.agent.get("/audit").query({ from: "<script>", page: "x" });
  expect(bad.status).toBe(200);
  const trainee = await loginAs(ctx, "trainee");
  expect((await trainee.agent.get("/audit")).status).toBe(403);
});
