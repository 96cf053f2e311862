/** QR and code check-in over HTTP (the time rules with an injected clock: attendance-checkin-times.test.ts). */
import { eq } from "drizzle-orm";
import { attendanceChanges, attendanceMarks } from "../src/db/schema";
import QRCode from "qrcode";
import { checkinCode, checkinToken, verifyCheckinToken, windowIndex } from "../src/features/attendance/checkin-token";
import { checkinKey } from "../src/features/attendance/checkin.service";
import { addParticipant, cancelEnrollment } from "../src/features/enrollment/enrollment.service";
import { t } from "../src/messages";
import { anonymousAgent, loginAs, makeUser, useTestApp } from "./helpers/app";
import { checkinCourse, makeCourse } from "./helpers/courses";

jest.setTimeout(180000);
const SECRET = "test-secret-test-secret-test-secret!"; // what test/helpers/app.ts gives createApp
const KEY = checkinKey(SECRET);
const m = t.attendance;

const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
const db = () => ctx.handle.db;

const pad = (n: number) => String(n).padStart(2, "0");
/** Vietnam wall-clock date and time of an instant. */
function vnClock(ms: number) {
  const d = new Date(ms + 7 * 3_600_000);
  return { date: d.toISOString().slice(0, 10), hh: d.getUTCHours(), mm: d.getUTCMinutes() };
}
/**
 * A session whose check-in is open at the real current time whatever the time of day: it starts in an
 * hour (or tomorrow at 07:00 when that would run past midnight), and the course opens check-in 24 h before.
 */
function sessionOpenNow() {
  const s = vnClock(Date.now() + 60 * 60_000);
  if (s.hh >= 20) return { date: vnClock(Date.now() + 12 * 3_600_000).date, startTime: "07:00", endTime: "10:00" };
  return { date: s.date, startTime: `${pad(s.hh)}:${pad(s.mm)}`, endTime: `${pad(s.hh + 3)}:${pad(s.mm)}` };
}
const dayOffset = (days: number) => vnClock(Date.now() + days * 86_400_000).date;

/** A course taught by `trainer` with the given sessions and check-in rules (helpers/courses.ts). */
const course = (sessions: Parameters<typeof checkinCourse>[3], rules?: Parameters<typeof checkinCourse>[4]) => checkinCourse(ctx, admin.user.id, trainer.user.id, sessions, rules);
const tokenNow = (sessionId: number, windowsAgo = 0) => checkinToken(KEY, sessionId, windowIndex(Date.now()) - windowsAgo);
const marksOf = (sessionId: number) => db().select().from(attendanceMarks).where(eq(attendanceMarks.sessionId, sessionId));
const changesOf = (sessionId: number) => db().select().from(attendanceChanges).where(eq(attendanceChanges.sessionId, sessionId));

async function enrolledTrainee(courseId: number) {
  const tr = await loginAs(ctx, "trainee");
  await addParticipant(db(), courseId, tr.user.id, "admin", null);
  return tr;
}

test("a scan of the QR marks the trainee present once; a replay of the same token changes nothing", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const tr = await enrolledTrainee(c.id);
  const url = `/checkin/${sid}/${tokenNow(sid)}`;
  const first = await tr.agent.get(url);
  expect(first.status).toBe(200);
  expect(first.text).toContain("Đã điểm danh: Có mặt lúc");
  const again = await tr.agent.get(url);
  expect(again.status).toBe(200);
  expect(again.text).toContain("Bạn đã được điểm danh buổi này: Có mặt");
  const marks = await marksOf(sid);
  expect(marks).toHaveLength(1);
  expect(marks[0]).toMatchObject({ userId: tr.user.id, status: "P", source: "qr", markedBy: tr.user.id });
  const changes = await changesOf(sid);
  expect(changes).toHaveLength(1);
  expect(changes[0]).toMatchObject({ userId: tr.user.id, oldStatus: null, newStatus: "P", source: "qr", changedBy: tr.user.id });
  expect(changes[0].ip).toBeTruthy();
});

