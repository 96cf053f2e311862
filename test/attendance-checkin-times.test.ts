/** Check-in time rules through the service with an injected clock (over HTTP: attendance-checkin.test.ts). */
import { and, eq } from "drizzle-orm";
import { attendanceChanges, attendanceMarks } from "../src/db/schema";
import { checkinToken, windowIndex } from "../src/features/attendance/checkin-token";
import { checkIn, checkinKey, CheckinRefused, GRACE_MS } from "../src/features/attendance/checkin.service";
import { CheckinWriter } from "../src/features/attendance/checkin-writer";
import { saveRollCall } from "../src/features/attendance/rollcall.service";
import { getCourse } from "../src/features/courses/courses.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { t } from "../src/messages";
import { makeUser, useTestApp } from "./helpers/app";
import { checkinCourse } from "./helpers/courses";

jest.setTimeout(180000);
const SECRET = "test-secret-test-secret-test-secret!"; // what test/helpers/app.ts gives createApp
const KEY = checkinKey(SECRET);
const m = t.attendance;

const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
const db = () => ctx.handle.db;

/** A course taught by `trainer` with the given sessions and check-in rules (helpers/courses.ts). */
const course = (sessions: Parameters<typeof checkinCourse>[3], rules?: Parameters<typeof checkinCourse>[4]) => checkinCourse(ctx, admin.user.id, trainer.user.id, sessions, rules);

