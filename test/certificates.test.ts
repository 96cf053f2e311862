/**
 * Completion rule and explanation, issuing (one by one, refusals), snapshot and hash, the PDF,
 * trainees' own certificates, re-issue and revoke, verification page states, settings and seal.
 * Attendance marks and quiz attempts are inserted directly (those features write them in the app).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import QRCode from "qrcode";
import request, { type Response } from "supertest";
import { appSettings, attendanceMarks, auditLog, certificateCounters, certificates, courseSessions, enrollments, quizAttempts, quizzes, users } from "../src/db/schema";
import { joinFullName } from "../src/lib/vietnamese";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { completeTestSetup, loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { storedNames } from "./helpers/files";
import { binary, POPPLER, popplerTest } from "./helpers/pdf";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"], jobs: true });

const withPoppler = popplerTest("certificates tests");

/** A request whose body is collected as bytes (PDF, XLSX). */
const bodyOf = (res: Response): Buffer => res.body as Buffer;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

type Person = { ho: string; tenDem: string; ten: string; dateOfBirth?: string | null; gender?: string; login?: boolean };

/**
 * A training course with `sessions` sessions and enrolled trainees, all present at every session
 * unless `absent` says how many sessions a person missed (by index).
 */
async function trainingClass(people: Person[], opts: { sessions?: number; absent?: Record<number, number>; title?: string; trainerIds?: number[] } = {}) {
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, admin.user.id, { title: opts.title ?? "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", trainerIds: opts.trainerIds ?? [] });
  const n = opts.sessions ?? 4;
  const sessions = await db
    .insert(courseSessions)
    .values(Array.from({ length: n }, (_, i) => ({ courseId: course.id, date: `2026-03-${String(2 + i).padStart(2, "0")}`, startTime: "07:30", endTime: "11:00" })))
    .returning();
  const trainees = [];
  for (const [i, p] of people.entries()) {
    let id: number;
    let login: string | null = null;
    let password = "";
    if (p.login) {
      const u = await makeUser(ctx, "trainee", { ho: p.ho, tenDem: p.tenDem, ten: p.ten });
      id = u.id;
      login = u.login;
      password = u.password;
      await db.update(users).set({ dateOfBirth: p.dateOfBirth === undefined ? "1990-05-17" : p.dateOfBirth, gender: p.gender ?? "Nữ", unitCode: "X-TRIEUSON", ethnicityCode: "01" }).where(eq(users.id, id));
    } else {
      const [u] = await db
        .insert(users)
        .values({ ho: p.ho, tenDem: p.tenDem, ten: p.ten, fullName: joinFullName(p), role: "trainee", dateOfBirth: p.dateOfBirth === undefined ? "1988-11-02" : p.dateOfBirth, gender: p.gender ?? "Nam", unitCode: "X-TRIEUSON", ethnicityCode: "01" })
        .returning();
      id = u.id;
    }
    await db.insert(enrollments).values({ courseId: course.id, userId: id, status: "enrolled", source: "admin" });
    const missed = opts.absent?.[i] ?? 0;
    await db.insert(attendanceMarks).values(sessions.map((s, k): typeof attendanceMarks.$inferInsert => ({ sessionId: s.id, userId: id, status: k < missed ? "A" : "P", source: "rollcall" })));
    trainees.push({ id, login, password, fullName: joinFullName(p) });
  }
  return { course, sessions, trainees };
}

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

test("trainees see and download their own certificates, and no one else's", async () => {
  const { course, trainees } = await trainingClass([
    { ho: "Bùi", tenDem: "Xuân", ten: "Trường", login: true },
    { ho: "Ngô", tenDem: "Thị", ten: "Nguyệt", login: true },
  ]);
  for (const tr of trainees) await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(tr.id) });
  const rows = await certsOf(course.id);
  const mine = rows.find((r) => r.userId === trainees[0].id)!;
  const theirs = rows.find((r) => r.userId === trainees[1].id)!;
  const me = await loginAs(ctx, { id: trainees[0].id, login: trainees[0].login, password: trainees[0].password });
  const list = await me.agent.get("/my/certificates");
  expect(list.status).toBe(200);
  expect(list.text).toContain(mine.number);
  expect(list.text).not.toContain(theirs.number);
  expect((await me.agent.get(`/certificates/${mine.id}.pdf`)).status).toBe(200);
  expect((await me.agent.get(`/certificates/${theirs.id}.pdf`)).status).toBe(404);
  expect((await me.agent.get(`/certificates/${theirs.id}`)).status).toBe(403);
  expect((await me.agent.get(`/courses/${course.id}/certificates.pdf`)).status).toBe(403);
  // A trainer is not the office either; anonymous visitors are sent to log in.
  const trainer = await loginAs(ctx, "trainer");
  expect((await trainer.agent.get(`/certificates/${mine.id}.pdf`)).status).toBe(404);
  const anon = await request(ctx.app).get(`/certificates/${mine.id}.pdf`);
  expect(anon.status).toBe(302);
  expect(anon.headers.location).toBe("/login");
});

