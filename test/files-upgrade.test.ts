/**
 * Installations of the versions that kept files in DATA_DIR: the start-up step (src/files-upgrade.ts) moves
 * materials, seal images and pending imports into the database and deletes them from disk, safely again
 * after a kill; a backup written by such a version (its files inside) restores, its files landing in the
 * database.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import { appSettings, materials } from "../src/db/schema";
import { OLDEST_RESTORABLE_MIGRATIONS, restoreBackup, writeBackup } from "../src/features/backup/backup.service";
import { getDownload } from "../src/features/courses/materials.service";
import { moveFilesIntoDatabase } from "../src/files-upgrade";
import { readPending, storePending } from "../src/lib/pending-uploads";
import { useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { createEmptyDb } from "./helpers/empty-db";
import { fileRows, storedNames } from "./helpers/files";
import { binary } from "./helpers/pdf";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ as: ["admin"] });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-files-upgrade-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");
const hex32 = () => crypto.randomBytes(16).toString("hex");
const bigPdf = (size: number) => Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(size - 9)]);
const imagesIn = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Subtype\s*\/Image/g) ?? []).length;

/** What an older version had: a material row naming its file in DATA_DIR/materials, the seal in DATA_DIR/settings, a pending roster. */
async function oldLayout(dataDir: string, courseId: number) {
  const material = { name: hex32(), bytes: bigPdf(1024 * 1024 + 5) };
  const seal = await QRCode.toBuffer(`con dấu ${hex32()}`, { type: "png", width: 140 });
  const pending = { name: hex32(), bytes: Buffer.from("Họ và tên;Ngày sinh\nNguyễn Văn An;01/01/1990") };
  for (const dir of ["materials", "settings", "imports"]) fs.mkdirSync(path.join(dataDir, dir), { recursive: true });
  fs.writeFileSync(path.join(dataDir, "materials", material.name), material.bytes);
  fs.writeFileSync(path.join(dataDir, "settings", `seal-${sha256(seal)}.png`), seal);
  fs.writeFileSync(path.join(dataDir, "imports", pending.name), pending.bytes);
  const [row] = await ctx.handle.db.insert(materials).values({ courseId, originalName: "Bài giảng cũ.pdf", storedName: material.name, mime: "application/pdf", size: material.bytes.length }).returning();
  return { material, seal, pending, row };
}

test("start-up moves an older version's materials, seal and pending imports into the database and off the disk; downloads are identical; run again it moves nothing twice", async () => {
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp của phiên bản cũ" });
  const old = await oldLayout(ctx.dataDir, course.id);
  await ctx.handle.db.insert(appSettings).values({ key: "certificate.seal", value: { sha256: sha256(old.seal) } }).onConflictDoUpdate({ target: appSettings.key, set: { value: { sha256: sha256(old.seal) } } });
  // What a killed upload or delete of those versions left, and a file that is not taphuan's.
  fs.writeFileSync(path.join(ctx.dataDir, "materials", hex32()), "tệp không dòng nào nhắc tới");
  fs.writeFileSync(path.join(ctx.dataDir, "materials", `.${hex32()}.tmp`), "nửa tệp");
  fs.writeFileSync(path.join(ctx.dataDir, "settings", `seal-${sha256(old.seal)}.png.4242.tmp`), "nửa ảnh");
  fs.writeFileSync(path.join(ctx.dataDir, "materials", "ghi-chu.txt"), "của người quản trị");
  const before = await fileRows(ctx.handle.db);

  expect(await moveFilesIntoDatabase(ctx.handle.db, ctx.dataDir)).toEqual({ materials: 1, seals: 1, pending: 1 });
  expect(fs.readdirSync(path.join(ctx.dataDir, "materials"))).toEqual(["ghi-chu.txt"]);
  for (const dir of ["settings", "imports"]) expect(fs.existsSync(path.join(ctx.dataDir, dir))).toBe(false);
  const [row] = await ctx.handle.db.select().from(materials).where(eq(materials.id, old.row.id));
  expect(row).toMatchObject({ storedName: null, fileId: expect.any(Number) });
  expect(await fileRows(ctx.handle.db)).toEqual({ files: before.files + 3, chunks: before.chunks + 5 + 1 + 1 });

  const dl = await binary(admin.agent.get(`/courses/${course.id}/materials/${row.id}`));
  expect(dl.status).toBe(200);
  expect((dl.body as Buffer).equals(old.material.bytes)).toBe(true);
  expect((await binary(admin.agent.get("/certificates/settings/seal.png"))).body).toEqual(old.seal);
  const sample = await binary(admin.agent.get("/certificates/settings/sample.pdf"));
  expect(imagesIn(sample.body as Buffer)).toBeGreaterThan(0);
  // A roster previewed before the upgrade is confirmed with what its session holds.
  expect((await readPending(ctx.handle.db, "roster", old.pending.name, sha256(old.pending.bytes)))?.equals(old.pending.bytes)).toBe(true);

  // Killed after a file's transaction committed but before it was deleted: the next start only deletes it.
  fs.mkdirSync(path.join(ctx.dataDir, "settings"));
  fs.writeFileSync(path.join(ctx.dataDir, "materials", old.material.name), old.material.bytes);
  fs.writeFileSync(path.join(ctx.dataDir, "settings", `seal-${sha256(old.seal)}.png`), old.seal);
  expect(await moveFilesIntoDatabase(ctx.handle.db, ctx.dataDir)).toEqual({ materials: 0, seals: 1, pending: 0 });
  expect(await fileRows(ctx.handle.db)).toEqual({ files: before.files + 3, chunks: before.chunks + 7 });
  expect(fs.readdirSync(path.join(ctx.dataDir, "materials"))).toEqual(["ghi-chu.txt"]);
  expect(fs.existsSync(path.join(ctx.dataDir, "settings"))).toBe(false);
  await ctx.handle.db.delete(appSettings).where(eq(appSettings.key, "certificate.seal"));
});

