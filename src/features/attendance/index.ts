/** What other features use of attendance: rates per person (completion), the course page's part, the check-in window. */
export { attendanceRate, type AttendanceRate } from "./attendance-rate";
export { attendanceForCoursePage } from "./attendance.service";
export { attendanceByUser } from "./attendance.summary";
export { checkinOpen } from "./checkin-token";