test("revoke and re-issue need a reason, are audited, delete nothing, and show on the verify page", async () => {
  const { course, trainees } = await trainingClass([{ ho: "Phan", tenDem: "Văn", ten: "Lộc", login: true }, { ho: "Dương", tenDem: "Thị", ten: "Thắm" }]);
  for (const tr of trainees) await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(tr.id) });
  const rows = await certsOf(course.id);
  const a = rows.find((r) => r.userId === trainees[0].id)!;
  const b = rows.find((r) => r.userId === trainees[1].id)!;
  const anon = request(ctx.app);

  // Valid.
  const valid = await anon.get(`/verify/${a.token}`);
  expect(valid.status).toBe(200);
  expect(valid.text).toContain("Giấy chứng nhận hợp lệ");
  expect(valid.text).toContain("Phan Văn Lộc");
  expect(valid.text).toContain(a.pdfSha256);

  // Revoke: without a reason → 422 and nothing changes.
  expect((await admin.agent.post(`/certificates/${b.id}/revoke`).type("form").send({ _csrf: admin.csrf, reason: " " })).status).toBe(422);
  expect((await certsOf(course.id)).find((r) => r.id === b.id)!.status).toBe("valid");
  expect((await admin.agent.post(`/certificates/${b.id}/revoke`).type("form").send({ _csrf: admin.csrf, reason: "Cấp nhầm người" })).status).toBe(302);
  const revoked = await anon.get(`/verify/${b.token}`);
  expect(revoked.status).toBe(200);
  expect(revoked.text).toContain("Giấy chứng nhận đã bị thu hồi");
  expect(revoked.text).toContain("Lý do: Cấp nhầm người");
  expect((await admin.agent.post(`/certificates/${b.id}/revoke`).type("form").send({ _csrf: admin.csrf, reason: "lần nữa" })).status).toBe(409);

  // The person's name was misspelt: correct it, then re-issue with a reason.
  await ctx.handle.db.update(users).set({ tenDem: "Văn", ten: "Lộc", fullName: "Phan Văn Lộc" }).where(eq(users.id, trainees[0].id));
  expect((await admin.agent.post(`/certificates/${a.id}/reissue`).type("form").send({ _csrf: admin.csrf, reason: "" })).status).toBe(422);
  const re = await admin.agent.post(`/certificates/${a.id}/reissue`).type("form").send({ _csrf: admin.csrf, reason: "Sửa họ tên" });
  expect(re.status).toBe(302);
  const all = await certsOf(course.id);
  expect(all).toHaveLength(3); // nothing deleted
  const old = all.find((r) => r.id === a.id)!;
  const next = all.find((r) => r.previousId === a.id)!;
  expect(old.status).toBe("superseded");
  expect(old.supersededAt).not.toBeNull();
  expect(next).toMatchObject({ status: "valid", version: 2, reissueReason: "Sửa họ tên", userId: trainees[0].id });
  expect(next.token).not.toBe(a.token);
  expect(next.seq).toBeGreaterThan(a.seq);
  expect((next.snapshot as unknown as CertificateSnapshot).replaces).toEqual({ number: a.number, reason: "Sửa họ tên" });
  expect(re.headers.location).toBe(`/certificates/${next.id}`);

  const superseded = await anon.get(`/verify/${a.token}`);
  expect(superseded.status).toBe(200);
  expect(superseded.text).toContain("Giấy chứng nhận đã được thay thế");
  expect(superseded.text).toContain(`href="/verify/${next.token}"`);
  expect((await anon.get(`/verify/${next.token}`)).text).toContain("Giấy chứng nhận hợp lệ");

  // The trainee now has only the new one to download; the old one is no longer theirs to print.
  const me = await loginAs(ctx, { id: trainees[0].id, login: trainees[0].login, password: trainees[0].password });
  expect((await me.agent.get(`/certificates/${next.id}.pdf`)).status).toBe(200);
  expect((await me.agent.get(`/certificates/${a.id}.pdf`)).status).toBe(404);

  const actions = (await ctx.handle.db.select().from(auditLog)).filter((l) => l.action === "certificate.revoke" || l.action === "certificate.reissue");
  expect(actions.find((l) => l.action === "certificate.revoke" && l.targetId === String(b.id))).toMatchObject({ actorId: admin.user.id, details: { reason: "Cấp nhầm người", number: b.number } });
  expect(actions.find((l) => l.action === "certificate.reissue" && l.targetId === String(next.id))).toMatchObject({ actorId: admin.user.id, details: { reason: "Sửa họ tên", previousId: a.id } });

  // The admin's page shows the chain.
  const show = await admin.agent.get(`/certificates/${next.id}`);
  expect(show.text).toContain(a.number);
  expect(show.text).toContain("Đã được cấp lại");
});

