/**
 * Roster import, who is who: checked rows matched to people already known, duplicates inside the file,
 * and the preview's counts and sample. Pure: the service loads the people and passes them as plain data.
 */
import { importMessages as m } from "./import.messages";
import { fastMatchKey } from "./import.lookups";
import type { CheckedRow } from "./import.rows";

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
