/**
 * Class roster "DANH SÁCH HỌC VIÊN" (PDF and XLSX) in Vietnamese roster order, and the register book
 * "SỔ CẤP GIẤY CHỨNG NHẬN" of a year (PDF and XLSX) with re-issues and revocations noted.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { attendanceMarks, certificates, courseSessions, enrollments, users } from "../src/db/schema";
import { textOf } from "../src/lib/forms";
import { joinFullName } from "../src/lib/vietnamese";
import { loginAs, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { binary, POPPLER, popplerTest } from "./helpers/pdf";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"] });

const withPoppler = popplerTest("rosters tests");

/**
 * The expected roster order (tên, then tên đệm, then họ; Vietnamese collation): a < ă < â, d < đ,
 * u < ư, tones secondary (ngang < huyền < hỏi < ngã < sắc < nặng). A code-point sort gets Ánh, Đạt,
 * Ưng and Thủy/Thúy wrong.
 */
const EXPECTED = [
  "Nguyễn Văn Anh",
  "Phạm Thị Ánh", // stored in NFD below
  "Lê Văn Bình",
  "Bùi Tiến Đạt",
  "Hồ Thị Giang",
  "Lê Thị Hà",
  "Nguyễn Thu Hà",
  "Đỗ Văn Hùng",
  "Trần Văn Hùng",
  "Vũ Thị Thủy",
  "Vũ Thị Thúy",
  "Lý Thị Uyên",
  "Đặng Văn Ưng",
  "Hoàng Thị Vân",
];
const SHUFFLED = [12, 3, 9, 0, 13, 6, 1, 10, 4, 8, 11, 2, 7, 5].map((i) => EXPECTED[i]);

async function rosterClass(opts: { trainerIds?: number[] } = {}) {
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại cho cán bộ cấp xã", trainerIds: opts.trainerIds ?? [] });
  const sessions = await db.insert(courseSessions).values([
    { courseId: course.id, date: "2026-05-11", startTime: "07:30", endTime: "11:00" },
    { courseId: course.id, date: "2026-05-12", startTime: "07:30", endTime: "11:00" },
  ]).returning();
  const ids: Record<string, number> = {};
  for (const [i, full] of SHUFFLED.entries()) {
    const words = full.split(" ");
    let p = { ho: words[0], tenDem: words.slice(1, -1).join(" "), ten: words[words.length - 1] };
    // Typed on a keyboard that sends decomposed text (NFD); stored as is, bypassing the forms.
    if (full === "Phạm Thị Ánh") p = { ho: p.ho.normalize("NFD"), tenDem: p.tenDem.normalize("NFD"), ten: p.ten.normalize("NFD") };
    const position = i === 0 ? "=HYPERLINK(\"http://x\",\"bấm\")" : i === 1 ? "@SUM(A1:A9)" : i === 2 ? "+84 Phóng viên" : "Chuyên viên";
    const [u] = await db
      .insert(users)
      .values({ ...p, fullName: joinFullName(p).normalize(full === "Phạm Thị Ánh" ? "NFD" : "NFC"), role: "trainee", dateOfBirth: `1980-01-${String(10 + i).padStart(2, "0")}`, gender: i % 2 ? "Nữ" : "Nam", ethnicityCode: i % 3 ? "01" : "03", unitCode: "X-TRIEUSON", position, categoryId: null })
      .returning();
    ids[full] = u.id;
    await db.insert(enrollments).values({ courseId: course.id, userId: u.id, status: "enrolled" });
    await db.insert(attendanceMarks).values(sessions.map((s) => ({ sessionId: s.id, userId: u.id, status: "P" as const, source: "rollcall" })));
  }
  return { course, ids };
}

/** Indexes of the expected names in a text; -1 where missing. */
const positions = (text: string) => EXPECTED.map((n) => text.normalize("NFC").indexOf(n));

test("roster XLSX lists enrolled trainees by tên, tên đệm, họ (Vietnamese collation, NFD input) and neutralises formula-like cells", async () => {
  const { course } = await rosterClass();
  const res = await binary(admin.agent.get(`/courses/${course.id}/roster.xlsx`));
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toContain("spreadsheetml");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body);
  const ws = wb.worksheets[0];
  expect(textOf(ws.getCell("A1").value)).toBe("DANH SÁCH HỌC VIÊN");
  let header = 0;
  ws.eachRow((row, n) => {
    if (row.getCell(1).value === "TT") header = n;
  });
  expect(ws.getRow(header).values).toEqual([undefined, "TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Ghi chú"]);
  const names: string[] = [];
  const cells: ExcelJS.Cell[] = [];
  for (let r = header + 1; ws.getRow(r).getCell(1).value !== null && typeof ws.getRow(r).getCell(1).value === "number"; r++) {
    names.push(textOf(ws.getRow(r).getCell(2).value));
    ws.getRow(r).eachCell((c) => cells.push(c));
  }
  expect(names).toEqual(EXPECTED);
  expect(names.every((n) => n === n.normalize("NFC"))).toBe(true);
  // No cell is a formula, and text that starts like one is prefixed with an apostrophe.
  expect(cells.some((c) => c.type === ExcelJS.ValueType.Formula)).toBe(false);
  const texts = cells.map((c) => textOf(c.value));
  expect(texts).toContain("'=HYPERLINK(\"http://x\",\"bấm\")");
  expect(texts).toContain("'@SUM(A1:A9)");
  expect(texts).toContain("'+84 Phóng viên");
  expect(texts.some((t) => /^[=+\-@]/.test(t))).toBe(false);
});

