/**
 * The plan's report computed from a small known dataset (test/reports.fixture.ts): every figure is
 * asserted exactly, then the report page, drill-down lists, data-quality checks, the narrative form,
 * other periods and access rules over HTTP.
 */
import { and, eq } from "drizzle-orm";
import { attendanceMarks, auditLog, courseSessions, enrollments, reportDrafts } from "../src/db/schema";
import { parsePeriod, yearPeriod } from "../src/features/reports/period";
import { computeReport } from "../src/features/reports/reports.service";
import { loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { buildKnownDataset } from "./reports.fixture";

jest.setTimeout(120000);
const Y = 2025;
const { ctx, admin } = useTestApp({ as: ["admin"] });
let data: Awaited<ReturnType<typeof buildKnownDataset>>;

beforeAll(async () => {
  data = await buildKnownDataset(ctx, admin.user.id, Y);
});

const values = (o: Partial<Record<"t1Times" | "t1Persons" | "t3Times" | "t3Persons" | "completed" | "certified", number>>) => ({
  t1Times: 0, t1Persons: 0, t3Times: 0, t3Persons: 0, completed: 0, certified: 0, ...o,
});

test("every figure of the yearly report, exactly", async () => {
  const { figures: f } = await computeReport(ctx.handle.db, data.planId, yearPeriod(Y));
  expect(f.from).toBe(`${Y}-01-01`);
  expect(f.to).toBe(`${Y}-12-31`);
  // Task 1: conferences 1, 2 and 5 (5 held but never marked); 3 was last year, 4 is cancelled; 2's third session was cancelled.
  // A attended conferences 1 and 2: two participant-times, one person. C's "E" counts (conference 2 counts excused).
  expect(f.task1).toEqual({ conferences: 3, sessions: 4, participantTimes: 6, uniquePersons: 5, personSessions: 7 });
  // Task 3: class 1 (3 sessions on 2 days), class 2 (2 days), class 3 (1 session in Y, 1 in Y + 1); 07-01 shared by classes 2 and 3.
  // Completed: A in class 1 and class 2 (B 2/3, C 2/3 since E does not count there, D 1/2). Class 3 ends next year.
  // Certified: A class 1, C class 1, A class 2 (first issued in Y, re-issued in Y + 1: once); B's was revoked.
  expect(f.task3).toEqual({
    classes: 3, sessions: 6, trainingDays: 5, calendarDays: 4, participantTimes: 6, uniquePersons: 4, personSessions: 11,
    classesEnded: 2, enrolledInEnded: 5, completed: 2, certified: 3,
  });
  // A, B, C, D, E: each counted once across tasks 1 and 3 (H attended only a course outside the plan).
  expect(f.overall).toEqual({ participantTimes: 12, uniquePersons: 5 });
  // Courses whose first session is in Y: conf 1 (5 M), class 1 (20 M + 3 M), class 2 (2 M + 0.5 M), class 3 (1 M, starts in Y).
  expect(f.task4).toEqual({ total: 31_500_000, courses: 4, bySource: { state: 26_000_000, business: 3_000_000, social: 2_000_000, other: 500_000 } });
  expect(f.months.find((x) => x.key === `${Y}-03`)).toEqual({ key: `${Y}-03`, t1Times: 3, t3Times: 0 });
  expect(f.months.find((x) => x.key === `${Y}-04`)).toEqual({ key: `${Y}-04`, t1Times: 0, t3Times: 3 });
  expect(f.months.reduce((a, x) => a + x.t1Times + x.t3Times, 0)).toBe(12);
});

test("breakdowns: former units rolled up into today's xã, and as recorded; gender, ethnicity, category", async () => {
  const { figures: f } = await computeReport(ctx.handle.db, data.planId, yearPeriod(Y));
  const rows = (dim: keyof typeof f.breakdowns) => Object.fromEntries(f.breakdowns[dim].rows.map((r) => [r.label, r.values]));
  // A (Xã Dân Lực) and E (Xã Minh Sơn) were merged into Xã Triệu Sơn; C's Xã Thọ Bình into the new Xã Thọ Bình; D has no unit.
  expect(rows("unit")).toEqual({
    "Xã Triệu Sơn": values({ t1Times: 4, t1Persons: 3, t3Times: 4, t3Persons: 2, completed: 2, certified: 2 }),
    "Xã Thọ Bình": values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1, certified: 1 }),
    "Chưa xác định": values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1 }),
  });
  expect(f.breakdowns.unit.rows.map((r) => r.key)).toEqual(["X-THOBINH", "X-TRIEUSON", ""]);
  expect(rows("unitRecorded")).toEqual({
    "Xã Dân Lực": values({ t1Times: 2, t1Persons: 1, t3Times: 2, t3Persons: 1, completed: 2, certified: 2 }),
    "Xã Triệu Sơn": values({ t1Times: 1, t1Persons: 1, t3Times: 2, t3Persons: 1 }),
    "Xã Minh Sơn": values({ t1Times: 1, t1Persons: 1 }),
    "Xã Thọ Bình": values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1, certified: 1 }),
    "Chưa xác định": values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1 }),
  });
  expect(rows("gender")).toEqual({
    Nam: values({ t1Times: 3, t1Persons: 2, t3Times: 3, t3Persons: 2, completed: 2, certified: 3 }),
    "Nữ": values({ t1Times: 3, t1Persons: 3, t3Times: 3, t3Persons: 2 }),
  });
  expect(rows("ethnicity")).toEqual({
    Kinh: values({ t1Times: 4, t1Persons: 3, t3Times: 4, t3Persons: 2, completed: 2, certified: 2 }),
    "Thái": values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1 }),
    "Mường": values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1, certified: 1 }),
  });
  const cat = rows("category");
  expect(cat["Cán bộ cấp xã"]).toEqual(values({ t1Times: 3, t1Persons: 2, t3Times: 2, t3Persons: 1, completed: 2, certified: 2 }));
  expect(cat["Phóng viên, biên tập viên"]).toEqual(values({ t1Times: 1, t1Persons: 1, t3Times: 2, t3Persons: 1 }));
  expect(cat["Tuyên truyền viên, báo cáo viên"]).toEqual(values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1, certified: 1 }));
  expect(cat["Chưa xác định"]).toEqual(values({ t1Times: 1, t1Persons: 1, t3Times: 1, t3Persons: 1 }));
  expect(cat["Lực lượng vũ trang"]).toEqual(values({})); // every active category is listed, even at zero
  for (const dim of ["unit", "unitRecorded", "gender", "ethnicity", "category"] as const) {
    expect(f.breakdowns[dim].total).toEqual(values({ t1Times: 6, t1Persons: 5, t3Times: 6, t3Persons: 4, completed: 2, certified: 3 }));
  }
});