const gz = (lines: unknown[]) => zlib.gzipSync(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
type Line = { format?: string; table?: string; rows?: Record<string, unknown>[]; file?: string; end?: boolean; version?: number };
const linesOf = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);

/**
 * A backup as the last version with files in DATA_DIR wrote it: this database's rows without the files
 * tables and without materials.file_id, its migration count, and the files as `file` lines.
 */
async function previousVersionBackup(): Promise<{ file: string; material: Buffer; seal: Buffer; materialId: number; courseId: number }> {
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp trong bản sao lưu cũ" });
  const dir = fs.mkdtempSync(path.join(tmp, "old-"));
  const old = await oldLayout(dir, course.id);
  const current = path.join(tmp, `current-${hex32()}.jsonl.gz`);
  await writeBackup(ctx.handle, ctx.dataDir, current);
  const out: unknown[] = [];
  let table = "";
  for (const line of linesOf(current)) {
    if (line.format) out.push({ ...line, version: 1, migrations: OLDEST_RESTORABLE_MIGRATIONS });
    else if (line.table) table = line.table;
    if (["stored_files", "file_chunks"].includes(table) || line.format) continue;
    if (line.end) {
      for (const rel of ["materials/" + old.material.name, `settings/seal-${sha256(old.seal)}.png`, "imports/" + old.pending.name]) {
        out.push({ file: rel, base64: fs.readFileSync(path.join(dir, rel)).toString("base64") });
      }
    }
    if (table === "materials" && line.rows) out.push({ rows: line.rows.filter((r) => r.file_id === null).map(({ file_id: _f, ...r }) => r) });
    else out.push(line);
  }
  const file = path.join(tmp, `old-${hex32()}.jsonl.gz`);
  fs.writeFileSync(file, gz(out));
  return { file, material: old.material.bytes, seal: old.seal, materialId: old.row.id, courseId: course.id };
}

test("a backup written by the previous version (files inside) restores: its material and seal land in the database (as `npm run restore` does)", async () => {
  const old = await previousVersionBackup();
  const target = await createEmptyDb();
  const dir = fs.mkdtempSync(path.join(tmp, "restored-"));
  try {
    await restoreBackup(target, dir, old.file);
    await moveFilesIntoDatabase(target.db, dir);
    const got = await getDownload(target.db, old.courseId, old.materialId);
    const parts: Buffer[] = [];
    for await (const c of got.file.chunks) parts.push(Buffer.from(c));
    expect(Buffer.concat(parts).equals(old.material)).toBe(true);
    expect(await storedNames(target.db, "seal")).toContain(sha256(old.seal));
    // Nothing is left on disk; the pending import (its session is never restored) is not kept either.
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(await storedNames(target.db, "roster-import")).toEqual([]);
  } finally {
    await target.close();
  }
});

test("a current backup holds the files as rows (no file lines) and restores them byte for byte; a backup older than the previous version is refused", async () => {
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp sao lưu mới" });
  const bytes = bigPdf(600 * 1024);
  const up = await admin.agent.post(`/courses/${course.id}/materials`).field("_csrf", admin.csrf).attach("file", bytes, { filename: "Mới.pdf" });
  expect(up.status).toBe(302);
  const [row] = await ctx.handle.db.select().from(materials).where(eq(materials.courseId, course.id));
  // A roster waiting for its confirmation (personal data; its session is never backed up) is left out.
  const pending = await storePending(ctx.handle.db, "roster", Buffer.from("Họ và tên;Số CCCD\nLê Thị Bảo Mật;038190000123"));
  const file = path.join(tmp, "now.jsonl.gz");
  const written = await writeBackup(ctx.handle, ctx.dataDir, file);
  const lines = linesOf(file);
  expect(lines.filter((l) => l.file)).toEqual([]);
  expect(lines[0]).toMatchObject({ version: 2 });
  expect(written.files).toBe((await fileRows(ctx.handle.db)).files - (await storedNames(ctx.handle.db, "roster-import")).length);
  expect(JSON.stringify(lines)).not.toContain(pending.stored);
  const target = await createEmptyDb();
  try {
    await restoreBackup(target, fs.mkdtempSync(path.join(tmp, "new-")), file);
    const parts: Buffer[] = [];
    for await (const c of (await getDownload(target.db, course.id, row.id)).file.chunks) parts.push(Buffer.from(c));
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  } finally {
    await target.close();
  }
  const older = path.join(tmp, "older.jsonl.gz");
  fs.writeFileSync(older, gz([{ ...lines[0], migrations: OLDEST_RESTORABLE_MIGRATIONS - 1 }, { end: true }]));
  const empty = await createEmptyDb();
  try {
    await expect(restoreBackup(empty, tmp, older)).rejects.toThrow("Hãy khôi phục bằng đúng phiên bản");
  } finally {
    await empty.close();
  }
});
