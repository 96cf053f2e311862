/** Visible text of attendance (part of `t` as t.attendance, see src/lib/messages.ts). */
export const attendanceMessages = {
  title: "Điểm danh",
};
