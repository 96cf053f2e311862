/**
 * Roster import: reads an uploaded CSV/XLSX, previews every row against the database (nothing written),
 * then, on confirmation, creates the missing trainees and enrolls everyone in ONE transaction.
 * The pure part lives in import.read.ts (file → rows), import.header.ts (columns), import.lookups.ts
 * (reference data), import.rows.ts (checking each row) and import.match.ts (who is who); import.load.ts
 * reads what the checks need, import.write.ts writes in bulk, import.files.ts keeps the upload and the template.
 */
import { assertZipWithinLimits, ZipBombError, ZipFormatError } from "../../lib/zip-guard";
import path from "node:path";
import ExcelJS from "exceljs";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { courses, enrollments, type EnrollmentStatus, type Role } from "../../db/schema";
import { audit } from "../../lib/audit";
import { concurrencyLimit } from "../../lib/concurrency";
import { XLSX_MIME } from "../../lib/download";
import { NotFound } from "../../lib/errors";
import { importMessages as m } from "./import.messages";
import type { Lookups } from "./import.lookups";
import { candidateIds, loadLookups, loadPeople, saveUnitAliases, visibleTo } from "./import.load";
import { countRows, resolveRows, unresolved, type PreviewCounts, type PreviewRow, type Resolution } from "./import.match";
import { findHeader, type ColumnMap, type Header } from "./import.header";
import { HEADER_SCAN, MAX_ROWS, RosterFileError, cellValue, parseCsv, type RawRow } from "./import.read";
import { checkRows } from "./import.rows";
import { insertEnrollments, insertPeople, type ImportHooks } from "./import.write";
import { freeSeats, seatAllocator } from "./seats";

export type { ImportHooks } from "./import.write";
export { buildTemplate, readUpload, removeUpload, storeUpload } from "./import.files";

