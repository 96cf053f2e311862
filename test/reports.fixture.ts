/**
 * A small known dataset for the report tests (every figure of year Y is worked out by hand in
 * reports.test.ts), and the report tables' DDL applied to a test database until their migration exists.
 */
import { and, eq } from "drizzle-orm";
import { attendanceMarks, certificates, courseSessions, participantCategories, planTasks, plans } from "../src/db/schema";
import { cancelSession, addSessions } from "../src/features/courses/sessions.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { createUser } from "../src/features/users/users.service";
import type { TestContext } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

type Mark = "P" | "L" | "E" | "A";

/**
 * Builds the dataset for year Y (sessions in Y, one class running into Y + 1, one conference in Y − 1).
 * Returns the people and courses by letter/name, the seed plan id, and helpers to change data later.
 */
export async function buildKnownDataset(ctx: TestContext, adminId: number, Y: number) {
  const db = ctx.handle.db;
  const [plan] = await db.select().from(plans).orderBy(plans.id).limit(1);
  const tasks = await db.select().from(planTasks).where(eq(planTasks.planId, plan.id));
  const task = (n: number) => tasks.find((t) => t.number === n)!.id;
  const cats = await db.select().from(participantCategories);
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;

  let n = 0;
  const person = async (ho: string, tenDem: string, ten: string, o: { gender: "Nam" | "Nữ"; eth: string | null; unit: string | null; cat: string | null; dob: string | null; cccd: string | null; position?: string }) => {
    n += 1;
    return createUser(db, {
      ho, tenDem, ten, login: "", email: null, phone: null, role: "trainee", dateOfBirth: o.dob, gender: o.gender, ethnicityCode: o.eth, position: o.position ?? null,
      unitCode: o.unit, categoryId: o.cat ? cat(o.cat) : null, cccd: o.cccd, password: `mat-khau-${n}-abcdef`,
    }, null);
  };
  const people = {
    A: await person("Nguyễn", "Văn", "An", { gender: "Nam", eth: "01", unit: "TS-DANLUC", cat: "Cán bộ cấp xã", dob: "1980-01-02", cccd: "038080000001", position: "=1+2" }),
    B: await person("Lê", "Thị", "Thủy", { gender: "Nữ", eth: "01", unit: "X-TRIEUSON", cat: "Phóng viên, biên tập viên", dob: "1985-05-06", cccd: "038085000002" }),
    C: await person("Hà", "Văn", "Cường", { gender: "Nam", eth: "06", unit: "TS-THOBINH", cat: "Tuyên truyền viên, báo cáo viên", dob: "1990-09-10", cccd: "038090000003" }),
    D: await person("Trần", "Thị", "Dung", { gender: "Nữ", eth: "03", unit: null, cat: null, dob: null, cccd: null }),
    // E is probably B typed again: same birth date, old-style tone placement ("Thuỷ"), another CCCD.
    E: await person("Lê", "Thị", "Thuỷ", { gender: "Nữ", eth: "01", unit: "TS-MINHSON", cat: "Cán bộ cấp xã", dob: "1985-05-06", cccd: "038085000099" }),
    F: await person("Phạm", "Văn", "Phúc", { gender: "Nam", eth: "01", unit: "X-HOPTIEN", cat: "Khác", dob: "1975-03-03", cccd: "038075000006" }),
    // G shares C's CCCD: a probable duplicate; attends only in Y − 1.
    G: await person("Đỗ", "Văn", "Giang", { gender: "Nam", eth: "01", unit: "X-THOBINH", cat: "Cán bộ cấp huyện", dob: "1970-07-07", cccd: "038090000003" }),
    H: await person("Vũ", "Thị", "Hoa", { gender: "Nữ", eth: "01", unit: "X-ANNONG", cat: "Khác", dob: "1992-02-02", cccd: "038092000008" }),
  };

  const course = async (title: string, kind: "training" | "conference", taskNo: number | null, sessions: string[], o: { status?: "finished" | "cancelled"; countExcused?: boolean; funding?: { source: "state" | "business" | "social" | "other"; amount: number }[] } = {}) => {
    const c = await makeCourse(ctx, adminId, {
      title, kind, planTaskId: taskNo ? task(taskNo) : null, status: o.status ?? "finished", countExcused: o.countExcused ?? false,
      funding: (o.funding ?? []).map((f) => ({ ...f, note: null })),
    });
    for (const s of sessions) {
      const [date, time = "07:30"] = s.split(" ");
      await addSessions(db, { id: c.id, trainerIds: [] }, { date, startTime: time, endTime: time === "07:30" ? "11:00" : "17:00", venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: adminId });
    }
    const rows = await db.select().from(courseSessions).where(eq(courseSessions.courseId, c.id)).orderBy(courseSessions.date, courseSessions.startTime);
    return { ...c, sessions: rows };
  };
  const Y1 = Y + 1;
  const courses = {
    conf1: await course(`Hội nghị quán triệt Quyết định 1191 đợt 1 năm ${Y}`, "conference", 1, [`${Y}-03-10`], { funding: [{ source: "state", amount: 5_000_000 }] }),
    conf2: await course(`Hội nghị phổ biến thông tin đối ngoại năm ${Y}`, "conference", 1, [`${Y}-08-05`, `${Y}-08-06`, `${Y}-08-07`], { countExcused: true }),
    conf3: await course(`Hội nghị năm ${Y - 1}`, "conference", 1, [`${Y - 1}-12-01`], { funding: [{ source: "state", amount: 999 }] }),
    conf4: await course(`Hội nghị đã hủy năm ${Y}`, "conference", 1, [`${Y}-05-05`], { status: "cancelled", funding: [{ source: "state", amount: 7_000_000 }] }),
    conf5: await course(`Hội nghị chưa điểm danh năm ${Y}`, "conference", 1, [`${Y}-10-10`]),
    class1: await course(`Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại khóa 1 năm ${Y}`, "training", 3, [`${Y}-04-01 07:30`, `${Y}-04-01 13:30`, `${Y}-04-02 07:30`], {
      funding: [{ source: "state", amount: 20_000_000 }, { source: "business", amount: 3_000_000 }],
    }),
    class2: await course(`Lớp tập huấn ứng dụng công nghệ thông tin năm ${Y}`, "training", 3, [`${Y}-06-30`, `${Y}-07-01`], {
      funding: [{ source: "social", amount: 2_000_000 }, { source: "other", amount: 500_000 }],
    }),
    class3: await course(`Lớp bồi dưỡng cuối năm ${Y}`, "training", 3, [`${Y}-07-01`, `${Y1}-01-05`], { funding: [{ source: "state", amount: 1_000_000 }] }),
    other: await course(`Lớp ngoài kế hoạch năm ${Y}`, "training", null, [`${Y}-05-20`], { funding: [{ source: "state", amount: 4_000_000 }] }),
  };
  await cancelSession(db, courses.conf2.id, courses.conf2.sessions[2].id, "Hoãn", { id: adminId });

  const enroll = async (c: { id: number }, ...ps: { id: number }[]) => {
    for (const p of ps) await addParticipant(db, c.id, p.id, "admin", { id: adminId });
  };
  const mark = async (sessionId: number, p: { id: number }, status: Mark) => {
    await db.insert(attendanceMarks).values({ sessionId, userId: p.id, status, source: "rollcall", markedBy: adminId });
  };
  const { A, B, C, D, E, F, G, H } = people;
  const s = (c: { sessions: { id: number }[] }, i: number) => c.sessions[i].id;
  await enroll(courses.conf1, A, B, E, F);
  await mark(s(courses.conf1, 0), A, "P");
  await mark(s(courses.conf1, 0), B, "L");
  await mark(s(courses.conf1, 0), E, "P");
  await mark(s(courses.conf1, 0), F, "A");
  await enroll(courses.conf2, A, C, D);
  await mark(s(courses.conf2, 0), A, "P");
  await mark(s(courses.conf2, 1), A, "P");
  await mark(s(courses.conf2, 0), C, "E"); // counts: this conference counts excused absence as present
  await mark(s(courses.conf2, 1), D, "P");
  await enroll(courses.conf3, G);
  await mark(s(courses.conf3, 0), G, "P");
  await enroll(courses.conf4, A);
  await mark(s(courses.conf4, 0), A, "P");
  await enroll(courses.conf5, F);
  await enroll(courses.class1, A, B, C);
  for (const i of [0, 1, 2]) await mark(s(courses.class1, i), A, "P");
  await mark(s(courses.class1, 0), B, "P");
  await mark(s(courses.class1, 1), B, "L");
  await mark(s(courses.class1, 2), B, "A");
  await mark(s(courses.class1, 0), C, "P");
  await mark(s(courses.class1, 1), C, "P");
  await mark(s(courses.class1, 2), C, "E"); // does not count: this class does not count excused absence
  await enroll(courses.class2, A, D);
  await mark(s(courses.class2, 0), A, "P");
  await mark(s(courses.class2, 1), A, "P");
  await mark(s(courses.class2, 0), D, "P");
  await mark(s(courses.class2, 1), D, "A");
  await enroll(courses.class3, B);
  await mark(s(courses.class3, 0), B, "P");
  await enroll(courses.other, H);
  await mark(s(courses.other, 0), H, "P");

  let seq = 0;
  const certify = async (c: { id: number }, p: { id: number }, issued: string, status: string, previousId: number | null = null) => {
    seq += 1;
    const year = Number(issued.slice(0, 4));
    const [row] = await db.insert(certificates).values({
      courseId: c.id, userId: p.id, version: previousId ? 2 : 1, previousId, year, series: "GCN", seq, number: `${String(seq).padStart(3, "0")}/GCN-VHTT`,
      token: `tok-${seq}-${Date.now()}`, snapshot: {}, pdfSha256: "0".repeat(64), status, issuedAt: new Date(`${issued}T03:00:00Z`),
      revokeReason: status === "revoked" ? "Cấp nhầm" : null,
    }).returning();
    return row;
  };
  await certify(courses.class1, A, `${Y}-04-10`, "valid");
  await certify(courses.class1, C, `${Y}-04-10`, "valid"); // C did not complete: a data-quality problem
  await certify(courses.class1, B, `${Y}-04-10`, "revoked");
  const first = await certify(courses.class2, A, `${Y}-07-05`, "superseded");
  await certify(courses.class2, A, `${Y1}-01-10`, "valid", first.id); // re-issued next year: counts once, in Y

  return {
    planId: plan.id, people, courses,
    /** Marks one more attendance (later data changes). */
    mark,
    sessionOf: async (courseId: number, date: string) => (await db.select().from(courseSessions).where(and(eq(courseSessions.courseId, courseId), eq(courseSessions.date, date))))[0],
  };
}
