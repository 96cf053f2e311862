import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cleanPendingUploads, readPending, removePending, storePending } from "../../src/lib/pending-uploads";

let dataDir: string;
beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pending-"))));
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const age = (file: string, ms: number) => {
  const t = new Date(Date.now() - ms);
  fs.utimesSync(file, t, t);
};

test("gives back exactly what was stored, and nothing once changed, removed or of another kind", () => {
  const { stored, sha256 } = storePending("roster", dataDir, Buffer.from("Họ và tên\nAn"));
  expect(readPending("roster", dataDir, stored, sha256)?.toString()).toBe("Họ và tên\nAn");
  expect(readPending("quiz", dataDir, stored, sha256)).toBeNull();
  expect(readPending("roster", dataDir, stored, "0".repeat(64))).toBeNull();
  expect(readPending("roster", dataDir, "../../etc/passwd", sha256)).toBeNull();
  removePending("roster", dataDir, stored);
  expect(readPending("roster", dataDir, stored, sha256)).toBeNull();
});

test("a roster waits an hour, a question text a day", () => {
  const roster = storePending("roster", dataDir, Buffer.from("a"));
  const quiz = storePending("quiz", dataDir, Buffer.from("b"));
  const later = Date.now() + 2 * HOUR;
  expect(readPending("roster", dataDir, roster.stored, roster.sha256, later)).toBeNull();
  expect(readPending("quiz", dataDir, quiz.stored, quiz.sha256, later)?.toString()).toBe("b");
});

test("start-up sweeps both kinds: abandoned uploads and the temp files of a killed write, not fresh ones", () => {
  const roster = storePending("roster", dataDir, Buffer.from("a"));
  const oldRoster = storePending("roster", dataDir, Buffer.from("b"));
  const oldQuiz = storePending("quiz", dataDir, Buffer.from("c"));
  const quiz = storePending("quiz", dataDir, Buffer.from("d"));
  age(path.join(dataDir, "imports", oldRoster.stored), 2 * HOUR);
  age(path.join(dataDir, "quiz-imports", oldQuiz.stored), 25 * HOUR);
  const temp = `.${"a".repeat(32)}.tmp`;
  fs.writeFileSync(path.join(dataDir, "quiz-imports", temp), "half");
  fs.writeFileSync(path.join(dataDir, "imports", temp), "half");
  cleanPendingUploads(dataDir);
  expect(fs.readdirSync(path.join(dataDir, "imports"))).toEqual([roster.stored]);
  expect(fs.readdirSync(path.join(dataDir, "quiz-imports"))).toEqual([quiz.stored]);
});
