/** Visible text of reports and the dashboard (part of `t` as t.reports, see src/lib/messages.ts). */
export const reportsMessages = {
  title: "Báo cáo",
  dashboard: "Tổng quan",
};
