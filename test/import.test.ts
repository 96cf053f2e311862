import ExcelJS from "exceljs";
import { and, count, eq } from "drizzle-orm";
import { auditLog, enrollments, storedFiles as storedFilesTable, users } from "../src/db/schema";
import { createCourse, type CourseInput } from "../src/features/courses/courses.service";
import { createUser } from "../src/features/users/users.service";
import { putFile } from "../src/lib/file-store";
import { csrfFrom, loginAs, makeUser, useTestApp } from "./helpers/app";
import { storedNames } from "./helpers/files";
import { zipBomb } from "./helpers/zip-bomb";

const { ctx, admin } = useTestApp({ as: ["admin"] });

const HEADER = ["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"];

/** An XLSX roster as offices make them: a title line, the header, then rows (dates may be date cells). */
async function xlsx(rows: unknown[][], opts: { title?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  if (opts.title !== false) ws.addRow(["DANH SÁCH HỌC VIÊN"]);
  ws.addRow(HEADER);
  for (const r of rows) {
    const row = ws.addRow(r);
    if (r[2] instanceof Date) row.getCell(3).numFmt = "dd/mm/yyyy";
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function makeCourse(over: Partial<CourseInput> = {}) {
  const input: CourseInput = {
    title: `Lớp bồi dưỡng nghiệp vụ TTĐN ${Math.random().toString(36).slice(2, 7)}`, kind: "training", planTaskId: null, topic: null, description: null,
    organiserUnitCode: null, venue: "Hội trường UBND xã Triệu Sơn", capacity: null, enrollOpens: null, enrollCloses: null, approvalRequired: false,
    status: "open", countExcused: false, trainerIds: [], targetCategoryIds: [], funding: [], ...over,
  };
  return createCourse(ctx.handle.db, input, { id: admin.user.id });
}

const db = () => ctx.handle.db;
const countOf = async (table: typeof users | typeof enrollments | typeof auditLog) => (await db().select({ n: count() }).from(table))[0].n;
const storedFiles = () => storedNames(db(), "roster-import");
const tokenFrom = (html: string) => html.match(/name="token" value="([0-9a-f]{32})"/)?.[1];

async function upload(session: typeof admin, courseId: number, buf: Buffer, name = "danh-sach.xlsx") {
  return session.agent.post(`/courses/${courseId}/import`).field("_csrf", session.csrf).attach("file", buf, name);
}

test("admins and the course's trainer get the form; trainees and other trainers get 403", async () => {
  const trainer = await loginAs(ctx, "trainer");
  const other = await loginAs(ctx, "trainer");
  const trainee = await loginAs(ctx, "trainee");
  const course = await makeCourse({ trainerIds: [trainer.user.id] });
  const page = await admin.agent.get(`/courses/${course.id}/import`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Nhập danh sách học viên");
  expect(page.text).toContain('href="/import/template.xlsx"');
  expect(page.text).toContain('enctype="multipart/form-data"');
  expect((await trainer.agent.get(`/courses/${course.id}/import`)).status).toBe(200);
  const buf = await xlsx([[1, "Nguyễn Văn An", "01/01/1990"]]);
  for (const s of [other, trainee]) {
    expect((await s.agent.get(`/courses/${course.id}/import`)).status).toBe(403);
    expect((await upload(s, course.id, buf)).status).toBe(403);
    const confirm = await s.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: s.csrf, token: "0".repeat(32) });
    expect(confirm.status).toBe(403);
  }
  expect((await trainee.agent.get("/import/template.xlsx")).status).toBe(403);
  expect(await storedFiles()).toEqual([]);
  expect((await admin.agent.get("/courses/999999/import")).status).toBe(404);
});

test("the template downloads as XLSX with the header and an example, and imports as it is", async () => {
  const res = await admin.agent.get("/import/template.xlsx").buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on("data", (c: Buffer) => chunks.push(c));
    r.on("end", () => cb(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toContain("spreadsheetml");
  expect(res.headers["content-disposition"]).toContain("attachment");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body);
  const ws = wb.worksheets[0];
  expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"]);
  expect(ws.getRow(2).getCell(1).value).toBe("Nguyễn Thị Thu Hà");
  expect(wb.worksheets[1].getColumn(1).values).toContain("Xã Triệu Sơn");
  const course = await makeCourse();
  const preview = await upload(admin, course.id, res.body, "mau.xlsx");
  expect(preview.status).toBe(200);
  expect(preview.text).toContain("Xác nhận nhập 1 người");
});

test("preview: each row valid or not with its line and reason, matches to existing people; nothing written", async () => {
  const existing = await createUser(db(), {
    ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà", login: "", email: null, phone: null, role: "trainee", dateOfBirth: "1990-03-05", gender: "Nữ",
    ethnicityCode: "01", position: null, unitCode: "X-TRIEUSON", categoryId: null, cccd: null, password: "mat-khau-dai-du",
  }, null);
  const course = await makeCourse();
  const buf = await xlsx([
    [1, "nguyễn thị thu hà".normalize("NFD"), new Date(Date.UTC(1990, 2, 5)), "nữ", "Kinh", "Chuyên viên", "Xã Triệu Sơn", "Cán bộ cấp xã", "", "", ""],
    [2, "Lê Văn Bình", "31/02/1990", "Nam", "Kinh", "", "Xã Triệu Sơn"],
    [3, "Trần Thị Cúc", "01/01/1985", "Nữ", "Kinh", "", "Xã Không Tồn Tại"],
    [4, "Phạm Văn Dũng", "02/02/1980", "Nam", "Kinh", "", "Triệu Sơn", "", "123456789"],
    [5, "Đỗ Thị Hoà", "03/03/1993", "Nữ", "Mường", "", "Thọ Bình", "", "038193000001", "0912 345 678"],
    [6, "Đỗ Thị Hòa".normalize("NFD"), "03/03/1993", "Nữ", "Mường", "", "Thọ Bình", "", "038193000001", "0912 345 678"],
  ]);
  const before = { users: await countOf(users), enrollments: await countOf(enrollments), audit: await countOf(auditLog) };
  const res = await upload(admin, course.id, buf);
  expect(res.status).toBe(200);
  const text = res.text;
  expect(text).toContain("Kiểm tra danh sách trước khi nhập");
  // Lines are the spreadsheet's: the title is line 1, the header line 2.
  expect(text).toMatch(/<td data-label="Dòng">3<\/td>\s*<td data-label="Họ và tên" class="name">Nguyễn Thị Thu Hà<\/td>/);
  expect(text).toContain(`${existing.fullName} (theo họ tên và ngày sinh)`);
  expect(text).toContain("Ngày sinh không hợp lệ (dd/mm/yyyy): &#34;31/02/1990&#34;");
  // An unknown unit no longer drops the person: a warning, and the unit can be chosen for the whole file.
  expect(text).toContain("Đơn vị &#34;Xã Không Tồn Tại&#34; chưa có trong danh mục");
  expect(text).toContain('name="unitName_0" value="Xã Không Tồn Tại"');
  expect(text).toContain("Số CCCD phải gồm đúng 12 chữ số: &#34;123456789&#34;");
  expect(text).toContain("Trùng với dòng 7 (theo số CCCD)");
  expect(text).toMatch(/<td data-label="Dòng">4<\/td>[\s\S]*?Ngày sinh không hợp lệ/);
  expect(text).toMatch(/<td data-label="Dòng">8<\/td>[\s\S]*?Trùng với dòng 7/);
  expect(text).toContain("Xác nhận nhập 3 người: 3 được xếp chỗ");
  expect(tokenFrom(text)).toBeDefined();
  expect({ users: await countOf(users), enrollments: await countOf(enrollments), audit: await countOf(auditLog) }).toEqual(before);
});

test("confirm imports the valid rows in one go: new trainees without login, existing people enrolled, audit row", async () => {
  const course = await makeCourse();
  const filesBefore = await storedFiles();
  const existing = await makeUser(ctx, "trainee", { ho: "Hoàng", tenDem: "Văn", ten: "Thuỷ" });
  await db().update(users).set({ cccd: "038080000111" }).where(eq(users.id, existing.id));
  const buf = await xlsx([
    [1, "HOÀNG VĂN THỦY", "", "Nam", "", "", "", "", "038 080 000 111"],
    [2, "vũ thị lan", "12/12/1988", "nu", "kinh", "Phóng viên", "xã hợp tiến", "phóng viên, biên tập viên", "038188000222", "+84 987 654 321", "Lan.Vu@Example.vn"],
    [3, "Bùi Văn Sai", "99/99/1999"],
  ]);
  const res = await upload(admin, course.id, buf);
  expect(res.text).toContain(`${existing.fullName} (theo số CCCD)`);
  const token = tokenFrom(res.text)!;
  const csrf = csrfFrom(res.text);
  const done = await admin.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: csrf, token });
  expect(done.status).toBe(302);
  expect(done.headers.location).toBe(`/courses/${course.id}/participants`);
  const next = await admin.agent.get(`/courses/${course.id}/import`);
  expect(next.text).toContain("Đã nhập 2 người: 1 hồ sơ mới, 2 được xếp chỗ, 0 vào danh sách chờ, 0 đã có trong khóa.");

  const [lan] = await db().select().from(users).where(eq(users.cccd, "038188000222"));
  expect(lan).toMatchObject({
    ho: "Vũ", tenDem: "Thị", ten: "Lan", fullName: "Vũ Thị Lan", role: "trainee", login: null, passwordHash: null, dateOfBirth: "1988-12-12",
    gender: "Nữ", ethnicityCode: "01", position: "Phóng viên", unitCode: "X-HOPTIEN", phone: "0987654321", email: "lan.vu@example.vn",
  });
  expect(await db().select().from(users).where(eq(users.fullName, "Bùi Văn Sai"))).toEqual([]);
  const rows = await db().select().from(enrollments).where(eq(enrollments.courseId, course.id));
  expect(rows.map((r) => [r.userId, r.status, r.source]).sort()).toEqual([[existing.id, "enrolled", "import"], [lan.id, "enrolled", "import"]].sort());
  const [log] = await db().select().from(auditLog).where(and(eq(auditLog.action, "import.confirm"), eq(auditLog.targetId, String(course.id))));
  expect(log).toMatchObject({ actorId: admin.user.id, targetType: "course" });
  expect(log.details).toMatchObject({ total: 2, created: 1, enrolled: 2, waitlisted: 0, already: 0, invalid: 1, rows: 3, file: "danh-sach.xlsx" });
  expect(await storedFiles()).toEqual(filesBefore);

  // The same preview cannot be confirmed twice; importing the file again changes nothing.
  const again = await admin.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: csrf, token });
  expect(again.status).toBe(302);
  expect((await admin.agent.get(again.headers.location)).text).toContain("Bản xem trước đã hết hạn");
  const second = await upload(admin, course.id, buf);
  expect(second.text).toContain("đã có trong khóa");
  expect(second.text).toContain("Mọi người hợp lệ trong tệp đã có trong khóa");
  expect(tokenFrom(second.text)).toBeUndefined();
  expect(await db().select().from(enrollments).where(eq(enrollments.courseId, course.id))).toHaveLength(2);
  expect(await db().select().from(users).where(eq(users.cccd, "038188000222"))).toHaveLength(1);
});

