import { and, eq } from "drizzle-orm";
import { auditLog, enrollments, users } from "../src/db/schema";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { MERGE_KEPT_COLUMNS, MERGE_MOVED_COLUMNS } from "../src/features/enrollment/walkin.service";
import { t } from "../src/messages";
import { makeCourse } from "./helpers/courses";
import { loginAs, makeUser, useTestApp } from "./helpers/app";

const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
let courseId: number;

const newCourse = async (title: string) => (await makeCourse(ctx, admin.user.id, { title, kind: "conference", trainerIds: [trainer.user.id] })).id;

const db = () => ctx.handle.db;
const byPhone = (phone: string) => db().select().from(users).where(eq(users.phone, phone));
const enrollmentsOf = (userId: number) => db().select().from(enrollments).where(eq(enrollments.userId, userId));
const walkin = (who: typeof trainer, id: number, body: Record<string, string>) =>
  who.agent.post(`/courses/${id}/walkin`).type("form").send({ _csrf: who.csrf, unitCode: "X-TRIEUSON", ...body });

/** A walk-in created through the form; returns the person. */
async function walkinPerson(id: number, fullName: string, phone: string) {
  expect((await walkin(trainer, id, { fullName, phone })).status).toBe(302);
  const [person] = await byPhone(phone);
  return person;
}

beforeAll(async () => {
  courseId = await newCourse("Hội nghị quán triệt Quyết định 1191");
});

test("a walk-in is created and enrolled", async () => {
  const form = await trainer.agent.get(`/courses/${courseId}/walkin`);
  expect(form.status).toBe(200);
  expect(form.text).toContain(t.materials.walkin.title);
  expect(form.text).toContain("Xã Triệu Sơn");
  expect(form.text).not.toContain("Xã Minh Sơn"); // expired on 30/6/2025

  const res = await walkin(trainer, courseId, { fullName: "  lê   thị thuỷ  ".normalize("NFD"), phone: "0912 000 111" });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe(`/courses/${courseId}/walkin`);
  const [person] = await byPhone("0912000111");
  expect(person).toMatchObject({ ho: "Lê", tenDem: "Thị", ten: "Thuỷ", fullName: "Lê Thị Thuỷ", login: null, passwordHash: null, role: "trainee", unitCode: "X-TRIEUSON", active: true });
  const [enrollment] = await enrollmentsOf(person.id);
  expect(enrollment).toMatchObject({ courseId, status: "enrolled", source: "walkin" });
  const next = await trainer.agent.get(res.headers.location);
  expect(next.text).toContain(`${t.materials.walkin.created} Lê Thị Thuỷ`);
});

test("the same phone twice doesn't create two people", async () => {
  const first = await walkinPerson(courseId, "Phạm Văn Nam", "0913222333");
  const again = await walkin(trainer, courseId, { fullName: "Phạm Văn Nam", phone: "+84 913 222 333" });
  expect(again.status).toBe(302);
  expect((await trainer.agent.get(again.headers.location)).text).toContain(`${t.materials.walkin.existing} Phạm Văn Nam`);
  // At another course's door, the same phone again: still the same person, now in both courses.
  const second = await newCourse("Lớp bồi dưỡng tuyên truyền viên");
  expect((await walkin(trainer, second, { fullName: "Phạm Nam", phone: "0913.222.333" })).status).toBe(302);
  const people = await byPhone("0913222333");
  expect(people.map((p) => p.id)).toEqual([first.id]);
  expect((await enrollmentsOf(first.id)).map((e) => e.courseId).sort()).toEqual([courseId, second].sort());
  // Two doors at once with a new phone: still one person.
  const both = await Promise.all([0, 1].map(() => walkin(trainer, second, { fullName: "Hà Văn Đồng", phone: "0913444555" })));
  expect(both.map((r) => r.status)).toEqual([302, 302]);
  expect(await byPhone("0913444555")).toHaveLength(1);
});

