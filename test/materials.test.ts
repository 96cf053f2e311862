import path from "node:path";
import ejs from "ejs";
import { and, eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import QRCode from "qrcode";
import request from "supertest";
import ExcelJS from "exceljs";
import type { Response } from "superagent";
import { enrollments, fileChunks, materials, storedFiles as storedFilesTable } from "../src/db/schema";
import { listMaterials } from "../src/features/courses/materials.service";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { t } from "../src/messages";
import * as vi from "../src/lib/vietnamese";
import { VIEWS_DIR } from "../src/paths";
import { makeCourse } from "./helpers/courses";
import { loginAs, useTestApp } from "./helpers/app";

const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });
let otherTrainer: Awaited<ReturnType<typeof loginAs>>;
let courseId: number;
let otherCourseId: number;
let pdf: Buffer;

const NAME = "Bài giảng số 1 – Thông tin đối ngoại.pdf";

async function makePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]).drawText("Tai lieu");
  return Buffer.from(await doc.save());
}

/** supertest does not buffer binary bodies by default. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on("data", (c: Buffer) => chunks.push(c));
  res.on("end", () => cb(null, Buffer.concat(chunks)));
};

/** The stored files of materials (in the database). */
const storedFiles = async () => (await ctx.handle.db.select({ id: storedFilesTable.id }).from(storedFilesTable).where(eq(storedFilesTable.kind, "material"))).map((r) => r.id);
const rowsOf = (id: number) => ctx.handle.db.select().from(materials).where(eq(materials.courseId, id));

async function upload(who: { agent: Awaited<ReturnType<typeof loginAs>>["agent"]; csrf: string }, id: number, buf: Buffer, name: string) {
  return who.agent.post(`/courses/${id}/materials`).field("_csrf", who.csrf).attach("file", buf, { filename: name });
}

/** Uploads a PDF as the course's trainer and returns its row. */
async function uploaded(name: string) {
  expect((await upload(trainer, courseId, pdf, name)).status).toBe(302);
  return (await rowsOf(courseId)).find((r) => r.originalName === name)!;
}

async function enrolledTrainee(id: number) {
  const session = await loginAs(ctx, "trainee");
  await addParticipant(ctx.handle.db, id, session.user.id, "admin", { id: admin.user.id });
  return session;
}

beforeAll(async () => {
  otherTrainer = await loginAs(ctx, "trainer");
  courseId = (await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] })).id;
  otherCourseId = (await makeCourse(ctx, admin.user.id, { title: "Hội nghị quán triệt", kind: "conference", trainerIds: [otherTrainer.user.id] })).id;
  pdf = await makePdf();
});

test("A material is downloadable by an enrolled trainee and refused (403) to a trainee of another course; its file name keeps its diacritics", async () => {
  const res = await upload(trainer, courseId, pdf, NAME);
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe(`/courses/${courseId}`);
  const [row] = (await rowsOf(courseId)).filter((r) => r.originalName === NAME);
  expect(row).toMatchObject({ mime: "application/pdf", size: pdf.length, uploadedBy: trainer.user.id });
  expect(row.storedName).toBeNull();
  expect(await storedFiles()).toContain(row.fileId);

  const mine = await enrolledTrainee(courseId);
  const dl = await mine.agent.get(`/courses/${courseId}/materials/${row.id}`).buffer(true).parse(binary);
  expect(dl.status).toBe(200);
  expect(dl.headers["content-type"]).toBe("application/pdf");
  expect((dl.body as Buffer).equals(pdf)).toBe(true);
  const disposition = dl.headers["content-disposition"];
  expect(disposition).toMatch(/^attachment;/);
  expect(decodeURIComponent(disposition.match(/filename\*=UTF-8''([^;\s]+)/)![1])).toBe(NAME);
  // The fallback for old clients is plain ASCII.
  expect(disposition).toContain('filename="Bai giang so 1 - Thong tin doi ngoai.pdf"');

  const stranger = await enrolledTrainee(otherCourseId);
  const refused = await stranger.agent.get(`/courses/${courseId}/materials/${row.id}`);
  expect(refused.status).toBe(403);
  expect(refused.text).toContain(t.materials.noAccess);
});

test("only admins, the course's trainers and enrolled trainees download; pending and waitlisted get 403", async () => {
  const row = await uploaded("Chương trình lớp học.pdf");
  const url = `/courses/${courseId}/materials/${row.id}`;
  expect((await admin.agent.get(url)).status).toBe(200);
  expect((await trainer.agent.get(url)).status).toBe(200);
  expect((await otherTrainer.agent.get(url)).status).toBe(403);
  for (const status of ["pending", "waitlisted", "cancelled"] as const) {
    const session = await enrolledTrainee(courseId);
    await ctx.handle.db.update(enrollments).set({ status }).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, session.user.id)));
    expect((await session.agent.get(url)).status).toBe(403);
  }
  const anonymous = await request(ctx.app).get(url);
  expect(anonymous.status).toBe(302);
  expect(anonymous.headers.location).toBe("/login");
  // A material id from another course, or no such id: 404.
  expect((await admin.agent.get(`/courses/${otherCourseId}/materials/${row.id}`)).status).toBe(404);
  expect((await admin.agent.get(`/courses/${courseId}/materials/999999`)).status).toBe(404);
  expect((await admin.agent.get(`/courses/${courseId}/materials/abc`)).status).toBe(404);
});

