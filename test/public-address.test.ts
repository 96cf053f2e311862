/**
 * Absolute links (certificate QR, sample certificate, kiosk QR and link) come from the configured public
 * address, never from the request's Host; issuing refuses while that address is unset or loopback.
 */
import { eq } from "drizzle-orm";
import { updateCheckinSettings } from "../src/features/attendance/attendance.service";
import { addSessions } from "../src/features/courses/sessions.service";
import { getCourse } from "../src/features/courses/courses.service";
import { appSettings, attendanceMarks, auditLog, certificateCounters, certificates, courseSessions, enrollments, users } from "../src/db/schema";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { t } from "../src/messages";
import { PUBLIC_URL_KEY } from "../src/lib/public-url";
import { todayIso } from "../src/lib/time";
import { createTestApp, loginAs, TEST_PUBLIC_URL, type TestContext } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { binary } from "./helpers/pdf";

jest.setTimeout(120000);
let ctx: TestContext;
let admin: Awaited<ReturnType<typeof loginAs>>;
const db = () => ctx.handle.db;
beforeAll(async () => {
  // PUBLIC_URL (the env default) is loopback: only the address saved in the settings makes issuing possible.
  ctx = await createTestApp({ publicUrl: "http://127.0.0.1:3000" });
  admin = await loginAs(ctx, "admin");
});
afterAll(async () => ctx.close());

const FORGED = "evil.example";
const forged = <T extends { set(h: string, v: string): T }>(req: T): T => req.set("Host", FORGED).set("X-Forwarded-Host", FORGED).set("X-Forwarded-Proto", "https");

/** A training course with one session today and one trainee who attended it (eligible for a certificate). */
async function eligibleTrainee() {
  const course = await makeCourse(ctx, admin.user.id);
  const [session] = await db().insert(courseSessions).values({ courseId: course.id, date: todayIso(), startTime: "07:30", endTime: "11:00" }).returning();
  const [u] = await db().insert(users).values({ ho: "Trần", tenDem: "Thị", ten: "Mai", fullName: "Trần Thị Mai", role: "trainee", dateOfBirth: "1990-01-02", gender: "Nữ", unitCode: "X-TRIEUSON" }).returning();
  await db().insert(enrollments).values({ courseId: course.id, userId: u.id, status: "enrolled", source: "admin" });
  await db().insert(attendanceMarks).values({ sessionId: session.id, userId: u.id, status: "P", source: "rollcall" });
  return { course, session, userId: u.id };
}

const issue = (courseId: number, userId: number) => admin.agent.post(`/courses/${courseId}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(userId) });
const snapshotsOf = async (courseId: number) => (await db().select().from(certificates).where(eq(certificates.courseId, courseId))).map((c) => c.snapshot as unknown as CertificateSnapshot);
const setSaved = async (url: string | null) => {
  await db().delete(appSettings).where(eq(appSettings.key, PUBLIC_URL_KEY));
  if (url) await db().insert(appSettings).values({ key: PUBLIC_URL_KEY, value: url });
};

test("a forged Host header never appears in a certificate's QR payload, the sample certificate or the kiosk", async () => {
  await setSaved(TEST_PUBLIC_URL);
  const { course, userId } = await eligibleTrainee();
  const res = await forged(issue(course.id, userId));
  expect(res.status).toBe(302);
  const [s] = await snapshotsOf(course.id);
  expect(s.verifyUrl).toMatch(/^http:\/\/taphuan\.test\/verify\/[A-Za-z0-9_-]{22}$/);
  expect(JSON.stringify(s)).not.toContain(FORGED);
  // The sample certificate is the same document whatever Host the request names.
  const plain = await binary(admin.agent.get("/certificates/settings/sample.pdf"));
  const spoofed = await binary(forged(admin.agent.get("/certificates/settings/sample.pdf")));
  expect(plain.status).toBe(200);
  expect(Buffer.compare(plain.body as Buffer, spoofed.body as Buffer)).toBe(0);
  // The kiosk: QR, its URL and the code form's link (a session in an hour; check-in opens a day before).
  const soon = new Date(Date.now() + 8 * 3_600_000);
  const late = soon.getUTCHours() >= 20;
  const start = late ? { date: new Date(Date.now() + 19 * 3_600_000).toISOString().slice(0, 10), startTime: "07:00", endTime: "10:00" } : { date: soon.toISOString().slice(0, 10), startTime: soon.toISOString().slice(11, 16), endTime: `${String(soon.getUTCHours() + 3).padStart(2, "0")}:00` };
  await addSessions(db(), await getCourse(db(), course.id), { ...start, venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: admin.user.id });
  await updateCheckinSettings(db(), course.id, { checkinOpensBefore: 1440, checkinClosesAfter: 30, lateAfterMinutes: 15 }, { id: admin.user.id });
  const sid = (await db().select().from(courseSessions).where(eq(courseSessions.courseId, course.id))).find((x) => x.startTime !== "07:30")!.id;
  const json = await forged(admin.agent.get(`/courses/${course.id}/sessions/${sid}/kiosk.json`));
  expect(json.status).toBe(200);
  expect(JSON.stringify(json.body)).not.toContain(FORGED);
  expect(json.body.url).toMatch(new RegExp(`^http://taphuan\\.test/checkin/${sid}/`));
  const page = await forged(admin.agent.get(`/courses/${course.id}/sessions/${sid}/kiosk`));
  expect(page.status).toBe(200);
  expect(page.text).not.toContain(FORGED);
  expect(page.text).toContain("http://taphuan.test/checkin");
});

