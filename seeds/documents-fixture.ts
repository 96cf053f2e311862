/**
 * One office's year of documents, for the document tests and `npm run samples`: a xã-level issuing
 * body (after 1/7/2025), long Vietnamese names (up to seven words), 32 trainees, a class of 8
 * sessions (all 32) and one of 12 sessions (14 of them), certificates of both classes in the register
 * with one re-issue and one revocation. Written through the services where they exist (sessions,
 * issuing), directly for people and marks (no password hashing, no roll-call audit: faster).
 */
import { eq } from "drizzle-orm";
import type { Db } from "../src/db/client";
import { attendanceMarks, certificates, courseSessions, enrollments, orgSettings, participantCategories, planTasks, plans, users } from "../src/db/schema";
import { saveCertificateSettings } from "../src/features/certificates/certificate-settings";
import { issueCertificate, reissueCertificate, revokeCertificate } from "../src/features/certificates/issue.service";
import { createCourse } from "../src/features/courses/courses.service";
import { addSessions } from "../src/features/courses/sessions.service";
import { joinFullName } from "../src/lib/vietnamese";

/** The people, as [họ, tên đệm, tên]: the longest names offices meet, and ordinary ones. */
export const FIXTURE_PEOPLE: [string, string, string][] = [
  ["Công Tằng Tôn Nữ", "Thị Bích", "Phượng"],
  ["Nguyễn", "Huỳnh Thị Ngọc", "Quỳnh"],
  ["Tôn Thất", "Hoàng Minh", "Trường"],
  ["Lương", "Thị Thanh", "Mường"],
  ["Hoàng", "Thị", "Nguyệt"],
  ["Đặng", "Văn", "Ưng"],
  ["Phạm", "Nguyễn Thị Thùy", "Dương"],
  ["Trịnh", "Xuân", "Thắng"],
  ["Lê", "Thị Hoài", "Thương"],
  ["Vi", "Văn", "Khoẻ"],
  ["Hà", "Thị", "Xuyến"],
  ["Bùi", "Đức", "Nghiệp"],
  ["Ngô", "Thị Phương", "Thảo"],
  ["Mai", "Quang", "Huy"],
  ["Lò", "Văn", "Chiến"],
  ["Đỗ", "Thị Kim", "Oanh"],
  ["Vũ", "Hữu", "Nghĩa"],
  ["Cầm", "Bá", "Thước"],
  ["Trần", "Thị Thu", "Hường"],
  ["Quách", "Văn", "Khương"],
  ["Phan", "Thị", "Huyền"],
  ["Lục", "Văn", "Thuận"],
  ["Nguyễn", "Thị Ngọc", "Ánh"],
  ["Lê", "Đình", "Khoa"],
  ["Dương", "Thị", "Hạnh"],
  ["Kiều", "Văn", "Quyết"],
  ["Hồ", "Thị Mỹ", "Duyên"],
  ["Thiều", "Quang", "Trưởng"],
  ["Ninh", "Thị", "Loan"],
  ["Lưu", "Văn", "Thưởng"],
  ["Âu Dương", "Thị Thanh", "Xuân"],
  ["Tạ", "Quang", "Khải"],
];
const UNITS = ["X-TRIEUSON", "X-THOBINH", "X-THONGOC", "X-THOPHU", "X-HOPTIEN", "X-ANNONG", "X-TANNINH", "X-DONGTIEN"];
const ETHNIC = ["01", "01", "03", "06", "01", "24"];
const POSITIONS = ["Công chức Văn hóa - Xã hội", "Trưởng thôn", "Phó Chủ tịch Ủy ban nhân dân xã", "Cán bộ Đài truyền thanh", "Chuyên viên", "Tuyên truyền viên"];

/** The issuing body and signer in force from 1 January of the fixture year. */
export const FIXTURE_ORG = {
  managingBody: "Ủy ban nhân dân tỉnh Thanh Hóa",
  issuingBody: "Ủy ban nhân dân xã Triệu Sơn",
  placeName: "Triệu Sơn",
  signerPrefix: "KT. CHỦ TỊCH",
  signerTitle: "PHÓ CHỦ TỊCH",
  signerName: "Lê Quang Trung",
  reportRecipients: "Sở Văn hóa, Thể thao và Du lịch tỉnh Thanh Hóa;\nThường trực Đảng ủy xã;\nLưu: VT, VHXH.",
};

/** What the fixture built. */
export interface DocumentsFixture {
  year: number;
  /** The seed plan the classes count towards (null without one). */
  planId: number | null;
  adminId: number;
  trainer: { id: number; fullName: string };
  /** 8 sessions, all 32 trainees; 16 certificates (one re-issued). */
  course8: { id: number; title: string };
  /** 12 sessions, 14 trainees; 12 certificates (one revoked). */
  course12: { id: number; title: string };
  people: { id: number; fullName: string }[];
  /** Every register number of the year, in order. */
  numbers: string[];
  /** Every text the fixture typed (names, units' codes excluded): the words a document may print. */
  words: string[];
}

