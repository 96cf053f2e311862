/**
 * Roster import: reads an uploaded CSV/XLSX, previews every row against the database (nothing written),
 * then, on confirmation, creates the missing trainees and enrolls everyone in ONE transaction.
 * The pure part lives in import.read.ts (file → rows), import.lookups.ts (reference data), import.rows.ts
 * (checking each row) and import.match.ts (who is who); this file does the file and database work.
 */
import { assertZipWithinLimits, ZipBombError, ZipFormatError } from "../../lib/zip-guard";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditLog, courses, enrollments, ethnicities, participantCategories, units, users, type EnrollmentStatus } from "../../db/schema";
import { concurrencyLimit } from "../../lib/concurrency";
import { NotFound } from "../../lib/errors";
import { isTempFileName, storeFile } from "../../lib/upload";
import { todayIso } from "../../lib/time";
import { importMessages as m } from "./import.messages";
import { buildLookups, type Lookups } from "./import.lookups";
import { countRows, indexPeople, resolveRows, type PreviewCounts, type PreviewRow } from "./import.match";
import { HEADER_SCAN, MAX_ROWS, RosterFileError, cellValue, findHeader, parseCsv, type RawRow } from "./import.read";
import { checkRows, type CheckedRow } from "./import.rows";

type Actor = { id: number; ip?: string | null };

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** What lib/upload may let through (detected from the bytes); rosterKind then checks the name agrees. */
export const IMPORT_TYPES = [XLSX_MIME, "text/plain"];
export type RosterKind = "xlsx" | "csv";

/**
 * The reader an accepted upload needs. Text is only taken from a .csv/.txt file: a text file renamed
 * .xlsx is refused (RosterFileError 415) rather than read as CSV.
 */
export function rosterKind(file: { originalName: string; mime: string }): RosterKind {
  const ext = path.extname(file.originalName).toLowerCase();
  if (file.mime === XLSX_MIME) return "xlsx";
  if (file.mime === "text/plain" && [".csv", ".txt", ""].includes(ext)) return "csv";
  throw new RosterFileError(ext === ".xlsx" || ext === ".xls" ? m.notXlsx : m.badType, 415);
}

/**
 * exceljs load options: stop a sheet past MAX_ROWS (+ room for title and blank formatted rows) or
 * MAX_COLUMNS instead of building it all, and skip the parts of a sheet that hold no values (about a
 * third faster). mergeCells is kept: a unit typed once in a cell merged down several rows applies to each.
 */
const XLSX_READ_OPTIONS = {
  maxRows: MAX_ROWS + 1000,
  maxCols: 200,
  ignoreNodes: [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "autoFilter", "rowBreaks", "hyperlinks", "pageMargins", "dataValidations",
    "pageSetup", "headerFooter", "printOptions", "picture", "drawing", "legacyDrawing", "tableParts", "conditionalFormatting", "extLst",
  ],
} as Partial<ExcelJS.XlsxReadOptions>;

/**
 * A 10,000-row roster of 12 formatted columns inflates to about 7 MB (700 bytes a row); 2,500 bytes a
 * row leaves room for 40 columns. Beyond that it is a zip bomb, which exceljs would hold in memory.
 */
export const XLSX_MAX_INFLATED = (MAX_ROWS + HEADER_SCAN) * 2500;
/** Spreadsheets parsed at once (each may take ~100 MB while exceljs reads it); the rest wait or are refused. */
const xlsxReads = concurrencyLimit({ active: 2, waiting: 8, busyMessage: m.busy });

/** The file as rows of cells: the first worksheet of an XLSX, or CSV text. Throws RosterFileError, BusyError. */
export async function readTable(buffer: Buffer, kind: RosterKind): Promise<RawRow[]> {
  if (kind === "csv") {
    const text = buffer.toString("utf8");
    if (text.includes("\uFFFD")) throw new RosterFileError(m.notText, 415);
    return parseCsv(text);
  }
  return xlsxReads.run(() => readXlsx(buffer));
}

