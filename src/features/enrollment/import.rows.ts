/**
 * Roster import, checking: every data row below the header → a person with canonical values, what the
 * preview shows, and the row's errors. Pure: references come in as Lookups.
 */
import { z } from "zod";
import { capitaliseName, cleanText, formatBirth, joinFullName, parseViDate, splitFullName, stripDiacritics } from "../../lib/vietnamese";
import { importMessages as m } from "./import.messages";
import type { Lookups } from "./import.lookups";
import { MAX_ROWS, RosterFileError, cellText, excelDay, type RawCell, type RawRow } from "./import.read";
import type { Field, Header } from "./import.header";

/** The columns of a users row an import fills. */
export interface PersonRow {
  ho: string;
  tenDem: string;
  ten: string;
  fullName: string;
  dateOfBirth: string | null;
  /** Only the year is known (dateOfBirth then null). */
  birthYear: number | null;
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
  /** Imported anyway, but worth a look (no identifier, unit not in the list). */
  warnings: string[];
  /** The unit as typed when it names no known unit (the person is imported with no unit). */
  unknownUnit: string | null;
}

// Excel day numbers of 01/01/1910 and 31/12/2099: a bare number in that range in a date column is a
// date cell that lost its format; a smaller number (a year such as 1990) is not taken for a date.
const SERIAL_MIN = 3654;
const SERIAL_MAX = 73050;

export type Birth = { date: string; year: null } | { date: null; year: number };

/**
 * A birth cell → a full date, or a year alone ("1978", 1978: kept as a year, never made 01/01); null
 * when empty, "invalid" when it is neither.
 */
export function parseBirthCell(c: RawCell | undefined, today: string): Birth | null | "invalid" {
  const text = typeof c === "number" || typeof c === "string" ? cleanText(String(c)).replace(/^'/, "") : "";
  if (/^\d{4}$/.test(text)) {
    const year = Number(text);
    return year >= 1900 && year <= Number(today.slice(0, 4)) ? { date: null, year } : "invalid";
  }
  const date = parseDateCell(c, today);
  return date === null || date === "invalid" ? date : { date, year: null };
}

/** A birth date cell → ISO date, null when empty, "invalid" when it cannot be a date. */
export function parseDateCell(c: RawCell | undefined, today: string): string | null {
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
export function parseCccd(c: RawCell | undefined): string | null {
  if (c == null) return null;
  let s = typeof c === "number" ? c.toFixed(0) : cellText(c).replace(/^'/, "").replace(/[\s.]/g, "");
  if (!s) return null;
  if (typeof c === "number" && s.length === 11) s = "0" + s;
  return /^\d{12}$/.test(s) ? s : "invalid";
}

/** Phone: 9–11 digits, +84 → 0; a number cell lost its leading 0. */
export function parsePhone(c: RawCell | undefined): string | null {
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

/** Birth and gender of a row: from the birth and gender columns, or from a "Nam" / "Nữ" year column. */
function birthAndGender(raw: Partial<Record<Field, RawCell>>, v: Record<Field, string>, today: string, errors: string[]) {
  const genderCol = parseGender(v.gender);
  let gender = genderCol === "invalid" ? null : genderCol;
  let cell: RawCell | undefined = raw.dateOfBirth;
  let typed = v.dateOfBirth;
  if (v.yearMale && v.yearFemale) errors.push(m.err.bothYears);
  else if (v.yearMale || v.yearFemale) {
    const fromColumn = v.yearMale ? "Nam" : "Nữ";
    if (gender && gender !== fromColumn) errors.push(m.err.genderYear(fromColumn));
    gender = fromColumn;
    if (!typed) [cell, typed] = v.yearMale ? [raw.yearMale, v.yearMale] : [raw.yearFemale, v.yearFemale];
  }
  const birth = parseBirthCell(cell, today);
  if (birth === "invalid") errors.push(m.err.date(typed));
  if (genderCol === "invalid") errors.push(m.err.gender(v.gender));
  return { birth: birth === "invalid" ? null : birth, typed, gender, genderTyped: v.gender };
}

/** Checks every data row after the header: values parsed, names capitalised, references resolved. */
export function checkRows(table: RawRow[], header: Header, look: Lookups): CheckedRow[] {
  const used = Object.entries(header.columns) as [Field, number][];
  const out: CheckedRow[] = [];
  for (const row of table.slice(header.index + 1)) {
    // Each used cell read once, as a raw value and as clean text ("" when absent).
    const raw: Partial<Record<Field, RawCell>> = {};
    const v: Record<Field, string> = {
      fullName: "", ho: "", tenDem: "", ten: "", dateOfBirth: "", yearMale: "", yearFemale: "", gender: "", ethnicity: "", position: "", unit: "", category: "", cccd: "", phone: "", email: "",
    };
    let empty = true;
    for (const [f, i] of used) {
      raw[f] = row.cells[i] ?? null;
      v[f] = cellText(raw[f]);
      if (v[f]) empty = false;
    }
    if (empty) continue;
    const errors: string[] = [];
    const warnings: string[] = [];

    const usesParts = header.columns.ten !== undefined && (v.ho !== "" || v.ten !== "");
    const parts = usesParts ? { ho: capitaliseName(v.ho), tenDem: capitaliseName(v.tenDem), ten: capitaliseName(v.ten) } : splitFullName(v.fullName);
    const fullName = joinFullName(parts);
    if (!fullName) errors.push(m.err.nameMissing);
    else if (!parts.ho || !parts.ten) errors.push(m.err.nameShort);
    else if (parts.ho.length > 60 || parts.tenDem.length > 60 || parts.ten.length > 60) errors.push(m.err.nameTooLong);

    const { birth, typed: birthTyped, gender } = birthAndGender(raw, v, look.today, errors);
    const eth = v.ethnicity ? look.ethnicity(v.ethnicity) : null;
    if (v.ethnicity && !eth) errors.push(m.err.ethnicity(v.ethnicity));
    const position = v.position || null;
    if (position && position.length > 200) errors.push(m.err.tooLong(m.position));
    // An unknown unit never drops the person: mapped in the preview, or imported with no unit and flagged.
    const unit = v.unit ? look.unit(v.unit) : null;
    if (v.unit && !unit) warnings.push(m.warn.unit(v.unit));
    const category = v.category ? look.category(v.category) : null;
    if (v.category && !category) errors.push(m.err.category(v.category));
    const cccd = parseCccd(raw.cccd);
    if (cccd === "invalid") errors.push(m.err.cccd(v.cccd));
    const phone = parsePhone(raw.phone);
    if (phone === "invalid") errors.push(m.err.phone(v.phone));
    const email = v.email.toLowerCase() || null;
    if (email && (email.length > 200 || !emailSchema.safeParse(email).success)) errors.push(m.err.email(v.email));
    if (!v.cccd && !v.phone && !birthTyped) warnings.push(m.warn.noIdentifier);

    const ok = <T>(x: T | "invalid"): T | null => (x === "invalid" ? null : x);
    out.push({
      line: row.line,
      errors,
      warnings,
      unknownUnit: v.unit && !unit ? v.unit : null,
      person: {
        ...parts, fullName,
        dateOfBirth: birth?.date ?? null, birthYear: birth?.year ?? null, gender, ethnicityCode: eth?.code ?? null, position, unitCode: unit?.code ?? null,
        categoryId: category?.id ?? null, cccd: ok(cccd), phone: ok(phone), email,
      },
      display: {
        fullName: fullName || v.fullName,
        dateOfBirth: birth ? formatBirth({ dateOfBirth: birth.date, birthYear: birth.year }) : birthTyped,
        gender: gender ?? v.gender,
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
