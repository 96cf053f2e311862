/**
 * Files in the database (issue #18): a material or a seal uploaded through one app server is served by
 * another that shares only the database (its own DATA_DIR), byte for byte; a large file is stored in
 * 256 KB chunks and streamed a chunk at a time.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import QRCode from "qrcode";
import { createApp } from "../src/app";
import { fileChunks, materials } from "../src/db/schema";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { CHUNK_SIZE, getFile, readChunks } from "../src/lib/file-store";
import { loginAs, useTestApp, type TestContext } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { binary } from "./helpers/pdf";
import { buildFixture } from "./helpers/route-fixture";

jest.setTimeout(120000);
const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
/** A second app server on the same database, with a DATA_DIR of its own (another machine). */
let other: TestContext;

beforeAll(() => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-other-"));
  const app = createApp({ handle: ctx.handle, sessionSecret: "test-secret-test-secret-test-secret!", pruneSessions: false, loginIpLimit: 1000 });
  other = { handle: ctx.handle, app, dataDir, close: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
});
afterAll(async () => other.close());

/** A "PDF" of `size` bytes: the header file-type recognises, then random bytes. */
const bigPdf = (size: number) => Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(size - 9)]);
const imagesIn = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Subtype\s*\/Image/g) ?? []).length;

async function uploadMaterial(courseId: number, bytes: Buffer, name: string) {
  const res = await trainer.agent.post(`/courses/${courseId}/materials`).field("_csrf", trainer.csrf).attach("file", bytes, { filename: name });
  expect(res.status).toBe(302);
  return (await ctx.handle.db.select().from(materials).where(and(eq(materials.courseId, courseId), eq(materials.originalName, name))))[0];
}

test("a 3 MB material uploaded through server A downloads through server B byte for byte, from 12 chunks of 256 KB; nothing is written to either DATA_DIR", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const bytes = bigPdf(3 * 1024 * 1024);
  const row = await uploadMaterial(course.id, bytes, "Tài liệu 3 MB.pdf");
  const chunks = await ctx.handle.db.select().from(fileChunks).where(eq(fileChunks.fileId, row.fileId!)).orderBy(fileChunks.seq);
  expect(chunks.map((c) => c.data.length)).toEqual(Array(12).fill(CHUNK_SIZE));
  expect((await getFile(ctx.handle.db, row.fileId!))).toMatchObject({ kind: "material", size: bytes.length, sha256: crypto.createHash("sha256").update(bytes).digest("hex") });

  const traineeOnB = await loginAs(other, await enrolled(course.id));
  const res = await binary(traineeOnB.agent.get(`/courses/${course.id}/materials/${row.id}`));
  expect(res.status).toBe(200);
  expect(res.headers["content-length"]).toBe(String(bytes.length));
  expect((res.body as Buffer).equals(bytes)).toBe(true);
  // The browser's copy is still good: 304 without a byte of the file.
  const again = await traineeOnB.agent.get(`/courses/${course.id}/materials/${row.id}`).set("If-None-Match", res.headers.etag);
  expect(again.status).toBe(304);
  for (const dir of [ctx.dataDir, other.dataDir]) expect(fs.readdirSync(dir)).toEqual([]);
});

test("a file of a size not a multiple of the chunk, a small one and one of exactly one chunk come back whole", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  for (const size of [CHUNK_SIZE + 1, 10, CHUNK_SIZE]) {
    const bytes = bigPdf(size);
    const row = await uploadMaterial(course.id, bytes, `Tệp ${size}.pdf`);
    const res = await binary(admin.agent.get(`/courses/${course.id}/materials/${row.id}`));
    expect({ size, same: (res.body as Buffer).equals(bytes) }).toEqual({ size, same: true });
  }
});