const dates = (from: string, n: number, perDay: number): { date: string; time: string }[] => {
  const start = new Date(`${from}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(start.getTime() + Math.floor(i / perDay) * 86_400_000);
    return { date: d.toISOString().slice(0, 10), time: i % perDay ? "13:30" : "07:30" };
  });
};

/**
 * Build the fixture on a migrated database holding the reference data (units, ethnicities,
 * categories) and one admin user (`adminId`). Dates fall in `year`; certificates are issued as of
 * 20 November of that year.
 */
export async function buildDocumentsFixture(db: Db, adminId: number, year = 2026): Promise<DocumentsFixture> {
  const actor = { id: adminId, ip: null };
  await db.insert(orgSettings).values({ ...FIXTURE_ORG, validFrom: `${year}-01-01`, createdBy: adminId });
  await saveCertificateSettings(db, { pattern: "{seq}/GCN-UBND", series: "GCN-UBND", print: { offsetXmm: 0, offsetYmm: 0, border: true } }, actor);
  const cats = await db.select().from(participantCategories).orderBy(participantCategories.id);
  // Both classes count towards the seed plan's training task (no. 3), so the year's report has figures.
  const [plan] = await db.select().from(plans).orderBy(plans.id).limit(1);
  const [task] = plan ? await db.select().from(planTasks).where(eq(planTasks.planId, plan.id)).orderBy(planTasks.number).offset(2).limit(1) : [];
  const [trainerRow] = await db.insert(users).values({ ho: "Tôn Nữ", tenDem: "Hoàng Quỳnh", ten: "Như", fullName: "Tôn Nữ Hoàng Quỳnh Như", role: "trainer", login: `gv.fixture.${year}` }).returning();
  const people: { id: number; fullName: string }[] = [];
  for (const [i, [ho, tenDem, ten]] of FIXTURE_PEOPLE.entries()) {
    const [u] = await db.insert(users).values({
      ho, tenDem, ten, fullName: joinFullName({ ho, tenDem, ten }), role: "trainee", gender: i % 2 ? "Nam" : "Nữ",
      dateOfBirth: `${1968 + (i % 30)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + ((i * 7) % 28)).padStart(2, "0")}`,
      ethnicityCode: ETHNIC[i % ETHNIC.length], unitCode: UNITS[i % UNITS.length], position: POSITIONS[i % POSITIONS.length],
      categoryId: cats[i % cats.length]?.id ?? null, cccd: `0380${String(68 + (i % 30)).padStart(2, "0")}${String(100000 + i).padStart(6, "0")}`,
    }).returning();
    people.push({ id: u.id, fullName: u.fullName });
  }

  const course = async (title: string, venue: string, sessions: { date: string; time: string }[], members: typeof people) => {
    const c = await createCourse(db, {
      title, kind: "training", planTaskId: task?.id ?? null, topic: null, description: null, organiserUnitCode: null, venue, capacity: null, enrollOpens: null, enrollCloses: null,
      approvalRequired: false, status: "finished", countExcused: false, trainerIds: [trainerRow.id], targetCategoryIds: [], funding: [],
    }, actor);
    for (const s of sessions) {
      await addSessions(db, { id: c.id, trainerIds: [trainerRow.id] }, { date: s.date, startTime: s.time, endTime: s.time === "07:30" ? "11:00" : "17:00", venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, actor);
    }
    const rows = await db.select().from(courseSessions).where(eq(courseSessions.courseId, c.id));
    await db.insert(enrollments).values(members.map((p) => ({ courseId: c.id, userId: p.id, status: "enrolled" as const })));
    await db.insert(attendanceMarks).values(rows.flatMap((s) => members.map((p) => ({ sessionId: s.id, userId: p.id, status: "P" as const, source: "rollcall" }))));
    return { id: c.id, title };
  };
  const course8 = await course(
    `Lớp bồi dưỡng nghiệp vụ công tác thông tin đối ngoại cho cán bộ, công chức cấp xã và người hoạt động không chuyên trách ở thôn, tổ dân phố năm ${year}`,
    "Hội trường Ủy ban nhân dân xã Triệu Sơn, tỉnh Thanh Hóa", dates(`${year}-09-14`, 8, 2), people,
  );
  const course12 = await course(
    `Lớp tập huấn kỹ năng tuyên truyền về biên giới, biển, đảo và hội nhập quốc tế năm ${year}`,
    "Nhà văn hóa thôn Đồng Mười, xã Triệu Sơn", dates(`${year}-10-05`, 12, 2), people.slice(0, 14),
  );

  const env = { baseUrl: "https://taphuan.example.vn", dataDir: "/nonexistent", now: new Date(`${year}-11-20T03:00:00Z`) };
  const issued: number[] = [];
  for (const p of people.slice(0, 16)) issued.push((await issueCertificate(db, course8.id, p.id, actor, env)).id);
  for (const p of people.slice(0, 12)) issued.push((await issueCertificate(db, course12.id, p.id, actor, env)).id);
  await reissueCertificate(db, issued[3], "Sửa tên đệm theo căn cước công dân", actor, { ...env, now: new Date(`${year}-11-25T03:00:00Z`) });
  await revokeCertificate(db, issued[20], "Cấp nhầm người, chưa đủ số buổi học", actor);

  const numbers = (await db.select({ number: certificates.number }).from(certificates).where(eq(certificates.year, year)).orderBy(certificates.seq)).map((r) => r.number);
  return {
    year, planId: plan?.id ?? null, adminId, trainer: { id: trainerRow.id, fullName: trainerRow.fullName }, course8, course12, people, numbers,
    words: ["Nam", "Nữ", ...people.map((p) => p.fullName), trainerRow.fullName, course8.title, course12.title, ...POSITIONS, ...Object.values(FIXTURE_ORG),
      "Hội trường Ủy ban nhân dân xã Triệu Sơn, tỉnh Thanh Hóa", "Nhà văn hóa thôn Đồng Mười, xã Triệu Sơn", "Sửa tên đệm theo căn cước công dân", "Cấp nhầm người, chưa đủ số buổi học"],
  };
}