test("invalid walk-in: 422 with messages, values kept, nothing written", async () => {
  const res = await walkin(trainer, courseId, { fullName: "Hoa", phone: "12", unitCode: "TS-MINHSON" });
  expect(res.status).toBe(422);
  expect(res.text).toContain(t.materials.walkin.fullNameTwoWords);
  expect(res.text).toContain(t.validation.phone);
  expect(res.text).toContain('value="Hoa"');
  const expiredUnit = await walkin(trainer, courseId, { fullName: "Đỗ Thị Hoa", phone: "0914555666", unitCode: "TS-MINHSON" });
  expect(expiredUnit.status).toBe(422);
  expect(expiredUnit.text).toContain(t.materials.walkin.unitUnknown);
  const noPhone = await walkin(trainer, courseId, { fullName: "Đỗ Thị Hoa", phone: "" });
  expect(noPhone.status).toBe(422);
  expect(await byPhone("0914555666")).toEqual([]);
});

test("only the course's trainers and admins add walk-ins", async () => {
  const other = await loginAs(ctx, "trainer");
  const trainee = await loginAs(ctx, "trainee");
  for (const who of [other, trainee]) {
    expect((await who.agent.get(`/courses/${courseId}/walkin`)).status).toBe(403);
    expect((await walkin(who, courseId, { fullName: "Không Được Thêm", phone: "0915777888" })).status).toBe(403);
  }
  expect(await byPhone("0915777888")).toEqual([]);
  expect((await walkin(admin, courseId, { fullName: "Quản Trị Thêm", phone: "0915777999" })).status).toBe(302);
  expect((await admin.agent.get("/courses/999999/walkin")).status).toBe(404);
});

test("merge keeps enrollments (the better status per course) and deactivates the duplicate", async () => {
  const courseA = await newCourse("Khóa A");
  const courseB = await newCourse("Khóa B");
  const courseC = await newCourse("Khóa C");
  const dup = await walkinPerson(courseA, "Trần Văn Bình", "0916000001");
  await addParticipant(db(), courseC, dup.id, "admin", { id: admin.user.id });
  const target = await makeUser(ctx, "trainee", { ho: "Trần", tenDem: "Văn", ten: "Bình" });
  await addParticipant(db(), courseA, target.id, "self", null);
  await addParticipant(db(), courseB, target.id, "self", null);
  await addParticipant(db(), courseC, target.id, "self", null);
  // In A the duplicate is enrolled and the account only pending: enrolled wins. In C the account's own row wins.
  await db().update(enrollments).set({ status: "pending" }).where(and(eq(enrollments.userId, target.id), eq(enrollments.courseId, courseA)));
  await db().update(enrollments).set({ status: "waitlisted" }).where(and(eq(enrollments.userId, dup.id), eq(enrollments.courseId, courseC)));

  const page = await admin.agent.get(`/users/${dup.id}/merge`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(t.materials.merge.title);
  expect(page.text).toContain(`name="targetId" value="${target.id}"`); // found by the default search (the name)
  const byLogin = await admin.agent.get(`/users/${dup.id}/merge`).query({ q: target.login! });
  expect(byLogin.text).toContain(`value="${target.id}"`);

  const res = await admin.agent.post(`/users/${dup.id}/merge`).type("form").send({ _csrf: admin.csrf, targetId: String(target.id) });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe(`/users/${target.id}/edit`);

  const kept = await enrollmentsOf(target.id);
  const statusIn = (c: number) => kept.find((e) => e.courseId === c)?.status;
  expect(kept).toHaveLength(3);
  expect([statusIn(courseA), statusIn(courseB), statusIn(courseC)]).toEqual(["enrolled", "enrolled", "enrolled"]);
  expect(kept.find((e) => e.courseId === courseA)?.source).toBe("walkin");
  expect(await enrollmentsOf(dup.id)).toEqual([]);
  const [after] = await db().select().from(users).where(eq(users.id, dup.id));
  expect(after.active).toBe(false);
  const [targetAfter] = await db().select().from(users).where(eq(users.id, target.id));
  expect(targetAfter.phone).toBe("0916000001"); // the account had no phone: it takes the walk-in's
  const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.action, "user.merge"), eq(auditLog.targetId, String(target.id))));
  expect(entry).toMatchObject({ actorId: admin.user.id, details: { from: dup.id, into: target.id } });

  // The next time this phone arrives at the door, the kept account is used.
  expect((await walkin(trainer, courseB, { fullName: "Trần Văn Bình", phone: "0916000001" })).status).toBe(302);
  expect((await byPhone("0916000001")).filter((u) => u.active).map((u) => u.id)).toEqual([target.id]);
});