test("the report page shows the figures, each linking to the rows behind it", async () => {
  const res = await admin.agent.get(`/reports/${data.planId}/${Y}`);
  expect(res.status).toBe(200);
  expect(res.text).toContain(`Báo cáo năm ${Y}`);
  expect(res.text).toContain("Số hội nghị đã tổ chức");
  expect(res.text).toMatch(/data-figure="t1.participantTimes">6</);
  expect(res.text).toMatch(/data-figure="t1.uniquePersons">5</);
  expect(res.text).toMatch(/data-figure="t4.total">31.500.000 đ</);
  expect(res.text).toContain(`/reports/${data.planId}/${Y}/rows?f=t3.completed&amp;dim=unit&amp;key=X-TRIEUSON`);

  // Unique persons: A once, with both conferences.
  const persons = await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=t1.uniquePersons`);
  expect(persons.status).toBe(200);
  expect(persons.text.match(/Nguyễn Văn An<\/a>/g)).toHaveLength(1);
  expect(persons.text).toContain("5 dòng");
  expect(persons.text).toContain(data.courses.conf1.title);
  expect(persons.text).toContain(data.courses.conf2.title);
  // Participant-times of today's Xã Triệu Sơn: A twice, B, and E recorded under the former Xã Minh Sơn.
  const times = await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=t1.participantTimes&dim=unit&key=X-TRIEUSON`);
  expect(times.text).toContain("4 dòng");
  expect(times.text.match(/Nguyễn Văn An<\/a>/g)).toHaveLength(2);
  expect(times.text).toContain("Lê Thị Thuỷ");
  expect(times.text).toContain("Xã Minh Sơn");
  const completed = await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=t3.completed`);
  expect(completed.text).toContain("2 dòng");
  expect(completed.text).toContain("→ đạt");
  const days = await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=t3.calendarDays`);
  expect(days.text).toContain("4 dòng");
  expect(days.text).toContain(`01/07/${Y}`);
  const funding = await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=t4.state`);
  expect(funding.text).toContain("26.000.000 đ");
  expect(funding.text).not.toContain("Lớp ngoài kế hoạch");
  const unknown = await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=t1.participantTimes&dim=unit&key=`);
  expect(unknown.text).toContain("Trần Thị Dung");
  expect(unknown.text).toContain("1 dòng");
  expect((await admin.agent.get(`/reports/${data.planId}/${Y}/rows?f=nothing`)).status).toBe(404);
  expect((await admin.agent.get(`/reports/${data.planId}/2025-Q5`)).status).toBe(404);
});

