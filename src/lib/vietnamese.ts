/**
 * Vietnamese text, name, date and number helpers. Pure: no I/O; dates in Vietnam time come from time.ts.
 * Everything that returns text returns NFC, because the same name typed on different
 * keyboards arrives as NFC or NFD and must be stored and compared in one form.
 */
import { proseDate } from "./time";

/** Unicode NFC; the one form we store (see DOMAIN.md "People"). */
export function nfc(s: string): string {
  return s.normalize("NFC");
}

// Invisible characters pasted from Word/web pages: dropped, not turned into spaces, because
// they can sit inside a word ("Ng\u200Buyễn") and would otherwise split it. Also control characters
// no one types, as an uploaded roster may hold them (PostgreSQL refuses text with NUL).
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\u200B-\u200D\u2060\uFEFF\uFFFE\uFFFF]/g;

/** NFC, drop invisible characters, trim, collapse any whitespace run (tabs, NBSP…) to one space. */
export function cleanText(s: string | null | undefined): string {
  if (s == null) return "";
  return nfc(String(s)).replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

/**
 * Every syllable capitalised, the rest lower case: "ĐỖ VĂN ĐỨC" → "Đỗ Văn Đức".
 * Parts after a hyphen or apostrophe are capitalised too, for ethnic-minority names
 * such as "H'Hen Niê" or "Y-Moan".
 */
export function capitaliseName(s: string): string {
  return cleanText(s)
    .toLowerCase()
    .replace(/(^|[\s\-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Parts of a Vietnamese name; tenDem is "" when there is none. */
export type NameParts = { ho: string; tenDem: string; ten: string };

/** First syllable is họ, last is tên, the rest tên đệm; a one-word name is tên only. Capitalised. */
export function splitFullName(full: string): NameParts {
  const words = capitaliseName(full).split(" ").filter(Boolean);
  if (words.length === 0) return { ho: "", tenDem: "", ten: "" };
  if (words.length === 1) return { ho: "", tenDem: "", ten: words[0] };
  return { ho: words[0], tenDem: words.slice(1, -1).join(" "), ten: words[words.length - 1] };
}

/** Full name from parts, cleaned (NFC, single spaces); empty parts skipped. Case is kept as given. */
export function joinFullName(p: { ho: string; tenDem?: string | null; ten: string }): string {
  return [p.ho, p.tenDem, p.ten].map(cleanText).filter(Boolean).join(" ");
}

// Combining marks after NFD. Modifiers make a different letter (ă â ê ô ơ ư); tones are the 5 marks.
const MODIFIERS = new Set(["\u0306", "\u0302", "\u031B"]);
const TONES = new Set(["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]);
const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);

type Cluster = { base: string; marks: string[] }; // a base character and its combining marks

/**
 * Re-place the tone mark of one syllable by a fixed rule, whatever the input's placement.
 * The canonical form is the traditional one used in official documents ("Thanh Hóa", "Cộng hòa",
 * "Thủy"): open oa/oe/uy carry the tone on the first vowel. The rule, in order:
 * "qu"/"gi" before another vowel are consonants; a vowel with a modifier takes the tone (last one,
 * so ươ → ơ); a single vowel takes it; with a final consonant the last vowel ("hoàng"); three
 * vowels the middle one ("ngoài", "khuỷu"); two vowels the first ("hòa", "mùa", "tủi").
 */
function placeTone(word: string): string {
  const clusters: Cluster[] = [];
  for (const ch of word.normalize("NFD")) {
    if (/\p{M}/u.test(ch) && clusters.length) clusters[clusters.length - 1].marks.push(ch);
    else clusters.push({ base: ch, marks: [] });
  }
  const toned = clusters.filter((c) => c.marks.some((m) => TONES.has(m)));
  if (toned.length !== 1) return nfc(word);
  const tone = toned[0].marks.filter((m) => TONES.has(m));
  if (tone.length !== 1 || !VOWELS.has(toned[0].base.toLowerCase())) return nfc(word);

  const isVowel = (c: Cluster) => VOWELS.has(c.base.toLowerCase());
  const first = clusters.findIndex(isVowel);
  let end = first;
  while (end < clusters.length && isVowel(clusters[end])) end++;
  if (clusters.slice(end).some(isVowel)) return nfc(word); // two vowel groups: not a Vietnamese syllable
  let start = first;
  const onset = clusters.slice(0, first).map((c) => c.base.toLowerCase()).join("");
  const lead = clusters[first].base.toLowerCase();
  const bare = clusters[first].marks.every((m) => TONES.has(m));
  if (end - start > 1 && bare && ((onset === "q" && lead === "u") || (onset === "g" && lead === "i"))) start++;

  const nucleus = clusters.slice(start, end);
  const modified = nucleus.map((c, i) => (c.marks.some((m) => MODIFIERS.has(m)) ? i : -1)).filter((i) => i >= 0);
  const target = modified.length ? modified[modified.length - 1]
    : nucleus.length === 1 ? 0
    : end < clusters.length ? nucleus.length - 1 // final consonant
    : nucleus.length === 3 ? 1
    : 0;

  for (const c of clusters) c.marks = c.marks.filter((m) => !TONES.has(m));
  nucleus[target].marks.push(tone[0]);
  return clusters.map((c) => c.base + c.marks.join("")).join("").normalize("NFC");
}

/**
 * Put every tone mark where the canonical rule (traditional placement: "hòa", "khỏe", "thủy",
 * "quý") puts it, so that old/new-style spellings ("Hoà"/"Hòa", "Thuỷ"/"Thủy", "Qúy"/"Quý")
 * become identical. Case and other characters are kept; the result is NFC.
 */
export function foldTonePlacement(s: string): string {
  return nfc(s).replace(/(?:\p{L}\p{M}*)+/gu, placeTone);
}

/**
 * Key for duplicate detection and lookup of names, units, categories: ignores case, NFC/NFD,
 * spacing and tone placement, but not the tones themselves ("Hà" ≠ "Há").
 */
export function matchKey(s: string | null | undefined): string {
  return cleanText(foldTonePlacement(cleanText(s).toLowerCase()));
}

/** Remove every diacritic, đ→d, Đ→D: for accent-insensitive search and short-answer comparison. */
export function stripDiacritics(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
}

/** Vietnamese collator from the runtime's ICU (tones are secondary differences). */
export const viCollator: Intl.Collator = new Intl.Collator("vi", { sensitivity: "variant" });

// Letter order of the Vietnamese alphabet (plus f j w z in their Latin places) and tone order
// ngang, huyền, hỏi, ngã, sắc, nặng — the dictionary order ICU's "vi" tailoring also uses.
const ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";
const TONE_ORDER = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"];

function fallbackKeys(s: string): [number[], number[], number[]] {
  const primary: number[] = [];
  const tones: number[] = [];
  const cases: number[] = [];
  for (const m of s.normalize("NFD").matchAll(/(\P{M})(\p{M}*)/gu)) {
    const marks = [...m[2]];
    const letter = (m[1] + marks.filter((x) => !TONES.has(x)).join("")).normalize("NFC");
    const lower = letter.toLowerCase();
    const idx = ALPHABET.indexOf(lower);
    const cp = lower.codePointAt(0) ?? 0;
    primary.push(idx >= 0 ? 1000 + idx : cp < 1000 ? cp : cp + 2000);
    tones.push(Math.max(0, TONE_ORDER.indexOf(marks.find((x) => TONES.has(x)) ?? "")));
    cases.push(letter === lower ? 0 : 1);
  }
  return [primary, tones, cases];
}

/**
 * Vietnamese comparison that does not depend on ICU data (a Node built with small-icu falls back
 * to root collation, where "ă" is only an accented "a"). Letters first, then tones, then case.
 */
export function compareViFallback(a: string, b: string): number {
  const ka = fallbackKeys(a);
  const kb = fallbackKeys(b);
  for (let level = 0; level < 3; level++) {
    const [x, y] = [ka[level], kb[level]];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  }
  const [na, nb] = [nfc(a), nfc(b)];
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** True when the runtime's ICU has the Vietnamese tailoring (checked once, at load). */
export const icuHasVietnamese: boolean = (() => {
  const letters = [...ALPHABET].filter((c) => !"fjwz".includes(c));
  // "az" < "ă" proves ă is a letter of its own (primary difference), not a tone-like accent.
  return letters.every((c, i) => i === 0 || viCollator.compare(letters[i - 1] + "z", c) < 0);
})();

/** Vietnamese string comparison: the ICU collator when it is correct, otherwise the fallback. */
export const compareVi: (a: string, b: string) => number = icuHasVietnamese
  ? (a, b) => viCollator.compare(nfc(a), nfc(b))
  : compareViFallback;

export type RosterName = { ho?: string | null; tenDem?: string | null; ten?: string | null };

/** Roster order: by tên, then tên đệm, then họ (Vietnamese custom), inputs cleaned to NFC first. */
export function compareRosterNames(a: RosterName, b: RosterName): number {
  for (const k of ["ten", "tenDem", "ho"] as const) {
    const r = compareVi(cleanText(a[k]), cleanText(b[k]));
    if (r) return r;
  }
  return 0;
}

type DateInput = Date | string | null | undefined;

/**
 * Calendar parts of a date. A date-only string ("2024-03-05" or "05/03/2024") is a calendar day,
 * never passed through Date parsing, which would read ISO dates as UTC midnight and shift them.
 */
function dateParts(d: DateInput): [number, number, number] | null {
  if (d == null || d === "") return null;
  if (typeof d === "string") {
    // Dates from the database ("2024-03-05") need no text clean-up: pages format hundreds of them.
    const exact = ISO_DAY.exec(d);
    if (exact && isCalendarDay(+exact[1], +exact[2], +exact[3])) return [+exact[1], +exact[2], +exact[3]];
    const iso = parseViDate(d);
    if (iso) return iso.split("-").map(Number) as [number, number, number];
    if (/^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*$/.test(d)) return null; // date-shaped but impossible
    d = new Date(d);
  }
  if (Number.isNaN(d.getTime())) return null;
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()];
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** dd/mm/yyyy for tables; "" for null or an invalid date. Date objects use the local calendar day. */
export function formatDate(d: DateInput): string {
  const p = dateParts(d);
  return p ? `${pad2(p[2])}/${pad2(p[1])}/${p[0]}` : "";
}

/**
 * A person's birth as documents print it: "05/03/1990", or "Sinh năm 1978" when only the year is known
 * (never an invented 01/01); "" when neither.
 */
export function formatBirth(p: { dateOfBirth?: DateInput; birthYear?: number | null }): string {
  if (p.dateOfBirth) return formatDate(p.dateOfBirth);
  return p.birthYear ? `Sinh năm ${p.birthYear}` : "";
}

/** Whether a person's birth is known well enough for documents: a full date or the year. */
export const birthKnown = (p: { dateOfBirth?: DateInput; birthYear?: number | null }): boolean => !!(p.dateOfBirth || p.birthYear);

/** "ngày 05 tháng 3 năm 2024": NĐ 30 pads days below 10 and months 1–2 only. "" for null. */
export function formatDateProse(d: DateInput): string {
  const p = dateParts(d);
  if (!p) return "";
  return proseDate(p[0], p[1], p[2]);
}

/**
 * "Triệu Sơn, ngày 05 tháng 3 năm 2024". Without a date, the blank form "ngày … tháng … năm …"
 * is printed, as offices fill it in by hand when signing.
 */
export function placeDateLine(place: string, d: DateInput): string {
  return `${cleanText(place)}, ${formatDateProse(d) || "ngày … tháng … năm …"}`;
}

/**
 * Parse d/m/yyyy (separators / - .) or ISO yyyy-mm-dd to ISO; null for impossible dates
 * (31/02) or years outside 1900–2100.
 */
export function parseViDate(s: string): string | null {
  const t = cleanText(s);
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  let y: number, mo: number, day: number;
  if (m) [y, mo, day] = [+m[1], +m[2], +m[3]];
  else if ((m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(t))) [y, mo, day] = [+m[4], +m[3], +m[1]];
  else return null;
  if (!isCalendarDay(y, mo, day)) return null;
  return `${y}-${pad2(mo)}-${pad2(day)}`;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real day between 1900 and 2100 (day 0 of the next month is the last day of this one). */
function isCalendarDay(y: number, mo: number, day: number): boolean {
  return y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12 && day >= 1 && day <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** Move the decimal point by k places through the string form, avoiding 1.005*100 float error. */
function shift(n: number, k: number): number {
  return /e/i.test(String(n)) ? n * 10 ** k : Number(`${n}e${k}`);
}

const decimalFormats = new Map<number, Intl.NumberFormat>();

/** Decimal comma, dot thousands, at most `digits` decimals (half away from zero), zeros trimmed: Intl's vi-VN. */
export function formatDecimal(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return "";
  let format = decimalFormats.get(digits);
  if (!format) decimalFormats.set(digits, (format = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: digits })));
  const text = format.format(n);
  return text === "-0" ? "0" : text; // -0.04 rounds to zero, which has no sign
}

/** VND amount rounded to the đồng: 1500000 → "1.500.000 đ". */
export function formatMoney(n: number): string {
  return Number.isFinite(n) ? `${formatDecimal(n, 0)} đ` : "";
}

/** A fraction as a percentage: 0.755 → "75,5%", 0.8 → "80%". */
export function formatPercent(n: number, digits = 1): string {
  return Number.isFinite(n) ? `${formatDecimal(shift(n, 2), digits)}%` : "";
}

/** A moment as Vietnam local time "dd/mm/yyyy HH:MM" (pages call it as vi.formatDateTime). */
export { formatDateTime } from "./time";