async function readXlsx(buffer: Buffer): Promise<RawRow[]> {
  try {
    // A 5 MB upload may still inflate to gigabytes: check before exceljs inflates it in memory.
    assertZipWithinLimits(buffer, XLSX_MAX_INFLATED);
  } catch (e) {
    if (e instanceof ZipBombError) throw new RosterFileError(m.xlsxTooBig, 413);
    if (e instanceof ZipFormatError) throw new RosterFileError(m.notXlsx, 415);
    throw e;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer, XLSX_READ_OPTIONS);
  } catch (e) {
    // exceljs stops parsing a sheet at maxRows/maxCols ("Max row count (…) exceeded").
    if (e instanceof Error && /^Max row count/.test(e.message)) throw new RosterFileError(m.tooManyRows);
    if (e instanceof Error && /^Max column count/.test(e.message)) throw new RosterFileError(m.tooManyColumns);
    throw new RosterFileError(m.notXlsx, 415);
  }
  const ws = wb.worksheets.find((w) => w.state !== "hidden" && w.state !== "veryHidden") ?? wb.worksheets[0];
  if (!ws) throw new RosterFileError(m.noRows);
  // Refuse before turning every row into cells (the exact count of data rows is checked after the header).
  if (ws.actualRowCount > MAX_ROWS + HEADER_SCAN) throw new RosterFileError(m.tooManyRows);
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const values = row.values as unknown[];
    rows.push({ line, cells: Array.from(values.slice(1), cellValue) });
  });
  return rows;
}

/** Checked rows of a file (no database): header found, values parsed, references resolved. */
async function checkFile(buffer: Buffer, kind: RosterKind, look: Lookups) {
  const table = await readTable(buffer, kind);
  const header = findHeader(table);
  const rows = checkRows(table, header, look);
  if (!rows.length) throw new RosterFileError(m.noRows);
  return { rows, ignoredColumns: header.ignored };
}

/** Units, ethnic groups and categories as name lookups. */
async function loadLookups(db: Db): Promise<Lookups> {
  const [unitRows, ethRows, catRows] = await Promise.all([
    db.select({ code: units.code, name: units.name, validFrom: units.validFrom, validTo: units.validTo }).from(units),
    db.select({ code: ethnicities.code, name: ethnicities.name }).from(ethnicities),
    db.select({ id: participantCategories.id, name: participantCategories.name, active: participantCategories.active }).from(participantCategories),
  ]);
  return buildLookups({ units: unitRows, ethnicities: ethRows, categories: catRows, today: todayIso() });
}

/**
 * The identifying keys of everyone who could be one of these rows (same CCCD, phone or birth date),
 * in one query whatever the number of rows; the lists travel as one JSON parameter each.
 */
async function loadPeople(db: Db, rows: CheckedRow[]) {
  const list = (f: (r: CheckedRow) => string | null) => JSON.stringify([...new Set(rows.map(f).filter(Boolean))]);
  const people = await db
    .select({ id: users.id, fullName: users.fullName, cccd: users.cccd, phone: users.phone, dateOfBirth: users.dateOfBirth })
    .from(users)
    .where(sql`${users.cccd} in (select json_array_elements_text(${list((r) => r.person.cccd)}::json))
      or ${users.phone} in (select json_array_elements_text(${list((r) => r.person.phone)}::json))
      or ${users.dateOfBirth} in (select json_array_elements_text(${list((r) => r.person.dateOfBirth)}::json)::date)`)
    .orderBy(asc(users.id));
  return indexPeople(people);
}

async function loadMembers(db: Db, courseId: number) {
  return db.select({ id: enrollments.id, userId: enrollments.userId, status: enrollments.status }).from(enrollments).where(eq(enrollments.courseId, courseId));
}

const isPlaced = (status: string) => status === "enrolled" || status === "waitlisted";

export interface RosterPreview {
  rows: PreviewRow[];
  counts: PreviewCounts;
  ignoredColumns: string[];
}

/** Step 1: every row checked and matched to existing people, with counts. Writes nothing. Throws RosterFileError. */
export async function previewRoster(db: Db, courseId: number, buffer: Buffer, kind: RosterKind): Promise<RosterPreview> {
  const look = await loadLookups(db);
  const { rows: checked, ignoredColumns } = await checkFile(buffer, kind, look);
  const [index, members] = await Promise.all([loadPeople(db, checked), loadMembers(db, courseId)]);
  const inCourse = new Set(members.filter((r) => isPlaced(r.status)).map((r) => r.userId));
  const rows = resolveRows(checked, index, inCourse);
  return { rows, counts: countRows(rows), ignoredColumns };
}

export interface ImportResult {
  /** People newly placed in the course (enrolled + waitlisted). */
  total: number;
  created: number;
  enrolled: number;
  waitlisted: number;
  /** Valid rows whose person was already enrolled or waitlisted: left as they were. */
  already: number;
  invalid: number;
}

