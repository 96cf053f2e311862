/**
 * Roster import, who is who: checked rows matched to people already known, duplicates inside the file,
 * conflicts the user resolves, and the preview's counts and sample. Pure: the service loads the people
 * and passes them as plain data.
 */
import { importMessages as m } from "./import.messages";
import { fastMatchKey } from "./import.lookups";
import type { CheckedRow } from "./import.rows";

/** The identifying details of a person (a trainee in the database, or an earlier row of the file). */
export interface KnownPerson {
  id: number;
  fullName: string;
  cccd: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  birthYear: number | null;
  gender: string | null;
  unitCode: string | null;
}
/** "course": same name and unit as someone already in the course (a roster imported again). */
export type MatchVia = "cccd" | "phone" | "nameDob" | "course";
export type Contradiction = "name" | "gender" | "cccd" | "birth";

export interface PeopleIndex {
  byCccd: Map<string, KnownPerson>;
  byPhone: Map<string, KnownPerson[]>;
  /** By birth year: a name key is computed only for people born the same year as a row. */
  byYear: Map<string, KnownPerson[]>;
  /** People already in the course, by name key and unit. */
  inCourse: Map<string, KnownPerson[]>;
}

const nameKeys = new WeakMap<KnownPerson, string>();
function nameKeyOf(p: Pick<KnownPerson, "fullName">): string {
  let k = nameKeys.get(p as KnownPerson);
  if (k === undefined) {
    k = fastMatchKey(p.fullName);
    nameKeys.set(p as KnownPerson, k);
  }
  return k;
}

const yearOf = (p: Pick<KnownPerson, "dateOfBirth" | "birthYear">) => (p.dateOfBirth ? p.dateOfBirth.slice(0, 4) : p.birthYear ? String(p.birthYear) : null);
const push = <T>(map: Map<string, T[]>, key: string, v: T) => {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
};

export function emptyIndex(): PeopleIndex {
  return { byCccd: new Map(), byPhone: new Map(), byYear: new Map(), inCourse: new Map() };
}

/** Adds a person to an index (the first one keeps a CCCD when several share it). */
export function addToIndex(index: PeopleIndex, p: KnownPerson): void {
  if (p.cccd && !index.byCccd.has(p.cccd)) index.byCccd.set(p.cccd, p);
  if (p.phone) push(index.byPhone, p.phone, p);
  const year = yearOf(p);
  if (year && p.fullName) push(index.byYear, year, p);
}

/** `people`: trainees who share a key with a row; `members`: the people already in the course. */
export function indexPeople(people: KnownPerson[], members: KnownPerson[] = []): PeopleIndex {
  const index = emptyIndex();
  for (const p of people) addToIndex(index, p);
  for (const p of members) push(index.inCourse, `${nameKeyOf(p)}|${p.unitCode ?? ""}`, p);
  return index;
}

type Candidate = Omit<KnownPerson, "id">;

// The people born in a year, grouped by name key on first use and kept up to date as the list grows
// (the file's own rows are added while it is read): a 10,000-row file meets each year many times.
const groups = new WeakMap<KnownPerson[], { seen: number; byKey: Map<string, KnownPerson[]> }>();
function byName(list: KnownPerson[] | undefined): Map<string, KnownPerson[]> {
  if (!list) return new Map();
  let g = groups.get(list);
  if (!g) groups.set(list, (g = { seen: 0, byKey: new Map() }));
  for (; g.seen < list.length; g.seen++) push(g.byKey, nameKeyOf(list[g.seen]), list[g.seen]);
  return g.byKey;
}

/** Where the row and a known person disagree (each field compared only when both give it). */
export function contradictions(p: Candidate, c: KnownPerson, key: string): Contradiction[] {
  const out: Contradiction[] = [];
  if (key && nameKeyOf(c) !== key) out.push("name");
  if (p.gender && c.gender && p.gender !== c.gender) out.push("gender");
  if (p.cccd && c.cccd && p.cccd !== c.cccd) out.push("cccd");
  const full = p.dateOfBirth && c.dateOfBirth;
  if (full ? p.dateOfBirth !== c.dateOfBirth : yearOf(p) && yearOf(c) && yearOf(p) !== yearOf(c)) out.push("birth");
  return out;
}

