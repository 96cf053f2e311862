/**
 * Crash safety of the bulk jobs, as after a power cut: a child process (helpers/crash-child.ts) runs a
 * roster import or a class's certificate issue on the product's own embedded PostgreSQL server (its
 * cluster in a DATA_DIR of this test, flushing to disk as in production), and while its transaction is
 * half written the child AND every process of its database server are SIGKILLed. The test then starts
 * again as the server does (lock taken over, start-up clean-up, the embedded server started: it recovers
 * from its write-ahead log) and checks that everything the job reported committed is there, that nothing
 * half-done is left, and that the job runs again to completion.
 * - Import: one transaction, so all or nothing: no person, enrollment or audit row of the roster.
 * - Certificates: the class's job, one transaction per batch (issueBatch): the killed batch is absent as a
 *   whole, numbers included; every certificate before it is whole (row, register number, counter, audit,
 *   PDF hash); the job's progress counts exactly those; run again, it issues the rest without gaps; no file.
 * - A material upload (files in the database): its file row, chunks, material row and audit in one
 *   transaction: killed after some chunks, it leaves no row at all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto, { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { and, count, eq } from "drizzle-orm";
import { openDb, type Db, type DbHandle } from "../src/db/client";
import { lockDataDir } from "../src/db/lock";
import { seedReferenceData } from "../src/db/reference-data";
import { attendanceMarks, auditLog, certificateCounters, certificates, courseSessions, enrollments, materials, users } from "../src/db/schema";
import { issueJob, runIssueJob } from "../src/features/certificates/issue-jobs";
import { snapshotPdf } from "../src/features/certificates/issue.service";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { createCourse } from "../src/features/courses/courses.service";
import { addMaterial, getDownload } from "../src/features/courses/materials.service";
import { importRoster, readUpload, removeUpload, storeUpload } from "../src/features/enrollment/import.service";
import { moveFilesIntoDatabase } from "../src/files-upgrade";
import { joinFullName } from "../src/lib/vietnamese";
import { completeTestSetup } from "./helpers/app";
import { fileRows, storedNames } from "./helpers/files";
import { startScript, type ServerProcess } from "./helpers/server-process";

jest.setTimeout(180000);
const ROWS = 3000;
const CERTIFICATES = 30;
const BATCH = 8;
const STOP_AT = 3;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-crash-"));
let handle: DbHandle | null = null;
let release: () => void = () => undefined;
let adminId: number;
const children: ServerProcess[] = [];

/** As server.ts starts: the data-directory lock (a killed process's is taken over), the database, its migrations, the start-up clean-up. */
async function start(): Promise<Db> {
  release = lockDataDir(dataDir);
  handle = await openDb({ dataDir });
  await handle.migrate();
  await moveFilesIntoDatabase(handle.db, dataDir);
  return handle.db;
}

async function stop(): Promise<void> {
  await handle?.close();
  handle = null;
  release();
}

/** The pid of the embedded server running on the test's cluster. */
const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, "postgres", "data", "postmaster.pid"), "utf8").split("\n")[0]);

/**
 * Runs the child on the same database and, once it says its transaction is half written, SIGKILLs it and
 * its database server's whole process group (postmaster and backends: nothing gets to shut down). Returns
 * what the child printed.
 */
