/**
 * Who is in a course's class: everyone holding a seat (enrollment status "enrolled"), whatever their
 * role. The one definition the class counts use (quiz results, completion, rosters), so "2 / 30 học
 * viên đạt" on the quiz results and "2/30" on the completion page count the same people. Waitlisted,
 * pending, rejected or withdrawn people are not in the class, even with a finished quiz attempt.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { SelectedFields } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { enrollments, ethnicities, participantCategories, units, users } from "../../db/schema";
import { rosterOrder } from "../../lib/roster-order";

/** The WHERE condition on `enrollments` selecting the members of a course's class. */
export function inClass(courseId: number): SQL {
  return and(eq(enrollments.courseId, courseId), eq(enrollments.status, "enrolled"))!;
}

/** The person columns lists and documents show: name parts, birth, gender, position, unit, ethnic group, category. */
const personColumns = {
  userId: users.id, ho: users.ho, tenDem: users.tenDem, ten: users.ten, fullName: users.fullName, dateOfBirth: users.dateOfBirth, birthYear: users.birthYear, gender: users.gender,
  position: users.position, unitName: units.name, ethnicityName: ethnicities.name, categoryName: participantCategories.name,
};

/**
 * Enrollments of any status with their person's columns and `extra` ones (of enrollments or users): the one
 * query behind every list of participants. The caller adds its WHERE (and ORDER BY).
 */
export function participantsQuery<T extends SelectedFields>(db: Db, extra: T) {
  return db
    .select({ ...personColumns, ...extra })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(units, eq(units.code, users.unitCode))
    .leftJoin(ethnicities, eq(ethnicities.code, users.ethnicityCode))
    .leftJoin(participantCategories, eq(participantCategories.id, users.categoryId));
}

/**
 * The members of a course's class with their person columns, in roster order: roll-call and sign-in
 * sheets, quiz results, completion pages and rosters all list the same people the same way.
 */
export async function classPeople(db: Db, courseId: number) {
  const rows = await participantsQuery(db, {}).where(inClass(courseId));
  return rows.sort((a, b) => rosterOrder({ ...a, id: a.userId }, { ...b, id: b.userId }));
}
