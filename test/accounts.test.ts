/** Class accounts, account slips, one-time passwords and the forced first password change. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import { auditLog, enrollments, users } from "../src/db/schema";
import { enrollWithoutLogin } from "./helpers/accounts";
import { anonymousAgent, csrfFrom, loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { binary, popplerTest } from "./helpers/pdf";

const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });

const db = () => ctx.handle.db;
const withPoppler = popplerTest("accounts tests");
const bodyOf = (res: { body: unknown }) => res.body as Buffer;
const rowsOf = async (ids: number[]) => db().select().from(users).where(inArray(users.id, ids));
const sessionsText = async () => (await ctx.handle.client.query(`select sess::text as s from "session"`)).rows.map((r) => (r as { s: string }).s).join("\n");

/** Slips of a PDF as text, one string per page. */
function pdfPages(buf: Buffer, name: string): { file: string; pages: string[] } {
  const dir = path.resolve(".tmp/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, buf);
  const n = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
  const pages = Array.from({ length: n }, (_, i) => execFileSync("pdftotext", ["-f", String(i + 1), "-l", String(i + 1), file, "-"], { encoding: "utf8" }).normalize("NFC"));
  return { file, pages };
}

/** Logs in with a slip's login and one-time password; returns the agent (its next pages must ask for a new password). */
async function slipLogin(login: string, password: string) {
  const { agent, csrf } = await anonymousAgent(ctx);
  const res = await agent.post("/login").type("form").send({ _csrf: csrf, login, password });
  expect(res.status).toBe(302);
  return agent;
}

withPoppler("the course's trainer creates accounts for the whole class in one action: unique logins; the slips PDF has one slip per trainee (pdftotext, page rendered to PNG)", async () => {
  const course = await makeCourse(ctx, admin.user.id, { title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", trainerIds: [trainer.user.id] });
  await makeUser(ctx, "trainee", { login: "hantt" }); // someone elsewhere already has the obvious login
  const names = ["Nguyễn Thị Thu Hà", "Nguyễn Thị Thu Hà", "Đặng Văn Ưng", "Lê Thị Thuỷ", "Trần Văn Bình", "Phạm Minh Châu", "Hoàng Văn Dũng", "Vũ Thị Lan", "Bùi Văn Nam"];
  const people = await enrollWithoutLogin(ctx, course.id, names);
  // Not touched: someone who can already log in, and someone who left the course.
  const ready = await makeUser(ctx, "trainee");
  await db().insert(enrollments).values({ courseId: course.id, userId: ready.id, status: "enrolled", source: "admin" });
  const [left] = await enrollWithoutLogin(ctx, course.id, ["Ngô Văn Rời"]);
  await db().update(enrollments).set({ status: "cancelled" }).where(eq(enrollments.userId, left.id));

  const page = await trainer.agent.get(`/courses/${course.id}/participants`);
  expect(page.text).toContain("9 học viên của lớp chưa có tài khoản đăng nhập.");
  expect(page.text).toContain(`action="/courses/${course.id}/accounts"`);

  const res = await binary(trainer.agent.post(`/courses/${course.id}/accounts`).type("form").send({ _csrf: trainer.csrf }));
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toContain("application/pdf");
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers["content-disposition"]).toContain("attachment");

  const rows = await rowsOf(people.map((p) => p.id));
  const logins = rows.map((r) => r.login!);
  expect(new Set(logins).size).toBe(9);
  expect(logins.filter((l) => l.startsWith("hantt")).sort()).toEqual(["hantt2", "hantt3"]);
  expect(logins).toContain("ungdv");
  for (const r of rows) {
    expect(r.login).toMatch(/^[a-z0-9]{3,}$/);
    expect(r.passwordHash).toMatch(/^\$argon2id\$/);
    expect(r.mustChangePassword).toBe(true);
  }
  expect((await rowsOf([ready.id]))[0].mustChangePassword).toBe(false);
  expect((await rowsOf([left.id]))[0].login).toBeNull();
  const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, "user.class_accounts"));
  expect(entry.actorId).toBe(trainer.user.id);

  // The same press again: nobody left without an account.
  const again = await trainer.agent.post(`/courses/${course.id}/accounts`).type("form").send({ _csrf: trainer.csrf });
  expect(again.status).toBe(302);
  const after = await trainer.agent.get(again.headers.location);
  expect(after.text).toContain("Không có học viên nào cần tạo tài khoản.");
  expect(after.text).toContain("Mọi học viên của lớp đã có tài khoản đăng nhập.");
  expect(after.text).toContain("hantt2");
  // Nothing of the passwords outlives the response: not in the session, not in the audit log.
  expect(await sessionsText()).not.toMatch(/"password"/);
  expect(JSON.stringify(entry.details)).not.toMatch(/password/i);
  const { file, pages } = pdfPages(bodyOf(res), "account-slips");
  expect(pages).toHaveLength(2);
  const all = pages.join("\n");
  expect((all.match(/PHIẾU TÀI KHOẢN HỌC VIÊN/g) ?? []).length).toBe(9);
  expect((pages[0].match(/PHIẾU TÀI KHOẢN HỌC VIÊN/g) ?? []).length).toBe(8);
  for (const r of rows) {
    expect(all).toContain(r.fullName);
    expect(all).toContain(r.login!);
  }
  expect((all.match(/Mật khẩu \(dùng một lần\):/g) ?? []).length).toBe(9);
  expect((all.match(/\b[a-hjkmnp-z2-9]{10}\b/g) ?? []).length).toBeGreaterThanOrEqual(9);
  // The configured public address (test/helpers/app.ts), not the address the request came in on.
  expect(all).toContain("Địa chỉ: http://taphuan.test");
  expect(all).toContain("Bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026");
  // Roster order (tên, tên đệm, họ): Bình first.
  expect(pages[0].indexOf("Trần Văn Bình")).toBeLessThan(pages[0].indexOf("Phạm Minh Châu"));
  execFileSync("pdftoppm", ["-r", "70", "-png", "-f", "1", "-l", "1", file, path.join(path.dirname(file), "account-slips")]);
  expect(fs.existsSync(path.join(path.dirname(file), "account-slips-1.png"))).toBe(true);
});