test("capacity: seats first, then the waitlist in file order", async () => {
  const course = await makeCourse({ capacity: 2 });
  const buf = await xlsx(["An", "Bình", "Cường"].map((ten, i) => [i + 1, `Ngô Văn ${ten}`, `0${i + 1}/01/1990`]));
  const res = await upload(admin, course.id, buf);
  await admin.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: admin.csrf, token: tokenFrom(res.text) });
  const rows = await db().select({ name: users.fullName, status: enrollments.status }).from(enrollments).innerJoin(users, eq(users.id, enrollments.userId)).where(eq(enrollments.courseId, course.id));
  expect(Object.fromEntries(rows.map((r) => [r.name, r.status]))).toEqual({ "Ngô Văn An": "enrolled", "Ngô Văn Bình": "enrolled", "Ngô Văn Cường": "waitlisted" });
});

test("CSV from Excel: BOM, semicolons, split name columns", async () => {
  const course = await makeCourse();
  const csv = "\uFEFFHọ;Tên đệm;Tên;Ngày sinh;Đơn vị\r\nLương;Thị;Mai;07/07/1977;\"Xã Thọ Phú\"\r\n";
  const res = await upload(admin, course.id, Buffer.from(csv, "utf8"), "ds.csv");
  expect(res.status).toBe(200);
  expect(res.text).toContain("Lương Thị Mai");
  expect(res.text).toContain("Xác nhận nhập 1 người");
});