describe("time rules, through the service with an injected clock", () => {
  // 2026-12-07 07:30–11:00 in Vietnam = 00:30–04:00 UTC.
  const start = Date.parse("2026-12-07T00:30:00Z");
  const at = (minutes: number) => new Date(start + minutes * 60_000);
  let courseId: number;
  let sid: number;
  let trainee: { id: number };
  const scan = (now: Date, userId = trainee.id, token = checkinToken(KEY, sid, windowIndex(now.getTime()))) =>
    checkIn(db(), KEY, { sessionId: sid, userId, credential: { kind: "qr", token }, now, ip: "10.0.0.9" });
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: CheckinRefused) => ({ status: e.status, message: e.message }));

  beforeAll(async () => {
    const c = await course([{ date: "2026-12-07", startTime: "07:30", endTime: "11:00" }], { checkinOpensBefore: 30, checkinClosesAfter: 45, lateAfterMinutes: 10 });
    courseId = c.id;
    sid = c.sessionIds[0];
    trainee = await makeUser(ctx, "trainee");
    await addParticipant(db(), courseId, trainee.id, "admin", null);
  });

  test("open from 30 min before the start until 45 min after; P up to 10 min after the start, then L", async () => {
    expect(await refusal(scan(at(-31)))).toMatchObject({ status: 409, message: "Chưa đến giờ điểm danh. Điểm danh mở lúc 07/12/2026 07:00." });
    const others = await Promise.all([0, 1, 2].map(() => makeUser(ctx, "trainee")));
    for (const o of others) await addParticipant(db(), courseId, o.id, "admin", null);
    expect(await scan(at(-30), others[0].id)).toMatchObject({ outcome: "marked", status: "P" });
    expect(await scan(at(10), others[1].id)).toMatchObject({ outcome: "marked", status: "P" });
    expect(await scan(at(10.5), others[2].id)).toMatchObject({ outcome: "marked", status: "L" });
    expect(await refusal(scan(at(45)))).toMatchObject({ status: 409, message: "Đã hết giờ điểm danh buổi này (đóng lúc 07/12/2026 08:15). Hãy báo giảng viên nếu bạn có mặt." });
    // A token shown just before the close is refused once check-in has closed.
    const late = at(44.8);
    const token = checkinToken(KEY, sid, windowIndex(late.getTime()));
    expect(await refusal(scan(at(45.1), trainee.id, token))).toMatchObject({ status: 409 });
  });

  test("an expired token is refused even while check-in is open; the grace of a scan made before logging in lasts 5 minutes", async () => {
    const shown = at(0);
    const token = checkinToken(KEY, sid, windowIndex(shown.getTime()));
    expect(await refusal(scan(at(0.6), trainee.id, token))).toMatchObject({ status: 400, message: m.badToken });
    const graceUntil = shown.getTime() + GRACE_MS;
    const withGrace = (now: Date, until = graceUntil) => checkIn(db(), KEY, { sessionId: sid, userId: trainee.id, credential: { kind: "qr", token, graceUntil: until }, now, ip: null });
    expect(await refusal(withGrace(at(5.1)))).toMatchObject({ status: 400 });
    // A grace further away than the grace period is refused (it can only come from the server anyway).
    expect(await refusal(withGrace(at(2), at(2).getTime() + GRACE_MS + 1))).toMatchObject({ status: 400 });
    expect(await withGrace(at(2))).toMatchObject({ outcome: "marked", status: "P" });
  });

  test("a check-in never changes a mark the trainer gave", async () => {
    const person = await makeUser(ctx, "trainee");
    await addParticipant(db(), courseId, person.id, "admin", null);
    await saveRollCall(db(), await getCourse(db(), courseId), sid, { marks: { [person.id]: "E" }, remarks: { [person.id]: "Đi công tác" }, rest: false }, { id: admin.user.id }, at(-60));
    expect(await scan(at(0), person.id)).toMatchObject({ outcome: "already", status: "E" });
    const [mark] = await db().select().from(attendanceMarks).where(and(eq(attendanceMarks.sessionId, sid), eq(attendanceMarks.userId, person.id)));
    expect(mark).toMatchObject({ status: "E", remark: "Đi công tác", source: "rollcall" });
    const changes = await db().select().from(attendanceChanges).where(and(eq(attendanceChanges.sessionId, sid), eq(attendanceChanges.userId, person.id)));
    expect(changes).toHaveLength(1);
  });

  test("check-ins arriving together are written in one statement, each with its own answer", async () => {
    const [fresh, twice, excused, stranger] = await Promise.all([0, 1, 2, 3].map(() => makeUser(ctx, "trainee")));
    for (const p of [fresh, twice, excused]) await addParticipant(db(), courseId, p.id, "admin", null);
    await saveRollCall(db(), await getCourse(db(), courseId), sid, { marks: { [excused.id]: "E" }, remarks: {}, rest: false }, { id: admin.user.id }, at(-60));
    let statements = 0;
    const counting = { execute: (q: Parameters<ReturnType<typeof db>["execute"]>[0]) => (statements++, db().execute(q)) } as unknown as ReturnType<typeof db>;
    const writer = new CheckinWriter(counting);
    const write = (userId: number, status: "P" | "L" = "P") => writer.write({ sessionId: sid, courseId, userId, status, source: "qr", at: at(5), ip: "10.0.0.7" });
    const results = await Promise.all([write(fresh.id), write(twice.id, "L"), write(twice.id, "L"), write(excused.id), write(stranger.id)]);
    expect(statements).toBe(1);
    expect(results).toEqual([
      { inserted: true, prev: null, enrolled: true },
      { inserted: true, prev: null, enrolled: true },
      { inserted: false, prev: "L", enrolled: true }, // the second tap finds the first one's mark
      { inserted: false, prev: "E", enrolled: true }, // the trainer's mark stays
      { inserted: false, prev: null, enrolled: false },
    ]);
    const marks = await db().select().from(attendanceMarks).where(eq(attendanceMarks.sessionId, sid));
    const byUser = new Map(marks.map((x) => [x.userId, x]));
    expect(byUser.get(fresh.id)).toMatchObject({ status: "P", source: "qr", markedBy: fresh.id });
    expect(byUser.get(twice.id)).toMatchObject({ status: "L", source: "qr" });
    expect(byUser.get(excused.id)).toMatchObject({ status: "E", source: "rollcall" });
    expect(byUser.has(stranger.id)).toBe(false);
    const changes = await db().select().from(attendanceChanges).where(eq(attendanceChanges.sessionId, sid));
    expect(changes.filter((c) => c.userId === twice.id)).toEqual([expect.objectContaining({ oldStatus: null, newStatus: "L", source: "qr", ip: "10.0.0.7", changedBy: twice.id })]);
    expect(changes.filter((c) => c.userId === fresh.id)).toHaveLength(1);
    // A lone check-in later is written on its own.
    const late = await makeUser(ctx, "trainee");
    await addParticipant(db(), courseId, late.id, "admin", null);
    expect(await write(late.id)).toEqual({ inserted: true, prev: null, enrolled: true });
    expect(statements).toBe(2);
  });
});
