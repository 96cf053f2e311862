/**
 * Issuing a batch of people in one transaction (issueBatch, what the bulk job calls): numbers consecutive
 * without gaps, a refused person leaves the others' certificates and numbers alone, single issues running
 * meanwhile never share a number with the batch, a batch that fails as a whole is tried person by person.
 */
import { createHash } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { attendanceMarks, auditLog, certificateCounters, certificates, enrollments, users } from "../src/db/schema";
import { issueBatch, issueCertificate, snapshotPdf } from "../src/features/certificates/issue.service";
import type { CertificateSnapshot } from "../src/features/certificates/snapshot";
import { Conflict, NotFound } from "../src/lib/errors";
import { TEST_PUBLIC_URL, useTestApp } from "./helpers/app";
import { eligibleClass as classOf } from "./helpers/courses";

jest.setTimeout(240000);
const { ctx, admin } = useTestApp({ as: ["admin"] });
const env = () => ({ baseUrl: TEST_PUBLIC_URL });
const actor = () => ({ id: admin.user.id });

/** A training course with two sessions and `n` trainees present at both; returns them in roster order. */
const eligibleClass = (n: number, title: string) => classOf(ctx, admin.user.id, n, title);

const lastSeq = async () => {
  const [c] = await ctx.handle.db.select().from(certificateCounters).where(eq(certificateCounters.year, new Date().getFullYear()));
  return c?.lastSeq ?? 0;
};
const certsOf = (courseId: number) => ctx.handle.db.select().from(certificates).where(eq(certificates.courseId, courseId));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

test("a batch of 30 issues numbers 1..30 of the register without gaps, one audit row and a matching PDF each, the job's hook in the same transaction", async () => {
  const db = ctx.handle.db;
  const { course, people } = await eligibleClass(30, "Lớp bồi dưỡng kỹ năng thông tin đối ngoại trên mạng xã hội");
  const start = await lastSeq();
  const seen: number[] = [];
  const outcomes = await issueBatch(db, course.id, people, actor(), env(), undefined, {
    inTransaction: async (tx, issued) => {
      // The hook sees the batch's rows before they commit.
      seen.push(issued, (await tx.select().from(certificates).where(eq(certificates.courseId, course.id))).length);
    },
  });
  expect(seen).toEqual([30, 30]);
  expect(outcomes.map((o) => [o.userId, o.ok])).toEqual(people.map((p) => [p.userId, true]));
  const rows = await certsOf(course.id);
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(range(start + 1, 30));
  expect(await lastSeq()).toBe(start + 30);
  // Numbers in roster order, as the outcomes say.
  const byUser = new Map(rows.map((r) => [r.userId, r]));
  expect(people.map((p) => byUser.get(p.userId)!.seq)).toEqual(range(start + 1, 30));
  expect(outcomes.map((o) => (o.ok ? o.number : ""))).toEqual(people.map((p) => byUser.get(p.userId)!.number));
  expect(new Set(rows.map((r) => r.token)).size).toBe(30);
  const audits = await db.select().from(auditLog).where(and(eq(auditLog.action, "certificate.issue"), inArray(auditLog.targetId, rows.map((r) => String(r.id)))));
  expect(audits.map((a) => a.details?.number).sort()).toEqual(rows.map((r) => r.number).sort());
  for (const r of [rows[0], rows[29]]) {
    const pdf = await snapshotPdf(r.snapshot as unknown as CertificateSnapshot);
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(r.pdfSha256);
  }
});

