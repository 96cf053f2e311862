/** Roll-call, the change log, attendance rates on the course page, check-in settings and the exports. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { attendanceChanges, attendanceMarks, courseSessions, courses, users } from "../src/db/schema";
import { attendanceByUser } from "../src/features/attendance/attendance.summary";
import { getCourse } from "../src/features/courses/courses.service";
import { addSessions } from "../src/features/courses/sessions.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { t } from "../src/messages";
import { loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

jest.setTimeout(120000);
const m = t.attendance;
const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
const db = () => ctx.handle.db;

// Given in shuffled order; the roster order is by tên, then tên đệm, then họ, with Vietnamese letters
// (d < đ, u < ư) and tones second.
const PEOPLE = [
  { ho: "Hoàng", tenDem: "Thị", ten: "Ước", unit: "X-THOBINH" },
  { ho: "Phạm", tenDem: "Văn", ten: "Đức", unit: "X-TRIEUSON" },
  { ho: "Trần", tenDem: "Thu", ten: "Hà", unit: "X-THONGOC" },
  { ho: "Nguyễn", tenDem: "Thị", ten: "Ánh", unit: "X-TRIEUSON" },
  { ho: "Lê", tenDem: "Văn", ten: "Dũng", unit: "X-THOPHU" },
  { ho: "Nguyễn", tenDem: "Thị", ten: "Hà", unit: "X-THOBINH" },
  { ho: "Vũ", tenDem: "Thị", ten: "Uyên", unit: "X-TRIEUSON" },
  { ho: "Trần", tenDem: "Văn", ten: "Bình", unit: "X-THONGOC" },
];
const ORDER = ["Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Văn Dũng", "Phạm Văn Đức", "Nguyễn Thị Hà", "Trần Thu Hà", "Vũ Thị Uyên", "Hoàng Thị Ước"];

/** A course of `trainer` with sessions and the eight people above enrolled (+ one waitlisted). */
async function classWithPeople(opts: { countExcused?: boolean; sessions: { date: string; startTime: string; endTime: string }[] }) {
  const c = await makeCourse(ctx, admin.user.id, { title: "Lớp bồi dưỡng kỹ năng thông tin đối ngoại năm 2026", capacity: PEOPLE.length, trainerIds: [trainer.user.id], countExcused: opts.countExcused ?? false });
  for (const s of opts.sessions) await addSessions(db(), await getCourse(db(), c.id), { ...s, venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.user.id });
  const people: Record<string, Awaited<ReturnType<typeof makeUser>>> = {};
  for (const p of PEOPLE) {
    const u = await makeUser(ctx, "trainee", p);
    await db().update(users).set({ unitCode: p.unit }).where(eq(users.id, u.id));
    await addParticipant(db(), c.id, u.id, "admin", null);
    people[u.fullName] = u;
  }
  const waiting = await makeUser(ctx, "trainee", { ho: "Đỗ", tenDem: "Văn", ten: "Chờ" });
  await addParticipant(db(), c.id, waiting.id, "admin", null);
  const sessionIds = (await db().select({ id: courseSessions.id }).from(courseSessions).where(eq(courseSessions.courseId, c.id)).orderBy(courseSessions.date, courseSessions.startTime)).map((s) => s.id);
  return { id: c.id, sessionIds, people, waiting };
}
const idOf = (cls: Awaited<ReturnType<typeof classWithPeople>>, name: string) => cls.people[name].id;
const expectInOrder = (text: string, names: string[]) => {
  const at = names.map((n) => text.indexOf(n));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
};
const marksOf = async (sessionId: number) =>
  new Map((await db().select().from(attendanceMarks).where(eq(attendanceMarks.sessionId, sessionId))).map((r) => [r.userId, r]));
const changesOf = (sessionId: number) => db().select().from(attendanceChanges).where(eq(attendanceChanges.sessionId, sessionId)).orderBy(attendanceChanges.id);

