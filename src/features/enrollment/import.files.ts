/**
 * Roster import, files: the uploaded roster kept in the database between the preview and the confirmation
 * (abandoned ones removed after an hour), and the XLSX template.
 */
import ExcelJS from "exceljs";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ethnicities, participantCategories, units } from "../../db/schema";
import { readPending, removePending, storePending } from "../../lib/pending-uploads";
import { todayIso } from "../../lib/time";
import { importMessages as m } from "./import.messages";
import { RosterFileError } from "./import.read";

// ---------------------------------------------------------------------------------------------------
// The uploaded file between step 1 and step 2 (lib/pending-uploads.ts: an unconfirmed one is kept an hour)

/** Keeps an uploaded roster in the database (random name) until it is confirmed; drops abandoned ones. */
export const storeUpload = (db: Db, buffer: Buffer, now = Date.now()) => storePending(db, "roster", buffer, now);

/** The stored upload, if it is still there, younger than an hour and unchanged; otherwise RosterFileError (the preview is stale). */
export async function readUpload(db: Db, stored: string, hash: string, now = Date.now()): Promise<Buffer> {
  const buf = await readPending(db, "roster", stored, hash, now);
  if (!buf) throw new RosterFileError(m.expired, 409);
  return buf;
}

export const removeUpload = (db: Db, stored: string) => removePending(db, "roster", stored);

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
