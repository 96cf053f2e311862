/** Data-quality rules shown before a report is exported. Pure: the SQL lives in quality.service.ts. */
import { matchKey } from "../../lib/vietnamese";
import type { CertFact, Facts, PersonFact } from "./report-facts";

/** Person fields a report breaks figures down by (plus CCCD, the key of the national database export). */
export const REQUIRED_FIELDS = ["categoryId", "unitCode", "gender", "dateOfBirth", "ethnicityCode", "cccd"] as const;
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

/** The people a report counts: attended something in the period, or got a certificate counted in it. */
export function reportParticipants(f: Facts): PersonFact[] {
  const out = new Map<number, PersonFact>();
  for (const p of f.pairs) if (p.attendedInPeriod > 0) out.set(p.person.id, p.person);
  for (const c of f.certified) out.set(c.person.id, c.person);
  return [...out.values()];
}

/** Participants with empty required fields, and which ones. */
export function missingFields(people: PersonFact[]): { person: PersonFact; missing: RequiredField[] }[] {
  return people
    .map((person) => ({ person, missing: REQUIRED_FIELDS.filter((k) => person[k] === null || person[k] === "") }))
    .filter((r) => r.missing.length > 0);
}

/** Certificates counted in the report whose course's completion rule is not met (now). */
export const unearnedCertificates = (f: Facts): CertFact[] => f.certified.filter((c) => !c.completion.eligible);

export interface DuplicateCandidate {
  id: number;
  fullName: string;
  dateOfBirth: string | null;
  cccd: string | null;
}

export interface DuplicateGroup {
  reason: "cccd" | "name";
  people: DuplicateCandidate[];
}

/**
 * Probable duplicates: people with the same CCCD, or the same name (matchKey: case, NFC/NFD, spacing and
 * tone placement ignored) and date of birth. Only groups with someone from `relevant` are returned.
 */
export function duplicateGroups(candidates: DuplicateCandidate[], relevant: Set<number>): DuplicateGroup[] {
  const groups: DuplicateGroup[] = [];
  const collect = (reason: DuplicateGroup["reason"], keyOf: (c: DuplicateCandidate) => string | null) => {
    const byKey = new Map<string, DuplicateCandidate[]>();
    for (const c of candidates) {
      const key = keyOf(c);
      if (key) byKey.set(key, [...(byKey.get(key) ?? []), c]);
    }
    for (const people of byKey.values()) {
      if (people.length > 1 && people.some((p) => relevant.has(p.id))) groups.push({ reason, people: [...people].sort((a, b) => a.id - b.id) });
    }
  };
  collect("cccd", (c) => c.cccd);
  collect("name", (c) => (c.dateOfBirth ? `${matchKey(c.fullName)}|${c.dateOfBirth}` : null));
  return groups;
}
