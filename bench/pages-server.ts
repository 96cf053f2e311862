/**
 * Child process for bench/pages.ts: serves either a bare Express "hello" (baseline) or the real app on a
 * seeded database, and prints "READY <port>" (plus the fixture ids as JSON) when it is ready; or ("seed")
 * only seeds the database at PAGES_DATABASE_URL, prints "READY 0 <ids>" and exits, for bench/pages.ts to
 * start the real server (dist/server.js, with WORKERS) on it. Run with `node -r tsx/cjs`: only this file is
 * TypeScript.
 */
import express from "express";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
// The app as `npm start` runs it: compiled JavaScript from dist/ (bench/pages.ts builds it first), so the
// memory figure is the production server's, not a TypeScript loader's.
import type * as App from "../src/app";
import type * as Client from "../src/db/client";
import type * as ReferenceData from "../src/db/reference-data";
import type * as Courses from "../src/features/courses/courses.service";
import type * as Sessions from "../src/features/courses/sessions.service";
import type * as Enrollment from "../src/features/enrollment/enrollment.service";
import type * as Users from "../src/features/users/users.service";
import type * as PublicUrl from "../src/lib/public-url";
import type * as SetupState from "../src/lib/setup-state";

const { createApp } = require("../dist/app") as typeof App;
const { openDb } = require("../dist/db/client") as typeof Client;
const { seedReferenceData } = require("../dist/db/reference-data") as typeof ReferenceData;
const { createCourse, getCourse } = require("../dist/features/courses/courses.service") as typeof Courses;
const { addSessions } = require("../dist/features/courses/sessions.service") as typeof Sessions;
const { addParticipant } = require("../dist/features/enrollment/enrollment.service") as typeof Enrollment;
const { createUser } = require("../dist/features/users/users.service") as typeof Users;
const { savePublicUrl } = require("../dist/lib/public-url") as typeof PublicUrl;
const { markSetupDone } = require("../dist/lib/setup-state") as typeof SetupState;

async function main() {
  const mode = process.argv[2];
  if (mode === "hello") {
    const app = express();
    app.get("/", (_req, res) => res.send("hello"));
    const server = app.listen(0, "127.0.0.1", () => console.log(`READY ${(server.address() as { port: number }).port}`));
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-"));
  const handle = await openDb({ databaseUrl: process.env.PAGES_DATABASE_URL, dataDir });
  await handle.migrate();
  await seedReferenceData(handle.db);
  const db = handle.db;
  const person = (i: number, role: "admin" | "trainer" | "trainee") => ({
    ho: "Nguyễn", tenDem: "Văn", ten: `Bench${i}`, login: `${role}${i}@bench.vn`, email: null, phone: null, role,
    dateOfBirth: null, gender: null, ethnicityCode: null, position: null, unitCode: "X-TRIEUSON", categoryId: null, cccd: null, password: "mat-khau-bench",
  });
  const admin = await createUser(db, person(0, "admin"), null);
  const trainer = await createUser(db, person(0, "trainer"), null);
  // The first-run setup, done (else every page leads to it).
  await savePublicUrl(db, "https://taphuan.bench.vn", { id: admin.id });
  await markSetupDone(db, admin.id);
  const trainees: Awaited<ReturnType<typeof createUser>>[] = [];
  for (let i = 1; i <= 50; i++) trainees.push(await createUser(db, person(i, "trainee"), null));
  const courseIds: number[] = [];
  for (let c = 0; c < 40; c++) {
    const course = await createCourse(db, {
      title: `Lớp bồi dưỡng thông tin đối ngoại số ${c + 1}`, kind: c % 3 ? "training" : "conference", planTaskId: null, topic: "Thông tin đối ngoại", description: "Mô tả khóa học",
      organiserUnitCode: null, venue: "Hội trường", capacity: 100, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
      trainerIds: [trainer.id], targetCategoryIds: [], funding: [{ source: "state", amount: 5_000_000, note: null }],
    }, { id: admin.id });
    await addSessions(db, await getCourse(db, course.id), { date: "2026-12-01", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, weekdays: [1, 3, 5], repeatUntil: "2026-12-20" }, { id: admin.id });
    for (const tr of trainees.slice(0, 30)) await addParticipant(db, course.id, tr.id, "admin", null);
    courseIds.push(course.id);
  }
  if (mode === "seed") {
    console.log(`READY 0 ${JSON.stringify({ courseIds, trainees: trainees.map((x) => x.login), admin: admin.login, dbPid: null })}`);
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    return;
  }
  const app = createApp({ handle, sessionSecret: "bench-secret-bench-secret-bench-secret", pruneSessions: false, loginIpLimit: 100000, logger: pino({ level: "silent" }) });
  const server = app.listen(0, "127.0.0.1", () => {
    const info = { courseIds, trainees: trainees.map((x) => x.login), admin: admin.login, dbPid: handle.server?.pid ?? null };
    console.log(`READY ${(server.address() as { port: number }).port} ${JSON.stringify(info)}`);
  });
  // Stopped with SIGTERM: the embedded database server stops too, and its folder goes.
  process.on("SIGTERM", () => {
    server.close();
    void handle.close().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