test("a file over 5 MB, a text file named .xlsx, a broken XLSX and over 10,000 rows are refused, and nothing is kept", async () => {
  const course = await makeCourse();
  const filesBefore = await storedFiles();
  const big = Buffer.alloc(6 * 1024 * 1024, "Nguyễn Văn An,01/01/1990\n");
  const tooBig = await upload(admin, course.id, big, "lon.csv");
  expect(tooBig.status).toBe(413);
  expect(tooBig.text).toContain("Tệp quá lớn: chỉ nhận tệp đến 5 MB.");

  const renamed = await upload(admin, course.id, Buffer.from("Họ và tên,Ngày sinh\nNguyễn Văn An,01/01/1990\n"), "danh-sach.xlsx");
  expect(renamed.status).toBe(415);
  expect(renamed.text).toContain("không phải là tệp Excel (.xlsx) hợp lệ");

  const full = await xlsx([[1, "Nguyễn Văn An"]]);
  const broken = await upload(admin, course.id, full.subarray(0, Math.floor(full.length * 0.6)), "hong.xlsx");
  expect(broken.status).toBe(415);
  expect(broken.text).toContain("không phải là tệp Excel (.xlsx) hợp lệ");

  const pdf = await upload(admin, course.id, Buffer.from("%PDF-1.4\n%%EOF\n"), "ds.pdf");
  expect(pdf.status).toBe(415);

  const many = "Họ và tên,Ngày sinh\n" + Array.from({ length: 10_001 }, (_, i) => `Nguyễn Văn Số${i},01/01/1990`).join("\n");
  const tooMany = await upload(admin, course.id, Buffer.from(many), "nhieu.csv");
  expect(tooMany.status).toBe(422);
  expect(tooMany.text).toContain("tối đa 10.000 dòng");

  const hugeSheet = await xlsx(Array.from({ length: 11_500 }, (_, i) => [i + 1, `Nguyễn Văn Số${i}`]));
  const tooManyXlsx = await upload(admin, course.id, hugeSheet, "nhieu.xlsx");
  expect(tooManyXlsx.status).toBe(422);
  expect(tooManyXlsx.text).toContain("tối đa 10.000 dòng");

  const noHeader = await upload(admin, course.id, Buffer.from("a,b\n1,2\n"), "x.csv");
  expect(noHeader.status).toBe(422);
  expect(noHeader.text).toContain("Không tìm thấy dòng tiêu đề");

  const none = await admin.agent.post(`/courses/${course.id}/import`).field("_csrf", admin.csrf);
  expect(none.status).toBe(422);
  expect(none.text).toContain("Vui lòng chọn tệp danh sách.");

  const noCsrf = await admin.agent.post(`/courses/${course.id}/import`).attach("file", await xlsx([[1, "Nguyễn Văn An"]]), "a.xlsx");
  expect(noCsrf.status).toBe(403);
  expect(await storedFiles()).toEqual(filesBefore);
});

