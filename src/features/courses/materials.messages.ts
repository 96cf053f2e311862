/** Visible text of course materials and walk-in participants (part of `t`, see src/lib/messages.ts). */
export const materialsMessages = {
  title: "Tài liệu",
};