test("a token of another session, of an expired window, or a forged one is refused", async () => {
  const c = await course([sessionOpenNow(), sessionOpenNow()]);
  const [a, b] = c.sessionIds;
  const tr = await enrolledTrainee(c.id);
  const other = await tr.agent.get(`/checkin/${a}/${tokenNow(b)}`);
  expect(other.status).toBe(400);
  expect(other.text).toContain(m.badToken);
  // Valid for its window and the next only: two windows ago is too old.
  expect((await tr.agent.get(`/checkin/${a}/${tokenNow(a, 2)}`)).status).toBe(400);
  expect((await tr.agent.get(`/checkin/${a}/${checkinToken("another-secret", a, windowIndex(Date.now()))}`)).status).toBe(400);
  expect((await tr.agent.get(`/checkin/${a}/not-a-token`)).status).toBe(400);
  expect(await marksOf(a)).toHaveLength(0);
  expect(await marksOf(b)).toHaveLength(0);
  // The previous window is still fine (a scan just before the QR rotated).
  expect((await tr.agent.get(`/checkin/${a}/${tokenNow(a, 1)}`)).status).toBe(200);
  expect(await marksOf(a)).toHaveLength(1);
});

test("check-in is refused after it closes, before it opens, and for a cancelled session", async () => {
  const c = await course(
    [{ date: dayOffset(-1), startTime: "07:00", endTime: "09:00" }, { date: dayOffset(3), startTime: "07:00", endTime: "09:00" }, sessionOpenNow()],
    { checkinOpensBefore: 30, checkinClosesAfter: 30, lateAfterMinutes: 15 },
  );
  const [past, future, current] = c.sessionIds;
  const tr = await enrolledTrainee(c.id);
  const closed = await tr.agent.get(`/checkin/${past}/${tokenNow(past)}`);
  expect(closed.status).toBe(409);
  expect(closed.text).toContain("Đã hết giờ điểm danh");
  const early = await tr.agent.get(`/checkin/${future}/${tokenNow(future)}`);
  expect(early.status).toBe(409);
  expect(early.text).toContain("Chưa đến giờ điểm danh");
  await trainer.agent.post(`/courses/${c.id}/sessions/${current}/cancel`).type("form").send({ _csrf: trainer.csrf, reason: "Mưa bão" });
  const cancelled = await tr.agent.get(`/checkin/${current}/${tokenNow(current)}`);
  expect(cancelled.status).toBe(409);
  expect(cancelled.text).toContain(m.cancelled);
  for (const s of c.sessionIds) expect(await marksOf(s)).toHaveLength(0);
});

test("a trainee who is not enrolled gets a clear refusal; one who cancelled their enrollment too", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const stranger = await loginAs(ctx, "trainee");
  const res = await stranger.agent.get(`/checkin/${sid}/${tokenNow(sid)}`);
  expect(res.status).toBe(403);
  expect(res.text).toContain("Bạn không có tên trong danh sách học viên của khóa học này");
  const json = await stranger.agent.get(`/checkin/${sid}/${tokenNow(sid)}`).set("Accept", "application/json");
  expect(json.body).toEqual({ outcome: "refused", error: m.notEnrolled });
  const leaver = await enrolledTrainee(c.id);
  await cancelEnrollment(db(), c.id, leaver.user.id, { id: leaver.user.id });
  expect((await leaver.agent.get(`/checkin/${sid}/${tokenNow(sid)}`)).status).toBe(403);
  expect(await marksOf(sid)).toHaveLength(0);
});

test("a trainee can only ever mark themselves", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const a = await enrolledTrainee(c.id);
  const b = await enrolledTrainee(c.id);
  // Nothing in the URL or the form names a person: extra fields are ignored, the session's user is marked.
  const res = await a.agent.get(`/checkin/${sid}/${tokenNow(sid)}?userId=${b.user.id}`);
  expect(res.status).toBe(200);
  const code = checkinCode(KEY, sid, windowIndex(Date.now()));
  await a.agent.post("/checkin").type("form").send({ _csrf: a.csrf, sessionId: sid, code, userId: b.user.id });
  expect((await marksOf(sid)).map((x) => x.userId)).toEqual([a.user.id]);
  // The roll-call, kiosk and its JSON are closed to trainees.
  expect((await a.agent.post(`/courses/${c.id}/sessions/${sid}/attendance`).type("form").send({ _csrf: a.csrf, [`mark[u${b.user.id}]`]: "P" })).status).toBe(403);
  expect((await a.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk`)).status).toBe(403);
  expect((await a.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk.json`)).status).toBe(403);
  expect((await marksOf(sid)).map((x) => x.userId)).toEqual([a.user.id]);
});

