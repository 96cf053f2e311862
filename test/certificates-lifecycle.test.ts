/**
 * After issuing: trainees' own certificates, re-issue and revoke, verification page states, settings and
 * seal, a revoked holder and the bulk issue (the first part: certificates.test.ts).
 * Attendance marks and quiz attempts are inserted directly (those features write them in the app).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import request, { type Response } from "supertest";
import { appSettings, auditLog, certificates, users } from "../src/db/schema";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { completeTestSetup, loginAs, useTestApp } from "./helpers/app";
import { trainingClass as classOf, type Person } from "./helpers/certificate-class";
import { storedNames } from "./helpers/files";
import { binary, POPPLER } from "./helpers/pdf";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"], jobs: true });

/** A request whose body is collected as bytes (PDF, XLSX). */
const bodyOf = (res: Response): Buffer => res.body as Buffer;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const trainingClass = (people: Person[], opts: Parameters<typeof classOf>[3] = {}) => classOf(ctx, admin.user.id, people, opts);
const certsOf = (courseId: number) => ctx.handle.db.select().from(certificates).where(eq(certificates.courseId, courseId));

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
