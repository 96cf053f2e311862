/** `npm run backup` and `npm run restore` as processes, on the embedded database, with and without a running server. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import request from "supertest";
import { csrfFrom } from "./helpers/app";
import { startServer } from "./helpers/server-process";

jest.setTimeout(300000);
const run = promisify(execFile);
const root = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-cli-"));
// The data directories are inside: when the tests run as root, the embedded server's "postgres" user must
// be able to pass through this folder (the app opens up DATA_DIR itself, never its parents).
fs.chmodSync(tmp, 0o711);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = (script: string, args: string[], dataDir: string) =>
  run(process.execPath, ["--import", "tsx", `src/cli/${script}.ts`, ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: "silent" } });

test("backup through a running server (SIGUSR2), then restore into a fresh data directory", async () => {
  const dataDir = path.join(tmp, "a");
  const port = 40000 + Math.floor(Math.random() * 1000);
  const server = startServer({ DATA_DIR: dataDir, PORT: String(port), TAPHUAN_ADMIN_EMAIL: "admin@vd.vn", TAPHUAN_ADMIN_PASSWORD: "mat-khau-quan-tri" });
  try {
    await server.waitFor("taphuan đang chạy");
    const { stdout } = await cli("backup", [], dataDir);
    expect(stdout).toContain("qua máy chủ đang chạy");
    const file = stdout.trim().split(": ").pop()!;
    expect(fs.existsSync(file)).toBe(true);

    const fresh = path.join(tmp, "b");
    const restored = await cli("restore", [file], fresh);
    expect(restored.stdout).toContain("Đã khôi phục");
    await expect(cli("restore", [file], fresh)).rejects.toMatchObject({ stderr: expect.stringContaining("không trống") });

    server.child.kill("SIGTERM");
    await server.exited;
    const second = startServer({ DATA_DIR: fresh, PORT: String(port + 1) });
    try {
      await second.waitFor("taphuan đang chạy");
      expect(second.output()).not.toContain("Mật khẩu (chỉ hiện một lần)");
      const agent = request.agent(`http://127.0.0.1:${port + 1}`);
      const csrf = csrfFrom((await agent.get("/login")).text);
      expect((await agent.post("/login").type("form").send({ _csrf: csrf, login: "admin@vd.vn", password: "mat-khau-quan-tri" })).status).toBe(302);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  } finally {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
  }
});

test("backup -- FILE through a running server writes FILE (0600), not into DATA_DIR/backups", async () => {
  const dataDir = path.join(tmp, "c");
  const port = 41000 + Math.floor(Math.random() * 1000);
  const server = startServer({ DATA_DIR: dataDir, PORT: String(port) });
  try {
    await server.waitFor("taphuan đang chạy");
    const target = path.join(tmp, "chosen", "ban-sao-luu.jsonl.gz");
    const { stdout } = await cli("backup", [target], dataDir);
    expect(stdout).toContain("qua máy chủ đang chạy");
    expect(stdout.trim().split(": ").pop()).toBe(target);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(target)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.join(dataDir, "backups")).filter((f) => f.endsWith(".jsonl.gz"))).toEqual([]);
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
});
