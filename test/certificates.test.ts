/**
 * Completion rule and explanation, issuing (one by one, refusals), snapshot and hash, the PDF (the rest:
 * certificates-lifecycle.test.ts).
 * Attendance marks and quiz attempts are inserted directly (those features write them in the app).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { type Response } from "supertest";
import { auditLog, certificateCounters, certificates, courseSessions, quizAttempts, quizzes, users } from "../src/db/schema";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { loginAs, makeUser, useTestApp } from "./helpers/app";
import { trainingClass as classOf, type Person } from "./helpers/certificate-class";
import { binary, popplerTest } from "./helpers/pdf";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"], jobs: true });

const withPoppler = popplerTest("certificates tests");

/** A request whose body is collected as bytes (PDF, XLSX). */
const bodyOf = (res: Response): Buffer => res.body as Buffer;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const trainingClass = (people: Person[], opts: Parameters<typeof classOf>[3] = {}) => classOf(ctx, admin.user.id, people, opts);
const certsOf = (courseId: number) => ctx.handle.db.select().from(certificates).where(eq(certificates.courseId, courseId));

test("the completion page explains each trainee's result in words; the rule form saves; approvals count", async () => {
  const trainer = await loginAs(ctx, "trainer");
  const { course, trainees } = await trainingClass(
    [
      { ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà" },
      { ho: "Lê", tenDem: "Văn", ten: "Ưng" },
      { ho: "Trần", tenDem: "Quốc", ten: "Việt" },
    ],
    { sessions: 12, absent: { 1: 3 }, trainerIds: [trainer.user.id] },
  );
  const db = ctx.handle.db;
  const [quiz] = await db.insert(quizzes).values({ courseId: course.id, title: "Kiểm tra cuối khóa", passMark: 70 }).returning();
  await db.insert(quizAttempts).values([
    { quizId: quiz.id, userId: trainees[0].id, attemptNo: 1, status: "submitted", layout: [], percent: 85 },
    { quizId: quiz.id, userId: trainees[1].id, attemptNo: 1, status: "submitted", layout: [], percent: 65 },
  ]);

  // A trainer of the course sets the rule; bad input is re-shown with 422.
  const bad = await trainer.agent.post(`/courses/${course.id}/completion`).type("form").send({ _csrf: trainer.csrf, minAttendance: "120", requiredQuizId: String(quiz.id) });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Nhập số từ 0 đến 100");
  const saved = await trainer.agent.post(`/courses/${course.id}/completion`).type("form").send({ _csrf: trainer.csrf, minAttendance: "80", requiredQuizId: String(quiz.id), completionApprovalRequired: "on" });
  expect(saved.status).toBe(302);

  const page = await trainer.agent.get(`/courses/${course.id}/completion`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Có mặt 9/12 buổi (75%, cần 80%); bài kiểm tra 65% &lt; 70%; chờ giảng viên xác nhận → chưa đạt");
  expect(page.text).toContain("Có mặt 12/12 buổi (100%, cần 80%); bài kiểm tra 85% ≥ 70%; chờ giảng viên xác nhận → chưa đạt");
  expect(page.text).toContain("Có mặt 12/12 buổi (100%, cần 80%); chưa làm bài kiểm tra; chờ giảng viên xác nhận → chưa đạt");

  // The trainer confirms Hà: she now completes.
  const ok = await trainer.agent.post(`/courses/${course.id}/completion/${trainees[0].id}/approval`).type("form").send({ _csrf: trainer.csrf, decision: "approve" });
  expect(ok.status).toBe(302);
  const after = await trainer.agent.get(`/courses/${course.id}/completion`);
  expect(after.text).toContain("Có mặt 12/12 buổi (100%, cần 80%); bài kiểm tra 85% ≥ 70%; giảng viên đã xác nhận → đạt");
  expect(after.text).toContain("1/3 học viên đạt điều kiện.");

  // Another trainer may not change anything; a trainee sees only their own line.
  const stranger = await loginAs(ctx, "trainer");
  expect((await stranger.agent.post(`/courses/${course.id}/completion`).type("form").send({ _csrf: stranger.csrf, minAttendance: "10" })).status).toBe(403);
  const audits = await db.select().from(auditLog).where(eq(auditLog.action, "completion.approval"));
  expect(audits.some((a) => a.details?.userId === trainees[0].id && a.details?.approved === true)).toBe(true);
});

test("a trainee sees their own result on the completion page, not the others'", async () => {
  const { course, trainees } = await trainingClass([{ ho: "Phạm", tenDem: "Thị", ten: "Ánh", login: true }, { ho: "Đỗ", tenDem: "Văn", ten: "Đức" }], { absent: { 0: 1 } });
  const me = await loginAs(ctx, { id: trainees[0].id, login: trainees[0].login, password: trainees[0].password });
  const page = await me.agent.get(`/courses/${course.id}/completion`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Có mặt 3/4 buổi (75%, cần 80%) → chưa đạt");
  expect(page.text).not.toContain("Đỗ Văn Đức");
  expect((await me.agent.post(`/courses/${course.id}/completion`).type("form").send({ _csrf: me.csrf, minAttendance: "10" })).status).toBe(403);
});

test("an ineligible trainee cannot be issued a certificate by a crafted request, nor a non-admin issue one", async () => {
  const { course, trainees } = await trainingClass([{ ho: "Hoàng", tenDem: "Đức", ten: "Khải" }, { ho: "Vũ", tenDem: "Thị", ten: "Yến" }], { absent: { 0: 2 } });
  const before = await ctx.handle.db.select().from(certificateCounters);
  const res = await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(trainees[0].id) });
  expect(res.status).toBe(409);
  expect(res.text).toContain("Có mặt 2/4 buổi (50%, cần 80%) → chưa đạt");
  // Someone not enrolled in the course, by id: not found.
  const outsider = await makeUser(ctx, "trainee");
  expect((await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(outsider.id) })).status).toBe(404);
  // A trainer (even of the course) or the trainee themselves cannot issue.
  const trainer = await loginAs(ctx, "trainer");
  expect((await trainer.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: trainer.csrf, userId: String(trainees[1].id) })).status).toBe(403);
  expect(await certsOf(course.id)).toHaveLength(0);
  // Refusals take no number: the counters did not move.
  expect(await ctx.handle.db.select().from(certificateCounters)).toEqual(before);
  // Issuing twice to the same person is refused too.
  expect((await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(trainees[1].id) })).status).toBe(302);
  const twice = await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(trainees[1].id) });
  expect(twice.status).toBe(409);
  expect(await certsOf(course.id)).toHaveLength(1);
});

