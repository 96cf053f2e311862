/** What other features use of courses: loading a course for a viewer or a manager, the manage rule, the reject form. */
export { canManageCourse } from "./courses.policy";
export { rejectSchema } from "./courses.schema";
export { getCourse, getManagedCourse, getVisibleCourse, type CourseDetail } from "./courses.service";
