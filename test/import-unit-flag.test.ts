/**
 * Issue #15.5: a person imported with an unknown unit left unmapped keeps the unit name as typed and is
 * flagged in the plan report's data checks until an admin sets the unit in the user form.
 */
import ExcelJS from "exceljs";
import { eq, inArray } from "drizzle-orm";
import { planTasks, plans, users } from "../src/db/schema";
import { makeCourse } from "./helpers/courses";
import { csrfFrom, useTestApp } from "./helpers/app";

const { ctx, admin } = useTestApp({ as: ["admin"] });

const HEADER = ["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"];
const db = () => ctx.handle.db;
const tokenFrom = (html: string) => html.match(/name="token" value="([0-9a-f]{32})"/)?.[1];
const SECTION = "Đơn vị chưa xác định khi nhập danh sách";

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  ws.addRow(["DANH SÁCH HỌC VIÊN"]);
  ws.addRow(HEADER);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The quality page's section of unknown imported units (up to the next section). */
async function unknownUnitSection(planId: number, year: number): Promise<string> {
  const res = await admin.agent.get(`/reports/${planId}/${year}/quality`);
  expect(res.status).toBe(200);
  return res.text.match(/<section class="card" id="don-vi-chua-xac-dinh">[\s\S]*?<\/section>/)?.[0] ?? "";
}

test("an unknown unit left unmapped is kept as typed, listed in the data checks, and cleared once the unit is set", async () => {
  const [plan] = await db().select().from(plans).orderBy(plans.id).limit(1);
  const [task] = await db().select().from(planTasks).where(eq(planTasks.planId, plan.id)).orderBy(planTasks.number).limit(1);
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp có đơn vị lạ", planTaskId: task.id });
  const year = new Date().getUTCFullYear();
  const buf = await xlsx([
    [1, "Lạc Văn Đơn", "01/01/1981", "Nam", "Kinh", "", "Ban Quản Lý Chợ Xã", "", "", "0912000051"],
    [2, "Lạc Thị Vị", "01/01/1982", "Nữ", "Kinh", "", "Xã Triệu Sơn", "", "", "0912000052"],
  ]);
  const preview = await admin.agent.post(`/courses/${course.id}/import`).field("_csrf", admin.csrf).attach("file", buf, "danh-sach.xlsx");
  expect(preview.status).toBe(200);
  expect(preview.text).toContain("Đơn vị chưa có trong danh mục");
  // Confirmed without choosing a unit for the unknown name.
  const confirm = await admin.agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: csrfFrom(preview.text), token: tokenFrom(preview.text) });
  expect(confirm.status).toBe(302);
  const people = await db().select().from(users).where(inArray(users.phone, ["0912000051", "0912000052"]));
  const by = Object.fromEntries(people.map((p) => [p.fullName, [p.unitCode, p.unitAsImported]]));
  expect(by).toEqual({ "Lạc Văn Đơn": [null, "Ban Quản Lý Chợ Xã"], "Lạc Thị Vị": ["X-TRIEUSON", null] });
  const flagged = people.find((p) => p.fullName === "Lạc Văn Đơn")!;

  const section = await unknownUnitSection(plan.id, year);
  expect(section).toContain(`${SECTION} (1)`);
  expect(section).toMatch(/Lạc Văn Đơn<\/td><td[^>]*>Ban Quản Lý Chợ Xã<\/td>/);
  expect(section).toContain(`href="/users/${flagged.id}/edit"`);
  expect(section).not.toContain("Lạc Thị Vị");
  const summary = await admin.agent.get(`/reports/${plan.id}/${year}`);
  expect(summary.text).toContain(`${SECTION}: <b>1</b>`);

  // The edit form shows the name as typed; saving a unit takes the person off the list.
  const edit = await admin.agent.get(`/users/${flagged.id}/edit`);
  expect(edit.text).toContain("Đơn vị ghi trong danh sách đã nhập: “Ban Quản Lý Chợ Xã”");
  const saved = await admin.agent.post(`/users/${flagged.id}`).type("form").send({
    _csrf: admin.csrf, ho: "Lạc", tenDem: "Văn", ten: "Đơn", login: "", email: "", phone: "0912000051", role: "trainee", dateOfBirth: "01/01/1981",
    gender: "Nam", ethnicityCode: "01", position: "", unitCode: "X-TRIEUSON", categoryId: "", cccd: "",
  });
  expect(saved.status).toBe(302);
  const [after] = await db().select().from(users).where(eq(users.id, flagged.id));
  expect([after.unitCode, after.unitAsImported]).toEqual(["X-TRIEUSON", null]);
  const cleared = await unknownUnitSection(plan.id, year);
  expect(cleared).toContain(`${SECTION} (0)`);
  expect(cleared).not.toContain("Lạc Văn Đơn");
  expect((await admin.agent.get(`/users/${flagged.id}/edit`)).text).not.toContain("Đơn vị ghi trong danh sách đã nhập");
});
