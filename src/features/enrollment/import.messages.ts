/** Visible text of the roster import (part of `t`, see src/lib/messages.ts). */
export const importMessages = {
  title: "Nhập danh sách học viên",
};
