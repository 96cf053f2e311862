/** Password hashing: argon2id with the library's (OWASP) cost in production; a cheap cost only under Jest. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { hashPassword, verifyPassword } from "../../src/lib/passwords";

const ROOT = path.resolve(__dirname, "../..");

test("a process outside Jest hashes with argon2id at 19 MiB and 2 passes; under Jest cheaply; both verify", async () => {
  const env = { ...process.env };
  delete env.JEST_WORKER_ID;
  const script = `require("./src/lib/passwords").hashPassword("mat-khau-thu-nghiem").then((h) => console.log(h))`;
  const strong = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, env, encoding: "utf8" }).trim();
  expect(strong).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

  const cheap = await hashPassword("mat-khau-thu-nghiem");
  expect(cheap).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
  for (const h of [strong, cheap]) {
    expect(await verifyPassword(h, "mat-khau-thu-nghiem")).toBe(true);
    expect(await verifyPassword(h, "mat-khau-khac-hẳn")).toBe(false);
  }
});