test("merge refuses the same account, an inactive or missing target, and a malformed target", async () => {
  const dup = await walkinPerson(courseId, "Ngô Thị Lan", "0917000002");
  const inactive = await makeUser(ctx, "trainee");
  await db().update(users).set({ active: false }).where(eq(users.id, inactive.id));
  const post = (targetId: string) => admin.agent.post(`/users/${dup.id}/merge`).type("form").send({ _csrf: admin.csrf, targetId });
  const self = await post(String(dup.id));
  expect(self.status).toBe(409);
  expect(self.text).toContain(t.materials.merge.self);
  const toInactive = await post(String(inactive.id));
  expect(toInactive.status).toBe(409);
  expect(toInactive.text).toContain(t.materials.merge.targetInactive);
  expect((await post("999999")).status).toBe(404);
  const malformed = await post("abc");
  expect(malformed.status).toBe(422);
  expect(malformed.text).toContain(t.materials.merge.badTarget);
  const [still] = await db().select().from(users).where(eq(users.id, dup.id));
  expect(still.active).toBe(true);
  expect(await enrollmentsOf(dup.id)).toHaveLength(1);
});

test("non-admin gets 403 on merge", async () => {
  const dup = await walkinPerson(courseId, "Vũ Văn Hải", "0918000003");
  const target = await makeUser(ctx, "trainee");
  for (const who of [trainer, await loginAs(ctx, "trainee")]) {
    expect((await who.agent.get(`/users/${dup.id}/merge`)).status).toBe(403);
    const res = await who.agent.post(`/users/${dup.id}/merge`).type("form").send({ _csrf: who.csrf, targetId: String(target.id) });
    expect(res.status).toBe(403);
  }
  const [still] = await db().select().from(users).where(eq(users.id, dup.id));
  expect(still.active).toBe(true);
  expect(await enrollmentsOf(dup.id)).toHaveLength(1);
});

test("every column referencing users.id is either moved or deliberately kept by a merge", async () => {
  const { rows } = await ctx.handle.client.query(
    `select c.conrelid::regclass::text as tbl, a.attname as col
       from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
      where c.contype = 'f' and c.confrelid = 'users'::regclass`,
  );
  const columns = rows.map((r: { tbl: string; col: string }) => `${r.tbl.replace(/"/g, "")}.${r.col}`);
  expect(columns).toContain("enrollments.user_id");
  const unclassified = columns.filter((c: string) => !MERGE_MOVED_COLUMNS.includes(c) && !MERGE_KEPT_COLUMNS.includes(c));
  expect(unclassified).toEqual([]);
});

