/**
 * Roster import, what the checks need from the database: reference lookups (with unit aliases), the
 * trainees a row could be, the course's members, and which people the viewer may see.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { courseTrainers, enrollments, ethnicities, participantCategories, unitAliases, units, users } from "../../db/schema";
import type { Role } from "../../db/schema";
import { todayIso } from "../../lib/time";
import { buildLookups, fastMatchKey, type Lookups } from "./import.lookups";
import { indexPeople, type PeopleIndex } from "./import.match";
import type { CheckedRow } from "./import.rows";

const personColumns = {
  id: users.id, fullName: users.fullName, cccd: users.cccd, phone: users.phone, dateOfBirth: users.dateOfBirth, birthYear: users.birthYear,
  gender: users.gender, unitCode: users.unitCode,
};

/** Units (with remembered aliases, then this file's choices: name → unit code), ethnic groups and categories as lookups. */
export async function loadLookups(db: Db, fileUnits: { alias: string; unitCode: string }[] = []): Promise<Lookups> {
  // One after the other: `db` may be a transaction, whose one connection runs one query at a time.
  const unitRows = await db.select({ code: units.code, name: units.name, validFrom: units.validFrom, validTo: units.validTo }).from(units);
  const aliasRows = await db.select({ alias: unitAliases.alias, unitCode: unitAliases.unitCode }).from(unitAliases);
  const ethRows = await db.select({ code: ethnicities.code, name: ethnicities.name }).from(ethnicities);
  const catRows = await db.select({ id: participantCategories.id, name: participantCategories.name, active: participantCategories.active }).from(participantCategories);
  return buildLookups({ units: unitRows, unitAliases: [...aliasRows, ...fileUnits], ethnicities: ethRows, categories: catRows, today: todayIso() });
}

/**
 * Remembers the unit names mapped in a preview as aliases for later imports (the newest choice wins).
 * People imported earlier with that name left unmapped are NOT fixed here: they keep unit_code null and
 * their unit_as_imported, and stay in the data checks until an admin sets their unit in the user form.
 */
export async function saveUnitAliases(db: Db, mapped: { alias: string; unitCode: string }[]): Promise<void> {
  if (!mapped.length) return;
  const known = new Set((await db.select({ code: units.code }).from(units).where(inArray(units.code, mapped.map((a) => a.unitCode)))).map((u) => u.code));
  for (const a of mapped) {
    if (!known.has(a.unitCode)) continue;
    const aliasKey = fastMatchKey(a.alias);
    if (!aliasKey) continue;
    await db.insert(unitAliases).values({ aliasKey, alias: a.alias, unitCode: a.unitCode }).onConflictDoUpdate({ target: unitAliases.aliasKey, set: { unitCode: a.unitCode, alias: a.alias } });
  }
}

/**
 * The active trainees who could be one of these rows (same CCCD, phone or birth year) and the course's
 * members, in two queries whatever the number of rows. Staff accounts are never candidates.
 */
export async function loadPeople(db: Db, rows: CheckedRow[], courseId: number): Promise<PeopleIndex> {
  const list = (f: (r: CheckedRow) => string | number | null) => JSON.stringify([...new Set(rows.map(f).filter(Boolean))].map(String));
  const years = list((r) => r.person.birthYear ?? r.person.dateOfBirth?.slice(0, 4) ?? null);
  const people = await db.select(personColumns).from(users)
    .where(sql`${users.role} = 'trainee' and ${users.active} and (${users.cccd} in (select json_array_elements_text(${list((r) => r.person.cccd)}::json))
        or ${users.phone} in (select json_array_elements_text(${list((r) => r.person.phone)}::json))
        or extract(year from ${users.dateOfBirth})::int in (select json_array_elements_text(${years}::json)::int)
        or ${users.birthYear} in (select json_array_elements_text(${years}::json)::int))`)
    .orderBy(asc(users.id));
  const members = await db.select(personColumns).from(users).innerJoin(enrollments, eq(enrollments.userId, users.id))
    .where(and(eq(enrollments.courseId, courseId), inArray(enrollments.status, ["enrolled", "waitlisted"]), eq(users.role, "trainee")))
    .orderBy(asc(users.id));
  return indexPeople(people, members);
}

/**
 * Who the viewer may see among `ids`: an admin everyone; a trainer only people already in one of the
 * courses they teach (a CCCD or phone typed in a roster must not reveal who owns it).
 */
export async function visibleTo(db: Db, viewer: { id: number; role: Role }, ids: number[]): Promise<(id: number) => boolean> {
  if (viewer.role === "admin") return () => true;
  if (!ids.length) return () => false;
  const rows = await db.selectDistinct({ id: enrollments.userId }).from(enrollments)
    .innerJoin(courseTrainers, eq(courseTrainers.courseId, enrollments.courseId))
    .where(and(eq(courseTrainers.userId, viewer.id), sql`${enrollments.userId} in (select json_array_elements_text(${JSON.stringify(ids.map(String))}::json)::int)`));
  const seen = new Set(rows.map((r) => r.id));
  return (id) => seen.has(id);
}

/** Every person id a row could be matched to or conflict with (for visibleTo). */
export function candidateIds(index: PeopleIndex): number[] {
  const ids = new Set<number>();
  for (const p of index.byCccd.values()) ids.add(p.id);
  for (const map of [index.byPhone, index.byYear, index.inCourse]) for (const list of map.values()) for (const p of list) ids.add(p.id);
  return [...ids];
}
