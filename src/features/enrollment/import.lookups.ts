/**
 * Roster import, reference data: name keys and the unit / ethnicity / category lookups a row is checked
 * against. Pure: the service loads the reference tables and passes them as plain data.
 */
import { cleanText, matchKey } from "../../lib/vietnamese";

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
  /** Other names of units (unit_aliases, and the preview's choices for this file): name → unit code. */
  unitAliases?: { alias: string; unitCode: string }[];
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
  const byCode = new Map(refs.units.map((u) => [u.code, u]));
  const aliases = new Map<string, RefData["units"][number]>();
  for (const a of refs.unitAliases ?? []) {
    const u = byCode.get(a.unitCode);
    if (u) aliases.set(fastMatchKey(a.alias), u); // later entries (this file's choices) win
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
      const u = full.get(k) ?? short.get(k.replace(UNIT_PREFIX, "")) ?? codes.get(cleanText(s).toLowerCase()) ?? aliases.get(k);
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