const CHUNK = 2500;
function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Optional hooks of importRoster. */
export interface ImportHooks {
  /** Awaited inside the transaction after each batch of rows is written (the crash test stops the job there). */
  afterBatch?: () => unknown;
}

/*
 * Bulk inserts send the rows as ONE JSON parameter expanded by json_to_recordset: on PGlite a
 * 1,000-row multi-VALUES insert (16,000 parameters) takes ~0.6 s, the JSON form ~0.06 s.
 */

/** New trainee records (ids allocated by the caller): no login, no password. */
async function insertPeople(tx: Db, rows: { id: number; row: CheckedRow }[], hooks: ImportHooks): Promise<void> {
  for (const part of chunks(rows)) {
    const json = JSON.stringify(part.map(({ id, row: { person: p } }) => ({
      id, ho: p.ho, ten_dem: p.tenDem, ten: p.ten, full_name: p.fullName, email: p.email, phone: p.phone, date_of_birth: p.dateOfBirth, gender: p.gender,
      ethnicity_code: p.ethnicityCode, position: p.position, unit_code: p.unitCode, category_id: p.categoryId, cccd: p.cccd,
    })));
    await tx.execute(sql`
      insert into ${users} (id, ho, ten_dem, ten, full_name, login, password_hash, role, email, phone, date_of_birth, gender, ethnicity_code, position, unit_code, category_id, cccd)
      select id, ho, ten_dem, ten, full_name, null, null, 'trainee', email, phone, date_of_birth, gender, ethnicity_code, position, unit_code, category_id, cccd
      from json_to_recordset(${json}::json) as x(id int, ho text, ten_dem text, ten text, full_name text, email text, phone text, date_of_birth date,
        gender text, ethnicity_code text, position text, unit_code text, category_id int, cccd text)`);
    await hooks.afterBatch?.();
  }
}

/**
 * New enrollment rows from an import. `queue` is the place on the waitlist among this import's
 * newcomers (null when seated): waitlisted_at is `since` plus one microsecond per place, keeping the file's order.
 */
async function insertEnrollments(
  tx: Db, courseId: number, since: string, rows: { userId: number; status: EnrollmentStatus; queue: number | null }[], hooks: ImportHooks,
): Promise<void> {
  for (const part of chunks(rows)) {
    const json = JSON.stringify(part.map((r) => ({ user_id: r.userId, status: r.status, queue: r.queue })));
    await tx.execute(sql`
      insert into ${enrollments} (course_id, user_id, status, source, requested_at, waitlisted_at)
      select ${courseId}::int, user_id, status, 'import', now(), case when queue is null then null else ${since}::timestamptz + queue * interval '1 microsecond' end
      from json_to_recordset(${json}::json) as x(user_id int, status text, queue int)`);
    await hooks.afterBatch?.();
  }
}

/**
 * Step 2: re-reads the file, then in one transaction (course row locked, as in enrollment.service)
 * creates trainee records (no login, no password) for rows matching nobody and places every valid row's
 * person: a seat while seats remain, then the waitlist in file order — the same rule as placeInTx,
 * done in batches. People already enrolled or waitlisted stay as they are. Writes one "import.confirm"
 * audit row. Being one transaction, an import killed midway leaves nothing, and the same file can be
 * confirmed again. Throws NotFound (course), RosterFileError (file, or no valid row).
 */
