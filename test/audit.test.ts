import fs from "node:fs";
import path from "node:path";
import { AUDIT_ACTION_LABELS, actionLabel, detailLines } from "../src/features/audit/audit-labels";
import { loginAs, makeUser, anonymousAgent, useTestApp } from "./helpers/app";

const { ctx } = useTestApp();

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
  expect(byPerson.text).toContain("Thành: trainer");
  expect(byPerson.text).not.toContain("&#34;to&#34;");
  const future = await admin.agent.get("/audit").query({ from: "01/01/2099" });
  expect(future.text).toContain("0 dòng");
  const bad = await admin.agent.get("/audit").query({ from: "<script>", page: "x" });
  expect(bad.status).toBe(200);
  const trainee = await loginAs(ctx, "trainee");
  expect((await trainee.agent.get("/audit")).status).toBe(403);
});

/** Every action name written in src (outside src/db): `action: "x"` and both sides of `action: cond ? "x" : "y"`. */
function actionsInSources(dir: string): Set<string> {
  const out = new Set<string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "db") for (const a of actionsInSources(file)) out.add(a); // the schema's column is named "action"
    } else if (file.endsWith(".ts")) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/action: ([^,}\n]+)/g)) {
        for (const lit of m[1].matchAll(/"([a-z_]+(?:\.[a-z_]+)*)"/g)) out.add(lit[1]);
      }
    }
  }
  return out;
}

test("every action name written anywhere in src has a Vietnamese label; details read as words", async () => {
  const written = actionsInSources(path.join(__dirname, "..", "src"));
  expect(written.size).toBeGreaterThan(40);
  expect(written).toContain("certificate.revoke");
  expect(written).toContain("user.deactivate");
  const missing = [...written].filter((a) => actionLabel(a) === a);
  expect(missing).toEqual([]);
  expect(actionLabel("certificate.revoke")).toBe("Thu hồi giấy chứng nhận");
  expect(AUDIT_ACTION_LABELS["quiz.create"]).toBe("Tạo bài kiểm tra");
  expect(detailLines({ number: "015/GCN", reason: "Cấp nhầm", approved: true, ids: [3, 4] })).toEqual(["Số: 015/GCN", "Lý do: Cấp nhầm", "Xác nhận: Có", "ids: 3, 4"]);
  expect(detailLines(null)).toEqual([]);
});
