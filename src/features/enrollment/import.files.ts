/**
 * Roster import, files: the uploaded roster kept on disk between the preview and the confirmation
 * (abandoned ones removed after an hour), and the XLSX template.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ethnicities, participantCategories, units } from "../../db/schema";
import { isTempFileName, storeFile } from "../../lib/upload";
import { todayIso } from "../../lib/time";
import { importMessages as m } from "./import.messages";
import { RosterFileError } from "./import.read";

// ---------------------------------------------------------------------------------------------------
// The uploaded file between step 1 and step 2

const IMPORTS = "imports";
const STORED_NAME = /^[0-9a-f]{32}$/;
/** An upload not confirmed within an hour is an abandoned preview (it holds personal data): removed. */
export const KEEP_MS = 60 * 60 * 1000;

export const sha256 = (buf: Buffer) => crypto.createHash("sha256").update(buf).digest("hex");

/** Removes files older than KEEP_MS from DATA_DIR/imports except `keep`, and every temp file of storeFile when `temps`. */
function sweepImports(dataDir: string, now: number, opts: { keep?: string; temps?: boolean }): void {
  const dir = path.join(dataDir, IMPORTS);
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (name === opts.keep) continue;
    const file = path.join(dir, name);
    try {
      if ((opts.temps && isTempFileName(name)) || now - fs.statSync(file).mtimeMs > KEEP_MS) fs.rmSync(file, { force: true });
    } catch {
      // Another request removed it first.
    }
  }
}

/** Keeps an uploaded roster under DATA_DIR/imports (random name) until it is confirmed; drops abandoned ones (older than KEEP_MS). */
export function storeUpload(dataDir: string, buffer: Buffer, now = Date.now()): { stored: string; sha256: string } {
  const stored = storeFile(path.join(dataDir, IMPORTS), buffer);
  sweepImports(dataDir, now, { keep: stored });
  return { stored, sha256: sha256(buffer) };
}

/**
 * Start-up clean-up (server.ts, before listening, so no upload is being written): removes the temp file
 * an upload killed before its rename left behind, and uploads older than KEEP_MS.
 */
export function cleanImportFiles(dataDir: string, now = Date.now()): void {
  sweepImports(dataDir, now, { temps: true });
}

/** The stored upload, if it is still there, younger than KEEP_MS and unchanged; otherwise RosterFileError (the preview is stale). */
export function readUpload(dataDir: string, stored: string, hash: string, now = Date.now()): Buffer {
  if (!STORED_NAME.test(stored)) throw new RosterFileError(m.expired, 409);
  let buf: Buffer;
  try {
    const file = path.join(dataDir, IMPORTS, stored);
    if (now - fs.statSync(file).mtimeMs > KEEP_MS) throw new Error("abandoned");
    buf = fs.readFileSync(file);
  } catch {
    throw new RosterFileError(m.expired, 409);
  }
  if (sha256(buf) !== hash) throw new RosterFileError(m.expired, 409);
  return buf;
}

export function removeUpload(dataDir: string, stored: string): void {
  if (STORED_NAME.test(stored)) fs.rmSync(path.join(dataDir, IMPORTS, stored), { force: true });
}

// ---------------------------------------------------------------------------------------------------
// Template

export const TEMPLATE_COLUMNS = [
  { header: "Họ và tên", key: "fullName", width: 28 },
  { header: "Ngày sinh", key: "dateOfBirth", width: 12, text: true },
  { header: "Giới tính", key: "gender", width: 10 },
  { header: "Dân tộc", key: "ethnicity", width: 12 },
  { header: "Chức vụ", key: "position", width: 28 },
  { header: "Đơn vị", key: "unit", width: 22 },
  { header: "Đối tượng", key: "category", width: 30 },
  { header: "Số CCCD", key: "cccd", width: 16, text: true },
  { header: "Điện thoại", key: "phone", width: 14, text: true },
  { header: "Email", key: "email", width: 26 },
] as const;

/**
 * The XLSX template: header row and one example on the first sheet (dates, CCCD and phones formatted
 * as text so Excel keeps "05/03/1990" and leading zeros), and the accepted units (valid today),
 * categories and ethnic groups on a second sheet.
 */
export async function buildTemplate(db: Db): Promise<Buffer> {
  const today = todayIso();
  const [unitRows, catRows, ethRows] = await Promise.all([
    db.select({ name: units.name, validFrom: units.validFrom, validTo: units.validTo }).from(units).orderBy(asc(units.name)),
    db.select({ name: participantCategories.name }).from(participantCategories).where(eq(participantCategories.active, true)).orderBy(asc(participantCategories.sortOrder), asc(participantCategories.name)),
    db.select({ name: ethnicities.name }).from(ethnicities).orderBy(asc(ethnicities.code)),
  ]);
  const wb = new ExcelJS.Workbook();
  wb.creator = "taphuan";
  const ws = wb.addWorksheet(m.templateSheet, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = TEMPLATE_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width, style: "text" in c ? { numFmt: "@" } : {} }));
  ws.getRow(1).font = { bold: true };
  ws.addRow({ ...m.templateExample });
  const lists = wb.addWorksheet(m.listsSheet);
  lists.columns = [
    { header: m.unit, key: "unit", width: 26 },
    { header: m.category, key: "category", width: 40 },
    { header: m.ethnicity, key: "ethnicity", width: 16 },
  ];
  lists.getRow(1).font = { bold: true };
  const current = unitRows.filter((u) => (!u.validFrom || u.validFrom <= today) && (!u.validTo || u.validTo >= today)).map((u) => u.name);
  const n = Math.max(current.length, catRows.length, ethRows.length);
  for (let i = 0; i < n; i++) lists.addRow({ unit: current[i] ?? null, category: catRows[i]?.name ?? null, ethnicity: ethRows[i]?.name ?? null });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