export async function importRoster(
  db: Db, courseId: number, buffer: Buffer, kind: RosterKind, meta: { fileName: string; sha256: string }, actor: Actor, hooks: ImportHooks = {},
): Promise<ImportResult> {
  const look = await loadLookups(db);
  const { rows: checked } = await checkFile(buffer, kind, look);
  return db.transaction(async (tx) => {
    // `since`: the waitlist time of this import, taken once the course is locked.
    const [course] = await tx
      .select({ id: courses.id, capacity: courses.capacity, since: sql<string>`clock_timestamp()::text` })
      .from(courses)
      .where(eq(courses.id, courseId))
      .for("update");
    if (!course) throw new NotFound();
    // Matched inside the transaction, after the lock: the preview may be minutes old.
    const [index, members] = await Promise.all([loadPeople(tx, checked), loadMembers(tx, courseId)]);
    const memberOf = new Map(members.map((r) => [r.userId, r]));
    const rows = resolveRows(checked, index, new Set(members.filter((r) => isPlaced(r.status)).map((r) => r.userId)));
    const valid = rows.filter((r) => !r.errors.length);
    if (!valid.length) throw new RosterFileError(m.nothingValid);

    const fresh = valid.filter((r) => !r.match);
    const ids = fresh.length
      ? (await tx.select({ id: sql<number>`nextval(pg_get_serial_sequence('users', 'id'))::int` }).from(sql`generate_series(1, ${fresh.length})`)).map((r) => r.id)
      : [];
    await insertPeople(tx, fresh.map((row, i) => ({ id: ids[i], row })), hooks);
    const userIdOf = new Map(fresh.map((r, i) => [r.line, ids[i]]));

    let seated = members.filter((r) => r.status === "enrolled").length;
    let queued = 0;
    const inserts: { userId: number; status: EnrollmentStatus; queue: number | null }[] = [];
    const updates: { id: number; status: EnrollmentStatus; queue: number | null }[] = [];
    const placed: Record<"enrolled" | "waitlisted", number[]> = { enrolled: [], waitlisted: [] };
    let already = 0;
    for (const row of valid) {
      const userId = row.match?.id ?? userIdOf.get(row.line)!;
      const existing = memberOf.get(userId);
      if (existing && isPlaced(existing.status)) {
        already++;
        continue;
      }
      const full = course.capacity != null && seated >= course.capacity;
      const status: EnrollmentStatus = full ? "waitlisted" : "enrolled";
      // Waitlist order is waitlisted_at then id: one microsecond apart keeps the file's order.
      const queue = full ? queued++ : null;
      if (!full) seated++;
      placed[status].push(userId);
      if (existing) updates.push({ id: existing.id, status, queue });
      else inserts.push({ userId, status, queue });
    }
    await insertEnrollments(tx, courseId, course.since, inserts, hooks);
    // Earlier cancelled, rejected or pending rows are reused, as placeInTx does (rare: one query each).
    for (const u of updates) {
      const waitlistedAt = u.queue == null ? null : sql`${course.since}::timestamptz + ${u.queue}::int * interval '1 microsecond'`;
      await tx.update(enrollments)
        .set({ status: u.status, source: "import", requestedAt: sql`now()`, waitlistedAt: waitlistedAt as never, decidedAt: null, decidedBy: null, rejectReason: null })
        .where(and(eq(enrollments.id, u.id), eq(enrollments.courseId, courseId)));
    }

    const result: ImportResult = {
      total: placed.enrolled.length + placed.waitlisted.length,
      created: fresh.length,
      enrolled: placed.enrolled.length,
      waitlisted: placed.waitlisted.length,
      already,
      invalid: rows.length - valid.length,
    };
    await tx.insert(auditLog).values({
      actorId: actor.id, action: "import.confirm", targetType: "course", targetId: String(courseId), ip: actor.ip ?? null,
      details: { ...result, rows: rows.length, file: meta.fileName, sha256: meta.sha256, createdUserIds: ids, enrolledUserIds: placed.enrolled, waitlistedUserIds: placed.waitlisted },
    });
    return result;
  });
}

// ---------------------------------------------------------------------------------------------------
// The uploaded file between step 1 and step 2

const IMPORTS = "imports";
const STORED_NAME = /^[0-9a-f]{32}$/;
const KEEP_MS = 24 * 60 * 60 * 1000;

export const sha256 = (buf: Buffer) => crypto.createHash("sha256").update(buf).digest("hex");

/** Removes day-old files from DATA_DIR/imports except `keep`, and every temp file of storeFile when `temps`. */
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

/** Keeps an uploaded roster under DATA_DIR/imports (random name) until it is confirmed; drops day-old ones. */
export function storeUpload(dataDir: string, buffer: Buffer, now = Date.now()): { stored: string; sha256: string } {
  const stored = storeFile(path.join(dataDir, IMPORTS), buffer);
  sweepImports(dataDir, now, { keep: stored });
  return { stored, sha256: sha256(buffer) };
}

/**
 * Start-up clean-up (server.ts, before listening, so no upload is being written): removes the temp file
 * an upload killed before its rename left behind, and uploads older than a day.
 */
export function cleanImportFiles(dataDir: string, now = Date.now()): void {
  sweepImports(dataDir, now, { temps: true });
}

/** The stored upload, if it is still there and unchanged; otherwise RosterFileError (the preview is stale). */
export function readUpload(dataDir: string, stored: string, hash: string): Buffer {
  if (!STORED_NAME.test(stored)) throw new RosterFileError(m.expired, 409);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(dataDir, IMPORTS, stored));
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
