/**
 * Backup and restore: one gzip'd JSON-lines file holding every table (in foreign-key order). Uploaded files
 * (materials, seal images) are rows too (stored_files, file_chunks: lib/file-store.ts), so the backup is
 * the database alone. The same format serves the embedded server and any PostgreSQL server, so a backup of
 * the embedded database can be restored onto a server and back (and it moved the data of the versions that
 * used PGlite: src/pglite-upgrade.ts). Backups of the versions that kept files in DATA_DIR carry them as
 * `file` lines: a restore writes them back where those versions kept them, and the start-up move
 * (src/files-upgrade.ts; the restore command runs it at once) brings them into the database.
 *
 * A backup never holds what would let its reader act as a logged-in user: not the session secret (cookies
 * are signed with it) nor the session rows. People log in again after a restore. Backup files are
 * readable by their owner only (0600, in a 0700 folder), and a restore of an older backup that still
 * carries either leaves them out.
 *
 * Rows travel as row_to_json and come back with json_populate_recordset, so PostgreSQL itself converts
 * every type (dates, numerics, jsonb) both ways.
 *
 * Rows are read through a cursor in one repeatable-read snapshot and written a batch at a time (the file
 * chunks a few at a time), so a database with gigabytes of materials is backed up in bounded memory.
 *
 * Why our own format rather than pg_dump: pg_dump must be the server's version or newer and installed
 * beside it, and a restore must leave out the session rows and secret (above) and take the backups of
 * the versions that kept files in DATA_DIR; one file of JSON lines restored by the app itself does all.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import zlib from "node:zlib";
import { sql } from "drizzle-orm";
import type { Db, DbHandle } from "../../db/client";
import { PENDING_FILE_KINDS } from "../../lib/pending-uploads";
import { todayIso, vnClock } from "../../lib/time";

export const BACKUP_FORMAT = "taphuan-backup";
/** 2: files are rows of the database; 1 (before issue #18): files under DATA_DIR as `file` lines. */
const BACKUP_VERSION = 2;
/**
 * The oldest backups this version restores, by their number of migrations: 9 is the last version that kept
 * files in DATA_DIR. Every migration since only adds tables and nullable columns, so the rows of such a
 * backup load unchanged (its files are moved in afterwards). Raise it when a migration changes what
 * existing rows mean.
 */
export const OLDEST_RESTORABLE_MIGRATIONS = 9;
/** Rows per backup line; the file chunks (256 KB each, twice that as hex) a few at a time. */
const BATCH = 1000;
const BATCH_OF: Record<string, number> = { file_chunks: 8 };
/**
 * Never restored from the `file` lines of an older backup: the embedded server's folder (cluster,
 * password, socket), the old PGlite folders, other backups, the process lock, the session secret, and the
 * uploads waiting for a confirmation (their sessions are not restored: nobody could confirm them).
 */
const SKIPPED = new Set(["postgres", "pgdata", "pglite-cu", "backups", "taphuan.lock", "session-secret", "imports", "quiz-imports"]);
/**
 * Tables never backed up nor restored: logged-in sessions, the rate-limit counters (short-lived, keyed
 * by visitors' addresses; a few hits on a fresh install must not make it look non-empty to a restore), and
 * the job queue's own rows (a restored "running" certificate job would have no queue entry to run it).
 */
const SKIPPED_TABLES = new Set(["session", "rate_limit_hits", "issue_jobs", "job_workers"]);
/**
 * Rows left out of some tables: the uploads waiting for a confirmation (a roster holds personal data, and
 * their sessions are not backed up: nobody could confirm them after a restore).
 */
const pendingKinds = PENDING_FILE_KINDS.map((k) => `'${k}'`).join(", ");
const ROWS_KEPT: Record<string, string> = {
  stored_files: `kind not in (${pendingKinds})`,
  file_chunks: `file_id in (select id from stored_files where kind not in (${pendingKinds}))`,
};
/** Backup files and the folders they are created in: the owner alone may read them. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Where the server and `npm run backup` put backups by default. */
export function backupsDir(dataDir: string): string {
  return path.join(dataDir, "backups");
}

type Row = Record<string, unknown>;
/** One line of a backup file: the header, a table marker, a batch of rows, a stored file or the end mark. */
type BackupLine = { format?: string; migrations?: number; table?: string; rows?: unknown[]; file?: string; base64?: string; end?: boolean };
const rowsOf = <T = Row>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** Application tables ordered so that every table comes after the tables it references. */
export async function tablesInOrder(db: Db): Promise<string[]> {
  const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`)).map((r) => String(r.table_name));
  const edges = rowsOf(
    await db.execute(sql`
      select tc.table_name as child, ccu.table_name as parent
      from information_schema.table_constraints tc
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'`),
  );
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (e.child !== e.parent) parents.get(String(e.child))?.add(String(e.parent));
  const out: string[] = [];
  const visit = (t: string, seen: Set<string>) => {
    if (out.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const p of parents.get(t) ?? []) visit(p, seen);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}

