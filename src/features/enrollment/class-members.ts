/**
 * Who is in a course's class: everyone holding a seat (enrollment status "enrolled"), whatever their
 * role. The one definition the class counts use (quiz results, completion, rosters), so "2 / 30 học
 * viên đạt" on the quiz results and "2/30" on the completion page count the same people. Waitlisted,
 * pending, rejected or withdrawn people are not in the class, even with a finished quiz attempt.
 */
import { and, eq, type SQL } from "drizzle-orm";
import { enrollments } from "../../db/schema";

/** The WHERE condition on `enrollments` selecting the members of a course's class. */
export function inClass(courseId: number): SQL {
  return and(eq(enrollments.courseId, courseId), eq(enrollments.status, "enrolled"))!;
}
