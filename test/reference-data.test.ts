import { eq } from "drizzle-orm";
import { ethnicities, orgSettings, participantCategories, units } from "../src/db/schema";
import { orgSettingsOn } from "../src/features/settings/settings.service";
import { useTestApp } from "./helpers/app";

const { ctx, admin } = useTestApp({ as: ["admin"] });

test("reference data is seeded: 42 units (32 former, 8 new xã, district, province), 54 ethnic groups, 8 categories, org settings", async () => {
  const db = ctx.handle.db;
  expect(await db.select().from(units)).toHaveLength(42);
  const [thoDan] = await db.select().from(units).where(eq(units.code, "TS-THODAN"));
  expect(thoDan).toMatchObject({ name: "Xã Thọ Dân", validTo: "2025-06-30", mergedInto: "X-THOPHU" });
  expect(await db.select().from(ethnicities)).toHaveLength(54);
  expect((await db.select().from(ethnicities).where(eq(ethnicities.code, "06")))[0].name).toBe("Mường");
  const cats = await db.select().from(participantCategories);
  expect(cats.map((c) => c.name)).toContain("Tuyên truyền viên, báo cáo viên");
  expect(cats).toHaveLength(8);
  const org = await orgSettingsOn(db, "2026-11-26");
  expect(org).toMatchObject({ managingBody: "Ủy ban nhân dân tỉnh Thanh Hóa", issuingBody: "Ủy ban nhân dân xã Triệu Sơn", signerPrefix: "KT. CHỦ TỊCH", signerTitle: "PHÓ CHỦ TỊCH", signerName: "Lê Quang Trung" });
});

test("units page lists current units; ?all=1 shows former ones with their new xã", async () => {
  const cur = await admin.agent.get("/units");
  expect(cur.status).toBe(200);
  expect(cur.text).toContain("Xã Tân Ninh");
  expect(cur.text).not.toContain("Thị trấn Nưa");
  const all = await admin.agent.get("/units?all=1");
  expect(all.text).toContain("Thị trấn Nưa");
  expect(all.text).toContain("30/06/2025");
});

test("admin adds and edits a unit; bad links are refused with 422", async () => {
  const bad = await admin.agent.post("/units").type("form").send({ _csrf: admin.csrf, code: "x-moi", name: "Xã Mới", type: "xa", parentCode: "KHONG", validFrom: "01/07/2025", validTo: "", mergedInto: "" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Không có đơn vị với mã này.");
  const ok = await admin.agent.post("/units").type("form").send({ _csrf: admin.csrf, code: "x-moi", name: "xã  Mới", type: "xa", parentCode: "TH", validFrom: "01/07/2025", validTo: "", mergedInto: "" });
  expect(ok.status).toBe(302);
  const [row] = await ctx.handle.db.select().from(units).where(eq(units.code, "X-MOI"));
  expect(row).toMatchObject({ name: "xã Mới", validFrom: "2025-07-01", parentCode: "TH" });
  const dup = await admin.agent.post("/units").type("form").send({ _csrf: admin.csrf, code: "X-MOI", name: "Trùng", type: "xa" });
  expect(dup.status).toBe(422);
  expect(dup.text).toContain("Mã đơn vị này đã tồn tại.");
  const dates = await admin.agent.post("/units/X-MOI").type("form").send({ _csrf: admin.csrf, name: "Xã Mới", type: "xa", validFrom: "01/07/2025", validTo: "01/01/2025" });
  expect(dates.status).toBe(422);
  const edit = await admin.agent.post("/units/X-MOI").type("form").send({ _csrf: admin.csrf, name: "Xã Mới Đổi Tên", type: "xa", validFrom: "01/07/2025", validTo: "31/12/2030", mergedInto: "X-TANNINH" });
  expect(edit.status).toBe(302);
  const [after] = await ctx.handle.db.select().from(units).where(eq(units.code, "X-MOI"));
  expect(after).toMatchObject({ name: "Xã Mới Đổi Tên", validTo: "2030-12-31", mergedInto: "X-TANNINH" });
  expect((await admin.agent.get("/units/KHONG-CO/edit")).status).toBe(404);
});

test("categories: add, reject a duplicate spelled differently, rename, hide", async () => {
  const add = await admin.agent.post("/categories").type("form").send({ _csrf: admin.csrf, name: "Cộng tác viên hoà giải", sortOrder: "95" });
  expect(add.status).toBe(302);
  const dup = await admin.agent.post("/categories").type("form").send({ _csrf: admin.csrf, name: "CỘNG TÁC VIÊN HÒA GIẢI", sortOrder: "" });
  expect(dup.status).toBe(422);
  expect(dup.text).toContain("Đối tượng này đã có.");
  const [row] = await ctx.handle.db.select().from(participantCategories).where(eq(participantCategories.name, "Cộng tác viên hoà giải"));
  const rename = await admin.agent.post(`/categories/${row.id}`).type("form").send({ _csrf: admin.csrf, name: "Cộng tác viên", sortOrder: "96" });
  expect(rename.status).toBe(302);
  await admin.agent.post(`/categories/${row.id}/toggle`).type("form").send({ _csrf: admin.csrf });
  const [after] = await ctx.handle.db.select().from(participantCategories).where(eq(participantCategories.id, row.id));
  expect(after).toMatchObject({ name: "Cộng tác viên", sortOrder: 96, active: false });
});

test("org settings: a new dated version applies from its date; the old one stays for earlier dates", async () => {
  const res = await admin.agent.post("/settings").type("form").send({
    _csrf: admin.csrf, validFrom: "01/07/2025", managingBody: "Ủy ban nhân dân xã Triệu Sơn", issuingBody: "Phòng Văn hóa - Xã hội",
    placeName: "Triệu Sơn", signerPrefix: "KT. TRƯỞNG PHÒNG", signerTitle: "PHÓ TRƯỞNG PHÒNG", signerName: "Nguyễn Văn Nam", reportRecipients: "UBND tỉnh;\n\n Lưu: VT. ",
  });
  expect(res.status).toBe(302);
  expect((await orgSettingsOn(ctx.handle.db, "2025-06-30")).signerName).toBe("Lê Quang Trung");
  const now = await orgSettingsOn(ctx.handle.db, "2025-07-01");
  expect(now).toMatchObject({ signerName: "Nguyễn Văn Nam", reportRecipients: "UBND tỉnh;\nLưu: VT." });
  const page = await admin.agent.get("/settings");
  expect(page.text).toContain("Nguyễn Văn Nam");
  expect(page.text).toContain("Lê Quang Trung");
  const bad = await admin.agent.post("/settings").type("form").send({ _csrf: admin.csrf, validFrom: "", managingBody: "" });
  expect(bad.status).toBe(422);
  expect(await ctx.handle.db.select().from(orgSettings)).toHaveLength(2);
});