test("issuing checks the whole rule (best counted attempt, the trainer's decision) and prints the dates of the sessions held", async () => {
  const { course, sessions, trainees } = await trainingClass([{ ho: "Bùi", tenDem: "Xuân", ten: "Trường" }, { ho: "Ngô", tenDem: "Thị", ten: "Nguyệt" }], { sessions: 5 });
  const db = ctx.handle.db;
  const [quiz] = await db.insert(quizzes).values({ courseId: course.id, title: "Kiểm tra cuối khóa", passMark: 70 }).returning();
  await db.insert(quizAttempts).values([
    { quizId: quiz.id, userId: trainees[0].id, attemptNo: 1, status: "submitted", layout: [], percent: 60 },
    { quizId: quiz.id, userId: trainees[0].id, attemptNo: 2, status: "expired", layout: [], percent: 87.5 },
    { quizId: quiz.id, userId: trainees[0].id, attemptNo: 3, status: "open", layout: [], percent: 99 },
    { quizId: quiz.id, userId: trainees[1].id, attemptNo: 1, status: "submitted", layout: [], percent: 90 },
  ]);
  await admin.agent.post(`/courses/${course.id}/completion`).type("form").send({ _csrf: admin.csrf, minAttendance: "80", requiredQuizId: String(quiz.id), completionApprovalRequired: "on" }).expect(302);
  // The last session was cancelled: it neither counts nor prints.
  await db.update(courseSessions).set({ cancelled: true }).where(eq(courseSessions.id, sessions[4].id));
  const issue = (userId: number) => admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(userId) });

  const waiting = await issue(trainees[0].id);
  expect(waiting.status).toBe(409);
  expect(waiting.text).toContain("Có mặt 4/4 buổi (100%, cần 80%); bài kiểm tra 87,5% ≥ 70%; chờ giảng viên xác nhận → chưa đạt");
  const decide = (userId: number, decision: string) => admin.agent.post(`/courses/${course.id}/completion/${userId}/approval`).type("form").send({ _csrf: admin.csrf, decision }).expect(302);
  await decide(trainees[1].id, "reject");
  const rejected = await issue(trainees[1].id);
  expect(rejected.status).toBe(409);
  expect(rejected.text).toContain("giảng viên không xác nhận → chưa đạt");
  await decide(trainees[0].id, "approve");
  expect((await issue(trainees[0].id)).status).toBe(302);
  const [cert] = await certsOf(course.id);
  const s = cert.snapshot as unknown as CertificateSnapshot;
  expect(s.completion).toBe("Có mặt 4/4 buổi (100%, cần 80%); bài kiểm tra 87,5% ≥ 70%; giảng viên đã xác nhận → đạt");
  expect(s.result).toContain("87,5");
  expect(s.course).toMatchObject({ startDate: "2026-03-02", endDate: "2026-03-05" });
});

