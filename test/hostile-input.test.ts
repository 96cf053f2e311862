/** Hostile input: oversized forms, markup in text fields, formula-looking cells in spreadsheet exports. */
import ExcelJS from "exceljs";
import { users } from "../src/db/schema";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { createTestApp, loginAs, makeUser, type TestContext } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { binary } from "./helpers/pdf";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx.close());

const XSS = `<img src=x onerror="alert(1)">`;

test("an oversized form is refused with 413 and a Vietnamese message, and writes nothing", async () => {
  const admin = await loginAs(ctx, "admin");
  const before = (await ctx.handle.db.select().from(users)).length;
  const res = await admin.agent.post("/users").type("form").send({ _csrf: admin.csrf, ho: "A", ten: "B", role: "trainee", login: "to.qua", password: "mat-khau-dai-du", position: "x".repeat(300_000) });
  expect(res.status).toBe(413);
  expect(res.text).toContain("Dữ liệu gửi lên quá lớn.");
  expect((await ctx.handle.db.select().from(users)).length).toBe(before);
});

test("markup in a course title and a person's name is escaped in pages; formula-looking names stay text in XLSX", async () => {
  const admin = await loginAs(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer");
  const course = await makeCourse(ctx, admin.user.id, { title: `Lớp ${XSS}`, trainerIds: [trainer.id] });
  const evil = await makeUser(ctx, "trainee", { ho: "=HYPERLINK(\"http://x\")", tenDem: "", ten: XSS });
  await addParticipant(ctx.handle.db, course.id, evil.id, "admin", null);
  for (const url of [`/courses/${course.id}`, `/courses/${course.id}/participants`, "/courses", "/users"]) {
    const page = await admin.agent.get(url);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("<img src=x");
  }
  const xlsx = await binary(admin.agent.get(`/courses/${course.id}/roster.xlsx`));
  expect(xlsx.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.body);
  const cells: unknown[] = [];
  wb.worksheets[0].eachRow((row) => row.eachCell((c) => cells.push(c.value)));
  expect(cells.some((v) => typeof v === "object" && v !== null && "formula" in (v as object))).toBe(false);
  expect(cells.filter((v) => typeof v === "string").every((v) => !/^[=+\-@]/.test(v as string))).toBe(true);
});