async function migrationCount(db: Db): Promise<number> {
  const r = rowsOf(await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
  return Number(r[0]?.n ?? 0);
}

/** Every row of every table, in one consistent snapshot: { table: rows } (also used to compare states in tests). */
export async function exportTables(db: Db): Promise<Record<string, Row[]>> {
  return db.transaction(async (tx) => {
    const out: Record<string, Row[]> = {};
    for (const table of await tablesInOrder(tx)) {
      // Sorted by content so that two exports of the same state compare equal.
      out[table] = rowsOf(await tx.execute(sql.raw(`select row_to_json(t)::text as r from "${table}" t`)))
        .map((x) => String(x.r))
        .sort()
        .map((r) => JSON.parse(r) as Row);
    }
    return out;
  }, { isolationLevel: "repeatable read" });
}

/**
 * Creates `dir` (and its missing parents) as 0700. DATA_DIR/backups is also narrowed to 0700 when it
 * already exists (older versions made it 0755), and so are the backups already in it (0600). A folder
 * the person named elsewhere is left as it is.
 */
export function prepareBackupDir(dataDir: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (path.resolve(dir) !== path.resolve(backupsDir(dataDir))) return;
  fs.chmodSync(dir, DIR_MODE);
  for (const f of fs.readdirSync(dir)) if (f.endsWith(".jsonl.gz")) fs.chmodSync(path.join(dir, f), FILE_MODE);
}

/** Moves a finished backup to `target` (copying across file systems), keeping it 0600. */
export function moveBackup(dataDir: string, from: string, target: string): void {
  prepareBackupDir(dataDir, path.dirname(target));
  try {
    fs.renameSync(from, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    fs.copyFileSync(from, target);
    fs.rmSync(from);
  }
  fs.chmodSync(target, FILE_MODE);
}

/**
 * Writes a backup of the database (without sessions, rate-limit counters and uploads waiting for their
 * confirmation; uploaded files included: they are rows) to `outFile`, via a temporary name, then rename; the file is 0600 (see prepareBackupDir for its
 * folder). `files` is how many stored files it holds.
 */
export async function writeBackup(handle: DbHandle, dataDir: string, outFile: string): Promise<{ file: string; tables: number; rows: number; files: number }> {
  prepareBackupDir(dataDir, path.dirname(outFile));
  const tmp = `${outFile}.partial`;
  fs.rmSync(tmp, { force: true });
  const gz = zlib.createGzip();
  const out = fs.createWriteStream(tmp, { mode: FILE_MODE });
  gz.pipe(out);
  const write = (line: string) => new Promise<void>((resolve) => (gz.write(line + "\n") ? resolve() : gz.once("drain", () => resolve())));
  const counts = await handle.db.transaction(async (tx) => {
    let rows = 0;
    let files = 0;
    const tables = (await tablesInOrder(tx)).filter((t) => !SKIPPED_TABLES.has(t));
    await write(JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), database: handle.kind, migrations: await migrationCount(tx) }));
    for (const table of tables) {
      const where = ROWS_KEPT[table] ? ` where ${ROWS_KEPT[table]}` : "";
      const count = Number(rowsOf(await tx.execute(sql.raw(`select count(*)::int as n from "${table}" t${where}`)))[0].n);
      await write(JSON.stringify({ table, count }));
      await tx.execute(sql.raw(`declare backup_rows no scroll cursor for select row_to_json(t)::text as r from "${table}" t${where}`));
      for (;;) {
        const batch = rowsOf<{ r: string }>(await tx.execute(sql.raw(`fetch ${BATCH_OF[table] ?? BATCH} from backup_rows`)));
        if (!batch.length) break;
        // Each row is already JSON text: joined as it is, never parsed.
        await write(`{"rows":[${batch.map((x) => x.r).join(",")}]}`);
      }
      await tx.execute(sql.raw("close backup_rows"));
      rows += count;
      if (table === "stored_files") files = count;
    }
    return { tables: tables.length, rows, files };
  }, { isolationLevel: "repeatable read", accessMode: "read only" });
  await write(JSON.stringify({ end: true }));
  await new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
    gz.end();
  });
  fs.chmodSync(tmp, FILE_MODE);
  fs.renameSync(tmp, outFile);
  return { file: outFile, ...counts };
}

export class RestoreError extends Error {}

