/** What other features use of enrollment: who is in the class, and one person's enrollment. */
export { classPeople, inClass } from "./class-members";
export { myEnrollment } from "./enrollment.service";
