/**
 * Roster import, the pure part: CSV text and spreadsheet cells → table rows → checked people → rows
 * matched to people already known. No I/O: the service reads files and the database and passes plain data.
 */
import { z } from "zod";
import { HttpError } from "../../lib/errors";
import { capitaliseName, cleanText, formatDate, joinFullName, matchKey, parseViDate, splitFullName, stripDiacritics } from "../../lib/vietnamese";
import { importMessages as m } from "./import.messages";

/** At most this many data rows per file. */
export const MAX_ROWS = 10_000;
/** The header may sit below a few title lines ("DANH SÁCH HỌC VIÊN …"). */
export const HEADER_SCAN = 10;

/** A whole-file problem (unreadable, too many rows, no header): nothing of the file is shown. */
export class RosterFileError extends HttpError {
  constructor(message: string, status = 422) {
    super(status, message);
  }
}

/** One cell as read from a file: text, number, boolean, a date (Excel date cells) or empty. */
export type RawCell = string | number | boolean | Date | null;
/** One row of a file with its line number (spreadsheet row, or CSV line where the record starts). */
export interface RawRow {
  line: number;
  cells: RawCell[];
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** Turns an exceljs cell value (rich text, hyperlink, formula, error…) into a plain RawCell. */
export function cellValue(v: unknown): RawCell {
  if (v == null) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return o.richText.map((r: { text?: unknown }) => (typeof r?.text === "string" ? r.text : "")).join("");
    if ("formula" in o || "sharedFormula" in o) return cellValue(o.result);
    if ("text" in o) return cellValue(o.text); // hyperlink: the shown text (itself maybe rich text)
    if ("error" in o) return null;
  }
  return null;
}

/** Delimiter of a CSV: the most frequent of ; , tab on the first non-empty line, outside quotes. */
function detectDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  const outside = first.replace(/"[^"]*"/g, "");
  const count = (c: string) => outside.split(c).length - 1;
  return [";", "\t"].reduce((best, c) => (count(c) > count(best) ? c : best), ",");
}

/**
 * RFC 4180 CSV (quoted fields, "" escapes, quoted line breaks; CRLF, LF or CR) with ; , or tab as
 * delimiter and an optional BOM. Blank lines are skipped. Throws RosterFileError beyond `maxRecords`.
 */
export function parseCsv(input: string, maxRecords = MAX_ROWS + HEADER_SCAN): RawRow[] {
  const text = input.replace(/^\uFEFF/, "");
  const delim = detectDelimiter(text);
  const rows: RawRow[] = [];
  let line = 1;
  let startLine = 1;
  let field = "";
  let cells: RawCell[] = [];
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    cells.push(field);
    field = "";
    if (cells.some((c) => String(c).trim() !== "")) {
      if (rows.length >= maxRecords) throw new RosterFileError(m.tooManyRows);
      rows.push({ line: startLine, cells });
    }
    cells = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === delim) {
      cells.push(field);
      field = "";
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== "" || cells.length) endRecord();
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Header

export type Field = "fullName" | "ho" | "tenDem" | "ten" | "dateOfBirth" | "gender" | "ethnicity" | "position" | "unit" | "category" | "cccd" | "phone" | "email";

/** Header text → comparison key: no diacritics, no case, letters and digits only ("Họ và tên" → "hovaten"). */
export function headerKey(s: string): string {
  return stripDiacritics(cleanText(s).toLowerCase()).replace(/[^a-z0-9]/g, "");
}

const ALIASES: Record<string, Field> = {
  hovaten: "fullName", hoten: "fullName", hovatenhocvien: "fullName", hotenhocvien: "fullName", hovatendaibieu: "fullName",
  ho: "ho", tendem: "tenDem", dem: "tenDem", ten: "ten",
  ngaysinh: "dateOfBirth", ngaythangnamsinh: "dateOfBirth", sinhngay: "dateOfBirth",
  gioitinh: "gender", gioi: "gender",
  dantoc: "ethnicity",
  chucvu: "position", chucdanh: "position", chucvuchucdanh: "position",
  donvi: "unit", donvicongtac: "unit", coquan: "unit", coquandonvi: "unit", noicongtac: "unit",
  doituong: "category", doituongthamgia: "category",
  socccd: "cccd", cccd: "cccd", socancuoc: "cccd", socancuoccongdan: "cccd", cancuoccongdan: "cccd", socccdcmnd: "cccd", cccdcmnd: "cccd",
  dienthoai: "phone", sodienthoai: "phone", sdt: "phone", dt: "phone", didong: "phone",
  email: "email", thudientu: "email", diachiemail: "email",
};
/** Columns people add that we know and leave alone. */
const SILENT = new Set(["tt", "stt", "sott", "ghichu", "kyten", "ky"]);

