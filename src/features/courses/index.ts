/** What other features use of courses: loading a course, the rules on courses, the reject form. */
export { canManageCourse, courseOf, enrollmentOf, manageCourse, visibleCourse } from "./courses.policy";
export { rejectSchema } from "./courses.schema";
export { getCourse, type CourseDetail } from "./courses.service";