test("a resumed download (Range) gets exactly the bytes asked for, across chunk boundaries; past the end is 416; another version sends the whole file", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const bytes = bigPdf(3 * CHUNK_SIZE + 1000);
  const row = await uploadMaterial(course.id, bytes, "Tài liệu tiếp tục tải.pdf");
  const url = `/courses/${course.id}/materials/${row.id}`;
  const whole = await binary(admin.agent.get(url));
  expect(whole.headers["accept-ranges"]).toBe("bytes");
  for (const [header, start, end] of [
    [`bytes=${CHUNK_SIZE - 10}-${2 * CHUNK_SIZE + 10}`, CHUNK_SIZE - 10, 2 * CHUNK_SIZE + 10],
    [`bytes=${3 * CHUNK_SIZE}-`, 3 * CHUNK_SIZE, bytes.length - 1],
    ["bytes=-100", bytes.length - 100, bytes.length - 1],
    ["bytes=0-0", 0, 0],
  ] as const) {
    const part = await binary(admin.agent.get(url).set("Range", header));
    expect({ header, status: part.status, range: part.headers["content-range"], length: part.headers["content-length"] })
      .toEqual({ header, status: 206, range: `bytes ${start}-${end}/${bytes.length}`, length: String(end - start + 1) });
    expect((part.body as Buffer).equals(bytes.subarray(start, end + 1))).toBe(true);
  }
  const past = await admin.agent.get(url).set("Range", `bytes=${bytes.length}-`);
  expect(past.status).toBe(416);
  expect(past.headers["content-range"]).toBe(`bytes */${bytes.length}`);
  // A part of another version of the file (If-Range with another ETag) is never mixed in: the whole file comes.
  const stale = await binary(admin.agent.get(url).set("Range", "bytes=0-99").set("If-Range", '"0000"'));
  expect(stale.status).toBe(200);
  expect((stale.body as Buffer).equals(bytes)).toBe(true);
  const current = await binary(admin.agent.get(url).set("Range", "bytes=0-99").set("If-Range", whole.headers.etag));
  expect(current.status).toBe(206);
});

test("a download reads its chunks one at a time, as they are sent: the whole file is never loaded at once", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const bytes = bigPdf(4 * CHUNK_SIZE);
  const row = await uploadMaterial(course.id, bytes, "Đọc từng phần.pdf");
  const file = (await getFile(ctx.handle.db, row.fileId!))!;
  const reader = readChunks(ctx.handle.db, file);
  const first = await reader.next();
  expect(first.value).toHaveLength(CHUNK_SIZE);
  // Changed in the database after the first chunk was read: the next ones are read only now, so they are the new bytes.
  const changed = Buffer.alloc(CHUNK_SIZE, 7);
  await ctx.handle.db.update(fileChunks).set({ data: changed }).where(and(eq(fileChunks.fileId, file.id), eq(fileChunks.seq, 1)));
  expect(((await reader.next()).value as Buffer).equals(changed)).toBe(true);
  // A file deleted while it is being sent breaks off with an error (the response is cut, never silently short).
  await ctx.handle.db.delete(fileChunks).where(and(eq(fileChunks.fileId, file.id), eq(fileChunks.seq, 2)));
  await expect(reader.next()).rejects.toThrow("chunk 2 is missing");
});

test("a seal uploaded through server A is printed on a certificate served by server B", async () => {
  const seal = await QRCode.toBuffer("con dấu của cơ quan", { type: "png", width: 160 });
  const up = await admin.agent.post("/certificates/settings/seal").field("_csrf", admin.csrf).attach("seal", seal, "dau.png");
  expect(up.status).toBe(302);
  const trainee = await loginAs(ctx, "trainee");
  const fixture = await buildFixture(ctx, admin.user.id, trainer.user.id, trainee.user.id);
  const adminOnB = await loginAs(other, admin.user);
  const withSeal = await binary(adminOnB.agent.get(`/certificates/${fixture.certificateId}.pdf`));
  expect(withSeal.status).toBe(200);
  // The settings page of B shows the same image.
  const shown = await binary(adminOnB.agent.get("/certificates/settings/seal.png"));
  expect((shown.body as Buffer).equals(seal)).toBe(true);

  // Without the seal the same kind of certificate has one image fewer: the seal is in the one above.
  expect((await admin.agent.post("/certificates/settings/seal/remove").type("form").send({ _csrf: admin.csrf })).status).toBe(302);
  const second = await loginAs(ctx, "trainee");
  const plain = await buildFixture(ctx, admin.user.id, trainer.user.id, second.user.id);
  const withoutSeal = await binary(adminOnB.agent.get(`/certificates/${plain.certificateId}.pdf`));
  expect(imagesIn(withSeal.body as Buffer)).toBe(imagesIn(withoutSeal.body as Buffer) + 1);
});

async function enrolled(courseId: number) {
  const session = await loginAs(ctx, "trainee");
  await addParticipant(ctx.handle.db, courseId, session.user.id, "admin", { id: admin.user.id });
  return session.user;
}
