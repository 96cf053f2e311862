/** The order every list of people is printed and shown in (rosters, roll-call, results, certificates). */
import { compareRosterNames, type RosterName } from "./vietnamese";

/** A person as roster order needs them: name parts, then birth date and id to break ties. */
export interface RosterKey extends RosterName {
  dateOfBirth?: string | null;
  id?: number;
}

/**
 * Roster order (DOMAIN.md): tên, then tên đệm, then họ with Vietnamese collation; namesakes by birth
 * date, then id, so every list of the same people comes out in the same order.
 */
export function rosterOrder(a: RosterKey, b: RosterKey): number {
  return compareRosterNames(a, b) || (a.dateOfBirth ?? "").localeCompare(b.dateOfBirth ?? "") || (a.id ?? 0) - (b.id ?? 0);
}
