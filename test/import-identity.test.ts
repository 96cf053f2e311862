/**
 * Roster import, who is who (issues #13.4 and #15): conflicts instead of silent merges, staff never
 * matched, re-imports that duplicate nobody, two-row headers with Nam/Nữ year columns, unknown units
 * mapped once and remembered, and what a trainer may see.
 */
import ExcelJS from "exceljs";
import { count, eq, inArray } from "drizzle-orm";
import { enrollments, unitAliases, users } from "../src/db/schema";
import { makeCourse } from "./helpers/courses";
import { csrfFrom, loginAs, makeUser, useTestApp } from "./helpers/app";

const { ctx, admin } = useTestApp({ as: ["admin"] });

const HEADER = ["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"];
const db = () => ctx.handle.db;
type Session = Awaited<ReturnType<typeof loginAs>>;

async function xlsx(rows: unknown[][], header: unknown[][] = [HEADER], setup?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  ws.addRow(["DANH SÁCH HỌC VIÊN"]);
  for (const h of header) ws.addRow(h);
  for (const r of rows) ws.addRow(r);
  setup?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const upload = (s: Session, courseId: number, buf: Buffer) => s.agent.post(`/courses/${courseId}/import`).field("_csrf", s.csrf).attach("file", buf, "danh-sach.xlsx");
const tokenFrom = (html: string) => html.match(/name="token" value="([0-9a-f]{32})"/)?.[1];
const post = (s: Session, courseId: number, step: "confirm" | "recheck", html: string, fields: Record<string, string> = {}) =>
  s.agent.post(`/courses/${courseId}/import/${step}`).type("form").send({ _csrf: csrfFrom(html), token: tokenFrom(html), ...fields });
const newCourse = (title: string, trainerIds: number[] = [], over = {}) => makeCourse(ctx, admin.user.id, { title, trainerIds, ...over });
const memberIds = async (courseId: number) => (await db().select({ id: enrollments.userId }).from(enrollments).where(eq(enrollments.courseId, courseId))).map((r) => r.id);
const userCount = async () => (await db().select({ n: count() }).from(users))[0].n;
async function trainee(ho: string, tenDem: string, ten: string, set: Partial<typeof users.$inferInsert>) {
  const u = await makeUser(ctx, "trainee", { ho, tenDem, ten });
  await db().update(users).set(set).where(eq(users.id, u.id));
  return u;
}

test("a phone shared with someone else is a conflict, not a match; confirming without a choice merges nobody; a choice is applied", async () => {
  const lan = await trainee("Nguyễn", "Thị", "Lan", { phone: "0912000001", gender: "Nữ" });
  const course = await newCourse("Lớp trùng điện thoại");
  const buf = await xlsx([
    [1, "Lê Văn Hùng", "1973", "Nam", "Kinh", "", "Xã Triệu Sơn", "", "038073000111", "0912000001"],
    [2, "Phạm Thị Mơ", "02/02/1980", "Nữ", "Kinh", "", "Xã Triệu Sơn", "", "", "0912000009"],
  ]);
  const preview = await upload(admin, course.id, buf);
  expect(preview.status).toBe(200);
  expect(preview.text).toContain("Cần chọn");
  expect(preview.text).toContain("Có thể là Nguyễn Thị Lan (theo điện thoại), nhưng khác họ tên, giới tính.");
  expect(preview.text).not.toContain("Nguyễn Thị Lan (theo điện thoại)</");
  expect(preview.text).toContain("Xác nhận nhập 1 người: 1 được xếp chỗ");
  // Problems first: the conflict row (line 3) comes before the valid one (line 4).
  expect(preview.text.indexOf('<td data-label="Dòng">3</td>')).toBeLessThan(preview.text.indexOf('<td data-label="Dòng">4</td>'));
  const before = await userCount();
  const confirmed = await post(admin, course.id, "confirm", preview.text);
  expect(confirmed.status).toBe(302);
  expect((await admin.agent.get(confirmed.headers.location)).text).toContain("1 dòng cần chọn chưa được nhập.");
  expect(await memberIds(course.id)).not.toContain(lan.id);
  expect(await db().select().from(users).where(eq(users.cccd, "038073000111"))).toEqual([]);
  expect(await userCount()).toBe(before + 1);

  // Chosen "another person": a new record; the existing one stays out of the course.
  const again = await upload(admin, course.id, buf);
  await post(admin, course.id, "confirm", again.text, { resolve_3: "new" });
  const [hung] = await db().select().from(users).where(eq(users.cccd, "038073000111"));
  expect(hung).toMatchObject({ fullName: "Lê Văn Hùng", birthYear: 1973, dateOfBirth: null, gender: "Nam", phone: "0912000001" });
  expect(await memberIds(course.id)).toEqual(expect.arrayContaining([hung.id]));
  expect(await memberIds(course.id)).not.toContain(lan.id);

  // Chosen "the existing person" (by id, only the row's own conflict counts): enrolled.
  const other = await newCourse("Lớp trùng điện thoại 2");
  const third = await upload(admin, other.id, await xlsx([[1, "Nguyễn Thị Lan Anh", "", "Nữ", "", "", "", "", "", "0912000001"]]));
  expect(third.text).toContain("Có thể là Nguyễn Thị Lan (theo điện thoại), nhưng khác họ tên.");
  await post(admin, other.id, "confirm", third.text, { resolve_3: String(lan.id) });
  expect(await memberIds(other.id)).toEqual([lan.id]);
});

test("staff accounts are never matched as trainees, by phone or CCCD", async () => {
  const trainerUser = await makeUser(ctx, "trainer", { ho: "Đặng", tenDem: "Thị", ten: "Giảng" });
  await db().update(users).set({ phone: "0912000002", cccd: "038180000222", dateOfBirth: "1980-01-01", gender: "Nữ" }).where(eq(users.id, trainerUser.id));
  const course = await newCourse("Lớp của giảng viên", [trainerUser.id]);
  const preview = await upload(admin, course.id, await xlsx([
    [1, "Đặng Thị Giảng", "01/01/1980", "Nữ", "", "", "", "", "", "0912000002"],
    [2, "Lê Văn Bảy", "1973", "Nam", "", "", "", "", "038180000222"],
  ]));
  expect(preview.text).not.toContain("theo điện thoại");
  expect(preview.text).not.toContain("theo số CCCD");
  await post(admin, course.id, "confirm", preview.text);
  expect(await memberIds(course.id)).not.toContain(trainerUser.id);
  expect(await memberIds(course.id)).toHaveLength(2);
});

test("re-importing the same file into the course duplicates nobody, even rows with only a name (which get a warning)", async () => {
  const course = await newCourse("Lớp nhập lại");
  const buf = await xlsx([
    [1, "Hà Văn Chỉ"],
    [2, "Hà Thị Tên", "", "", "", "", "Xã Thọ Bình"],
    [3, "Hà Văn Đủ", "03/03/1983", "Nam"],
  ]);
  const first = await upload(admin, course.id, buf);
  expect(first.text).toContain("Không có số CCCD, điện thoại hay ngày sinh: khó nhận ra người này về sau");
  await post(admin, course.id, "confirm", first.text);
  const before = await userCount();
  expect(await memberIds(course.id)).toHaveLength(3);
  const second = await upload(admin, course.id, buf);
  expect(second.text).toContain("Mọi người hợp lệ trong tệp đã có trong khóa");
  expect(second.text).toContain("cùng họ tên và đơn vị với người đã có trong khóa");
  expect(tokenFrom(second.text)).toBeUndefined();
  expect(await userCount()).toBe(before);
  expect(await memberIds(course.id)).toHaveLength(3);
});

test("a header on two rows with the birth year in Nam / Nữ columns keeps years and genders; an unknown column can be mapped", async () => {
  const course = await newCourse("Lớp tiêu đề hai dòng");
  const buf = await xlsx(
    [
      [1, "Trương Văn Mạnh", 1973, "", "Xã Triệu Sơn", "0912000031"],
      [2, "Trương Thị Hoa", "", "1978", "Xã Triệu Sơn", "0912000032"],
      [3, "Trương Văn Đức", "05/06/1981", "", "Xã Triệu Sơn", "0912000033"],
    ],
    [["TT", "Họ và tên", "Năm sinh", "", "Đơn vị", "Số máy"], ["", "", "Nam", "Nữ", "", ""]],
    (ws) => {
      ws.mergeCells("A2:A3");
      ws.mergeCells("B2:B3");
      ws.mergeCells("C2:D2");
      ws.mergeCells("E2:E3");
      ws.mergeCells("F2:F3");
    },
  );
  const preview = await upload(admin, course.id, buf);
  expect(preview.status).toBe(200);
  expect(preview.text).toContain("Sinh năm 1973");
  expect(preview.text).toContain("Sinh năm 1978");
  expect(preview.text).toMatch(/<td data-label="Dòng">4<\/td>[\s\S]*?<td data-label="Giới tính">Nam<\/td>/);
  expect(preview.text).toContain("Cột chưa nhận ra");
  expect(preview.text).toContain('name="col_5"');
  const mapped = await post(admin, course.id, "recheck", preview.text, { col_5: "phone" });
  expect(mapped.status).toBe(200);
  expect(mapped.text).toContain("0912000031");
  await post(admin, course.id, "confirm", mapped.text, { col_5: "phone" });
  const people = await db().select().from(users).where(inArray(users.phone, ["0912000031", "0912000032", "0912000033"]));
  const by = Object.fromEntries(people.map((p) => [p.fullName, [p.gender, p.birthYear, p.dateOfBirth]]));
  expect(by).toEqual({ "Trương Văn Mạnh": ["Nam", 1973, null], "Trương Thị Hoa": ["Nữ", 1978, null], "Trương Văn Đức": ["Nam", null, "1981-06-05"] });
});

test("an unknown unit name is mapped once for the whole file and remembered; left unmapped, people come in with no unit", async () => {
  const course = await newCourse("Lớp đơn vị lạ");
  const buf = await xlsx([
    [1, "Cao Văn Một", "01/01/1981", "Nam", "", "", "Đài truyền thanh xã Thọ Bình", "", "", "0912000041"],
    [2, "Cao Văn Hai", "01/01/1982", "Nam", "", "", "Đài truyền thanh xã Thọ Bình", "", "", "0912000042"],
    [3, "Cao Văn Ba", "01/01/1983", "Nam", "", "", "Công an xã", "", "", "0912000043"],
  ]);
  const preview = await upload(admin, course.id, buf);
  expect(preview.text).toContain("Đơn vị chưa có trong danh mục");
  expect(preview.text).toContain("Xác nhận nhập 3 người");
  const names = [...preview.text.matchAll(/name="unitName_(\d+)" value="([^"]+)"/g)].map((m) => [m[1], m[2]]);
  const radio = names.find(([, n]) => n.startsWith("Đài"))![0];
  const choice = { [`unitName_${radio}`]: "Đài truyền thanh xã Thọ Bình", [`unitCode_${radio}`]: "X-THOBINH" };
  const rechecked = await post(admin, course.id, "recheck", preview.text, choice);
  expect(rechecked.text).toMatch(/<td data-label="Đơn vị" class="wide">Xã Thọ Bình<\/td>/);
  await post(admin, course.id, "confirm", rechecked.text, choice);
  const people = await db().select().from(users).where(inArray(users.phone, ["0912000041", "0912000042", "0912000043"]));
  expect(Object.fromEntries(people.map((p) => [p.fullName, p.unitCode]))).toEqual({ "Cao Văn Một": "X-THOBINH", "Cao Văn Hai": "X-THOBINH", "Cao Văn Ba": null });
  expect(await db().select({ unitCode: unitAliases.unitCode }).from(unitAliases)).toEqual([{ unitCode: "X-THOBINH" }]);
  // The next file naming it is understood at once.
  const later = await newCourse("Lớp sau");
  const next = await upload(admin, later.id, await xlsx([[1, "Cao Thị Bốn", "01/01/1984", "Nữ", "", "", "đài truyền thanh xã thọ bình"]]));
  expect(next.text).not.toContain("Đơn vị chưa có trong danh mục");
  expect(next.text).toMatch(/<td data-label="Đơn vị" class="wide">Xã Thọ Bình<\/td>/);
});

test("a trainer's preview never names the owner of a CCCD outside their courses; the admin's does (issue #13.4)", async () => {
  const owner = await trainee("Quách", "Thị", "Bí Mật", { cccd: "038190000555", dateOfBirth: "1990-09-09", gender: "Nữ" });
  const trainerSession = await loginAs(ctx, "trainer");
  const course = await newCourse("Lớp của giảng viên B", [trainerSession.user.id]);
  const buf = await xlsx([[1, "Người Dò Tìm", "", "", "", "", "", "", "038190000555"]]);
  const seen = await upload(trainerSession, course.id, buf);
  expect(seen.status).toBe(200);
  expect(seen.text).toContain("Đã có một người với số CCCD này trong hệ thống");
  expect(seen.text).not.toContain("Quách Thị Bí Mật");
  expect(seen.text).not.toContain("09/09/1990");
  const adminView = await upload(admin, course.id, buf);
  expect(adminView.text).toContain("Quách Thị Bí Mật (theo số CCCD)");
  // Once the person is in one of the trainer's courses, the trainer may see who it is.
  await db().insert(enrollments).values({ courseId: course.id, userId: owner.id, status: "enrolled", source: "admin" });
  const other = await newCourse("Lớp khác của giảng viên B", [trainerSession.user.id]);
  expect((await upload(trainerSession, other.id, buf)).text).toContain("Quách Thị Bí Mật (theo số CCCD)");
});