type Actor = { id: number; ip?: string | null; role?: Role };
type Viewer = { id: number; role: Role };

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
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
  let checked: Buffer;
  try {
    // A 5 MB upload may still inflate to gigabytes: unpack it within bounds before exceljs sees it, and give
    // exceljs the bounded copy (lib/zip-guard.ts).
    checked = assertZipWithinLimits(buffer, XLSX_MAX_INFLATED);
  } catch (e) {
    if (e instanceof ZipBombError) throw new RosterFileError(m.xlsxTooBig, 413);
    if (e instanceof ZipFormatError) throw new RosterFileError(m.notXlsx, 415);
    throw e;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(checked as unknown as ExcelJS.Buffer, XLSX_READ_OPTIONS);
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

/** What the user chose in the preview: column fields, a unit per unknown name (null: leave empty), conflict choices. */
export interface ImportOptions {
  columns?: ColumnMap;
  units?: { alias: string; unitCode: string | null }[];
  resolutions?: Map<number, Resolution>;
}

/** Checked rows of a file (no database): header found, values parsed, references resolved. */
async function checkFile(buffer: Buffer, kind: RosterKind, look: Lookups, columns: ColumnMap = {}) {
  const table = await readTable(buffer, kind);
  const header = findHeader(table, columns);
  const rows = checkRows(table, header, look);
  if (!rows.length) throw new RosterFileError(m.noRows);
  return { rows, header };
}

const mappedUnits = (opts: ImportOptions) => (opts.units ?? []).flatMap((u) => (u.unitCode ? [{ alias: u.alias, unitCode: u.unitCode }] : []));

/** The file checked and every row matched, as `viewer` may see it (names hidden from a trainer outside their courses). */
async function matchFile(db: Db, courseId: number, buffer: Buffer, kind: RosterKind, viewer: Viewer, opts: ImportOptions) {
  const look = await loadLookups(db, mappedUnits(opts));
  const { rows: checked, header } = await checkFile(buffer, kind, look, opts.columns);
  // One after the other: `db` may be a transaction, whose one connection runs one query at a time.
  const index = await loadPeople(db, checked, courseId);
  const members = await loadMembers(db, courseId);
  const visible = await visibleTo(db, viewer, candidateIds(index));
  const inCourse = new Set(members.filter((r) => isPlaced(r.status)).map((r) => r.userId));
  const rows = resolveRows(checked, index, inCourse, { resolutions: opts.resolutions, visible });
  return { rows, header, members };
}

async function loadMembers(db: Db, courseId: number) {
  return db.select({ id: enrollments.id, userId: enrollments.userId, status: enrollments.status }).from(enrollments).where(eq(enrollments.courseId, courseId));
}

const isPlaced = (status: string) => status === "enrolled" || status === "waitlisted";
const enrolledIn = (members: { status: string }[]) => members.filter((r) => r.status === "enrolled").length;

export interface RosterPreview {
  rows: PreviewRow[];
  counts: PreviewCounts;
  /** Of counts.toAdd: how many get a seat and how many go to the waitlist (capacity as of now). */
  seating: { seated: number; waitlisted: number };
  /** Columns not used, which the user may map to a field. */
  ignoredColumns: Header["ignored"];
  /** The columns used (index → field), to show the user's choices again. */
  columns: Header["columns"];
  /** Unit names of the file that name no unit, with the number of rows each. */
  unknownUnits: { name: string; rows: number }[];
}

/** Step 1: every row checked and matched to existing people, with counts. Writes nothing. Throws RosterFileError. */
export async function previewRoster(db: Db, courseId: number, buffer: Buffer, kind: RosterKind, viewer: Viewer, opts: ImportOptions = {}): Promise<RosterPreview> {
  const { rows, header, members } = await matchFile(db, courseId, buffer, kind, viewer, opts);
  const counts = countRows(rows);
  const [course] = await db.select({ capacity: courses.capacity }).from(courses).where(eq(courses.id, courseId));
  const seated = Math.min(counts.toAdd, freeSeats(course?.capacity ?? null, enrolledIn(members)));
  const unknown = new Map<string, number>();
  for (const r of rows) if (r.unknownUnit && !r.errors.length) unknown.set(r.unknownUnit, (unknown.get(r.unknownUnit) ?? 0) + 1);
  return {
    rows, counts, seating: { seated, waitlisted: counts.toAdd - seated }, ignoredColumns: header.ignored, columns: header.columns,
    unknownUnits: [...unknown].map(([name, n]) => ({ name, rows: n })),
  };
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
  /** Conflict rows left unresolved: skipped. */
  conflicts: number;
}

/**
 * Step 2: re-reads the file, then in one transaction (course row locked, as in enrollment.service)
 * creates trainee records (no login, no password) for rows matching nobody and places every valid row's
 * person: a seat while seats remain, then the waitlist in file order — the seat rule of seats.ts, as
 * placeInTx, done in batches. People already enrolled or waitlisted stay as they are. Writes one "import.confirm"
 * audit row. Being one transaction, an import killed midway leaves nothing, and the same file can be
 * confirmed again. Throws NotFound (course), RosterFileError (file, or no valid row).
 */
export async function importRoster(
  db: Db, courseId: number, buffer: Buffer, kind: RosterKind, meta: { fileName: string; sha256: string }, actor: Actor, hooks: ImportHooks = {},
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const viewer = { id: actor.id, role: actor.role ?? "admin" };
  return db.transaction(async (tx) => {
    // `since`: the waitlist time of this import, taken once the course is locked.
    const [course] = await tx
      .select({ id: courses.id, capacity: courses.capacity, since: sql<string>`clock_timestamp()::text` })
      .from(courses)
      .where(eq(courses.id, courseId))
      .for("update");
    if (!course) throw new NotFound();
    // Matched inside the transaction, after the lock: the preview may be minutes old.
    const { rows, members } = await matchFile(tx, courseId, buffer, kind, viewer, opts);
    const memberOf = new Map(members.map((r) => [r.userId, r]));
    // Unresolved conflicts are skipped: a phone or name match that disagrees never merges anybody.
    const valid = rows.filter((r) => !r.errors.length && !unresolved(r));
    if (!valid.length) throw new RosterFileError(m.nothingValid);
    // Only an admin's choices become aliases for everyone's later imports.
    if (viewer.role === "admin") await saveUnitAliases(tx, mappedUnits(opts));

    const fresh = valid.filter((r) => !r.match);
    const ids = fresh.length
      ? (await tx.select({ id: sql<number>`nextval(pg_get_serial_sequence('users', 'id'))::int` }).from(sql`generate_series(1, ${fresh.length})`)).map((r) => r.id)
      : [];
    await insertPeople(tx, fresh.map((row, i) => ({ id: ids[i], row })), hooks);
    const userIdOf = new Map(fresh.map((r, i) => [r.line, ids[i]]));

    const nextPlace = seatAllocator(course.capacity, enrolledIn(members));
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
      const status = nextPlace();
      // Waitlist order is waitlisted_at then id: one microsecond apart keeps the file's order.
      const queue = status === "waitlisted" ? queued++ : null;
      placed[status].push(userId);
      if (existing) updates.push({ id: existing.id, status, queue });
      else inserts.push({ userId, status, queue });
    }
    await insertEnrollments(tx, courseId, course.since, inserts, hooks);
    // Earlier cancelled, rejected or pending rows are reused, as placeInTx does (rare: one query each).
    for (const u of updates) {
      const waitlistedAt = u.queue == null ? null : sql`${course.since}::timestamptz + ${u.queue}::int * interval '1 microsecond'`;
      await tx.update(enrollments)
        .set({ status: u.status, source: "import", requestedAt: sql`now()`, waitlistedAt, decidedAt: null, decidedBy: null, rejectReason: null })
        .where(and(eq(enrollments.id, u.id), eq(enrollments.courseId, courseId)));
    }

    const result: ImportResult = {
      total: placed.enrolled.length + placed.waitlisted.length,
      created: fresh.length,
      enrolled: placed.enrolled.length,
      waitlisted: placed.waitlisted.length,
      already,
      invalid: rows.filter((r) => r.errors.length).length,
      conflicts: rows.filter(unresolved).length,
    };
    await audit(tx, {
      actorId: actor.id, action: "import.confirm", targetType: "course", targetId: courseId, ip: actor.ip ?? null,
      details: { ...result, rows: rows.length, file: meta.fileName, sha256: meta.sha256, createdUserIds: ids, enrolledUserIds: placed.enrolled, waitlistedUserIds: placed.waitlisted },
    });
    return result;
  });
}