test("a preview with no valid row offers no confirmation and keeps no file", async () => {
  const course = await makeCourse();
  const filesBefore = await storedFiles();
  const res = await upload(admin, course.id, await xlsx([[1, "Nguyễn Văn An", "32/01/1990"]]));
  expect(res.status).toBe(200);
  expect(res.text).toContain("Không có dòng hợp lệ nào để nhập.");
  expect(tokenFrom(res.text)).toBeUndefined();
  expect(await storedFiles()).toEqual(filesBefore);
});

test("the confirmation only accepts the preview of this session: a forged token imports nothing", async () => {
  const course = await makeCourse();
  const res = await upload(admin, course.id, await xlsx([[1, "Nguyễn Văn Giả", "01/01/1990"]]));
  const token = tokenFrom(res.text)!;
  const other = await loginAs(ctx, "admin");
  const forged = await other.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: other.csrf, token });
  expect(forged.status).toBe(302);
  expect(forged.headers.location).toBe(`/courses/${course.id}/import`);
  const wrongCourse = await makeCourse();
  await admin.agent.post(`/courses/${wrongCourse.id}/import/confirm`).type("form").send({ _csrf: admin.csrf, token });
  expect(await db().select().from(users).where(eq(users.fullName, "Nguyễn Văn Giả"))).toEqual([]);
  // The owner still can.
  await admin.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: admin.csrf, token });
  expect(await db().select().from(users).where(eq(users.fullName, "Nguyễn Văn Giả"))).toHaveLength(1);
});