test("refused people inside a batch get no number and undo nobody else's: the others' numbers stay consecutive", async () => {
  const db = ctx.handle.db;
  const { course, people, sessions } = await eligibleClass(12, "Lớp tập huấn công tác tuyên truyền biên giới");
  const [absent, noBirth, already, dropped] = [people[2], people[5], people[7], people[9]];
  await db.update(attendanceMarks).set({ status: "A" }).where(and(eq(attendanceMarks.userId, absent.userId), eq(attendanceMarks.sessionId, sessions[0].id)));
  await db.update(users).set({ dateOfBirth: null, birthYear: null }).where(eq(users.id, noBirth.userId));
  await db.update(enrollments).set({ status: "cancelled" }).where(and(eq(enrollments.userId, dropped.userId), eq(enrollments.courseId, course.id)));
  const earlier = await issueCertificate(db, course.id, already.userId, actor(), env());
  const start = await lastSeq();

  const outcomes = await issueBatch(db, course.id, people, actor(), env());
  const refused = outcomes.filter((o) => !o.ok);
  expect(refused.map((o) => o.userId)).toEqual([absent, noBirth, already, dropped].map((p) => p.userId));
  const errors = refused.map((o) => (o.ok ? null : o.error));
  expect(errors.slice(0, 3).every((e) => e instanceof Conflict)).toBe(true);
  expect(errors[3]).toBeInstanceOf(NotFound);
  const rows = (await certsOf(course.id)).filter((r) => r.id !== earlier.id);
  expect(rows).toHaveLength(8);
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(range(start + 1, 8));
  expect(await lastSeq()).toBe(start + 8);
  // A batch of people who are all refused takes no number.
  expect((await issueBatch(db, course.id, [absent, already], actor(), env())).map((o) => o.ok)).toEqual([false, false]);
  expect(await lastSeq()).toBe(start + 8);
});

test("single issues running during batches never share a number with them: all numbers distinct and consecutive", async () => {
  const db = ctx.handle.db;
  const { course, people } = await eligibleClass(50, "Hội nghị phổ biến công tác thông tin đối ngoại");
  const start = await lastSeq();
  const [a, b, singles] = [people.slice(0, 20), people.slice(20, 40), people.slice(40)];
  const results = await Promise.all([
    issueBatch(db, course.id, a, actor(), env()),
    ...singles.map((p) => issueCertificate(db, course.id, p.userId, actor(), env())),
    issueBatch(db, course.id, b, actor(), env()),
  ]);
  expect(results.flat().every((r) => !("ok" in r) || r.ok)).toBe(true);
  const rows = await certsOf(course.id);
  expect(rows).toHaveLength(50);
  expect(rows.map((r) => r.seq).sort((x, y) => x - y)).toEqual(range(start + 1, 50));
  expect(new Set(rows.map((r) => r.number)).size).toBe(50);
  // Issuing the same people again, in a batch and alone at once, gives nobody a second certificate.
  const again = await Promise.all([issueBatch(db, course.id, people.slice(0, 5), actor(), env()), issueCertificate(db, course.id, people[0].userId, actor(), env()).catch((e) => e)]);
  expect(again[0].every((o) => !o.ok && o.error instanceof Conflict)).toBe(true);
  expect(again[1]).toBeInstanceOf(Conflict);
  expect(await lastSeq()).toBe(start + 50);
});

test("a batch that fails as a whole is rolled back, numbers with it, and each person is tried in a batch of their own", async () => {
  const db = ctx.handle.db;
  const { course, people } = await eligibleClass(6, "Lớp bồi dưỡng nghiệp vụ văn hóa cơ sở");
  const start = await lastSeq();
  const calls: number[] = [];
  const outcomes = await issueBatch(db, course.id, people, actor(), env(), undefined, {
    inTransaction: async (_tx, issued) => {
      calls.push(issued);
      // The job's progress row cannot be written for the whole batch (say), but can for one person.
      if (issued > 1) throw new Error("progress row busy");
    },
  });
  expect(calls).toEqual([6, 1, 1, 1, 1, 1, 1]);
  expect(outcomes.every((o) => o.ok)).toBe(true);
  const rows = await certsOf(course.id);
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(range(start + 1, 6));
  expect(await lastSeq()).toBe(start + 6);
});