test("only admins and the course's trainers may create class accounts", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const people = await enrollWithoutLogin(ctx, course.id, ["Lý Văn Khách"]);
  const other = await loginAs(ctx, "trainer");
  const trainee = await loginAs(ctx, "trainee");
  for (const s of [other, trainee]) {
    expect((await s.agent.post(`/courses/${course.id}/accounts`).type("form").send({ _csrf: s.csrf })).status).toBe(403);
  }
  expect((await rowsOf([people[0].id]))[0].login).toBeNull();
  const res = await binary(admin.agent.post(`/courses/${course.id}/accounts`).type("form").send({ _csrf: admin.csrf }));
  expect(res.status).toBe(200);
  expect((await rowsOf([people[0].id]))[0].login).toBe("khachlv");
});

withPoppler("the first login with a one-time password must set a new one (10+ characters) before any page; then it is gone", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const [person] = await enrollWithoutLogin(ctx, course.id, ["Đinh Thị Mai"]);
  const res = await binary(trainer.agent.post(`/courses/${course.id}/accounts`).type("form").send({ _csrf: trainer.csrf }));
  const text = pdfText(bodyOf(res));
  const password = /\b([a-hjkmnp-z2-9]{10})\b/.exec(text.replace("maidt", ""))![1];
  const agent = await slipLogin("maidt", password);

  for (const url of ["/", "/courses", "/users", "/my/courses"]) {
    const r = await agent.get(url);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe("/account/password");
  }
  const form = await agent.get("/account/password");
  expect(form.status).toBe(200);
  expect(form.text).toContain("Đặt mật khẩu mới");
  expect(form.text).not.toContain('name="currentPassword"');
  const csrf = csrfFrom(form.text);
  const post = (body: Record<string, string>) => agent.post("/account/password").type("form").send({ _csrf: csrf, ...body });
  const short = await post({ newPassword: "ngan-qua1", confirmPassword: "ngan-qua1" });
  expect(short.status).toBe(422);
  expect(short.text).toContain("Mật khẩu mới phải dài ít nhất 10 ký tự.");
  const same = await post({ newPassword: password, confirmPassword: password });
  expect(same.status).toBe(422);
  expect(same.text).toContain("Mật khẩu mới phải khác mật khẩu dùng một lần.");
  expect((await rowsOf([person.id]))[0].mustChangePassword).toBe(true);

  const ok = await post({ newPassword: "mai-dinh-2026-moi", confirmPassword: "mai-dinh-2026-moi" });
  expect(ok.status).toBe(302);
  expect(ok.headers.location).toBe("/my/courses"); // the last page asked for
  expect((await agent.get("/my/courses")).status).toBe(200);
  expect((await rowsOf([person.id]))[0].mustChangePassword).toBe(false);
  // A new session with the new password goes straight in; the one-time password no longer works.
  const fresh = await loginAs(ctx, { id: person.id, login: "maidt", password: "mai-dinh-2026-moi" });
  expect((await fresh.agent.get("/")).status).toBe(200);
  const { agent: a2, csrf: c2 } = await anonymousAgent(ctx);
  expect((await a2.post("/login").type("form").send({ _csrf: c2, login: "maidt", password })).status).toBe(401);
});

test("an admin's reset of a person without a login creates the login; the password shown once works and is kept nowhere", async () => {
  const course = await makeCourse(ctx, admin.user.id);
  const [person] = await enrollWithoutLogin(ctx, course.id, ["Cao Văn Sơn"], { email: "son.cao@example.vn" });
  const res = await admin.agent.post(`/users/${person.id}/reset-password`).type("form").send({ _csrf: admin.csrf });
  expect(res.status).toBe(200);
  expect(res.headers["cache-control"]).toBe("no-store");
  const login = /id="issued-login">([^<]+)</.exec(res.text)![1];
  const password = /id="issued-password">([^<]+)</.exec(res.text)![1];
  expect(login).toBe("soncv");
  expect(password).toMatch(/^[a-hjkmnp-z2-9]{10}$/);
  const [row] = await rowsOf([person.id]);
  expect(row.login).toBe("soncv");
  expect(row.mustChangePassword).toBe(true);
  // Not in the session (no flash), not on the next page.
  expect(await sessionsText()).not.toContain(password);
  expect((await admin.agent.get(`/users/${person.id}/edit`)).text).not.toContain(password);
  const [entry] = await db().select().from(auditLog).where(sql`${auditLog.action} = 'user.password_reset' and ${auditLog.targetId} = ${String(person.id)}`);
  expect(entry.details).toEqual({ loginCreated: true });

  const agent = await slipLogin(login, password);
  expect((await agent.get("/")).headers.location).toBe("/account/password");
});

function pdfText(buf: Buffer): string {
  const dir = path.resolve(".tmp");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `slip-${process.pid}.pdf`);
  fs.writeFileSync(file, buf);
  try {
    return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  } finally {
    fs.rmSync(file, { force: true });
  }
}