export interface Found {
  person: KnownPerson;
  via: MatchVia;
  /** Empty: the same person. Otherwise a conflict: never merged unless the user says so. */
  conflicts: Contradiction[];
}

/**
 * The known person this one is. Only agreeing identifiers match: an equal CCCD (birth not contradicting),
 * else a phone or name + birth whose other fields agree, else the same name and unit as someone already
 * in the course. A phone or name + birth hit whose fields contradict comes back as a conflict (when no
 * other key matches). `nameKey` is fastMatchKey(p.fullName) when the caller has it.
 */
export function findPerson(index: PeopleIndex, p: Candidate, nameKey?: string): Found | null {
  const key = nameKey ?? fastMatchKey(p.fullName);
  if (p.cccd) {
    const hit = index.byCccd.get(p.cccd);
    if (hit) return { person: hit, via: "cccd", conflicts: contradictions(p, hit, "").filter((c) => c === "birth") };
  }
  let conflict: Found | null = null;
  const tryList = (list: KnownPerson[] | undefined, via: MatchVia): Found | null => {
    for (const c of list ?? []) {
      const conflicts = contradictions(p, c, key);
      if (!conflicts.length) return { person: c, via, conflicts };
      conflict ??= { person: c, via, conflicts };
    }
    return null;
  };
  const year = yearOf(p);
  const sameName = year ? byName(index.byYear.get(year)).get(key) : undefined;
  const hit = (p.phone ? tryList(index.byPhone.get(p.phone), "phone") : null) ?? (p.fullName ? tryList(sameName, "nameDob") : null);
  if (hit) return hit;
  const member = index.inCourse.get(`${key}|${p.unitCode ?? ""}`)?.find((c) => !contradictions(p, c, key).length);
  if (member) return { person: member, via: "course", conflicts: [] };
  return conflict;
}

/** The user's choice for a conflict row: this existing person (by id), or a new person. */
export type Resolution = number | "new";

export interface MatchOptions {
  /** line → choice, from the preview form (an id is only taken when it is the row's conflict). */
  resolutions?: Map<number, Resolution>;
  /** May the viewer see who this person is (admins: everyone; trainers: people in their courses)? */
  visible?: (id: number) => boolean;
}

export interface PreviewRow extends CheckedRow {
  /** The existing person this row is, or null when a new one will be created. fullName null: hidden from the viewer. */
  match: { id: number; fullName: string | null; via: MatchVia } | null;
  /** A phone or name + birth hit that disagrees: skipped until resolved. */
  conflict: { id: number; fullName: string | null; via: MatchVia; reasons: Contradiction[]; resolution: Resolution | null } | null;
  /** The matched person is already enrolled or waitlisted in the course. */
  already: boolean;
}

/** A conflict row the user has not resolved: imports nothing. */
export const unresolved = (r: PreviewRow) => !r.errors.length && !!r.conflict && r.conflict.resolution === null;
/** Rows a confirmation places: valid, resolved, not already in the course. */
export const toPlace = (r: PreviewRow) => !r.errors.length && !unresolved(r) && !r.already;

/**
 * Flags duplicates inside the file (the same person twice, by the same keys as above, or an identical
 * row) and matches every valid row to an existing person. `inCourse` holds ids already enrolled or
 * waitlisted. Only rows without errors are compared and matched.
 */
