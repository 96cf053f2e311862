/**
 * The real server process on the embedded database: first start, the data-directory lock, a restart
 * after SIGKILL, and data surviving it. (PostgreSQL start-up is the same code minus the lock.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { csrfFrom } from "./helpers/app";
import { startServer, type ServerProcess } from "./helpers/server-process";

jest.setTimeout(300000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-server-"));
const running: ServerProcess[] = [];
const port = 39000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}): ServerProcess {
  const s = startServer({ DATA_DIR: dataDir, PORT: String(port), ...env });
  running.push(s);
  return s;
}

async function login(agent: ReturnType<typeof request.agent>, loginName: string, password: string) {
  const csrf = csrfFrom((await agent.get("/login")).text);
  return agent.post("/login").type("form").send({ _csrf: csrf, login: loginName, password });
}

test("a bad configuration value stops start-up with a message naming the variable", async () => {
  const s = startServer({ DATA_DIR: dataDir, PORT: "khong-phai-so" });
  running.push(s);
  expect(await s.exited).toBe(1);
  expect(s.output()).toContain("PORT");
  const s2 = startServer({ DATA_DIR: dataDir, DATABASE_URL: "mysql://x" });
  running.push(s2);
  expect(await s2.exited).toBe(1);
  expect(s2.output()).toContain("DATABASE_URL");
});

test("first start, lock, SIGKILL, restart: data survives and the password is printed only once", async () => {
  const first = start();
  await first.waitFor("taphuan đang chạy");
  const m = first.output().match(/Mật khẩu \(chỉ hiện một lần\): (\S+)/);
  expect(m).not.toBeNull();
  const password = m![1];
  expect((await request(base).get("/login")).status).toBe(200);

  // Write through the app: the admin creates a user.
  const agent = request.agent(base);
  expect((await login(agent, "admin", password)).status).toBe(302);
  const csrf = csrfFrom((await agent.get("/users/new")).text);
  const created = await agent.post("/users").type("form").send({ _csrf: csrf, ho: "Lê", tenDem: "Thị", ten: "Thuỷ", login: "le.thuy", role: "trainer", password: "mat-khau-le-thuy" });
  expect(created.status).toBe(302);

  // A second server on the same directory refuses to start.
  const second = startServer({ DATA_DIR: dataDir, PORT: String(port + 1) });
  running.push(second);
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain("đang được một tiến trình taphuan khác");

  // Kill -9 leaves a stale lock; a restart takes it over.
  first.child.kill("SIGKILL");
  await first.exited;
  expect(fs.existsSync(path.join(dataDir, "taphuan.lock"))).toBe(true);
  const again = start();
  await again.waitFor("taphuan đang chạy");
  expect(again.output()).not.toContain("Mật khẩu (chỉ hiện một lần)");
  const agent2 = request.agent(base);
  expect((await login(agent2, "le.thuy", "mat-khau-le-thuy")).status).toBe(302);
  const page = await agent2.get("/");
  expect(page.text).toContain("Lê Thị Thuỷ");

  // A clean stop releases the lock.
  again.child.kill("SIGTERM");
  expect(await again.exited).toBe(0);
  expect(fs.existsSync(path.join(dataDir, "taphuan.lock"))).toBe(false);
});

test("TAPHUAN_ADMIN_EMAIL/PASSWORD create the first admin on an empty database", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-server-"));
  const s = startServer({ DATA_DIR: dir, PORT: String(port + 2), TAPHUAN_ADMIN_EMAIL: "VanPhong@TrieuSon.gov.vn", TAPHUAN_ADMIN_PASSWORD: "mot-mat-khau-dai" });
  running.push(s);
  try {
    await s.waitFor("taphuan đang chạy");
    expect(s.output()).not.toContain("Mật khẩu (chỉ hiện một lần)");
    const agent = request.agent(`http://127.0.0.1:${port + 2}`);
    expect((await login(agent, "vanphong@trieuson.gov.vn", "mot-mat-khau-dai")).status).toBe(302);
    expect(fs.readFileSync(path.join(dir, "session-secret"), "utf8").trim().length).toBeGreaterThanOrEqual(32);
  } finally {
    s.child.kill("SIGTERM");
    await s.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