async function killMidway(args: string[]): Promise<string> {
  const child = startScript("test/helpers/crash-child.ts", args, { DATA_DIR: dataDir });
  children.push(child);
  await child.waitFor("MIDWAY", 120000);
  const server = postmasterPid();
  process.kill(-server, "SIGKILL");
  child.child.kill("SIGKILL");
  await child.exited;
  expect(child.child.signalCode).toBe("SIGKILL");
  await waitForExit(server);
  // The killed process's lock is left behind (start() must take it over), and so is the server's pid file.
  expect(fs.readFileSync(path.join(dataDir, "taphuan.lock"), "utf8").trim()).toBe(String(child.child.pid));
  expect(postmasterPid()).toBe(server);
  return child.output();
}

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the database server ${pid} did not die`);
}

/** Files under DATA_DIR other than the embedded database's own and the process lock. */
function dataFiles(dir = ""): string[] {
  return fs.readdirSync(path.join(dataDir, dir), { withFileTypes: true })
    .filter((e) => !(dir === "" && ["postgres", "taphuan.lock"].includes(e.name)))
    .flatMap((e) => (e.isDirectory() ? dataFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

beforeAll(async () => {
  const db = await start();
  await seedReferenceData(db);
  const [admin] = await db.insert(users).values({ ho: "Quản", tenDem: "Trị", ten: "Viên", fullName: "Quản Trị Viên", role: "admin", login: "crash.admin" }).returning();
  adminId = admin.id;
  await completeTestSetup(db);
  await stop();
});

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  await Promise.all(children.map((c) => c.exited));
  await stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const newCourse = (db: Db, title: string) =>
  createCourse(db, {
    title, kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null, venue: "Hội trường UBND xã Triệu Sơn", capacity: null,
    enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false, trainerIds: [], targetCategoryIds: [], funding: [],
  }, { id: adminId });

const HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"];
const TEN = ["Hà", "Ưng", "Thủy", "Khải", "Việt", "Ánh", "Trường", "Giang", "Dũng", "Hằng"];
const pad = (n: number) => String(n).padStart(2, "0");

/** A ROWS-row XLSX roster of new people (distinct CCCD, phone and birth date). */
async function roster(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  ws.addRow(["DANH SÁCH HỌC VIÊN"]);
  ws.addRow(["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại"]);
  for (let i = 0; i < ROWS; i++) {
    const dob = new Date(Date.UTC(1960, 0, 1) + i * 86_400_000);
    ws.addRow([
      i + 1, `${HO[i % HO.length]} Văn ${TEN[Math.floor(i / HO.length) % TEN.length]}`, `${pad(dob.getUTCDate())}/${pad(dob.getUTCMonth() + 1)}/${dob.getUTCFullYear()}`,
      i % 2 ? "Nam" : "Nữ", "Kinh", "Chuyên viên", "Xã Triệu Sơn", "Cán bộ cấp xã", `038${String(900_000_000 + i)}`, `09${String(10_000_000 + i).slice(-8)}`,
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test(`a roster import killed midway leaves nothing behind; confirmed again it imports every row (embedded PostgreSQL, server killed too)`, async () => {
  let db = await start();
  const course = await newCourse(db, "Hội nghị phổ biến công tác thông tin đối ngoại");
  const peopleBefore = (await db.select({ n: count() }).from(users))[0].n;
  const { stored, sha256 } = await storeUpload(db, await roster());
  await stop();

  await killMidway(["import", String(course.id), String(adminId), stored, sha256]);

  db = await start();
  const enrolled = async () => (await db.select({ n: count() }).from(enrollments).where(eq(enrollments.courseId, course.id)))[0].n;
  const audits = async () => (await db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, "import.confirm"), eq(auditLog.targetId, String(course.id)))))[0].n;
  // Nothing: the 2,500 people written before the kill were never committed.
  expect((await db.select({ n: count() }).from(users))[0].n).toBe(peopleBefore);
  expect(await enrolled()).toBe(0);
  expect(await audits()).toBe(0);

  // The previewed file is still there and unchanged, so the same preview is confirmed again (as the route does).
  const result = await importRoster(db, course.id, await readUpload(db, stored, sha256), "xlsx", { fileName: "danh-sach.xlsx", sha256 }, { id: adminId });
  await removeUpload(db, stored);
  expect(result).toEqual({ total: ROWS, created: ROWS, enrolled: ROWS, waitlisted: 0, already: 0, invalid: 0, conflicts: 0 });
  expect((await db.select({ n: count() }).from(users))[0].n).toBe(peopleBefore + ROWS);
  expect(await enrolled()).toBe(ROWS);
  expect(await audits()).toBe(1);
  expect(await storedNames(db, "roster-import")).toEqual([]);
  await stop();
});

/** A class of CERTIFICATES eligible trainees (present at both sessions); the counters before it. */
async function certificateClass(db: Db, title: string) {
  const course = await newCourse(db, title);
  const sessions = await db.insert(courseSessions).values([
    { courseId: course.id, date: "2026-04-06", startTime: "07:30", endTime: "11:00" },
    { courseId: course.id, date: "2026-04-07", startTime: "07:30", endTime: "11:00" },
  ]).returning();
  const people = Array.from({ length: CERTIFICATES }, (_, i) => ({ ho: HO[i % HO.length], tenDem: `Thị ${i + 1}`, ten: TEN[Math.floor(i / HO.length) % TEN.length] }));
  const trainees = await db
    .insert(users)
    .values(people.map((p, i) => ({ ...p, fullName: joinFullName(p), role: "trainee" as const, dateOfBirth: `1985-0${1 + (i % 9)}-1${i % 10}` })))
    .returning({ id: users.id });
  await db.insert(enrollments).values(trainees.map((t) => ({ courseId: course.id, userId: t.id, status: "enrolled" as const })));
  await db.insert(attendanceMarks).values(trainees.flatMap((t) => sessions.map((s) => ({ sessionId: s.id, userId: t.id, status: "P" as const, source: "rollcall" }))));
  return { course, countersBefore: await db.select().from(certificateCounters) };
}

/**
 * Every certificate of the course is whole: register numbers from the counter without gaps, one audit row
 * each, and the PDF rendered from the stored snapshot matches the stored hash (checked on the numbers
 * given: a render costs ~0.2 s on a busy machine).
 */
async function expectWhole(db: Db, courseId: number, countersBefore: (typeof certificateCounters.$inferSelect)[], n: number, renderSeqs: number[]): Promise<void> {
  const rows = await db.select().from(certificates).where(eq(certificates.courseId, courseId));
  expect(rows).toHaveLength(n);
  const { year, series } = rows[0];
  const start = countersBefore.find((c) => c.year === year && c.series === series)?.lastSeq ?? 0;
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => start + i + 1));
  const [counter] = await db.select().from(certificateCounters).where(and(eq(certificateCounters.year, year), eq(certificateCounters.series, series)));
  expect(counter.lastSeq).toBe(start + n);
  expect(new Set(rows.map((r) => r.userId)).size).toBe(n);
  expect(rows.every((r) => r.status === "valid")).toBe(true);
  const audits = (await db.select().from(auditLog).where(eq(auditLog.action, "certificate.issue"))).filter((a) => a.details?.courseId === courseId);
  expect(audits.map((a) => a.details?.number).sort()).toEqual(rows.map((r) => r.number).sort());
  for (const r of rows.filter((c) => renderSeqs.includes(c.seq - start))) {
    const pdf = await snapshotPdf(r.snapshot as unknown as CertificateSnapshot);
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(r.pdfSha256);
  }
}

test(`a class's certificate job killed inside a batch's transaction leaves whole batches only, without gaps; run again it issues the rest (embedded PostgreSQL, server killed too)`, async () => {
  let db = await start();
  const { course, countersBefore } = await certificateClass(db, "Lớp bồi dưỡng kỹ năng thông tin đối ngoại trên mạng xã hội");
  const filesBefore = dataFiles();
  await stop();

  // Batches of BATCH: killed inside the STOP_AT-th, after its rows and audit rows were written.
  const output = await killMidway(["certificates", String(course.id), String(adminId), String(BATCH), String(STOP_AT)]);
  // What the job had reported committed when the power went.
  const committed = (STOP_AT - 1) * BATCH;
  expect(Number(/COMMITTED (\d+)\s*MIDWAY/.exec(output)?.[1])).toBe(committed);

  db = await start();
  // The killed batch is absent with its numbers, the ones before are whole (PDF checked on the first and last).
  await expectWhole(db, course.id, countersBefore, committed, [1, committed]);
  // Issuing writes no file (PDFs are rendered from the snapshot): nothing half written, no temp file.
  expect(dataFiles()).toEqual(filesBefore);

  // The job's progress, written in each batch's transaction, counts exactly the committed certificates.
  const killed = await issueJob(db, course.id);
  expect(killed).toMatchObject({ running: true, issued: committed, total: CERTIFICATES });
  // Run again (as the queue does once the dead process's lock is freed), the job issues exactly the rest.
  const errors: string[] = [];
  await runIssueJob(db, killed!.id, { baseUrl: "http://taphuan.test" }, (err) => errors.push(String(err)), undefined, BATCH);
  expect({ ...(await issueJob(db, course.id)), errors }).toMatchObject({ running: false, total: CERTIFICATES, done: CERTIFICATES, issued: CERTIFICATES, failures: [], errors: [] });
  // The numbers the killed batch had taken went to the next certificates issued.
  await expectWhole(db, course.id, countersBefore, CERTIFICATES, [committed + 1, CERTIFICATES]);
  expect(dataFiles()).toEqual(filesBefore);
  await stop();
});

test("a 3 MB material upload killed after 5 of its 12 chunks leaves no file, chunk, material or audit row; uploaded again it downloads byte for byte (embedded PostgreSQL, server killed too)", async () => {
  let db = await start();
  const course = await newCourse(db, "Lớp bồi dưỡng có tài liệu lớn");
  const before = await fileRows(db);
  const uploads = async () => (await db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, "material.upload"), eq(auditLog.targetId, String(course.id)))))[0].n;
  await stop();

  await killMidway(["material", String(course.id), String(adminId), String(3 * 1024 * 1024), "5"]);

  db = await start();
  expect(await fileRows(db)).toEqual(before);
  expect(await db.select().from(materials).where(eq(materials.courseId, course.id))).toEqual([]);
  expect(await uploads()).toBe(0);

  const buffer = Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(3 * 1024 * 1024 - 9)]);
  const row = await addMaterial(db, course.id, { buffer, originalName: "Bài giảng lớn.pdf", mime: "application/pdf", size: buffer.length }, { id: adminId });
  expect(await fileRows(db)).toEqual({ files: before.files + 1, chunks: before.chunks + 12 });
  const parts: Buffer[] = [];
  for await (const chunk of (await getDownload(db, course.id, row.id)).file.chunks) parts.push(Buffer.from(chunk));
  expect(Buffer.concat(parts).equals(buffer)).toBe(true);
  expect(await uploads()).toBe(1);
  await stop();
});