test("issuing stores a snapshot, token and the SHA-256 of exactly the bytes served; reprints are identical", async () => {
  const { course, trainees } = await trainingClass([{ ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà", login: true, dateOfBirth: "1991-03-05" }], { title: "Bồi dưỡng kỹ năng phát ngôn và cung cấp thông tin cho báo chí" });
  const res = await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(trainees[0].id) });
  expect(res.status).toBe(302);
  const [cert] = await certsOf(course.id);
  const s = cert.snapshot as unknown as CertificateSnapshot;
  expect(cert.token).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits, base64url
  expect(cert.number).toBe(`${String(cert.seq).padStart(3, "0")}/GCN-VHTT`);
  expect(s.verifyUrl).toMatch(new RegExp(`^http://[^/]+/verify/${cert.token}$`));
  expect(s.person).toMatchObject({ fullName: "Nguyễn Thị Thu Hà", dateOfBirth: "1991-03-05", honorific: "Bà", unit: "Xã Triệu Sơn", ethnicity: "Kinh" });
  expect(s.course).toMatchObject({ title: "Bồi dưỡng kỹ năng phát ngôn và cung cấp thông tin cho báo chí", startDate: "2026-03-02", endDate: "2026-03-05", venue: "Hội trường UBND xã Triệu Sơn" });
  expect(s.org).toMatchObject({ issuingBody: "Ủy ban nhân dân xã Triệu Sơn", signerName: "Lê Quang Trung", place: "Triệu Sơn" });
  expect(s.numberLine).toBe(`Số: ${cert.number}`);

  const first = await binary(admin.agent.get(`/certificates/${cert.id}.pdf`));
  expect(first.status).toBe(200);
  expect(first.headers["content-type"]).toBe("application/pdf");
  expect(sha256(bodyOf(first))).toBe(cert.pdfSha256);
  // The trainee downloads the very same bytes, later.
  const me = await loginAs(ctx, { id: trainees[0].id, login: trainees[0].login, password: trainees[0].password });
  const second = await binary(me.agent.get(`/certificates/${cert.id}.pdf`));
  expect(bodyOf(second).equals(bodyOf(first))).toBe(true);

  // Later edits (the person's name, the office's signer) never change an issued certificate.
  await ctx.handle.db.update(users).set({ fullName: "Nguyễn Thị Thu Hằng", ten: "Hằng" }).where(eq(users.id, trainees[0].id));
  const third = await binary(admin.agent.get(`/certificates/${cert.id}.pdf`));
  expect(sha256(bodyOf(third))).toBe(cert.pdfSha256);
  await ctx.handle.db.update(users).set({ fullName: "Nguyễn Thị Thu Hà", ten: "Hà" }).where(eq(users.id, trainees[0].id));

  const audit = await ctx.handle.db.select().from(auditLog).where(and(eq(auditLog.action, "certificate.issue"), eq(auditLog.targetId, String(cert.id))));
  expect(audit).toHaveLength(1);
  expect(audit[0].actorId).toBe(admin.user.id);
});

withPoppler("the certificate PDF prints the names and course with every diacritic (pdftotext), one page each; pages rendered to PNG", async () => {
  const people = [
    { ho: "Đặng", tenDem: "Văn", ten: "Ưng" },
    { ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà" },
    { ho: "Lê", tenDem: "Thị", ten: "Thuỷ" },
  ];
  const title = "Bồi dưỡng nghiệp vụ công tác thông tin đối ngoại năm 2026";
  const { course, trainees } = await trainingClass(people, { title });
  for (const tr of trainees) await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(tr.id) });
  const res = await binary(admin.agent.get(`/courses/${course.id}/certificates.pdf`));
  expect(res.status).toBe(200);
  const dir = path.resolve(".tmp/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "certificates-class.pdf");
  fs.writeFileSync(file, bodyOf(res));
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  expect(info).toMatch(/Pages:\s+3\b/);
  expect(info).toMatch(/Page size:\s+841\.89 x 595\.28/);
  // Roster order (tên, tên đệm, họ): Hà < Thuỷ < Ưng; one certificate per page.
  // Lines joined: pdftotext breaks where the renderer wraps a long course title.
  const pages = [1, 2, 3].map((p) => execFileSync("pdftotext", ["-f", String(p), "-l", String(p), file, "-"], { encoding: "utf8" }).replace(/\s+/g, " "));
  expect(pages[0]).toContain("Nguyễn Thị Thu Hà");
  expect(pages[1]).toContain("Lê Thị Thuỷ");
  expect(pages[2]).toContain("Đặng Văn Ưng");
  for (const text of pages) {
    expect(text).toContain("GIẤY CHỨNG NHẬN");
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(text).toContain("Độc lập - Tự do - Hạnh phúc");
    expect(text).toContain(title);
    expect(text).toContain("ỦY BAN NHÂN DÂN XÃ TRIỆU SƠN");
    expect(text).toContain("Lê Quang Trung");
    expect(text).toMatch(/Số: \d{3}\/GCN-VHTT/);
  }
  // For people to look at (one certificate per page, every mark printed): .tmp/screenshots/certificates-class-N.png
  execFileSync("pdftoppm", ["-r", "60", "-png", file, path.join(dir, "certificates-class")]);
  expect(fs.readdirSync(dir).filter((f) => /^certificates-class-\d+\.png$/.test(f)).length).toBe(3);
});