withPoppler("roster PDF: same order, A4 landscape, header and title; pages rendered to PNG", async () => {
  const trainer = await loginAs(ctx, "trainer");
  const { course } = await rosterClass({ trainerIds: [trainer.user.id] });
  const res = await binary(trainer.agent.get(`/courses/${course.id}/roster.pdf`));
  expect(res.status).toBe(200);
  const dir = path.resolve(".tmp/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "roster.pdf");
  fs.writeFileSync(file, res.body as Buffer);
  expect(execFileSync("pdfinfo", [file], { encoding: "utf8" })).toMatch(/Page size:\s+841\.89 x 595\.28/);
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  expect(text).toContain("DANH SÁCH HỌC VIÊN");
  expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  expect(text).toContain("Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại cho cán bộ cấp xã");
  const pos = positions(text);
  expect(pos.every((p) => p >= 0)).toBe(true);
  expect([...pos].sort((a, b) => a - b)).toEqual(pos);
  execFileSync("pdftoppm", ["-r", "60", "-png", file, path.join(dir, "roster")]);

  // Only the course's staff may print it.
  const other = await loginAs(ctx, "trainer");
  expect((await other.agent.get(`/courses/${course.id}/roster.pdf`)).status).toBe(403);
  const trainee = await loginAs(ctx, "trainee");
  expect((await trainee.agent.get(`/courses/${course.id}/roster.xlsx`)).status).toBe(403);
});

test("the register book of a year (PDF and XLSX) has the DOMAIN columns, one row per certificate in number order, re-issues and revocations noted", async () => {
  const { course, ids } = await rosterClass();
  const issue = (name: string) => admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(ids[name]) });
  for (const name of ["Đặng Văn Ưng", "Lê Thị Hà", "Hoàng Thị Vân"]) expect((await issue(name)).status).toBe(302);
  const rows = await ctx.handle.db.select().from(certificates).where(eq(certificates.courseId, course.id));
  const of = (name: string) => rows.find((r) => r.userId === ids[name])!;
  await admin.agent.post(`/certificates/${of("Hoàng Thị Vân").id}/revoke`).type("form").send({ _csrf: admin.csrf, reason: "Không đủ điều kiện" });
  await admin.agent.post(`/certificates/${of("Lê Thị Hà").id}/reissue`).type("form").send({ _csrf: admin.csrf, reason: "Sửa ngày sinh" });
  const [reissued] = await ctx.handle.db.select().from(certificates).where(eq(certificates.previousId, of("Lê Thị Hà").id));
  const year = of("Lê Thị Hà").year;

  const res = await binary(admin.agent.get(`/certificates/register.xlsx?year=${year}`));
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body);
  const ws = wb.worksheets[0];
  expect(textOf(ws.getCell("A1").value)).toBe("SỔ CẤP GIẤY CHỨNG NHẬN");
  expect(textOf(ws.getCell("A2").value)).toBe(`Năm ${year}`);
  let header = 0;
  ws.eachRow((row, n) => {
    if (row.getCell(1).value === "Số vào sổ") header = n;
  });
  expect(ws.getRow(header).values).toEqual([undefined, "Số vào sổ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Đơn vị", "Khóa/lớp", "Thời gian học", "Kết quả", "Ngày cấp", "Người nhận ký", "Ghi chú"]);
  const body: string[][] = [];
  for (let r = header + 1; r <= ws.rowCount; r++) body.push((ws.getRow(r).values as unknown[]).slice(1).map(textOf));
  const mine = body.filter((r) => rows.some((c) => c.number === r[0]) || r[0] === reissued.number);
  expect(mine.map((r) => r[1])).toEqual(["Đặng Văn Ưng", "Lê Thị Hà", "Hoàng Thị Vân", "Lê Thị Hà"]); // issue order = number order
  const numbers = body.map((r) => Number(r[0].split("/")[0]));
  expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
  const ha = mine[1];
  expect(ha[6]).toBe("Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại cho cán bộ cấp xã");
  expect(ha[7]).toBe("11/05/2026 - 12/05/2026");
  expect(ha[8]).toBe("Đạt");
  expect(ha[11]).toContain(`Đã được cấp lại bằng giấy số ${reissued.number}`);
  expect(mine[2][11]).toContain("Đã thu hồi ngày");
  expect(mine[2][11]).toContain("Không đủ điều kiện");
  expect(mine[3][11]).toBe(`Cấp lại thay giấy số ${of("Lê Thị Hà").number}. Lý do: Sửa ngày sinh`);

  const page = await admin.agent.get(`/certificates/register?year=${year}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(reissued.number);
  expect((await (await loginAs(ctx, "trainer")).agent.get(`/certificates/register?year=${year}`)).status).toBe(403);

  if (!POPPLER) return console.warn("register PDF text check skipped: poppler-utils missing");
  const pdf = await binary(admin.agent.get(`/certificates/register.pdf?year=${year}`));
  expect(pdf.status).toBe(200);
  const dir = path.resolve(".tmp/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "register.pdf");
  fs.writeFileSync(file, pdf.body as Buffer);
  expect(execFileSync("pdfinfo", [file], { encoding: "utf8" })).toMatch(/Page size:\s+841\.89 x 595\.28/);
  const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
  expect(text).toContain("SỔ CẤP GIẤY CHỨNG NHẬN");
  expect(text).toContain(`NĂM ${year}`);
  for (const name of ["Đặng Văn Ưng", "Lê Thị Hà", "Hoàng Thị Vân"]) expect(text).toContain(name);
  expect(text).toContain("Người nhận ký");
  execFileSync("pdftoppm", ["-r", "60", "-png", "-l", "1", file, path.join(dir, "register")]);
});
