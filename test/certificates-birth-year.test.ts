/**
 * A person whose birth is known only by its year (users.birth_year, no date_of_birth) is eligible for a
 * certificate, which prints "Sinh năm 1978" (never an invented 01/01/1978); the register book (PDF and
 * XLSX) shows the year in its birth column. A person with neither stays refused with the usual message.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { attendanceMarks, certificates, courseSessions, enrollments, users } from "../src/db/schema";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { joinFullName } from "../src/lib/vietnamese";
import { useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { binary, popplerTest } from "./helpers/pdf";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"] });

const withPoppler = popplerTest("certificates-birth-year tests");
const MISSING = "Thiếu ngày sinh: cập nhật hồ sơ trước khi cấp giấy chứng nhận.";
const dir = path.resolve(".tmp/screenshots");

/** Text of a PDF on one line; the first page also goes to .tmp/screenshots/<name>-1.png for people to look at. */
function pdfText(bytes: Buffer, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, bytes);
  execFileSync("pdftoppm", ["-r", "70", "-png", "-l", "1", file, path.join(dir, name)]);
  return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

/** A training course, everyone present at both sessions: year-only, full date, and no birth at all. */
async function birthClass() {
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp bồi dưỡng nghiệp vụ văn hóa cơ sở năm 2026" });
  const sessions = await db.insert(courseSessions).values([
    { courseId: course.id, date: "2026-06-08", startTime: "07:30", endTime: "11:00" },
    { courseId: course.id, date: "2026-06-09", startTime: "07:30", endTime: "11:00" },
  ]).returning();
  const people = [
    { ho: "Trịnh", tenDem: "Văn", ten: "Lâm", dateOfBirth: null, birthYear: 1978 },
    { ho: "Mai", tenDem: "Thị", ten: "Oanh", dateOfBirth: "1985-07-20", birthYear: null },
    { ho: "Cao", tenDem: "Văn", ten: "Sơn", dateOfBirth: null, birthYear: null },
  ];
  const ids: number[] = [];
  for (const p of people) {
    const [u] = await db.insert(users).values({ ...p, fullName: joinFullName(p), role: "trainee", gender: "Nam", unitCode: "X-TRIEUSON", ethnicityCode: "01" }).returning();
    await db.insert(enrollments).values({ courseId: course.id, userId: u.id, status: "enrolled", source: "admin" });
    await db.insert(attendanceMarks).values(sessions.map((s) => ({ sessionId: s.id, userId: u.id, status: "P" as const, source: "rollcall" })));
    ids.push(u.id);
  }
  const [yearOnly, fullDate, neither] = ids;
  return { course, yearOnly, fullDate, neither };
}

const issue = (courseId: number, userId: number) => admin.agent.post(`/courses/${courseId}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(userId) });
const certOf = async (courseId: number, userId: number) => (await ctx.handle.db.select().from(certificates).where(eq(certificates.courseId, courseId))).find((c) => c.userId === userId)!;

withPoppler("a year-only person is issued a certificate printing 'Sinh năm 1978'; the register shows the year; no birth at all is still refused", async () => {
  const { course, yearOnly, fullDate, neither } = await birthClass();

  // Only the person with neither a date nor a year is flagged on the issuing page.
  const page = await admin.agent.get(`/courses/${course.id}/certificates`);
  expect(page.status).toBe(200);
  expect(page.text.split(MISSING).length - 1).toBe(1);

  const refused = await issue(course.id, neither);
  expect(refused.status).toBe(409);
  expect(refused.text).toContain(MISSING);

  expect((await issue(course.id, yearOnly)).status).toBe(302);
  expect((await issue(course.id, fullDate)).status).toBe(302);
  const cert = await certOf(course.id, yearOnly);
  const s = cert.snapshot as unknown as CertificateSnapshot;
  expect(s.person).toMatchObject({ fullName: "Trịnh Văn Lâm", dateOfBirth: "", birthYear: 1978 });
  const other = (await certOf(course.id, fullDate)).snapshot as unknown as CertificateSnapshot;
  expect(other.person.dateOfBirth).toBe("1985-07-20");
  expect("birthYear" in other.person).toBe(false);

  // The certificate as served: the bytes hashed at issue, the year printed as a year.
  const pdf = await binary(admin.agent.get(`/certificates/${cert.id}.pdf`));
  expect(pdf.status).toBe(200);
  expect(createHash("sha256").update(pdf.body as Buffer).digest("hex")).toBe(cert.pdfSha256);
  const text = pdfText(pdf.body as Buffer, "certificate-birth-year");
  expect(text).toContain("Trịnh Văn Lâm");
  expect(text).toContain("Sinh năm 1978");
  expect(text).not.toContain("01/01/1978");
  expect(text).not.toContain("Sinh ngày");
  expect(pdfText((await binary(admin.agent.get(`/certificates/${(await certOf(course.id, fullDate)).id}.pdf`))).body as Buffer, "certificate-birth-date")).toContain("Sinh ngày: 20/07/1985");

  // The admin's certificate page shows the year too.
  expect((await admin.agent.get(`/certificates/${cert.id}`)).text).toContain("Sinh năm 1978");

  // Register XLSX: text in the birth cell for a year, a date cell for a full date.
  const xlsx = await binary(admin.agent.get(`/certificates/register.xlsx?year=${cert.year}`));
  expect(xlsx.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.body);
  const ws = wb.worksheets[0];
  const rowOf = (number: string) => {
    let found: ExcelJS.Row | undefined;
    ws.eachRow((row) => {
      if (row.getCell(1).value === number) found = row;
    });
    return found!;
  };
  const yearCell = rowOf(cert.number).getCell(3);
  expect(yearCell.value).toBe("Sinh năm 1978");
  const dateCell = rowOf((await certOf(course.id, fullDate)).number).getCell(3);
  expect(dateCell.value).toBeInstanceOf(Date);
  expect((dateCell.value as Date).toISOString().slice(0, 10)).toBe("1985-07-20");

  // Register PDF and page.
  const register = await binary(admin.agent.get(`/certificates/register.pdf?year=${cert.year}`));
  expect(register.status).toBe(200);
  const registerText = pdfText(register.body as Buffer, "register-birth-year");
  expect(registerText).toMatch(/Sinh năm 1978/);
  expect(registerText).toContain("20/07/1985");
  expect(registerText).not.toContain("01/01/1978");
  expect((await admin.agent.get(`/certificates/register?year=${cert.year}`)).text).toContain("Sinh năm 1978");
});