export function resolveRows(rows: CheckedRow[], existing: PeopleIndex, inCourse: Set<number>, opts: MatchOptions = {}): PreviewRow[] {
  const visible = opts.visible ?? (() => true);
  const seen = emptyIndex();
  const seenExact = new Map<string, number>();
  const claimed = new Map<number, number>(); // existing user id → line that took it
  const none = { match: null, conflict: null, already: false };
  return rows.map((row) => {
    if (row.errors.length) return { ...row, ...none };
    const p = row.person;
    const exact = JSON.stringify(p);
    const key = fastMatchKey(p.fullName);
    const dup = findPerson(seen, p, key);
    if (dup && !dup.conflicts.length) return { ...row, ...none, errors: [m.err.duplicate(dup.person.id, m.matchedBy[dup.via])] };
    if (seenExact.has(exact)) return { ...row, ...none, errors: [m.err.duplicate(seenExact.get(exact)!, m.matchedBy.exact)] };
    let hit = findPerson(existing, p, key);
    let conflict: PreviewRow["conflict"] = null;
    if (hit?.conflicts.length) {
      const shown = visible(hit.person.id);
      const choice = opts.resolutions?.get(row.line);
      const resolution = choice === "new" || (choice === hit.person.id && shown) ? choice : null;
      conflict = { id: hit.person.id, fullName: shown ? hit.person.fullName : null, via: hit.via, reasons: hit.conflicts, resolution };
      if (resolution !== hit.person.id) hit = null;
    }
    if (hit && claimed.has(hit.person.id)) return { ...row, ...none, errors: [m.err.samePerson(claimed.get(hit.person.id)!)] };
    const self: KnownPerson = { id: row.line, fullName: p.fullName, cccd: p.cccd, phone: p.phone, dateOfBirth: p.dateOfBirth, birthYear: p.birthYear, gender: p.gender, unitCode: p.unitCode };
    nameKeys.set(self, key);
    addToIndex(seen, self);
    seenExact.set(exact, row.line);
    if (!hit) return { ...row, ...none, conflict };
    claimed.set(hit.person.id, row.line);
    const match = { id: hit.person.id, fullName: visible(hit.person.id) ? hit.person.fullName : null, via: hit.via };
    return { ...row, match, conflict, already: inCourse.has(hit.person.id) };
  });
}

export interface PreviewCounts {
  rows: number;
  valid: number;
  invalid: number;
  existing: number;
  created: number;
  already: number;
  /** Conflicts not resolved yet (skipped by a confirmation). */
  conflicts: number;
  /** Valid rows with a warning. */
  warnings: number;
  /** Valid, resolved rows whose person is not yet in the course: what a confirmation adds. */
  toAdd: number;
}

export function countRows(rows: PreviewRow[]): PreviewCounts {
  const valid = rows.filter((r) => !r.errors.length);
  const placed = valid.filter((r) => !unresolved(r));
  return {
    rows: rows.length,
    valid: valid.length,
    invalid: rows.length - valid.length,
    existing: placed.filter((r) => r.match).length,
    created: placed.filter((r) => !r.match).length,
    already: valid.filter((r) => r.already).length,
    conflicts: valid.length - placed.length,
    warnings: valid.filter((r) => r.warnings.length).length,
    toAdd: rows.filter(toPlace).length,
  };
}

/** Rows with something to look at (an error, a conflict, a warning) first, each group in file order. */
const problemRank = (r: PreviewRow) => (r.errors.length ? 0 : r.conflict ? 1 : r.warnings.length ? 2 : 3);

/**
 * The rows a preview page shows, problems first: all of them up to `limit`; beyond it every row with an
 * error, conflict or warning and the first other rows (a 5,000-row roster stays a readable page).
 */
export function previewSample(rows: PreviewRow[], limit: number): PreviewRow[] {
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => problemRank(a.r) - problemRank(b.r) || a.i - b.i).map((x) => x.r);
  if (rows.length <= limit) return sorted;
  const problems = rows.filter((r) => problemRank(r) < 3).length;
  let okLeft = Math.max(0, limit - problems);
  return sorted.filter((r) => problemRank(r) < 3 || okLeft-- > 0);
}