export interface Header {
  /** Index of the header row in the table. */
  index: number;
  columns: Partial<Record<Field, number>>;
  /** Header texts of the columns not used. */
  ignored: string[];
}

/** Finds the header row among the first HEADER_SCAN rows: the first naming the name column(s). */
export function findHeader(rows: RawRow[]): Header {
  for (let r = 0; r < Math.min(rows.length, HEADER_SCAN); r++) {
    const columns: Partial<Record<Field, number>> = {};
    const ignored: string[] = [];
    rows[r].cells.forEach((c, i) => {
      const label = cellText(c);
      if (!label) return;
      const field = ALIASES[headerKey(label)];
      if (field && columns[field] === undefined) columns[field] = i;
      else if (!SILENT.has(headerKey(label))) ignored.push(label);
    });
    if (columns.fullName !== undefined || (columns.ho !== undefined && columns.ten !== undefined)) return { index: r, columns, ignored };
  }
  throw new RosterFileError(m.noHeader);
}

// ---------------------------------------------------------------------------------------------------
// Reference data lookups

// matchKey re-places tone marks syllable by syllable (~40 µs a name); a roster repeats a few hundred
// syllables, so each one is folded once. Bounded: cleared when it grows past SYLLABLE_CACHE entries.
const SYLLABLE_CACHE = 50_000;
const syllables = new Map<string, string>();

/** matchKey(s), computed per space-separated syllable with a cache: same result, much faster on rosters. */
export function fastMatchKey(s: string | null | undefined): string {
  const clean = cleanText(s).toLowerCase();
  if (!clean) return "";
  let out = "";
  for (const w of clean.split(" ")) {
    let k = syllables.get(w);
    if (k === undefined) {
      if (syllables.size >= SYLLABLE_CACHE) syllables.clear();
      k = matchKey(w);
      syllables.set(w, k);
    }
    out = out ? `${out} ${k}` : k;
  }
  return out;
}

/** Remembers f's result per argument (reference names repeat on every row). */
function memo<T>(f: (s: string) => T): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    if (!cache.has(s)) cache.set(s, f(s));
    return cache.get(s)!;
  };
}

export interface RefData {
  units: { code: string; name: string; validFrom: string | null; validTo: string | null }[];
  ethnicities: { code: string; name: string }[];
  categories: { id: number; name: string; active: boolean }[];
  /** ISO date of today (Vietnam), for "valid today" and birth dates in the future. */
  today: string;
}

type Found<T> = (T & { name: string }) | null;
export interface Lookups {
  today: string;
  unit(s: string): Found<{ code: string }>;
  ethnicity(s: string): Found<{ code: string }>;
  category(s: string): Found<{ id: number }>;
}

// "UBND xã Thọ Bình", "Xã Thọ Bình" and "Thọ Bình" name the same unit.
const UNIT_PREFIX = /^(?:(?:ubnd|ủy ban nhân dân)\s+)?(?:xã|thị trấn|phường)\s+/u;