test("issuing with no public address, or a loopback one, is refused in Vietnamese and writes nothing", async () => {
  const { course, userId } = await eligibleTrainee();
  const counters = await db().select().from(certificateCounters);
  const audits = (await db().select().from(auditLog)).length;
  for (const [saved, message] of [
    [null, t.publicUrl.loopback("http://127.0.0.1:3000")], // PUBLIC_URL of this app is loopback
    ["http://localhost:3000", t.publicUrl.loopback("http://localhost:3000")],
    ["http://127.1.2.3", t.publicUrl.loopback("http://127.1.2.3")],
    ["http://[::1]:3000", t.publicUrl.loopback("http://[::1]:3000")],
  ] as const) {
    await setSaved(saved);
    const res = await issue(course.id, userId);
    expect(res.status).toBe(409);
    expect(res.text).toContain(message);
    expect(res.text).toContain('href="/settings#dia-chi-cong-khai"');
    const all = await forged(admin.agent.post(`/courses/${course.id}/certificates/issue-all`).type("form").send({ _csrf: admin.csrf }));
    expect(all.status).toBe(409);
    expect((await forged(admin.agent.get("/certificates/settings/sample.pdf"))).status).toBe(409);
  }
  expect(await snapshotsOf(course.id)).toHaveLength(0);
  expect(await db().select().from(certificateCounters)).toEqual(counters);
  expect((await db().select().from(auditLog)).length).toBe(audits);
});

test("with neither a saved address nor PUBLIC_URL, a QR-printing route says what to do and where", async () => {
  const bare = await createTestApp();
  try {
    await bare.handle.db.delete(appSettings).where(eq(appSettings.key, PUBLIC_URL_KEY));
    const a = await loginAs(bare, "admin");
    const res = await a.agent.get("/certificates/settings/sample.pdf").set("Accept", "application/json");
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: t.publicUrl.missing, link: "/settings#dia-chi-cong-khai" });
  } finally {
    await bare.close();
  }
});

test("the address saved in the settings is checked, wins over PUBLIC_URL, and is what the certificate's QR encodes", async () => {
  await setSaved(null);
  const page = await admin.agent.get("/settings");
  expect(page.text).toContain("http://127.0.0.1:3000");
  expect(page.text).toContain(t.publicUrl.fromEnv);
  for (const bad of ["http://localhost:8080", "ftp://taphuan.vn", "taphuan.vn", "https://taphuan.vn/?a=1", "http://user:pw@taphuan.vn"]) {
    const res = await admin.agent.post("/settings/public-url").type("form").send({ _csrf: admin.csrf, publicUrl: bad });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/Không dùng localhost|Địa chỉ phải bắt đầu bằng http/);
  }
  expect(await db().select().from(appSettings).where(eq(appSettings.key, PUBLIC_URL_KEY))).toHaveLength(0);
  const ok = await admin.agent.post("/settings/public-url").type("form").send({ _csrf: admin.csrf, publicUrl: " https://TapHuan.ThanhHoa.gov.vn/gcn/ " });
  expect(ok.status).toBe(302);
  const { course, userId } = await eligibleTrainee();
  expect((await forged(issue(course.id, userId))).status).toBe(302);
  const [s] = await snapshotsOf(course.id);
  expect(s.verifyUrl).toMatch(/^https:\/\/taphuan\.thanhhoa\.gov\.vn\/gcn\/verify\/[A-Za-z0-9_-]{22}$/);
  const after = await admin.agent.get("/settings");
  expect(after.text).toContain("https://taphuan.thanhhoa.gov.vn/gcn");
  expect(after.text).not.toContain(t.publicUrl.fromEnv);
});