test("merge moves attendance marks (the better mark per session stays) and quiz attempts (renumbered)", async () => {
  const { getCourse } = await import("../src/features/courses/courses.service");
  const { addSessions } = await import("../src/features/courses/sessions.service");
  const { attendanceMarks, courseSessions, quizAttempts, quizzes } = await import("../src/db/schema");
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  await addSessions(db, await getCourse(db, course.id), { date: "2026-12-01", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, weekdays: [2], repeatUntil: "2026-12-08" }, { id: admin.user.id });
  const [s1, s2] = await db.select().from(courseSessions).where(eq(courseSessions.courseId, course.id)).orderBy(courseSessions.date);
  const keep = await makeUser(ctx, "trainee");
  const dup = await makeUser(ctx, "trainee");
  await db.insert(attendanceMarks).values([
    { sessionId: s1.id, userId: keep.id, status: "A", source: "rollcall" },
    { sessionId: s1.id, userId: dup.id, status: "P", source: "qr" },
    { sessionId: s2.id, userId: dup.id, status: "L", source: "qr" },
  ]);
  const [quiz] = await db.insert(quizzes).values({ courseId: course.id, title: "Kiểm tra" }).returning();
  await db.insert(quizAttempts).values([
    { quizId: quiz.id, userId: keep.id, attemptNo: 1, status: "submitted", layout: [], percent: 40 },
    { quizId: quiz.id, userId: dup.id, attemptNo: 1, status: "submitted", layout: [], percent: 90 },
  ]);
  const res = await admin.agent.post(`/users/${dup.id}/merge`).type("form").send({ _csrf: admin.csrf, targetId: String(keep.id) });
  expect(res.status).toBe(302);
  const marks = await db.select().from(attendanceMarks).where(eq(attendanceMarks.userId, keep.id));
  expect(marks.map((x) => [x.sessionId, x.status]).sort()).toEqual([[s1.id, "P"], [s2.id, "L"]].sort());
  const attempts = await db.select().from(quizAttempts).where(eq(quizAttempts.userId, keep.id));
  expect(attempts.map((a) => [a.attemptNo, a.percent]).sort()).toEqual([[1, 40], [2, 90]]);
  expect(await db.select().from(attendanceMarks).where(eq(attendanceMarks.userId, dup.id))).toHaveLength(0);
});

test("a walk-in by an admin's or trainer's phone never attaches the staff account (issue #13.4)", async () => {
  const staff = await makeUser(ctx, "admin", { ho: "Trịnh", tenDem: "Thị", ten: "Quản" });
  await db().update(users).set({ phone: "0915666777", dateOfBirth: "1975-04-04", position: "Chánh Văn phòng" }).where(eq(users.id, staff.id));
  const res = await walkin(trainer, courseId, { fullName: "Lò Văn Khách", phone: "0915666777" });
  expect(res.status).toBe(302);
  const page = (await trainer.agent.get(res.headers.location)).text;
  expect(page).not.toContain("Trịnh Thị Quản");
  expect(await enrollmentsOf(staff.id)).toEqual([]);
  const people = await byPhone("0915666777");
  const guest = people.find((p) => p.id !== staff.id)!;
  expect(guest).toMatchObject({ fullName: "Lò Văn Khách", role: "trainee" });
  expect((await enrollmentsOf(guest.id)).map((e) => e.courseId)).toEqual([courseId]);
});

test("a trainer's walk-in with the phone of a trainee outside their courses neither attaches nor names that person; an admin's does", async () => {
  const outsider = await makeUser(ctx, "trainee", { ho: "Mai", tenDem: "Thị", ten: "Riêng" });
  await db().update(users).set({ phone: "0916888999" }).where(eq(users.id, outsider.id));
  const res = await walkin(trainer, courseId, { fullName: "Mai Riêng", phone: "0916888999" });
  const page = (await trainer.agent.get(res.headers.location)).text;
  expect(page).toContain(t.materials.walkin.existsHidden);
  expect(page).not.toContain("Mai Thị Riêng");
  expect(await enrollmentsOf(outsider.id)).toEqual([]);
  // The admin sees everyone: the same phone at the admin's door is that person.
  const adminCourse = await newCourse("Hội nghị báo cáo viên");
  await walkin(admin, adminCourse, { fullName: "Mai Riêng", phone: "0916888999" });
  expect((await enrollmentsOf(outsider.id)).map((e) => e.courseId)).toEqual([adminCourse]);
});