/** Name lookups that ignore case, NFC/NFD, spacing and tone placement (matchKey), memoised per text. */
export function buildLookups(refs: RefData): Lookups {
  const validToday = (u: RefData["units"][number]) => (!u.validFrom || u.validFrom <= refs.today) && (!u.validTo || u.validTo >= refs.today);
  // Units valid today first, then the most recently valid: a former unit is still a valid value.
  const ordered = [...refs.units].sort((a, b) => Number(validToday(b)) - Number(validToday(a)) || (b.validTo ?? "9999").localeCompare(a.validTo ?? "9999") || a.code.localeCompare(b.code));
  const full = new Map<string, RefData["units"][number]>();
  const short = new Map<string, RefData["units"][number]>();
  const codes = new Map<string, RefData["units"][number]>();
  for (const u of ordered) {
    const k = fastMatchKey(u.name);
    if (!full.has(k)) full.set(k, u);
    const s = k.replace(UNIT_PREFIX, "");
    if (!short.has(s)) short.set(s, u);
    codes.set(u.code.toLowerCase(), u);
  }
  // Ethnic names are written "H'Mông", "HMông", "Hmông", "Khơ Me", "Khơ-me": compare letters only.
  const ethKey = (s: string) => fastMatchKey(s).replace(/[\s\-'’]/g, "");
  const eth = new Map<string, { code: string; name: string }>();
  for (const e of refs.ethnicities) {
    eth.set(ethKey(e.name), e);
    eth.set(e.code, e);
  }
  const cats = new Map<string, RefData["categories"][number]>();
  for (const c of [...refs.categories].sort((a, b) => Number(b.active) - Number(a.active))) if (!cats.has(fastMatchKey(c.name))) cats.set(fastMatchKey(c.name), c);
  return {
    today: refs.today,
    unit: memo((s) => {
      const k = fastMatchKey(s);
      const u = full.get(k) ?? short.get(k.replace(UNIT_PREFIX, "")) ?? codes.get(cleanText(s).toLowerCase());
      return u ? { code: u.code, name: u.name } : null;
    }),
    ethnicity: memo((s) => {
      const e = eth.get(ethKey(s)) ?? eth.get(cleanText(s).padStart(2, "0"));
      return e ? { code: e.code, name: e.name } : null;
    }),
    category: memo((s) => {
      const c = cats.get(fastMatchKey(s));
      return c ? { id: c.id, name: c.name } : null;
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Rows → people

/** The columns of a users row an import fills. */
export interface PersonRow {
  ho: string;
  tenDem: string;
  ten: string;
  fullName: string;
  dateOfBirth: string | null;
  gender: "Nam" | "Nữ" | null;
  ethnicityCode: string | null;
  position: string | null;
  unitCode: string | null;
  categoryId: number | null;
  cccd: string | null;
  phone: string | null;
  email: string | null;
}

/** What the preview shows for a row: canonical values when valid, the text as typed otherwise. */
export type RowDisplay = Record<"fullName" | "dateOfBirth" | "gender" | "ethnicity" | "position" | "unit" | "category" | "cccd" | "phone" | "email", string>;

export interface CheckedRow {
  line: number;
  person: PersonRow;
  display: RowDisplay;
  errors: string[];
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A Date from an Excel date cell (UTC midnight: serial numbers carry no time zone) → its calendar day,
 * read in UTC so the server's zone never shifts it. A value a second short of midnight (float error) is the next day.
 */
function excelDay(d: Date): string {
  const day = new Date(Math.floor((d.getTime() + 1000) / 86_400_000) * 86_400_000);
  return `${day.getUTCFullYear()}-${pad2(day.getUTCMonth() + 1)}-${pad2(day.getUTCDate())}`;
}

/** A cell as text, NFC and trimmed; date cells as dd/mm/yyyy. */
export function cellText(c: RawCell | undefined): string {
  if (c == null) return "";
  if (c instanceof Date) return formatDate(excelDay(c));
  if (typeof c === "number") return Number.isInteger(c) ? c.toFixed(0) : String(c);
  return cleanText(String(c));
}

// Excel day numbers of 01/01/1910 and 31/12/2099: a bare number in that range in a date column is a
// date cell that lost its format; a smaller number (a year such as 1990) is not taken for a date.
const SERIAL_MIN = 3654;
const SERIAL_MAX = 73050;

/** A birth date cell → ISO date, null when empty, "invalid" when it cannot be a date. */
export function parseDateCell(c: RawCell | undefined, today: string): string | null | "invalid" {
  if (c == null || (typeof c === "string" && cleanText(c) === "")) return null;
  let iso: string | null = null;
  if (c instanceof Date) iso = parseViDate(excelDay(c));
  else if (typeof c === "number") iso = Number.isInteger(c) && c >= SERIAL_MIN && c <= SERIAL_MAX ? excelDay(new Date(Date.UTC(1899, 11, 30) + c * 86_400_000)) : null;
  else if (typeof c === "string") iso = parseViDate(cleanText(c).replace(/\s+\d{1,2}:\d{2}(?::\d{2})?$/, "")); // "05/03/1990 00:00:00"
  if (!iso || iso > today) return "invalid";
  return iso;
}

/** "Nam" / "Nữ" in any case, with or without diacritics; null when empty, "invalid" otherwise. */
export function parseGender(s: string): "Nam" | "Nữ" | null | "invalid" {
  const k = stripDiacritics(s.toLowerCase()).replace(/\s+/g, " ").trim();
  if (!k) return null;
  if (k === "nam" || k === "nam gioi") return "Nam";
  if (k === "nu" || k === "nu gioi") return "Nữ";
  return "invalid";
}

/** CCCD: exactly 12 digits. A number cell lost its leading 0 (every CCCD starts with a 0 province code). */
export function parseCccd(c: RawCell | undefined): string | null | "invalid" {
  if (c == null) return null;
  let s = typeof c === "number" ? c.toFixed(0) : cellText(c).replace(/^'/, "").replace(/[\s.]/g, "");
  if (!s) return null;
  if (typeof c === "number" && s.length === 11) s = "0" + s;
  return /^\d{12}$/.test(s) ? s : "invalid";
}

/** Phone: 9–11 digits, +84 → 0; a number cell lost its leading 0. */
export function parsePhone(c: RawCell | undefined): string | null | "invalid" {
  if (c == null) return null;
  let s: string;
  if (typeof c === "number") {
    s = c.toFixed(0);
    if (s.startsWith("84") && s.length === 11) s = "0" + s.slice(2);
    else if (!s.startsWith("0") && (s.length === 9 || s.length === 10)) s = "0" + s;
  } else {
    s = cellText(c).replace(/^'/, "").replace(/[\s.\-()]/g, "").replace(/^\+84/, "0");
  }
  if (!s) return null;
  return /^\d{9,11}$/.test(s) ? s : "invalid";
}

const emailSchema = z.email();

/** Checks every data row after the header: values parsed, names capitalised, references resolved. */
export function checkRows(table: RawRow[], header: Header, look: Lookups): CheckedRow[] {
  const used = Object.entries(header.columns) as [Field, number][];
  const out: CheckedRow[] = [];
  for (const row of table.slice(header.index + 1)) {
    // Each used cell read once, as a raw value and as clean text ("" when absent).
    const raw: Partial<Record<Field, RawCell>> = {};
    const v = { fullName: "", ho: "", tenDem: "", ten: "", dateOfBirth: "", gender: "", ethnicity: "", position: "", unit: "", category: "", cccd: "", phone: "", email: "" };
    let empty = true;
    for (const [f, i] of used) {
      raw[f] = row.cells[i] ?? null;
      v[f] = cellText(raw[f]);
      if (v[f]) empty = false;
    }
    if (empty) continue;
    const errors: string[] = [];

    const usesParts = header.columns.ten !== undefined && (v.ho !== "" || v.ten !== "");
    const parts = usesParts ? { ho: capitaliseName(v.ho), tenDem: capitaliseName(v.tenDem), ten: capitaliseName(v.ten) } : splitFullName(v.fullName);
    const fullName = joinFullName(parts);
    if (!fullName) errors.push(m.err.nameMissing);
    else if (!parts.ho || !parts.ten) errors.push(m.err.nameShort);
    else if (parts.ho.length > 60 || parts.tenDem.length > 60 || parts.ten.length > 60) errors.push(m.err.nameTooLong);

    const dob = parseDateCell(raw.dateOfBirth, look.today);
    if (dob === "invalid") errors.push(m.err.date(v.dateOfBirth));
    const gender = parseGender(v.gender);
    if (gender === "invalid") errors.push(m.err.gender(v.gender));
    const eth = v.ethnicity ? look.ethnicity(v.ethnicity) : null;
    if (v.ethnicity && !eth) errors.push(m.err.ethnicity(v.ethnicity));
    const position = v.position || null;
    if (position && position.length > 200) errors.push(m.err.tooLong(m.position));
    const unit = v.unit ? look.unit(v.unit) : null;
    if (v.unit && !unit) errors.push(m.err.unit(v.unit));
    const category = v.category ? look.category(v.category) : null;
    if (v.category && !category) errors.push(m.err.category(v.category));
    const cccd = parseCccd(raw.cccd);
    if (cccd === "invalid") errors.push(m.err.cccd(v.cccd));
    const phone = parsePhone(raw.phone);
    if (phone === "invalid") errors.push(m.err.phone(v.phone));
    const email = v.email.toLowerCase() || null;
    if (email && (email.length > 200 || !emailSchema.safeParse(email).success)) errors.push(m.err.email(v.email));

    const ok = <T>(x: T | "invalid"): T | null => (x === "invalid" ? null : x);
    out.push({
      line: row.line,
      errors,
      person: {
        ...parts, fullName,
        dateOfBirth: ok(dob), gender: ok(gender), ethnicityCode: eth?.code ?? null, position, unitCode: unit?.code ?? null,
        categoryId: category?.id ?? null, cccd: ok(cccd), phone: ok(phone), email,
      },
      display: {
        fullName: fullName || v.fullName,
        dateOfBirth: dob && dob !== "invalid" ? formatDate(dob) : v.dateOfBirth,
        gender: ok(gender) ?? v.gender,
        ethnicity: eth?.name ?? v.ethnicity,
        position: position ?? "",
        unit: unit?.name ?? v.unit,
        category: category?.name ?? v.category,
        cccd: ok(cccd) ?? v.cccd,
        phone: ok(phone) ?? v.phone,
        email: v.email,
      },
    });
  }
  if (out.length > MAX_ROWS) throw new RosterFileError(m.tooManyRows);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Who is who

/** The identifying details of a person (already in the database, or an earlier row of the file). */
export interface KnownPerson {
  id: number;
  fullName: string;
  cccd: string | null;
  phone: string | null;
  dateOfBirth: string | null;
}
export type MatchVia = "cccd" | "phone" | "nameDob";

export interface PeopleIndex {
  byCccd: Map<string, KnownPerson>;
  byPhone: Map<string, KnownPerson[]>;
  /** By birth date only: a name key is computed only for people sharing a birth date with a row. */
  byDob: Map<string, KnownPerson[]>;
}

const nameKeys = new WeakMap<KnownPerson, string>();
function nameKeyOf(p: KnownPerson): string {
  let k = nameKeys.get(p);
  if (k === undefined) {
    k = fastMatchKey(p.fullName);
    nameKeys.set(p, k);
  }
  return k;
}

export function emptyIndex(): PeopleIndex {
  return { byCccd: new Map(), byPhone: new Map(), byDob: new Map() };
}

/** Adds a person to an index (the first one keeps a CCCD when several share it). */
export function addToIndex(index: PeopleIndex, p: KnownPerson): void {
  if (p.cccd && !index.byCccd.has(p.cccd)) index.byCccd.set(p.cccd, p);
  const push = (map: Map<string, KnownPerson[]>, key: string) => {
    const list = map.get(key);
    if (list) list.push(p);
    else map.set(key, [p]);
  };
  if (p.phone) push(index.byPhone, p.phone);
  if (p.dateOfBirth && p.fullName) push(index.byDob, p.dateOfBirth);
}

export function indexPeople(people: KnownPerson[]): PeopleIndex {
  const index = emptyIndex();
  for (const p of people) addToIndex(index, p);
  return index;
}

/**
 * The known person this one is: by CCCD, else phone, else normalised full name (matchKey) + date of
 * birth. A weaker key never joins two people whose CCCDs or birth dates are both given and differ (a
 * shared office phone, namesakes). `nameKey` is fastMatchKey(p.fullName) when the caller has it.
 */
export function findPerson(index: PeopleIndex, p: Omit<KnownPerson, "id">, nameKey?: string): { person: KnownPerson; via: MatchVia } | null {
  if (p.cccd) {
    const hit = index.byCccd.get(p.cccd);
    if (hit) return { person: hit, via: "cccd" };
  }
  const compatible = (c: KnownPerson) => !(p.cccd && c.cccd && p.cccd !== c.cccd) && !(p.dateOfBirth && c.dateOfBirth && p.dateOfBirth !== c.dateOfBirth);
  if (p.phone) {
    const hit = index.byPhone.get(p.phone)?.find(compatible);
    if (hit) return { person: hit, via: "phone" };
  }
  if (p.dateOfBirth && p.fullName) {
    const key = nameKey ?? fastMatchKey(p.fullName);
    const hit = index.byDob.get(p.dateOfBirth)?.find((c) => compatible(c) && nameKeyOf(c) === key);
    if (hit) return { person: hit, via: "nameDob" };
  }
  return null;
}

export interface PreviewRow extends CheckedRow {
  /** The existing person this row is, or null when a new one will be created. */
  match: { id: number; fullName: string; via: MatchVia } | null;
  /** The matched person is already enrolled or waitlisted in the course. */
  already: boolean;
}

/**
 * Flags duplicates inside the file (the same person twice, by the same keys as above, or an identical
 * row) and matches every valid row to an existing person. `inCourse` holds ids already enrolled or
 * waitlisted. Only rows without errors are compared and matched.
 */
export function resolveRows(rows: CheckedRow[], existing: PeopleIndex, inCourse: Set<number>): PreviewRow[] {
  const seen = emptyIndex();
  const seenExact = new Map<string, number>();
  const claimed = new Map<number, number>(); // existing user id → line that took it
  return rows.map((row) => {
    if (row.errors.length) return { ...row, match: null, already: false };
    const p = row.person;
    const exact = JSON.stringify(p);
    const key = fastMatchKey(p.fullName);
    const dup = findPerson(seen, p, key);
    if (dup) return { ...row, errors: [m.err.duplicate(dup.person.id, m.matchedBy[dup.via])], match: null, already: false };
    if (seenExact.has(exact)) return { ...row, errors: [m.err.duplicate(seenExact.get(exact)!, m.matchedBy.exact)], match: null, already: false };
    const hit = findPerson(existing, p, key);
    if (hit && claimed.has(hit.person.id)) return { ...row, errors: [m.err.samePerson(claimed.get(hit.person.id)!)], match: null, already: false };
    const self = { id: row.line, fullName: p.fullName, cccd: p.cccd, phone: p.phone, dateOfBirth: p.dateOfBirth };
    nameKeys.set(self, key);
    addToIndex(seen, self);
    seenExact.set(exact, row.line);
    if (!hit) return { ...row, match: null, already: false };
    claimed.set(hit.person.id, row.line);
    return { ...row, match: { id: hit.person.id, fullName: hit.person.fullName, via: hit.via }, already: inCourse.has(hit.person.id) };
  });
}

export interface PreviewCounts {
  rows: number;
  valid: number;
  invalid: number;
  existing: number;
  created: number;
  already: number;
  /** Valid rows whose person is not yet in the course: what a confirmation adds. */
  toAdd: number;
}

export function countRows(rows: PreviewRow[]): PreviewCounts {
  const valid = rows.filter((r) => !r.errors.length);
  return {
    rows: rows.length,
    valid: valid.length,
    invalid: rows.length - valid.length,
    existing: valid.filter((r) => r.match).length,
    created: valid.filter((r) => !r.match).length,
    already: valid.filter((r) => r.already).length,
    toAdd: valid.filter((r) => !r.already).length,
  };
}

/**
 * The rows a preview page shows: all of them up to `limit`; beyond it every row with an error and the
 * first valid rows, in file order (a 5,000-row roster stays a readable page).
 */
export function previewSample(rows: PreviewRow[], limit: number): PreviewRow[] {
  if (rows.length <= limit) return rows;
  const invalid = rows.filter((r) => r.errors.length).length;
  let validLeft = Math.max(0, limit - invalid);
  return rows.filter((r) => r.errors.length > 0 || validLeft-- > 0);
}