test("<script> in a roster is shown escaped", async () => {
  const course = await makeCourse();
  const res = await upload(admin, course.id, await xlsx([[1, "Nguyễn <script>alert(1)</script>", "", "", "", "<img src=x onerror=alert(1)>"]]));
  expect(res.text).not.toMatch(/<script>alert/i);
  expect(res.text).not.toContain("<img src=x");
  expect(res.text).toContain("&lt;script&gt;");
});

test("an XLSX zip bomb (tiny upload, huge inflated size) is refused with a message and nothing is written", async () => {
  const bomb = zipBomb([
    { name: "[Content_Types].xml", content: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>' },
    { name: "xl/worksheets/sheet1.xml", size: 150 * 1024 * 1024 }]);
  expect(bomb.length).toBeLessThan(1024 * 1024);
  const admin = await loginAs(ctx, "admin");
  const course = await makeCourse();
  const res = await admin.agent.post(`/courses/${course.id}/import`).field("_csrf", admin.csrf).attach("file", bomb, "ds.xlsx");
  expect(res.status).toBe(413);
  expect(res.text).toContain("khi giải nén quá lớn");
});

test("an abandoned preview is removed after an hour, not a day: its upload can no longer be confirmed (issue #13)", async () => {
  const course = await makeCourse();
  const res = await upload(admin, course.id, await xlsx([[1, "Nguyễn Văn Bỏ Dở", "01/01/1990"]]));
  const token = tokenFrom(res.text)!;
  const old = new Date(Date.now() - 61 * 60 * 1000);
  await db().update(storedFilesTable).set({ createdAt: old }).where(eq(storedFilesTable.name, token));
  const late = await admin.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: csrfFrom(res.text), token });
  expect((await admin.agent.get(late.headers.location)).text).toContain("Bản xem trước đã hết hạn");
  expect(await db().select().from(users).where(eq(users.fullName, "Nguyễn Văn Bỏ Dở"))).toEqual([]);
  // Another user's upload sweeps an hour-old file away.
  await putFile(db(), Buffer.from("x"), { kind: "roster-import", name: "f".repeat(32), mime: "application/octet-stream", createdAt: old });
  expect(await storedFiles()).toContain("f".repeat(32));
  const other = await loginAs(ctx, "admin");
  await upload(other, course.id, await xlsx([[1, "Nguyễn Văn Khác", "01/01/1990"]]));
  expect(await storedFiles()).not.toContain("f".repeat(32));
});
