/** lib/pending-uploads.ts: uploads waiting for their confirmation, kept in the database. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DbHandle } from "../src/db/client";
import { sha256Hex } from "../src/lib/hash";
import { cleanPendingUploads, movePendingFiles, readPending, removePending, storePending } from "../src/lib/pending-uploads";
import { createTestDb } from "./helpers/db";
import { storedNames } from "./helpers/files";

let handle: DbHandle;
let dataDir: string;
beforeAll(async () => (handle = await createTestDb()));
afterAll(async () => handle.close());
beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pending-"))));
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const db = () => handle.db;

test("gives back exactly what was stored, and nothing once changed, removed or of another kind", async () => {
  const { stored, sha256 } = await storePending(db(), "roster", Buffer.from("Họ và tên\nAn"));
  expect((await readPending(db(), "roster", stored, sha256))?.toString()).toBe("Họ và tên\nAn");
  expect(await readPending(db(), "quiz", stored, sha256)).toBeNull();
  expect(await readPending(db(), "roster", stored, "0".repeat(64))).toBeNull();
  expect(await readPending(db(), "roster", "../../etc/passwd", sha256)).toBeNull();
  await removePending(db(), "roster", stored);
  expect(await readPending(db(), "roster", stored, sha256)).toBeNull();
});

test("a roster waits an hour, a question text a day", async () => {
  const roster = await storePending(db(), "roster", Buffer.from("a"));
  const quiz = await storePending(db(), "quiz", Buffer.from("b"));
  const later = Date.now() + 2 * HOUR;
  expect(await readPending(db(), "roster", roster.stored, roster.sha256, later)).toBeNull();
  expect((await readPending(db(), "quiz", quiz.stored, quiz.sha256, later))?.toString()).toBe("b");
  await removePending(db(), "roster", roster.stored);
  await removePending(db(), "quiz", quiz.stored);
});

test("storing sweeps abandoned uploads of its kind; start-up sweeps both kinds, not fresh ones", async () => {
  const now = Date.now();
  const oldRoster = await storePending(db(), "roster", Buffer.from("b"), now - 2 * HOUR);
  const roster = await storePending(db(), "roster", Buffer.from("a"), now);
  expect(await storedNames(db(), "roster-import")).toEqual([roster.stored]);
  expect(oldRoster.stored).not.toBe(roster.stored);
  const quiz = await storePending(db(), "quiz", Buffer.from("d"), now);
  // Aged ones stored last (their own sweep looks further back): only the start-up sweep removes them.
  await storePending(db(), "quiz", Buffer.from("c"), now - 25 * HOUR);
  await storePending(db(), "roster", Buffer.from("e"), now - 2 * HOUR);
  expect(await storedNames(db(), "quiz-import")).toHaveLength(2);
  await cleanPendingUploads(db());
  expect(await storedNames(db(), "roster-import")).toEqual([roster.stored]);
  expect(await storedNames(db(), "quiz-import")).toEqual([quiz.stored]);
  await removePending(db(), "roster", roster.stored);
  await removePending(db(), "quiz", quiz.stored);
});

test("uploads an older version left in DATA_DIR/imports and quiz-imports move into the database under their name; expired ones and temp files are deleted", async () => {
  const name = "ab".repeat(16);
  const expired = "cd".repeat(16);
  for (const folder of ["imports", "quiz-imports"]) fs.mkdirSync(path.join(dataDir, folder));
  fs.writeFileSync(path.join(dataDir, "imports", name), "Họ và tên;Ngày sinh");
  fs.writeFileSync(path.join(dataDir, "quiz-imports", expired), "::Q1:: 1+1=2 {T}");
  const old = new Date(Date.now() - 25 * HOUR);
  fs.utimesSync(path.join(dataDir, "quiz-imports", expired), old, old);
  fs.writeFileSync(path.join(dataDir, "imports", `.${"0".repeat(32)}.tmp`), "nửa tệp");
  fs.writeFileSync(path.join(dataDir, "imports", "ghi-chu.txt"), "không phải của taphuan");

  expect(await movePendingFiles(db(), dataDir)).toBe(1);
  expect(fs.readdirSync(path.join(dataDir, "imports"))).toEqual(["ghi-chu.txt"]);
  expect(fs.existsSync(path.join(dataDir, "quiz-imports"))).toBe(false);
  // A preview shown before the upgrade is still confirmed with what its session holds.
  const sha256 = sha256Hex(Buffer.from("Họ và tên;Ngày sinh"));
  expect((await readPending(db(), "roster", name, sha256))?.toString()).toBe("Họ và tên;Ngày sinh");
  expect(await storedNames(db(), "quiz-import")).not.toContain(expired);
  // Again (killed after the move, before the delete): nothing twice.
  fs.writeFileSync(path.join(dataDir, "imports", name), "Họ và tên;Ngày sinh");
  await movePendingFiles(db(), dataDir);
  expect((await storedNames(db(), "roster-import")).filter((n) => n === name)).toHaveLength(1);
  expect(fs.readdirSync(path.join(dataDir, "imports"))).toEqual(["ghi-chu.txt"]);
});