test("unknown or malformed tokens are a plain 404 'not found'", async () => {
  const anon = request(ctx.app);
  for (const token of ["AAAAAAAAAAAAAAAAAAAAAA", "x", "%27%20or%201%3D1"]) {
    const res = await anon.get(`/verify/${token}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain("Không tìm thấy giấy chứng nhận.");
  }
});

test("settings: the number pattern is validated; a new pattern, series, offsets and seal apply to new certificates only", async () => {
  const bad = await admin.agent.post("/certificates/settings").type("form").send({ _csrf: admin.csrf, pattern: "GCN/{year}", series: "GCN-UBND", offsetXmm: "0", offsetYmm: "0" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("{seq}");
  const badOffset = await admin.agent.post("/certificates/settings").type("form").send({ _csrf: admin.csrf, pattern: "{seq}/GCN", series: "GCN", offsetXmm: "99", offsetYmm: "0" });
  expect(badOffset.status).toBe(422);
  const trainer = await loginAs(ctx, "trainer");
  expect((await trainer.agent.get("/certificates/settings")).status).toBe(403);

  const { course, trainees } = await trainingClass([{ ho: "Lý", tenDem: "Thị", ten: "Phượng" }, { ho: "Hồ", tenDem: "Minh", ten: "Sơn" }]);
  await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(trainees[0].id) });
  const [before] = await certsOf(course.id);

  const saved = await admin.agent.post("/certificates/settings").type("form").send({ _csrf: admin.csrf, pattern: "Số vào sổ: {seq:4}/{year}", series: "SO-VAO-SO", offsetXmm: "1,5", offsetYmm: "-2", border: "" });
  expect(saved.status).toBe(302);
  const seal = await QRCode.toBuffer("con dấu", { type: "png", width: 120 });
  const up = await admin.agent.post("/certificates/settings/seal").field("_csrf", admin.csrf).attach("seal", seal, "dau.png");
  expect(up.status).toBe(302);
  const notPng = await admin.agent.post("/certificates/settings/seal").field("_csrf", admin.csrf).attach("seal", Buffer.from("%PDF-1.4 not an image"), "dau.png");
  expect(notPng.status).toBe(415);
  expect((await admin.agent.get("/certificates/settings/seal.png")).status).toBe(200);
  const sample = await binary(admin.agent.get("/certificates/settings/sample.pdf"));
  expect(sample.status).toBe(200);
  expect(bodyOf(sample).subarray(0, 5).toString()).toBe("%PDF-");
  if (POPPLER) {
    // For people to look at: the seal in the signature space, content shifted 1.5 mm right and 2 mm up, no border.
    const dir = path.resolve(".tmp/screenshots");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "certificate-sample.pdf"), bodyOf(sample));
    execFileSync("pdftoppm", ["-r", "60", "-png", "-singlefile", path.join(dir, "certificate-sample.pdf"), path.join(dir, "certificate-sample")]);
  }

  await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(trainees[1].id) });
  const after = (await certsOf(course.id)).find((c) => c.id !== before.id)!;
  const year = new Date().getFullYear();
  expect(after.number).toBe(`Số vào sổ: 0001/${year}`);
  expect(after.series).toBe("SO-VAO-SO");
  const s = after.snapshot as unknown as CertificateSnapshot;
  expect(s.numberLine).toBe(`Số vào sổ: 0001/${year}`);
  expect(s.print).toMatchObject({ offsetXmm: 1.5, offsetYmm: -2, border: false });
  expect(s.print.sealSha256).toBe(sha256(seal));
  expect(await storedNames(ctx.handle.db, "seal")).toContain(s.print.sealSha256);
  // Both certificates still reprint to their stored hashes (the first one without the seal).
  for (const c of [before, after]) {
    const pdf = await binary(admin.agent.get(`/certificates/${c.id}.pdf`));
    expect(sha256(bodyOf(pdf))).toBe(c.pdfSha256);
  }
  expect((before.snapshot as unknown as CertificateSnapshot).print.sealSha256).toBeNull();
  // Removing the seal keeps the file (the issued certificate names it).
  expect((await admin.agent.post("/certificates/settings/seal/remove").type("form").send({ _csrf: admin.csrf })).status).toBe(302);
  expect(sha256(bodyOf(await binary(admin.agent.get(`/certificates/${after.id}.pdf`))))).toBe(after.pdfSha256);
  // Restore the defaults for the other tests (the setup and public address included).
  await ctx.handle.db.delete(appSettings);
  await completeTestSetup(ctx.handle.db);
});

test("a revoked holder is not offered again: bulk issue skips them; issuing again needs an explicit action with a reason; the trainee sees why", async () => {
  const { course, trainees } = await trainingClass([{ ho: "Lò", tenDem: "Văn", ten: "Nhầm", login: true }, { ho: "Hà", tenDem: "Thị", ten: "Đúng" }]);
  const [wrong, right] = trainees;
  await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(wrong.id) });
  const [first] = await certsOf(course.id);
  expect((await admin.agent.post(`/certificates/${first.id}/revoke`).type("form").send({ _csrf: admin.csrf, reason: "Cấp nhầm" })).status).toBe(302);

  // The issue page lists only the other trainee as waiting; the revoked holder is in their own section.
  const page = (await admin.agent.get(`/courses/${course.id}/certificates`)).text;
  expect(page).toContain("1 học viên đạt điều kiện chưa có giấy chứng nhận.");
  const waiting = page.slice(page.indexOf("chưa có giấy chứng nhận."), page.indexOf("Giấy chứng nhận đã thu hồi"));
  expect(waiting).toContain("Hà Thị Đúng");
  expect(waiting).not.toContain("Lò Văn Nhầm");
  const revokedPart = page.slice(page.indexOf("Giấy chứng nhận đã thu hồi"));
  expect(revokedPart).toContain("Lò Văn Nhầm");
  expect(revokedPart).toContain("Cấp nhầm");
  expect(revokedPart).toContain('action="/courses/' + course.id + '/certificates/after-revocation"');
  // The completion page offers no plain "Cấp" button for them either.
  const completion = (await admin.agent.get(`/courses/${course.id}/completion`)).text;
  const row = completion.slice(completion.indexOf(`id="hv-${wrong.id}"`), completion.indexOf("</tr>", completion.indexOf(`id="hv-${wrong.id}"`)));
  expect(row).toContain("Đã thu hồi");
  expect(row).not.toContain('name="userId"');

  // "Cấp cho tất cả…" issues to the other trainee only.
  await admin.agent.post(`/courses/${course.id}/certificates/issue-all`).type("form").send({ _csrf: admin.csrf });
  for (let i = 0; i < 200; i++) {
    const job = (await admin.agent.get(`/courses/${course.id}/certificates/job`).set("Accept", "application/json")).body.job;
    if (!job.running) break;
  }
  let rows = await certsOf(course.id);
  expect(rows.filter((r) => r.userId === wrong.id).map((r) => r.status)).toEqual(["revoked"]);
  expect(rows.filter((r) => r.userId === right.id).map((r) => r.status)).toEqual(["valid"]);
  // A crafted plain issue is refused; the explicit action without a reason is 422 and writes nothing.
  expect((await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(wrong.id) })).status).toBe(409);
  const noReason = await admin.agent.post(`/courses/${course.id}/certificates/after-revocation`).type("form").send({ _csrf: admin.csrf, userId: String(wrong.id), reason: "  " });
  expect(noReason.status).toBe(422);
  expect(noReason.text).toContain("Lý do cấp lại");
  expect(await certsOf(course.id)).toHaveLength(2);

  // With a reason: a new valid certificate, the reason recorded on it and in the audit log.
  const again = await admin.agent.post(`/courses/${course.id}/certificates/after-revocation`).type("form").send({ _csrf: admin.csrf, userId: String(wrong.id), reason: "Đã xác minh đúng người" });
  expect(again.status).toBe(302);
  rows = await certsOf(course.id);
  const fresh = rows.find((r) => r.userId === wrong.id && r.status === "valid")!;
  expect(fresh).toMatchObject({ reissueReason: "Đã xác minh đúng người", previousId: first.id, version: 2 });
  const logged = (await ctx.handle.db.select().from(auditLog)).find((l) => l.action === "certificate.issue" && l.targetId === String(fresh.id));
  expect(logged?.details).toMatchObject({ reason: "Đã xác minh đúng người", afterRevocationOf: first.id });

  // The trainee's own page shows the revocation and its reason.
  const me = await loginAs(ctx, { id: wrong.id, login: wrong.login, password: wrong.password });
  const mine = (await me.agent.get("/my/certificates")).text;
  expect(mine).toContain("Đã thu hồi");
  expect(mine).toContain("Lý do: Cấp nhầm");
});