async function firstTableWithRows(db: Db, order: string[]): Promise<string | null> {
  for (const table of order) {
    if (SKIPPED_TABLES.has(table)) continue;
    const n = rowsOf(await db.execute(sql.raw(`select count(*)::int as n from "${table}"`)))[0].n;
    if (Number(n) > 0) return table;
  }
  return null;
}

/** True when no application table holds a row (sessions aside). */
export async function databaseIsEmpty(db: Db): Promise<boolean> {
  return (await firstTableWithRows(db, await tablesInOrder(db))) === null;
}

/**
 * Restores a backup into an EMPTY migrated database and DATA_DIR (refuses otherwise, so nothing is ever
 * overwritten). Rows are inserted in one transaction; serial sequences are moved past the restored ids.
 * Sessions and the session secret found in a backup made by an older version are left out. The files of
 * a backup made by a version that kept them in DATA_DIR are written back there (unless `files: false`);
 * src/files-upgrade.ts then moves them into the database. `files` is how many were written.
 */
export async function restoreBackup(handle: DbHandle, dataDir: string, file: string, opts: { files?: boolean } = {}): Promise<{ rows: number; files: number }> {
  const db = handle.db;
  const order = await tablesInOrder(db);
  const full = await firstTableWithRows(db, order);
  if (full) throw new RestoreError(`Cơ sở dữ liệu đích không trống (bảng ${full} có dữ liệu). Chỉ khôi phục vào cơ sở dữ liệu mới.`);
  const rl = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  // Take the iterator now: readline emits lines as soon as data flows, and lines emitted before an
  // iterator exists are lost (seen while a PostgreSQL transaction was still being opened).
  const iterator = rl[Symbol.asyncIterator]();
  const lines = { [Symbol.asyncIterator]: () => iterator };
  let header: { format?: string; migrations?: number } | null = null;
  let current: string | null = null;
  let rows = 0;
  const files: { file: string; base64: string }[] = [];
  let ended = false;
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from "session"`);
    for await (const line of lines) {
      if (!line) continue;
      const obj = JSON.parse(line) as BackupLine;
      if (!header) {
        if (obj.format !== BACKUP_FORMAT) throw new RestoreError("Tệp này không phải bản sao lưu taphuan.");
        const have = await migrationCount(tx);
        if (typeof obj.migrations !== "number" || obj.migrations > have || obj.migrations < OLDEST_RESTORABLE_MIGRATIONS) throw new RestoreError(`Bản sao lưu được tạo với ${obj.migrations} bản cập nhật cơ sở dữ liệu, phiên bản này có ${have}. Hãy khôi phục bằng đúng phiên bản taphuan đã tạo bản sao lưu.`);
        header = obj;
      } else if (obj.table) {
        if (!order.includes(obj.table)) throw new RestoreError(`Bảng ${obj.table} không có trong phiên bản này.`);
        current = obj.table;
      } else if (obj.rows) {
        if (SKIPPED_TABLES.has(current!)) continue;
        await tx.execute(sql`insert into ${sql.identifier(current!)} select * from json_populate_recordset(null::${sql.identifier(current!)}, ${JSON.stringify(obj.rows)}::json)`);
        rows += obj.rows.length;
      } else if (obj.file) {
        if (opts.files !== false && !SKIPPED.has(String(obj.file).split(/[\\/]/)[0])) files.push(obj as { file: string; base64: string });
      } else if (obj.end) {
        ended = true;
      }
    }
    if (!ended) throw new RestoreError("Tệp sao lưu bị cắt cụt (thiếu phần kết thúc).");
    const serials = rowsOf<{ table_name: string; column_name: string }>(await tx.execute(sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and column_default like 'nextval(%'`));
    for (const s of serials) {
      await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('"${s.table_name}"', '${s.column_name}'), coalesce((select max("${s.column_name}") from "${s.table_name}"), 0) + 1, false)`));
    }
  });
  for (const f of files) {
    const target = path.resolve(dataDir, f.file);
    if (!target.startsWith(path.resolve(dataDir) + path.sep)) throw new RestoreError(`Đường dẫn tệp không hợp lệ: ${f.file}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, Buffer.from(f.base64, "base64"), { mode: 0o600 });
  }
  return { rows, files: files.length };
}

/** "taphuan-20261126-093015.jsonl.gz" in Vietnam time. */
export function backupFileName(now = new Date()): string {
  return `taphuan-${todayIso(now).replace(/-/g, "")}-${vnClock(now, true).replace(/:/g, "")}.jsonl.gz`;
}

/** Deletes the oldest backups in `dir`, keeping the newest `keep`. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!fs.existsSync(dir)) return [];
  const all = fs.readdirSync(dir).filter((f) => /^taphuan-\d{8}-\d{6}\.jsonl\.gz$/.test(f)).sort();
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const f of doomed) fs.rmSync(path.join(dir, f));
  return doomed;
}
