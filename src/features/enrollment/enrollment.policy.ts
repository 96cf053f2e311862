/** Who may enroll: one-line rules (staff's participant pages follow courses.policy.ts's manageCourse). */
import { roleRule, rule } from "../../lib/policy";
import { visibleCourse } from "../courses";

/** Enrolling in a course, and cancelling one's own enrollment: trainees, in courses they may see (404 for the others). */
export const enrollSelf = rule("enrollment.self", "trainees who may see the course", async ({ db, user, req }) => user.role === "trainee" && !!(await visibleCourse(db, req, user)));

/** The roster import template: staff (admins and trainers), who import rosters into the courses they manage. */
export const downloadRosterTemplate = roleRule("enrollment.template", "admin", "trainer");
