/**
 * Roster import, the header: which column holds which field. Understands the header rows offices type,
 * including a header spanning two rows ("Năm sinh" over "Nam" | "Nữ", the column giving the gender), and
 * applies the columns the user mapped by hand in the preview. Pure.
 */
import { cleanText, stripDiacritics } from "../../lib/vietnamese";
import { importMessages as m } from "./import.messages";
import { HEADER_SCAN, RosterFileError, cellText, type RawRow } from "./import.read";

/** yearMale / yearFemale: a birth year (or date) column whose header says the gender ("Nam", "Nữ"). */
export const FIELDS = [
  "fullName", "ho", "tenDem", "ten", "dateOfBirth", "yearMale", "yearFemale", "gender", "ethnicity", "position", "unit", "category", "cccd", "phone", "email",
] as const;
export type Field = (typeof FIELDS)[number];

/** Header text → comparison key: no diacritics, no case, letters and digits only ("Họ và tên" → "hovaten"). */
export function headerKey(s: string): string {
  return stripDiacritics(cleanText(s).toLowerCase()).replace(/[^a-z0-9]/g, "");
}

const ALIASES: Record<string, Field> = {
  hovaten: "fullName", hoten: "fullName", hovatenhocvien: "fullName", hotenhocvien: "fullName", hovatendaibieu: "fullName",
  ho: "ho", tendem: "tenDem", dem: "tenDem", ten: "ten",
  ngaysinh: "dateOfBirth", ngaythangnamsinh: "dateOfBirth", sinhngay: "dateOfBirth", namsinh: "dateOfBirth",
  nam: "yearMale", nu: "yearFemale",
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
/** Top cells over a "Nam" | "Nữ" pair. */
const BIRTH_KEYS = new Set(["namsinh", "ngaysinh", "ngaythangnamsinh", "sinhngay"]);

export interface Header {
  /** Index of the (last) header row in the table: data starts below it. */
  index: number;
  columns: Partial<Record<Field, number>>;
  /** Columns not recognised, with the field the user gave them in the preview (null: not used). */
  ignored: { index: number; label: string; field: Field | null }[];
}

/** Column index → field (or null: not used), as chosen in the preview. */
export type ColumnMap = Record<number, Field | null>;

/** The label of each column of a header row ("" when empty). */
const labels = (row: RawRow | undefined) => (row ? row.cells.map((c) => cellText(c)) : []);

/**
 * The second header row under `top`, if `next` is one: it holds "Nam"/"Nữ" (or known labels) under
 * the top row and nothing where the name is (a data row always has a name).
 */
function subHeader(top: string[], next: string[], nameCol: number): boolean {
  if (next[nameCol] && next[nameCol] !== top[nameCol]) return false;
  const known = next.filter((l, i) => l && l !== top[i] && ALIASES[headerKey(l)] !== undefined);
  return known.length > 0 && next.every((l, i) => !l || l === top[i] || ALIASES[headerKey(l)] !== undefined || SILENT.has(headerKey(l)));
}

/** The field a column label names, given the cell above it in a two-row header. */
function fieldOf(label: string, above: string): Field | undefined {
  const key = headerKey(label);
  const field = ALIASES[key];
  if ((field === "yearMale" || field === "yearFemale") && above && !BIRTH_KEYS.has(headerKey(above))) return undefined;
  return field;
}

/**
 * Finds the header among the first HEADER_SCAN rows: the first row naming the name column(s), joined
 * with the row under it when that is a second header row. `mapped` overrides columns (the preview's choices).
 */
export function findHeader(rows: RawRow[], mapped: ColumnMap = {}): Header {
  for (let r = 0; r < Math.min(rows.length, HEADER_SCAN); r++) {
    const top = labels(rows[r]);
    const nameCol = top.findIndex((l) => ALIASES[headerKey(l)] === "fullName" || ALIASES[headerKey(l)] === "ten");
    if (nameCol < 0) continue;
    const next = labels(rows[r + 1]);
    const two = subHeader(top, next, nameCol);
    const columns: Partial<Record<Field, number>> = {};
    const ignored: Header["ignored"] = [];
    const width = Math.max(top.length, two ? next.length : 0);
    for (let i = 0; i < width; i++) {
      const sub = two && next[i] && next[i] !== top[i] ? next[i] : "";
      const label = sub || top[i] || "";
      if (!label) continue;
      const field = sub ? fieldOf(sub, top[i] ?? "") : fieldOf(label, "");
      if (field && columns[field] === undefined) columns[field] = i;
      else if (!SILENT.has(headerKey(label))) ignored.push({ index: i, label: sub && top[i] ? `${top[i]} – ${sub}` : label, field: null });
    }
    applyMap(columns, ignored, mapped, top, two ? next : []);
    if (columns.fullName !== undefined || (columns.ho !== undefined && columns.ten !== undefined)) return { index: two ? r + 1 : r, columns, ignored };
  }
  throw new RosterFileError(m.noHeader);
}

/** Applies the user's column choices: a mapped column takes the field from any column that had it. */
function applyMap(columns: Partial<Record<Field, number>>, ignored: Header["ignored"], mapped: ColumnMap, top: string[], next: string[]): void {
  for (const [col, field] of Object.entries(mapped)) {
    const i = Number(col);
    if (!Number.isInteger(i) || i < 0 || i >= Math.max(top.length, next.length)) continue;
    for (const f of FIELDS) if (columns[f] === i) delete columns[f];
    const at = ignored.findIndex((c) => c.index === i);
    const label = next[i] || top[i] || String(i + 1);
    if (field) {
      const old = columns[field];
      if (old !== undefined && !ignored.some((c) => c.index === old)) ignored.push({ index: old, label: next[old] || top[old] || String(old + 1), field: null });
      columns[field] = i;
    }
    if (at >= 0) ignored[at].field = field;
    else ignored.push({ index: i, label, field });
  }
  ignored.sort((a, b) => a.index - b.index);
}