describe("roll-call", () => {
  let cls: Awaited<ReturnType<typeof classWithPeople>>;
  let sid: number;
  const url = () => `/courses/${cls.id}/sessions/${sid}/attendance`;
  const post = (who: typeof trainer, body: Record<string, string>) => who.agent.post(url()).type("form").send({ _csrf: who.csrf, ...body });
  /** The form as a browser sends it: the chosen radio and the remark of every row. */
  const sheet = async (changes: Record<string, { mark?: string; remark?: string }>) => {
    const stored = await marksOf(sid);
    const body: Record<string, string> = {};
    for (const name of ORDER) {
      const id = idOf(cls, name);
      const mark = changes[name]?.mark ?? stored.get(id)?.status;
      if (mark) body[`mark[u${id}]`] = mark;
      body[`remark[u${id}]`] = changes[name]?.remark ?? stored.get(id)?.remark ?? "";
    }
    return body;
  };

  beforeAll(async () => {
    cls = await classWithPeople({ sessions: [{ date: "2026-12-07", startTime: "07:30", endTime: "11:00" }] });
    sid = cls.sessionIds[0];
  });

  test("lists the enrolled participants by given name, not the waitlisted", async () => {
    const page = await trainer.agent.get(url());
    expect(page.status).toBe(200);
    expectInOrder(page.text, ORDER);
    expect(page.text).not.toContain(cls.waiting.fullName);
    expect(page.text).toContain(m.saveRest);
    expect(page.text).toContain('href="/css/attendance.css"');
  });

  test("one POST saves the sheet; 'present for the rest' fills the unmarked; every change is logged", async () => {
    const res = await post(trainer, {
      [`mark[u${idOf(cls, "Nguyễn Thị Ánh")}]`]: "P",
      [`mark[u${idOf(cls, "Trần Văn Bình")}]`]: "L", [`remark[u${idOf(cls, "Trần Văn Bình")}]`]: "Đến muộn 10 phút",
      [`mark[u${idOf(cls, "Lê Văn Dũng")}]`]: "E", [`remark[u${idOf(cls, "Lê Văn Dũng")}]`]: "Ốm, có đơn",
      [`mark[u${idOf(cls, "Phạm Văn Đức")}]`]: "A",
      // Someone not enrolled (waitlisted) is ignored, whatever the form says.
      [`mark[u${cls.waiting.id}]`]: "P",
      rest: "P",
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(url());
    const marks = await marksOf(sid);
    expect(marks.size).toBe(8);
    expect(marks.has(cls.waiting.id)).toBe(false);
    expect(marks.get(idOf(cls, "Trần Văn Bình"))).toMatchObject({ status: "L", remark: "Đến muộn 10 phút", source: "rollcall", markedBy: trainer.user.id });
    expect(marks.get(idOf(cls, "Lê Văn Dũng"))).toMatchObject({ status: "E", remark: "Ốm, có đơn" });
    expect(marks.get(idOf(cls, "Phạm Văn Đức"))?.status).toBe("A");
    for (const name of ["Nguyễn Thị Hà", "Trần Thu Hà", "Vũ Thị Uyên", "Hoàng Thị Ước"]) expect(marks.get(idOf(cls, name))?.status).toBe("P");
    const changes = await changesOf(sid);
    expect(changes).toHaveLength(8);
    expect(changes.every((c) => c.oldStatus === null && c.changedBy === trainer.user.id && c.source === "rollcall" && !!c.ip)).toBe(true);
    const page = await trainer.agent.get(url());
    expect(page.text).toContain("Đã lưu điểm danh (8 thay đổi).");
  });

  test("saving again writes one log row per actual change only (status or remark)", async () => {
    expect((await post(trainer, await sheet({}))).status).toBe(302);
    expect(await changesOf(sid)).toHaveLength(8);
    expect((await post(trainer, await sheet({ "Phạm Văn Đức": { mark: "E", remark: "Có giấy mời họp" } }))).status).toBe(302);
    expect((await post(trainer, await sheet({ "Nguyễn Thị Ánh": { remark: "Ngồi bàn đầu" } }))).status).toBe(302);
    const changes = await changesOf(sid);
    expect(changes).toHaveLength(10);
    expect(changes[8]).toMatchObject({ userId: idOf(cls, "Phạm Văn Đức"), oldStatus: "A", newStatus: "E", remark: "Có giấy mời họp" });
    expect(changes[9]).toMatchObject({ userId: idOf(cls, "Nguyễn Thị Ánh"), oldStatus: "P", newStatus: "P", remark: "Ngồi bàn đầu" });
  });

  test("a remark without any status is refused with the values kept, and nothing is written", async () => {
    const late = await makeUser(ctx, "trainee", { ho: "Bùi", tenDem: "Thị", ten: "Xuân" });
    await db().update(courses).set({ capacity: null }).where(eq(courses.id, cls.id));
    await addParticipant(db(), cls.id, late.id, "admin", null);
    const body = { ...(await sheet({ "Vũ Thị Uyên": { mark: "A" } })), [`remark[u${late.id}]`]: "Chưa rõ" };
    const res = await post(trainer, body);
    expect(res.status).toBe(422);
    expect(res.text).toContain(m.remarkNeedsStatus);
    expect(res.text).toContain('value="Chưa rõ"');
    expect((await marksOf(sid)).get(idOf(cls, "Vũ Thị Uyên"))?.status).toBe("P");
    expect(await changesOf(sid)).toHaveLength(10);
  });

  test("admins see the change log (who, when, old → new, remark, IP) on the session page; trainers do not", async () => {
    const mine = await admin.agent.get(url());
    expect(mine.text).toContain(m.auditTitle);
    expect(mine.text).toContain("Vắng không phép → Vắng có phép");
    expect(mine.text).toContain("Có giấy mời họp");
    expect(mine.text).toContain(trainer.user.fullName);
    expect(mine.text).toMatch(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
    const theirs = await trainer.agent.get(url());
    expect(theirs.text).not.toContain(m.auditTitle);
  });

  test("a cancelled session cannot be marked", async () => {
    const c = await getCourse(db(), cls.id);
    await addSessions(db(), c, { date: "2026-12-09", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.user.id });
    const [s2] = (await db().select().from(courseSessions).where(and(eq(courseSessions.courseId, cls.id), eq(courseSessions.date, "2026-12-09"))));
    await trainer.agent.post(`/courses/${cls.id}/sessions/${s2.id}/cancel`).type("form").send({ _csrf: trainer.csrf, reason: "Trùng lịch họp" });
    const res = await trainer.agent.post(`/courses/${cls.id}/sessions/${s2.id}/attendance`).type("form").send({ _csrf: trainer.csrf, rest: "P" });
    expect(res.status).toBe(409);
    expect((await marksOf(s2.id)).size).toBe(0);
    // A session id of another course is not found through this course.
    const other = await classWithPeople({ sessions: [{ date: "2026-12-10", startTime: "07:30", endTime: "11:00" }] });
    expect((await trainer.agent.get(`/courses/${cls.id}/sessions/${other.sessionIds[0]}/attendance`)).status).toBe(404);
  });
});

describe("attendance rate", () => {
  test("over all scheduled sessions: untaken ones count as not attended, cancelled ones not at all", async () => {
    const cls = await classWithPeople({
      sessions: [
        { date: "2026-03-02", startTime: "07:30", endTime: "11:00" },
        { date: "2026-03-03", startTime: "07:30", endTime: "11:00" },
        { date: "2026-03-04", startTime: "07:30", endTime: "11:00" }, // cancelled below, after marks were taken
        { date: "2099-03-05", startTime: "07:30", endTime: "11:00" }, // not taken yet
      ],
    });
    const [s1, s2, s3] = cls.sessionIds;
    const ánh = idOf(cls, "Nguyễn Thị Ánh");
    const bình = idOf(cls, "Trần Văn Bình");
    const mark = (sid: number, body: Record<string, string>) => trainer.agent.post(`/courses/${cls.id}/sessions/${sid}/attendance`).type("form").send({ _csrf: trainer.csrf, ...body });
    await mark(s1, { [`mark[u${ánh}]`]: "P", [`mark[u${bình}]`]: "L" });
    await mark(s2, { [`mark[u${ánh}]`]: "E", [`mark[u${bình}]`]: "P" });
    await mark(s3, { [`mark[u${ánh}]`]: "P", [`mark[u${bình}]`]: "P" });
    await trainer.agent.post(`/courses/${cls.id}/sessions/${s3}/cancel`).type("form").send({ _csrf: trainer.csrf, reason: "Mất điện" });

    // Ánh: P, E (not counted here), cancelled, untaken → 1/3. Bình: L, P → 2/3.
    const rates = await attendanceByUser(db(), cls.id);
    expect(rates.get(ánh)).toMatchObject({ attended: 1, scheduled: 3 });
    expect(rates.get(bình)).toMatchObject({ attended: 2, scheduled: 3 });
    expect(rates.get(idOf(cls, "Vũ Thị Uyên"))).toMatchObject({ attended: 0, scheduled: 3 });

    const page = await trainer.agent.get(`/courses/${cls.id}`);
    expect(page.status).toBe(200);
    const table = page.text.slice(page.text.indexOf(m.rateTitle));
    expect(table).toMatch(/Nguyễn Thị Ánh<\/td>\s*<td[^>]*>1\/3 buổi<\/td>\s*<td[^>]*>33,3%<\/td>/);
    expect(table).toMatch(/Trần Văn Bình<\/td>\s*<td[^>]*>2\/3 buổi<\/td>\s*<td[^>]*>66,7%<\/td>/);
    expectInOrder(table, ORDER);

    // Each trainee sees their own rate, and nobody else's.
    const me = await loginAs(ctx, cls.people["Nguyễn Thị Ánh"]);
    const mine = await me.agent.get(`/courses/${cls.id}`);
    expect(mine.text).toContain(`${m.myRate}:</strong> 1/3 buổi (33,3%)`);
    expect(mine.text).not.toContain("Trần Văn Bình");
    expect(mine.text).toContain(m.statuses.E);
  });

  test("excused absences count as attended when the course says so", async () => {
    const cls = await classWithPeople({ countExcused: true, sessions: [{ date: "2026-03-02", startTime: "07:30", endTime: "11:00" }, { date: "2026-03-03", startTime: "07:30", endTime: "11:00" }] });
    const ánh = idOf(cls, "Nguyễn Thị Ánh");
    await trainer.agent.post(`/courses/${cls.id}/sessions/${cls.sessionIds[0]}/attendance`).type("form").send({ _csrf: trainer.csrf, [`mark[u${ánh}]`]: "E" });
    expect((await attendanceByUser(db(), cls.id)).get(ánh)).toMatchObject({ attended: 1, scheduled: 2 });
    const me = await loginAs(ctx, cls.people["Nguyễn Thị Ánh"]);
    expect((await me.agent.get(`/courses/${cls.id}`)).text).toContain("1/2 buổi (50%)");
  });
});

describe("overview, settings and exports", () => {
  let cls: Awaited<ReturnType<typeof classWithPeople>>;
  beforeAll(async () => {
    cls = await classWithPeople({
      sessions: [
        { date: "2026-03-02", startTime: "07:30", endTime: "11:00" },
        { date: "2026-03-02", startTime: "13:30", endTime: "17:00" },
        { date: "2026-03-03", startTime: "07:30", endTime: "11:00" },
      ],
    });
    const all = Object.fromEntries(ORDER.map((n) => [`mark[u${idOf(cls, n)}]`, "P"]));
    await trainer.agent.post(`/courses/${cls.id}/sessions/${cls.sessionIds[0]}/attendance`).type("form").send({ _csrf: trainer.csrf, ...all, [`mark[u${idOf(cls, "Phạm Văn Đức")}]`]: "A" });
    await trainer.agent.post(`/courses/${cls.id}/sessions/${cls.sessionIds[1]}/attendance`).type("form").send({ _csrf: trainer.csrf, [`mark[u${idOf(cls, "Phạm Văn Đức")}]`]: "L" });
  });

  test("the overview shows every mark and rate; check-in settings are saved or refused with 422", async () => {
    const page = await trainer.agent.get(`/courses/${cls.id}/attendance`);
    expect(page.status).toBe(200);
    expectInOrder(page.text, ORDER);
    // Marks in Vietnamese abbreviations with their legend, never the English initials.
    const ducRow = page.text.split("<tr>").find((r) => r.includes("Phạm Văn Đức")) ?? "";
    expect(ducRow).toContain('title="Vắng không phép">VK</td>');
    expect(ducRow).toContain('title="Đi muộn">M</td>');
    expect(page.text).toContain("CM: có mặt; M: đi muộn; VP: vắng có phép; VK: vắng không phép");
    expect(page.text).not.toMatch(/>[PLEA]<\/td>/);
    expect(page.text).toContain('value="30"');
    const bad = await trainer.agent.post(`/courses/${cls.id}/attendance/settings`).type("form").send({ _csrf: trainer.csrf, checkinOpensBefore: "-5", checkinClosesAfter: "20", lateAfterMinutes: "x" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain(m.badMinutes);
    expect(bad.text).toContain('value="-5"');
    const ok = await trainer.agent.post(`/courses/${cls.id}/attendance/settings`).type("form").send({ _csrf: trainer.csrf, checkinOpensBefore: "45", checkinClosesAfter: "20", lateAfterMinutes: "5" });
    expect(ok.status).toBe(302);
    const [row] = await db().select().from(courses).where(eq(courses.id, cls.id));
    expect(row).toMatchObject({ checkinOpensBefore: 45, checkinClosesAfter: 20, lateAfterMinutes: 5 });
  });

  test("the XLSX has one row per person, one column per session and the rate", async () => {
    const res = await trainer.agent.get(`/courses/${cls.id}/attendance.xlsx`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("spreadsheetml");
    expect(res.headers["content-disposition"]).toContain(`diem-danh-khoa-${cls.id}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    // The title merged across the table (row 1), a blank row, the header (row 3), one row per person.
    const header = (ws.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual(["TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Buổi 1\n02/03/2026 07:30", "Buổi 2\n02/03/2026 13:30", "Buổi 3\n03/03/2026 07:30", "Số buổi có mặt", "Số buổi tính tỷ lệ", "Tỷ lệ"]);
    const rows = ORDER.map((_, i) => (ws.getRow(4 + i).values as unknown[]).slice(1));
    expect(rows.map((r) => r[1])).toEqual(ORDER);
    const duc = rows.find((r) => r[1] === "Phạm Văn Đức")!;
    expect(duc.slice(3)).toEqual(["Xã Triệu Sơn", "VK", "M", undefined, 1, 3, 1 / 3]);
    const anh = rows.find((r) => r[1] === "Nguyễn Thị Ánh")!;
    expect(anh.slice(4)).toEqual(["CM", undefined, undefined, 1, 3, 1 / 3]);
    expect(ws.getRow(4).getCell(10).numFmt).toBe("0.0%");
  });

  test("the sign-in sheet PDF lists the names with their diacritics, by given name", async () => {
    const res = await trainer.agent.get(`/courses/${cls.id}/attendance/sign-in.pdf`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/pdf");
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const dir = path.resolve(".tmp/attendance");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "sign-in.pdf");
    fs.writeFileSync(file, pdf);
    let text: string;
    try {
      text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).normalize("NFC");
    } catch {
      console.warn("sign-in sheet: pdftotext missing (apt-get install poppler-utils), text and page checks skipped");
      return;
    }
    expect(text).toContain("DANH SÁCH KÝ NHẬN");
    expect(text).toContain("ỦY BAN NHÂN DÂN XÃ TRIỆU SƠN");
    expect(text).toContain("Lớp bồi dưỡng kỹ năng thông tin đối ngoại năm 2026");
    expectInOrder(text, ORDER);
    expect(text).toContain("Xã Thọ Ngọc");
    expect(text).toContain("Tổng số: 8 người");
    expect(text).not.toContain("Đỗ Văn Chờ");
    // Pages as images, for a person to look at (.tmp/attendance/sign-in-1.png …).
    execFileSync("pdftoppm", ["-r", "60", "-png", file, path.join(dir, "sign-in")]);
    expect(fs.readdirSync(dir).filter((f) => /^sign-in-\d+\.png$/.test(f)).length).toBeGreaterThanOrEqual(1);
  });

  test("a course without sessions has no sign-in sheet to print", async () => {
    const empty = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
    const res = await trainer.agent.get(`/courses/${empty.id}/attendance/sign-in.pdf`);
    expect(res.status).toBe(302);
    const page = await trainer.agent.get(`/courses/${empty.id}`);
    expect(page.text).toContain(m.noSessionsForSheet);
  });
});

test("the roll-call only ever writes marks of enrolled people; malformed ids are refused", async () => {
  const cls = await classWithPeople({ sessions: [{ date: "2026-12-07", startTime: "07:30", endTime: "11:00" }] });
  const [sid] = cls.sessionIds;
  const stranger = await makeUser(ctx, "trainee");
  const post = (body: Record<string, string>) => trainer.agent.post(`/courses/${cls.id}/sessions/${sid}/attendance`).type("form").send({ _csrf: trainer.csrf, ...body });
  expect((await post({ [`mark[u${stranger.id}]`]: "P" })).status).toBe(302);
  expect((await post({ "mark[abc]": "P" })).status).toBe(422);
  expect((await post({ [`mark[${idOf(cls, "Vũ Thị Uyên")}]`]: "P" })).status).toBe(422); // a bare numeric key (qs makes an array)
  expect((await post({ [`mark[u${idOf(cls, "Vũ Thị Uyên")}]`]: "X" })).status).toBe(422);
  expect(await db().select().from(attendanceMarks).where(eq(attendanceMarks.sessionId, sid))).toHaveLength(0);
});