test("a trainer of another course can neither open the kiosk nor mark", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const tr = await enrolledTrainee(c.id);
  const other = await loginAs(ctx, "trainer");
  await makeCourse(ctx, admin.user.id, { trainerIds: [other.user.id] });
  expect((await other.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk`)).status).toBe(403);
  expect((await other.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk.json`).set("Accept", "application/json")).status).toBe(403);
  expect((await other.agent.get(`/courses/${c.id}/sessions/${sid}/attendance`)).status).toBe(403);
  const post = await other.agent.post(`/courses/${c.id}/sessions/${sid}/attendance`).type("form").send({ _csrf: other.csrf, [`mark[u${tr.user.id}]`]: "A", rest: "P" });
  expect(post.status).toBe(403);
  expect((await other.agent.get(`/courses/${c.id}/attendance`)).status).toBe(403);
  expect((await other.agent.get(`/courses/${c.id}/attendance/sign-in.pdf`)).status).toBe(403);
  expect((await other.agent.get(`/courses/${c.id}/attendance.xlsx`)).status).toBe(403);
  expect(await marksOf(sid)).toHaveLength(0);
  // The course's own trainer can.
  expect((await trainer.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk`)).status).toBe(200);
});

test("200 enrolled trainees checking in at once (each tapping twice) give exactly 200 marks", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const trainees: Awaited<ReturnType<typeof enrolledTrainee>>[] = [];
  for (let i = 0; i < 200; i += 4) trainees.push(...(await Promise.all([0, 1, 2, 3].map(() => enrolledTrainee(c.id)))));
  const token = tokenNow(sid);
  const responses = await Promise.all(trainees.flatMap((tr) => [0, 1].map(() => tr.agent.get(`/checkin/${sid}/${token}`).set("Accept", "application/json"))));
  expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
  expect(responses.filter((r) => r.body.outcome === "marked")).toHaveLength(200);
  expect(responses.filter((r) => r.body.outcome === "already")).toHaveLength(200);
  const marks = await marksOf(sid);
  expect(marks).toHaveLength(200);
  expect(new Set(marks.map((x) => x.userId)).size).toBe(200);
  expect(new Set(marks.map((x) => x.userId))).toEqual(new Set(trainees.map((tr) => tr.user.id)));
  expect(await changesOf(sid)).toHaveLength(200);
  // The kiosk counts them.
  const kiosk = await trainer.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk.json`);
  expect(kiosk.body).toMatchObject({ count: 200, total: 200, open: true, state: "open" });
  expect(kiosk.body.latest).toHaveLength(6);
});

test("the kiosk JSON gives the QR of an absolute check-in URL for this session, the current code and the count", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  await enrolledTrainee(c.id);
  const res = await trainer.agent.get(`/courses/${c.id}/sessions/${sid}/kiosk.json`);
  expect(res.status).toBe(200);
  expect(res.headers["cache-control"]).toBe("no-store");
  const s = res.body;
  expect(s).toMatchObject({ open: true, state: "open", count: 0, total: 1, latest: [] });
  const match = new RegExp(`^http://taphuan\\.test/checkin/${sid}/([A-Za-z0-9_-]{22})$`).exec(s.url);
  expect(match).not.toBeNull();
  expect(verifyCheckinToken(KEY, sid, match![1], Date.now())).toBe(true);
  expect([checkinCode(KEY, sid, windowIndex(Date.now())), checkinCode(KEY, sid, windowIndex(Date.now()) - 1)]).toContain(s.code);
  // The image is the QR code of exactly that URL (SVG, as a data: URI the CSP allows).
  const svg = await QRCode.toString(s.url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  expect(s.qr).toBe(`data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`);
  expect(s.refreshInMs).toBeGreaterThan(0);
  expect(s.refreshInMs).toBeLessThanOrEqual(15_000);
  // Closed sessions show neither QR nor code.
  const past = await course([{ date: dayOffset(-1), startTime: "07:00", endTime: "09:00" }], { checkinOpensBefore: 30, checkinClosesAfter: 30, lateAfterMinutes: 15 });
  const closed = await trainer.agent.get(`/courses/${past.id}/sessions/${past.sessionIds[0]}/kiosk.json`);
  expect(closed.body).toMatchObject({ open: false, state: "after", url: null, qr: null, code: null });
  const page = await trainer.agent.get(`/courses/${past.id}/sessions/${past.sessionIds[0]}/kiosk`);
  expect(page.text).toContain("Đã hết giờ điểm danh");
  expect(page.text).toContain('src="/js/attendance-kiosk.js"');
  expect(page.text).not.toMatch(/<script>|style="/);
});

test("the 6-digit code checks in; wrong codes are refused and limited to 10 failures per person", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const tr = await enrolledTrainee(c.id);
  const form = await tr.agent.get("/checkin");
  expect(form.status).toBe(200);
  expect(form.text).toContain(`value="${sid}"`);
  const code = checkinCode(KEY, sid, windowIndex(Date.now()));
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
  const bad = await tr.agent.post("/checkin").type("form").send({ _csrf: tr.csrf, sessionId: sid, code: wrong });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain(m.badCode);
  const malformed = await tr.agent.post("/checkin").type("form").send({ _csrf: tr.csrf, sessionId: sid, code: "12ab" });
  expect(malformed.status).toBe(422);
  const ok = await tr.agent.post("/checkin").type("form").send({ _csrf: tr.csrf, sessionId: sid, code: `${code.slice(0, 3)} ${code.slice(3)}` });
  expect(ok.status).toBe(200);
  expect(ok.text).toContain("Đã điểm danh: Có mặt");
  expect((await marksOf(sid))[0]).toMatchObject({ userId: tr.user.id, source: "code" });

  const guesser = await enrolledTrainee(c.id);
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await guesser.agent.post("/checkin").type("form").send({ _csrf: guesser.csrf, sessionId: sid, code: wrong })).status);
  expect(statuses.slice(0, 8).every((s) => s === 400)).toBe(true);
  expect(statuses[10]).toBe(429);
  // Even the right code is refused until the limit expires; other people are not affected.
  const blocked = await guesser.agent.post("/checkin").type("form").send({ _csrf: guesser.csrf, sessionId: sid, code });
  expect(blocked.status).toBe(429);
  expect(blocked.text).toContain(m.tooManyAttempts);
  expect(await marksOf(sid)).toHaveLength(1);
});