test("data-quality checks: unmarked session, missing fields, unearned certificate, probable duplicates", async () => {
  const page = await admin.agent.get(`/reports/${data.planId}/${Y}`);
  expect(page.text).toContain("Có 5 vấn đề về dữ liệu cần xem trước khi xuất báo cáo.");
  const res = await admin.agent.get(`/reports/${data.planId}/${Y}/quality`);
  expect(res.status).toBe(200);
  expect(res.text).toContain("Buổi đã qua nhưng chưa điểm danh (1)");
  expect(res.text).toContain(data.courses.conf5.title);
  expect(res.text).toMatch(/Trần Thị Dung<\/td>\s*<td[^>]*>đối tượng, đơn vị, ngày sinh, CCCD<\/td>/);
  expect(res.text).toContain("(1)</h2>"); // one person with missing fields
  expect(res.text).toContain("chưa đạt quy định hoàn thành (1)");
  expect(res.text).toContain("Hà Văn Cường");
  expect(res.text).toContain("Có mặt 2/3 buổi (66,7%, cần 80%) → chưa đạt");
  expect(res.text).toContain("Có thể trùng người (cùng CCCD, hoặc cùng họ tên và ngày sinh) (2)");
  expect(res.text).toContain("Lê Thị Thủy");
  expect(res.text).toContain("Lê Thị Thuỷ");
  expect(res.text).toContain("Đỗ Văn Giang");
  expect(res.text).toContain(`/users/${data.people.E.id}/merge`);
});

