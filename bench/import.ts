/**
 * Benchmark: roster import of a generated 5,000-row XLSX (500 of its people already in the database,
 * 2,000 people there in all) through the real HTTP routes: upload + preview (step 1), then confirm
 * (step 2: creates 4,500 trainees and enrolls 5,000 people, capacity 4,000 so the waitlist is used too).
 * Baseline in the same run: exceljs loading the same file, which both steps must do.
 * Run: npm run bench:import  (or npx tsx bench/import.ts [rows])
 * Prints one JSON line at the end: {"rows":5000,"seconds":…,"previewSeconds":…,"confirmSeconds":…,…}. Goal: seconds ≤ 5.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import request from "supertest";
import { createApp } from "../src/app";
import { openScratchDb } from "../scripts/scratch-db";
import { enrollments, users } from "../src/db/schema";
import { createCourse } from "../src/features/courses/courses.service";
import { createUser } from "../src/features/users/users.service";

const ROWS = Number(process.argv[2] ?? 5000);
const EXISTING = 2000;
const MATCHED = Math.min(500, ROWS);

const HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const DEM = ["Thị", "Văn", "Đức", "Thị Thu", "Quốc", "Ngọc", "Xuân", "Hữu", "Thị Hồng", "Minh"];
const TEN = ["Hà", "Ưng", "Thuỷ", "Khải", "Việt", "Ánh", "Trường", "Giang", "Dũng", "Hằng", "Phượng", "Tuấn", "Nguyệt", "Lộc", "Yến", "Quyết", "Hoà", "Sơn", "Thắm", "Đạt"];
// As people type them: with and without "Xã", former units, other case.
const UNITS = ["Xã Triệu Sơn", "thọ bình", "Xã Thọ Ngọc", "XÃ THỌ PHÚ", "Hợp Tiến", "Xã An Nông", "Xã Tân Ninh", "Đồng Tiến", "Xã Dân Lực", "Thị trấn Nưa", "Xã Thái Hoà"];
const CATEGORIES = ["Cán bộ cấp xã", "Phóng viên, biên tập viên", "tuyên truyền viên, báo cáo viên", "Đài truyền thanh cơ sở", "Khác"];
const ETHNIC = ["Kinh", "Kinh", "Kinh", "Mường", "Thái", "H'Mông"];
const POSITIONS = ["Chuyên viên", "Công chức Văn hóa - Xã hội", "Phó Chủ tịch UBND xã", "Phóng viên", "Tuyên truyền viên", "Trưởng thôn"];

const person = (i: number) => ({
  fullName: `${HO[i % HO.length]} ${DEM[Math.floor(i / HO.length) % DEM.length]} ${TEN[Math.floor(i / 7) % TEN.length]}`,
  dob: ((d) => ({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() }))(new Date(Date.UTC(1960, 0, 1) + i * 86_400_000)), // one day apart: unique
  cccd: `038${String(i).padStart(9, "0")}`,
  phone: `09${String(10_000_000 + i).slice(-8)}`,
});
const pad = (n: number) => String(n).padStart(2, "0");

async function roster(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Danh sách");
  ws.addRow(["DANH SÁCH HỌC VIÊN"]);
  ws.addRow(["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"]);
  for (let i = 0; i < ROWS; i++) {
    // The first MATCHED rows are people already in the database (found by CCCD, phone or name + birth date).
    const p = person(i < MATCHED ? i : EXISTING + i);
    const dob = i % 2 ? new Date(Date.UTC(p.dob.y, p.dob.m - 1, p.dob.d)) : `${pad(p.dob.d)}/${pad(p.dob.m)}/${p.dob.y}`;
    const row = ws.addRow([
      i + 1, i % 3 ? p.fullName : p.fullName.toUpperCase().normalize("NFD"), dob, i % 2 ? "Nam" : "nữ", ETHNIC[i % ETHNIC.length], POSITIONS[i % POSITIONS.length],
      UNITS[i % UNITS.length], CATEGORIES[i % CATEGORIES.length], i % 5 === 4 ? "" : p.cccd, i % 4 === 3 ? "" : p.phone, `hv${i}@example.vn`,
    ]);
    if (dob instanceof Date) row.getCell(3).numFmt = "dd/mm/yyyy";
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-bench-import-"));
  const handle = await openScratchDb();
  try {
    const db = handle.db;
    const password = "mat-khau-bench-import";
    const admin = await createUser(db, {
      ho: "Quản", tenDem: "Trị", ten: "Viên", login: "bench.admin", email: null, phone: null, role: "admin", dateOfBirth: null, gender: null,
      ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null, password,
    }, null);
    const existing = Array.from({ length: EXISTING }, (_, i) => {
      const p = person(i);
      const [ho, ...rest] = p.fullName.split(" ");
      return {
        ho, tenDem: rest.slice(0, -1).join(" "), ten: rest[rest.length - 1], fullName: p.fullName, role: "trainee" as const,
        dateOfBirth: `${p.dob.y}-${pad(p.dob.m)}-${pad(p.dob.d)}`, cccd: i % 3 === 0 ? p.cccd : null, phone: i % 3 === 1 ? p.phone : null,
      };
    });
    for (let i = 0; i < existing.length; i += 1000) await db.insert(users).values(existing.slice(i, i + 1000));
    const course = await createCourse(db, {
      title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại (bench)", kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
      venue: null, capacity: Math.round(ROWS * 0.8), enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
      trainerIds: [], targetCategoryIds: [], funding: [],
    }, { id: admin.id });

    const file = await roster();
    let t = performance.now();
    await new ExcelJS.Workbook().xlsx.load(file as unknown as ExcelJS.Buffer);
    const xlsxLoadSeconds = (performance.now() - t) / 1000;

    const app = createApp({ handle, sessionSecret: "bench-secret-bench-secret-bench-secret", pruneSessions: false });
    const agent = request.agent(app);
    const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1];
    const loginPage = await agent.get("/login");
    await agent.post("/login").type("form").send({ _csrf: csrfOf(loginPage.text), login: "bench.admin", password }).expect(302);
    const csrf = csrfOf((await agent.get(`/courses/${course.id}/import`).expect(200)).text);

    t = performance.now();
    const preview = await agent.post(`/courses/${course.id}/import`).field("_csrf", csrf).attach("file", file, "danh-sach-5000.xlsx");
    const previewSeconds = (performance.now() - t) / 1000;
    if (preview.status !== 200) throw new Error(`preview failed: ${preview.status} ${preview.text.slice(0, 500)}`);
    const token = preview.text.match(/name="token" value="([0-9a-f]{32})"/)?.[1];
    if (!token) throw new Error("no confirm token in the preview");

    t = performance.now();
    const done = await agent.post(`/courses/${course.id}/import/confirm`).type("form").send({ _csrf: csrf, token });
    const confirmSeconds = (performance.now() - t) / 1000;
    if (done.status !== 302 || !done.headers.location.endsWith("/participants")) throw new Error(`confirm failed: ${done.status} ${done.headers.location}`);

    const rows = await db.select({ status: enrollments.status }).from(enrollments).where(eq(enrollments.courseId, course.id));
    const enrolled = rows.filter((r) => r.status === "enrolled").length;
    const waitlisted = rows.filter((r) => r.status === "waitlisted").length;
    const created = (await db.select({ id: users.id }).from(users)).length - EXISTING - 1;
    if (rows.length !== ROWS) throw new Error(`expected ${ROWS} enrollments, got ${rows.length}`);
    const seconds = previewSeconds + confirmSeconds;
    console.log(`roster ${ROWS} rows (${(file.length / 1024).toFixed(0)} KiB XLSX), ${MATCHED} of them already known`);
    console.log(`exceljs load alone      ${xlsxLoadSeconds.toFixed(3)} s`);
    console.log(`upload + preview        ${previewSeconds.toFixed(3)} s (page ${(preview.text.length / 1024).toFixed(0)} KiB)`);
    console.log(`confirm (one tx)        ${confirmSeconds.toFixed(3)} s: ${created} created, ${enrolled} enrolled, ${waitlisted} waitlisted`);
    console.log(JSON.stringify({
      rows: ROWS, bytes: file.length, seconds: +seconds.toFixed(3), previewSeconds: +previewSeconds.toFixed(3), confirmSeconds: +confirmSeconds.toFixed(3),
      xlsxLoadSeconds: +xlsxLoadSeconds.toFixed(3), created, enrolled, waitlisted, goalSeconds: 5,
    }));
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