test("a scan before logging in is kept through the login and completes the check-in", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const tr = await makeUser(ctx, "trainee");
  await addParticipant(db(), c.id, tr.id, "admin", null);
  const { agent, csrf } = await anonymousAgent(ctx);
  const scan = await agent.get(`/checkin/${sid}/${tokenNow(sid)}`);
  expect(scan.status).toBe(302);
  expect(scan.headers.location).toBe("/login");
  const login = await agent.post("/login").type("form").send({ _csrf: csrf, login: tr.login, password: tr.password });
  expect(login.status).toBe(302);
  // The address holds nothing but the token: the grace lives in this browser's session.
  expect(login.headers.location).toMatch(new RegExp(`^/checkin/${sid}/[A-Za-z0-9_-]{22}$`));
  const done = await agent.get(login.headers.location);
  expect(done.status).toBe(200);
  expect(done.text).toContain("Đã điểm danh: Có mặt");
  // An anonymous scan of a bad token is refused at once, without a detour through the login.
  const anon = await anonymousAgent(ctx);
  const bad = await anon.agent.get(`/checkin/${sid}/${tokenNow(sid, 3)}`);
  expect(bad.status).toBe(400);
  expect(bad.text).toContain(m.badToken);
});

test("a check-in link forwarded from the venue checks nobody in once its token has expired (the grace stays with the browser that scanned)", async () => {
  const c = await course([sessionOpenNow()]);
  const [sid] = c.sessionIds;
  const scanner = await makeUser(ctx, "trainee");
  await addParticipant(db(), c.id, scanner.id, "admin", null);
  const absent = await enrolledTrainee(c.id);
  // At the venue: scanned before logging in; the address the login returns to is what gets forwarded.
  const phone = await anonymousAgent(ctx);
  await phone.agent.get(`/checkin/${sid}/${tokenNow(sid)}`);
  const login = await phone.agent.post("/login").type("form").send({ _csrf: phone.csrf, login: scanner.login, password: scanner.password });
  const forwarded = login.headers.location;
  expect(forwarded).toMatch(new RegExp(`^/checkin/${sid}/`));
  // A minute later the token's window is over: the link opened by someone else proves nothing.
  jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask", "hrtime", "performance"] });
  try {
    jest.setSystemTime(Date.now() + 60_000);
    const other = await absent.agent.get(forwarded);
    expect(other.status).toBe(400);
    expect(other.text).toContain(m.badToken);
    expect((await marksOf(sid)).map((r) => r.userId)).not.toContain(absent.user.id);
    // The browser that scanned still completes its check-in within the grace.
    const own = await phone.agent.get(forwarded);
    expect(own.status).toBe(200);
    expect((await marksOf(sid)).map((r) => r.userId)).toEqual([scanner.id]);
  } finally {
    jest.useRealTimers();
  }
});