test("the narrative is saved (NFC), validated, and kept per plan and period", async () => {
  const base = `/reports/${data.planId}/${Y}`;
  const bad = await admin.agent.post(`${base}/narrative`).type("form").send({ _csrf: admin.csrf, radioProgrammes: "mười", limitations: "x" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Nhập một số nguyên không âm");
  const nfd = "Một số xã chưa cập nhật điểm danh kịp thời.".normalize("NFD");
  const ok = await admin.agent.post(`${base}/narrative`).type("form").send({
    _csrf: admin.csrf, documentNumber: "15/BC-UBND", reportDate: `20/01/${Y + 1}`, radioProgrammes: "24", radioNote: "Phát sóng trên Đài truyền thanh các xã.",
    results: "", limitations: `${nfd}\r\n\r\n\r\nDòng thứ hai.`, directions: "Tiếp tục bồi dưỡng.", recommendations: "Đề nghị bổ sung kinh phí.",
  });
  expect(ok.status).toBe(302);
  const [draft] = await ctx.handle.db.select().from(reportDrafts).where(and(eq(reportDrafts.planId, data.planId), eq(reportDrafts.periodFrom, `${Y}-01-01`)));
  expect(draft.narrative).toMatchObject({ documentNumber: "15/BC-UBND", reportDate: `${Y + 1}-01-20`, radioProgrammes: 24, limitations: `${nfd.normalize("NFC")}\n\nDòng thứ hai.` });
  const page = await admin.agent.get(base);
  expect(page.text).toContain("20/01/2026");
  expect(page.text).toMatch(/Số chương trình phát thanh đã sản xuất<\/th>\s*<td class="num">\s*24/);
  const logged = await ctx.handle.db.select().from(auditLog).where(eq(auditLog.action, "report.narrative"));
  expect(logged.length).toBeGreaterThanOrEqual(1);
});

test("half-year, quarter and date-range periods; nothing after today is counted", async () => {
  const h1 = (await computeReport(ctx.handle.db, data.planId, parsePeriod(`${Y}-H1`)!)).figures;
  // H1: conference 1; classes 1, 2 (its 06-30 session); class 2 ends in H2, so nothing completes in H1 but class 1.
  expect(h1.task1).toMatchObject({ conferences: 1, participantTimes: 3, uniquePersons: 3 });
  expect(h1.task3).toMatchObject({ classes: 2, sessions: 4, participantTimes: 5, uniquePersons: 4, classesEnded: 1, completed: 1, certified: 2 });
  const q3 = (await computeReport(ctx.handle.db, data.planId, parsePeriod(`${Y}-Q3`)!)).figures;
  expect(q3.task1).toMatchObject({ conferences: 1, sessions: 2, participantTimes: 3, uniquePersons: 3 });
  expect(q3.task3).toMatchObject({ classes: 2, sessions: 2, calendarDays: 1, trainingDays: 2, participantTimes: 2, completed: 1, certified: 1 });
  const range = (await computeReport(ctx.handle.db, data.planId, parsePeriod(`${Y}-03-01_${Y}-04-01`)!)).figures;
  expect(range.task1.conferences).toBe(1);
  expect(range.task3).toMatchObject({ classes: 1, sessions: 2, trainingDays: 1, participantTimes: 3 });
  // As of 15/08: conference 5 (10/10) has not happened yet.
  const early = (await computeReport(ctx.handle.db, data.planId, yearPeriod(Y), `${Y}-08-15`)).figures;
  expect(early.to).toBe(`${Y}-08-15`);
  expect(early.task1.conferences).toBe(2);
  const form = await admin.agent.get(`/reports/${data.planId}?year=${Y}&part=q3`);
  expect(form.headers.location).toBe(`/reports/${data.planId}/${Y}-Q3`);
  const custom = await admin.agent.get(`/reports/${data.planId}?part=range&from=01/03/${Y}&to=01/04/${Y}`);
  expect(custom.headers.location).toBe(`/reports/${data.planId}/${Y}-03-01_${Y}-04-01`);
  const reversed = await admin.agent.get(`/reports/${data.planId}?part=range&from=01/04/${Y}&to=01/03/${Y}`);
  expect(reversed.headers.location).toBe("/reports");
  const page = await admin.agent.get(`/reports/${data.planId}/${Y}-Q3`);
  expect(page.text).toContain(`quý III năm ${Y}`);
});

test("reports and the dashboard are for administrators only; Chart.js is served from the app", async () => {
  const trainer = await loginAs(ctx, "trainer");
  expect((await trainer.agent.get(`/reports/${data.planId}/${Y}`)).status).toBe(403);
  expect((await trainer.agent.get("/dashboard")).status).toBe(403);
  expect((await trainer.agent.get(`/reports/${data.planId}/${Y}/participants.csv`)).status).toBe(403);
  const trainee = await loginAs(ctx, "trainee");
  expect((await trainee.agent.post(`/reports/${data.planId}/${Y}/freeze`).type("form").send({ _csrf: trainee.csrf })).status).toBe(403);
  const anonymous = await (await import("supertest")).default(ctx.app).get("/reports");
  expect(anonymous.status).toBe(302);
  expect(anonymous.headers.location).toBe("/login");
  const chart = await trainee.agent.get("/vendor/chart.umd.min.js");
  expect(chart.status).toBe(200);
  expect(chart.headers["content-type"]).toMatch(/javascript/);
  expect(chart.headers["cache-control"]).toContain("max-age=31536000");
  expect(chart.text).toContain("Chart.js v4.");
  const dash = await admin.agent.get("/dashboard");
  expect(dash.status).toBe(200);
  expect(dash.text).toContain('src="/vendor/chart.umd.min.js"');
  expect(dash.text).toContain('data-chart="');
});

test("a session later today is not yet held: the report counts up to the moment, not the whole day", async () => {
  const db = ctx.handle.db;
  const day = "2027-05-14";
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp cắt mốc giờ" });
  const [morning] = await db.insert(courseSessions).values([
    { courseId: course.id, date: day, startTime: "07:30", endTime: "11:00" },
    { courseId: course.id, date: day, startTime: "14:00", endTime: "17:00" },
  ]).returning();
  const trainee = await makeUser(ctx, "trainee");
  await db.insert(enrollments).values({ courseId: course.id, userId: trainee.id, status: "enrolled", source: "admin" });
  await db.insert(attendanceMarks).values({ sessionId: morning.id, userId: trainee.id, status: "P", source: "rollcall" });
  const period = parsePeriod(`${day}_${day}`)!;
  // 12:00 in Vietnam (05:00 UTC): the afternoon session has not started, so the class has not ended.
  const noon = (await computeReport(db, null, period, new Date(`${day}T05:00:00Z`))).figures;
  expect(noon.to).toBe(day);
  expect(noon.task3).toMatchObject({ classes: 1, sessions: 1, classesEnded: 0, enrolledInEnded: 0 });
  // 15:00: both sessions are held and the class ended in the period (completion is counted).
  const afternoon = (await computeReport(db, null, period, new Date(`${day}T08:00:00Z`))).figures;
  expect(afternoon.task3).toMatchObject({ classes: 1, sessions: 2, classesEnded: 1, enrolledInEnded: 1 });
  // A past day given as a date counts the whole day.
  expect((await computeReport(db, null, period, day)).figures.task3.sessions).toBe(2);
});