test("a fake PDF (text renamed .pdf) is refused and nothing is stored", async () => {
  const before = (await storedFiles()).length;
  const rows = (await rowsOf(courseId)).length;
  const res = await upload(trainer, courseId, Buffer.from("Đây không phải là PDF, chỉ là văn bản đổi tên."), "gia-mao.pdf");
  expect(res.status).toBe(415);
  expect(res.text).toContain("Chỉ nhận tệp PDF");
  expect((await storedFiles()).length).toBe(before);
  expect((await rowsOf(courseId)).length).toBe(rows);
});

test("a file over 20 MB is refused and nothing is stored", async () => {
  const before = (await storedFiles()).length;
  const big = Buffer.concat([pdf, Buffer.alloc(21 * 1024 * 1024)]);
  const res = await upload(admin, courseId, big, "qua-lon.pdf");
  expect(res.status).toBe(413);
  expect(res.text).toContain(t.materials.tooLarge);
  expect((await storedFiles()).length).toBe(before);
});

test("a trainer of another course (or a trainee) cannot upload: 403 and no file stored", async () => {
  const before = await storedFiles();
  const rows = (await rowsOf(courseId)).length;
  const res = await upload(otherTrainer, courseId, pdf, "khong-duoc.pdf");
  expect(res.status).toBe(403);
  const trainee = await enrolledTrainee(courseId);
  expect((await upload(trainee, courseId, pdf, "khong-duoc.pdf")).status).toBe(403);
  expect(await storedFiles()).toEqual(before);
  expect((await rowsOf(courseId)).length).toBe(rows);
});

test("DOCX, XLSX, PNG and JPEG are accepted by content; a missing file is reported", async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Danh sách").addRow(["Họ và tên", "Đơn vị"]);
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  const { Document, Packer, Paragraph } = await import("docx");
  const docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph("Chương trình")] }] }));
  const png = await QRCode.toBuffer("taphuan");
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]), Buffer.alloc(64), Buffer.from([0xff, 0xd9])]);
  const cases: [Buffer, string, string][] = [
    [xlsx, "Danh sách.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    [docx, "Chương trình.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    [png, "Sơ đồ.png", "image/png"],
    [jpeg, "Ảnh lớp học.jpg", "image/jpeg"],
  ];
  for (const [buf, name, mime] of cases) {
    expect((await upload(trainer, courseId, buf, name)).status).toBe(302);
    expect((await rowsOf(courseId)).find((r) => r.originalName === name)?.mime).toBe(mime);
  }
  const none = await trainer.agent.post(`/courses/${courseId}/materials`).field("_csrf", trainer.csrf);
  expect(none.status).toBe(302);
  expect((await trainer.agent.get("/")).text).toContain(t.materials.noFile);
  const rows = await listMaterials(ctx.handle.db, courseId);
  expect(rows.map((r) => r.originalName)).toEqual(expect.arrayContaining([NAME, "Danh sách.xlsx", "Ảnh lớp học.jpg"]));
  expect(rows.find((r) => r.originalName === NAME)?.sizeText).toMatch(/KB$/);
});

test("delete: refused to a trainer of another course; the course's trainer removes row and file", async () => {
  const row = await uploaded("Xóa tôi.pdf");
  const url = `/courses/${courseId}/materials/${row.id}/delete`;
  expect((await otherTrainer.agent.post(url).type("form").send({ _csrf: otherTrainer.csrf })).status).toBe(403);
  expect((await trainer.agent.post(url).type("form").send({})).status).toBe(403); // no CSRF token
  expect(await storedFiles()).toContain(row.fileId);
  const res = await trainer.agent.post(url).type("form").send({ _csrf: trainer.csrf });
  expect(res.status).toBe(302);
  expect((await rowsOf(courseId)).some((r) => r.id === row.id)).toBe(false);
  expect(await storedFiles()).not.toContain(row.fileId);
  expect(await ctx.handle.db.select().from(fileChunks).where(eq(fileChunks.fileId, row.fileId!))).toEqual([]);
  expect((await trainer.agent.get(`/courses/${courseId}/materials/${row.id}`)).status).toBe(404);
  expect((await trainer.agent.post(url).type("form").send({ _csrf: trainer.csrf })).status).toBe(404);
});

test("the list partial shows names escaped, download links, and the upload form only to managers", async () => {
  await uploaded("<script>x</script>.pdf");
  await uploaded(NAME);
  const mats = await listMaterials(ctx.handle.db, courseId);
  const course = { id: courseId };
  const render = (canManage: boolean) => ejs.renderFile(path.join(VIEWS_DIR, "materials/_list.ejs"), { t, vi, course, materials: mats, canManage, csrfToken: "tok" });
  const managed = await render(true);
  expect(managed).toContain(NAME);
  expect(managed).toContain(`/courses/${courseId}/materials/${mats[0].id}`);
  expect(managed).toContain('enctype="multipart/form-data"');
  expect(managed).not.toContain("<script>x");
  const readOnly = await render(false);
  expect(readOnly).not.toContain('enctype="multipart/form-data"');
  expect(readOnly).not.toContain("/delete");
  const empty = await ejs.renderFile(path.join(VIEWS_DIR, "materials/_list.ejs"), { t, vi, course, materials: [], canManage: false, csrfToken: "tok" });
  expect(empty).toContain(t.materials.empty);
});

test("a trainee of the course cannot delete", async () => {
  const trainee = await enrolledTrainee(courseId);
  const row = await uploaded("Giữ lại.pdf");
  expect((await trainee.agent.post(`/courses/${courseId}/materials/${row.id}/delete`).type("form").send({ _csrf: trainee.csrf })).status).toBe(403);
  expect((await rowsOf(courseId)).some((r) => r.id === row.id)).toBe(true);
});
